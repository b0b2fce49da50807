//go:build unix

package version

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Special files in place of HEAD or packed-refs must give an error, not a hang (a FIFO blocks
// on open) or an endless read (a device).
func TestFromGitRefusesSpecialFiles(t *testing.T) {
	tests := []struct {
		name  string
		file  string // made special under .git
		setup func(path string) error
	}{
		{"FIFO as HEAD", "HEAD", func(p string) error { return syscall.Mkfifo(p, 0o644) }},
		{"device as HEAD", "HEAD", func(p string) error { return os.Symlink(os.DevNull, p) }},
		{"FIFO as packed-refs", "packed-refs", func(p string) error { return syscall.Mkfifo(p, 0o644) }},
		{"FIFO as loose ref", "refs/heads/main", func(p string) error { return syscall.Mkfifo(p, 0o644) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			mustWriteFiles(t, root, map[string]string{".git/refs/heads/": ""})
			if tt.file != "HEAD" {
				mustWriteFiles(t, root, map[string]string{".git/HEAD": "ref: refs/heads/main\n"})
			}
			if err := tt.setup(filepath.Join(root, ".git", filepath.FromSlash(tt.file))); err != nil {
				t.Skipf("cannot make a special file here: %v", err)
			}
			done := make(chan error, 1)
			go func() {
				_, err := FromGit(filepath.Join(root, ".git"))
				done <- err
			}()
			select {
			case err := <-done:
				if err == nil || !strings.Contains(err.Error(), tt.file+" is not a regular file") {
					t.Errorf("FromGit() error = %v, want %s is not a regular file", err, tt.file)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("FromGit() hangs on a special file")
			}
		})
	}
}
