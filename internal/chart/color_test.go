package chart

import (
	"fmt"
	"regexp"
	"testing"
)

// TestColorStable pins a few colors: a name must keep its color across
// releases, or every user's mental map of "v1.2 is green" breaks.
func TestColorStable(t *testing.T) {
	for name, want := range map[string]string{
		"":                "#b24133",
		"v1.0.0":          "#a28c00",
		"GET /books/{id}": "#637505",
		"alice":           "#b24133",
		"127.0.0.1":       "#d16e21",
	} {
		if got := Color(name); got != want {
			t.Errorf("Color(%q) = %s, want %s", name, got, want)
		}
		if Color(name) != Color(string([]byte(name))) {
			t.Errorf("Color(%q) differs between calls", name)
		}
	}
}

func TestColorIsHex(t *testing.T) {
	re := regexp.MustCompile(`^#[0-9a-f]{6}$`)
	for i := 0; i < 1000; i++ {
		if c := Color(fmt.Sprint(i)); !re.MatchString(c) {
			t.Fatalf("Color(%d) = %q", i, c)
		}
	}
}

// TestColorSpread: common names (versions, users, addresses, endpoints)
// use the whole palette, none of it much more than its share.
func TestColorSpread(t *testing.T) {
	var names []string
	for i := 0; i < 40; i++ {
		names = append(names,
			fmt.Sprintf("v1.%d.0", i),
			fmt.Sprintf("user%d", i),
			fmt.Sprintf("10.0.0.%d", i),
			fmt.Sprintf("GET /api/items/%d", i))
	}
	count := map[string]int{}
	for _, n := range names {
		count[Color(n)]++
	}
	if len(count) != paletteSize {
		t.Errorf("%d names use %d of %d colors", len(names), len(count), paletteSize)
	}
	share := len(names) / paletteSize
	for c, n := range count {
		if n > 2*share {
			t.Errorf("%s taken by %d names, more than twice its share %d", c, n, share)
		}
	}
}

func TestSeriesColors(t *testing.T) {
	t.Run("no two of up to 16 series share a color", func(t *testing.T) {
		for _, names := range [][]string{
			{"200", "304", "404", "500"}, // two pairs that collide in Color
			{"min", "average", "max"},
			func() []string {
				var s []string
				for i := 0; i < paletteSize; i++ {
					s = append(s, fmt.Sprintf("user%d", i))
				}
				return s
			}(),
		} {
			seen := map[string]string{}
			for i, c := range seriesColors(names, nil) {
				if other, ok := seen[c]; ok {
					t.Errorf("%s and %s both %s", other, names[i], c)
				}
				seen[c] = names[i]
			}
		}
	})
	t.Run("first name in order keeps its own color", func(t *testing.T) {
		if Color("200") != Color("500") {
			t.Skip("the example names no longer collide")
		}
		got := seriesColors([]string{"500", "200"}, nil)
		if got[1] != Color("200") || got[0] == Color("500") {
			t.Errorf("got %v: 200 should keep %s, 500 move away", got, Color("200"))
		}
	})
	t.Run("order of series does not matter", func(t *testing.T) {
		a := seriesColors([]string{"a", "b", "c", "d", "e"}, nil)
		b := seriesColors([]string{"e", "d", "c", "b", "a"}, nil)
		for i := range a {
			if a[i] != b[len(b)-1-i] {
				t.Errorf("name %d: %s vs %s", i, a[i], b[len(b)-1-i])
			}
		}
	})
	t.Run("given colors are kept, unsafe ones replaced", func(t *testing.T) {
		got := seriesColors([]string{"ok", "bad", "x"}, []string{"#16a34a", `red" onload="x`, ""})
		if got[0] != "#16a34a" {
			t.Errorf("given color replaced: %s", got[0])
		}
		if got[1] != Color("bad") {
			t.Errorf("unsafe color kept: %s", got[1])
		}
		if got[2] == "" {
			t.Error("no color for x")
		}
	})
	t.Run("same name same color", func(t *testing.T) {
		got := seriesColors([]string{"a", "a"}, nil)
		if got[0] != got[1] {
			t.Errorf("%v", got)
		}
	})
}
