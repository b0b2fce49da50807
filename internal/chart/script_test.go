package chart

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestScriptZoomsFlameGraph runs Script in headless Chromium on a flame
// graph, clicks a frame, and reads back the DOM: the frame fills the width,
// a sibling is hidden, the root stays as a dimmed caller.
func TestScriptZoomsFlameGraph(t *testing.T) {
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("chromium not installed (apt-get install -y chromium)")
	}
	var flame string
	for _, c := range goldenCases() {
		if c.name == "flame" {
			flame = string(c.svg())
		}
	}
	dir := t.TempDir()
	write := func(name, s string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("chart.js", Script)
	write("click.js", `var g = [].slice.call(document.querySelectorAll(".gmd-frame")).filter(function (g) {
  return g.querySelector("title").textContent.indexOf("main.getBook") === 0; })[0];
g.querySelector("rect").dispatchEvent(new MouseEvent("click", {bubbles: true}));`)
	write("page.html", "<!doctype html><meta charset=utf-8>"+
		`<meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'self'">`+
		"<body>"+flame+`<script src="chart.js"></script><script src="click.js"></script>`)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, chromium, "--headless", "--no-sandbox", "--disable-gpu",
		"--disable-background-networking", "--no-first-run", "--allow-file-access-from-files",
		"--dump-dom", "file://"+filepath.Join(dir, "page.html")).Output()
	if err != nil {
		t.Fatalf("chromium: %v", err)
	}
	dom := string(out)
	frame := func(name string) string {
		re := regexp.MustCompile(`<g class="([^"]*)"[^>]*><title>` + regexp.QuoteMeta(name) + `\n[^<]*</title><rect[^>]*>`)
		m := re.FindString(dom)
		if m == "" {
			t.Fatalf("frame %s not found in the DOM:\n%.2000s", name, dom)
		}
		return m
	}
	if f := frame("main.getBook"); !strings.Contains(f, `x="0.5"`) || !strings.Contains(f, `width="959"`) {
		t.Errorf("clicked frame does not fill the width: %s", f)
	}
	if f := frame("main.search"); !strings.Contains(f, "gmd-hidden") {
		t.Errorf("sibling of the clicked frame not hidden: %s", f)
	}
	if f := frame("root"); !strings.Contains(f, "gmd-ancestor") {
		t.Errorf("root not kept as a caller: %s", f)
	}
	if f := frame("modernc.org/sqlite.(*conn).query"); strings.Contains(f, "gmd-hidden") {
		t.Errorf("callee of the clicked frame hidden: %s", f)
	}
}
