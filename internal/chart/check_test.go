package chart

import (
	"encoding/xml"
	"errors"
	"fmt"
	"html/template"
	"io"
	"math"
	"strconv"
	"strings"
)

// numericAttrs are the attributes that hold coordinates or sizes.
var numericAttrs = map[string]bool{
	"x": true, "y": true, "width": true, "height": true, "cx": true, "cy": true, "r": true,
	"x1": true, "y1": true, "x2": true, "y2": true, "rx": true, "data-x": true, "data-w": true,
	"data-depth": true, "stroke-width": true, "fill-opacity": true, "font-size": true,
}

// marks are the elements that must carry a hover title as first child,
// by class.
var marks = map[string]bool{
	"gmd-cell": true, "gmd-bar": true, "gmd-point": true, "gmd-box": true,
	"gmd-bubble": true, "gmd-frame": true, "gmd-swatch": true,
}

// checkSVG parses out as XML and returns the first violation of what every
// chart promises: one <svg> root with viewBox, role="img" and a title; no
// script, event handler or style attribute; only finite numbers in
// coordinates and paths; a <title> first in every mark.
func checkSVG(out template.HTML) error {
	d := xml.NewDecoder(strings.NewReader(string(out)))
	d.Strict = true
	depth := 0
	var stack []string // class of each open element
	wantTitle := false // the element just opened is a mark
	roots := 0
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("not well-formed XML: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if wantTitle && t.Name.Local != "title" {
				return fmt.Errorf("mark %q has no <title> as its first child", stack[len(stack)-1])
			}
			wantTitle = false
			name := t.Name.Local
			if name == "script" || name == "foreignObject" || name == "style" || name == "a" || name == "use" || name == "image" {
				return fmt.Errorf("forbidden element <%s>", name)
			}
			if depth == 0 {
				roots++
				if name != "svg" {
					return fmt.Errorf("root is <%s>, want <svg>", name)
				}
				if err := checkRoot(t); err != nil {
					return err
				}
			}
			class := ""
			for _, a := range t.Attr {
				k := strings.ToLower(a.Name.Local)
				switch {
				case strings.HasPrefix(k, "on"):
					return fmt.Errorf("event handler attribute %s on <%s>", k, name)
				case k == "style":
					return fmt.Errorf("style attribute on <%s>", name)
				case k == "href":
					return fmt.Errorf("href attribute on <%s>", name)
				case k == "class":
					class = a.Value
				case numericAttrs[k]:
					v, err := strconv.ParseFloat(a.Value, 64)
					if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
						return fmt.Errorf("<%s %s=%q>: not a finite number", name, k, a.Value)
					}
					if (k == "width" || k == "height" || k == "r") && v < 0 {
						return fmt.Errorf("<%s %s=%q>: negative size", name, k, a.Value)
					}
				case k == "d" || k == "viewBox" || k == "transform":
					if err := checkNumbers(a.Value); err != nil {
						return fmt.Errorf("<%s %s>: %v", name, k, err)
					}
				}
			}
			for _, c := range strings.Fields(class) {
				if marks[c] {
					wantTitle = true
				}
			}
			stack = append(stack, class)
			depth++
		case xml.EndElement:
			if wantTitle {
				return fmt.Errorf("mark %q has no <title>", stack[len(stack)-1])
			}
			stack = stack[:len(stack)-1]
			depth--
		case xml.CharData:
			if wantTitle && strings.TrimSpace(string(t)) != "" {
				return fmt.Errorf("mark %q has text before its <title>", stack[len(stack)-1])
			}
		case xml.ProcInst, xml.Directive:
			return fmt.Errorf("unexpected %T", t)
		}
	}
	if roots != 1 {
		return fmt.Errorf("%d root elements, want 1", roots)
	}
	return nil
}

func checkRoot(t xml.StartElement) error {
	attrs := map[string]string{}
	for _, a := range t.Attr {
		attrs[a.Name.Local] = a.Value
	}
	if attrs["role"] != "img" {
		return fmt.Errorf(`root has role=%q, want "img"`, attrs["role"])
	}
	if attrs["viewBox"] == "" {
		return errors.New("root has no viewBox")
	}
	if attrs["aria-label"] == "" {
		return errors.New("root has no aria-label")
	}
	return nil
}

// checkNumbers finds non-finite numbers in a path, viewBox or transform.
func checkNumbers(s string) error {
	low := strings.ToLower(s)
	if strings.Contains(low, "nan") || strings.Contains(low, "inf") || strings.Contains(low, "e+") {
		return fmt.Errorf("non-finite or unbounded number in %.80q", s)
	}
	return nil
}
