package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestDocsNameEveryFlag fails when a flag of a gmd command is missing from
// the file that documents the command, or when that file documents a flag
// the command does not have.
func TestDocsNameEveryFlag(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		command string
		doc     string // relative to the repository's root
		usage   func(out *bytes.Buffer)
	}{
		{"demo", "README.md", func(out *bytes.Buffer) { demoCmd(ctx, []string{"-h"}, out) }},
		{"serve", "docs/serve.md", func(out *bytes.Buffer) {
			serveCmd(ctx, []string{"-h"}, serveEnv{stdout: out, stderr: out})
		}},
		{"upload", "docs/ci.md", func(out *bytes.Buffer) {
			upload(ctx, []string{"-h"}, uploadEnv{getenv: func(string) string { return "" }, stdout: out, stderr: out})
		}},
		{"report", "docs/ci.md", func(out *bytes.Buffer) {
			reportCmd(ctx, []string{"-h"}, uploadEnv{getenv: func(string) string { return "" }, stdout: out, stderr: out})
		}},
	}
	flagLine := regexp.MustCompile(`(?m)^\s+-([a-z][a-z0-9-]*)`)
	for _, c := range cases {
		t.Run(c.command, func(t *testing.T) {
			var out bytes.Buffer
			c.usage(&out)
			flags := map[string]bool{}
			for _, m := range flagLine.FindAllStringSubmatch(out.String(), -1) {
				flags[m[1]] = true
			}
			if len(flags) == 0 {
				t.Fatalf("gmd %s -h printed no flags:\n%s", c.command, out.String())
			}
			b, err := os.ReadFile(filepath.Join("..", "..", c.doc))
			if err != nil {
				t.Fatal(err)
			}
			doc := string(b)
			for f := range flags {
				if !regexp.MustCompile("`--?" + regexp.QuoteMeta(f) + "\\b").MatchString(doc) {
					t.Errorf("%s does not document gmd %s's flag -%s", c.doc, c.command, f)
				}
			}
			// The flag tables: a row names its commands, then the flag.
			row := regexp.MustCompile("(?m)^\\| (?:([a-z, ]+) \\| )?`--([a-z][a-z0-9-]*)")
			for _, m := range row.FindAllStringSubmatch(doc, -1) {
				if m[1] != "" && !strings.Contains(m[1], c.command) {
					continue
				}
				if !flags[m[2]] {
					t.Errorf("%s documents --%s for gmd %s, which has no such flag", c.doc, m[2], c.command)
				}
			}
		})
	}
}
