package version

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Object names used by the fixtures; distinct so a test shows which ref was followed.
const (
	hashA   = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	hashB   = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
	hashC   = "cccccccccccccccccccccccccccccccccccccccc"
	hash256 = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
)

// mustWriteFiles builds a fixture under root. Names are slash-separated; a name ending in "/"
// makes an empty directory. "$ROOT" in contents becomes root, for absolute paths.
func mustWriteFiles(tb testing.TB, root string, files map[string]string) {
	tb.Helper()
	for name, content := range files {
		path := filepath.Join(root, filepath.FromSlash(name))
		if strings.HasSuffix(name, "/") {
			if err := os.MkdirAll(path, 0o755); err != nil {
				tb.Fatal(err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			tb.Fatal(err)
		}
		content = strings.ReplaceAll(content, "$ROOT", root)
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
}
