package version

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// These tests build repositories with the real git binary, to check the reader against what git
// actually writes rather than against our idea of it.

// gitEnv isolates git from the user's and the system's configuration and from any GIT_*
// variables (set, for example, when tests run from a git hook).
func gitEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GIT_") {
			env = append(env, kv)
		}
	}
	return append(env,
		"GIT_CONFIG_NOSYSTEM=1",
		"GIT_CONFIG_GLOBAL="+os.DevNull,
		"GIT_AUTHOR_NAME=Test", "GIT_AUTHOR_EMAIL=test@example.com",
		"GIT_COMMITTER_NAME=Test", "GIT_COMMITTER_EMAIL=test@example.com",
	)
}

func skipWithoutGit(tb testing.TB) {
	tb.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		tb.Skipf("git binary not found, skipping tests against real repositories: %v", err)
	}
}

// runGit runs git in dir and returns its trimmed output.
func runGit(dir string, args ...string) (string, error) {
	cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
	cmd.Env = gitEnv()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", &gitRunError{args: args, err: err, stderr: stderr.String()}
	}
	return strings.TrimSpace(string(out)), nil
}

type gitRunError struct {
	args   []string
	err    error
	stderr string
}

func (e *gitRunError) Error() string {
	return "git " + strings.Join(e.args, " ") + ": " + e.err.Error() + ": " + strings.TrimSpace(e.stderr)
}

func mustGit(tb testing.TB, dir string, args ...string) string {
	tb.Helper()
	out, err := runGit(dir, args...)
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// mustInit makes a repository whose branch is main whatever git's default, with extra init flags.
func mustInit(tb testing.TB, dir string, flags ...string) {
	tb.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.Fatal(err)
	}
	mustGit(tb, dir, append([]string{"init", "-q"}, flags...)...)
	mustGit(tb, dir, "symbolic-ref", "HEAD", "refs/heads/main")
}

// wantRevParse checks FromGit on each path against git rev-parse HEAD run in workTree.
func wantRevParse(tb testing.TB, workTree string, paths ...string) {
	tb.Helper()
	want := mustGit(tb, workTree, "rev-parse", "HEAD")
	for _, p := range paths {
		got, err := FromGit(p)
		if err != nil {
			tb.Errorf("FromGit(%q) error = %v, want %s", p, err, want)
			continue
		}
		if got != want {
			tb.Errorf("FromGit(%q) = %s, git rev-parse HEAD = %s", p, got, want)
		}
	}
}

func TestFromGitMatchesGitRevParse(t *testing.T) {
	skipWithoutGit(t)
	root := t.TempDir()
	mainTree := filepath.Join(root, "main")
	mainGit := filepath.Join(mainTree, ".git")
	mustInit(t, mainTree)
	mustGit(t, mainTree, "commit", "-q", "--allow-empty", "-m", "one")

	// The steps share one repository and run in order, each changing it the way a deployment might.
	t.Run("loose ref", func(t *testing.T) {
		if _, err := os.Stat(filepath.Join(mainGit, "refs", "heads", "main")); err != nil {
			t.Fatalf("expected a loose ref: %v", err)
		}
		wantRevParse(t, mainTree, mainTree, mainGit)
	})
	t.Run("packed ref with peeled tag lines", func(t *testing.T) {
		mustGit(t, mainTree, "tag", "-a", "v1", "-m", "v1")
		mustGit(t, mainTree, "pack-refs", "--all")
		if _, err := os.Stat(filepath.Join(mainGit, "refs", "heads", "main")); !os.IsNotExist(err) {
			t.Fatalf("expected pack-refs to remove the loose ref, stat error = %v", err)
		}
		packed, err := os.ReadFile(filepath.Join(mainGit, "packed-refs"))
		if err != nil || !bytes.Contains(packed, []byte("\n^")) {
			t.Fatalf("expected packed-refs with a peeled line, got %q, %v", packed, err)
		}
		wantRevParse(t, mainTree, mainTree, mainGit)
	})
	t.Run("loose ref overrides stale packed ref", func(t *testing.T) {
		mustGit(t, mainTree, "commit", "-q", "--allow-empty", "-m", "two")
		stale := mustGit(t, mainTree, "rev-parse", "HEAD~1") + " refs/heads/main\n"
		if packed, err := os.ReadFile(filepath.Join(mainGit, "packed-refs")); err != nil || !bytes.Contains(packed, []byte(stale)) {
			t.Fatalf("expected packed-refs to keep the stale %q, got %q, %v", stale, packed, err)
		}
		wantRevParse(t, mainTree, mainTree, mainGit)
	})
	t.Run("detached HEAD", func(t *testing.T) {
		mustGit(t, mainTree, "checkout", "-q", "--detach", "HEAD~1")
		wantRevParse(t, mainTree, mainTree, mainGit)
		mustGit(t, mainTree, "checkout", "-q", "main")
	})
	wt := filepath.Join(root, "wt")
	t.Run("linked worktree on its own branch", func(t *testing.T) {
		mustGit(t, mainTree, "worktree", "add", "-q", "-b", "feature", wt, "main")
		mustGit(t, wt, "commit", "-q", "--allow-empty", "-m", "three")
		wantRevParse(t, wt, wt, filepath.Join(wt, ".git"))
		wantRevParse(t, mainTree, mainTree)
	})
	t.Run("linked worktree with its branch packed in the common dir", func(t *testing.T) {
		mustGit(t, mainTree, "pack-refs", "--all")
		wantRevParse(t, wt, wt)
		wantRevParse(t, mainTree, mainTree)
	})
	t.Run("detached linked worktree", func(t *testing.T) {
		wt2 := filepath.Join(root, "wt2")
		mustGit(t, mainTree, "worktree", "add", "-q", "--detach", wt2, "v1")
		wantRevParse(t, wt2, wt2)
	})
	t.Run("bare clone", func(t *testing.T) {
		bare := filepath.Join(root, "bare.git")
		mustGit(t, root, "clone", "-q", "--bare", mainTree, bare)
		wantRevParse(t, bare, bare)
	})
}

func TestFromGitRealUnbornBranch(t *testing.T) {
	skipWithoutGit(t)
	dir := t.TempDir()
	mustInit(t, dir)
	_, err := FromGit(dir)
	want := `dashboard: GIT "` + dir + `": HEAD names refs/heads/main, which is neither a loose ref nor in packed-refs (unborn branch?)`
	if err == nil || err.Error() != want {
		t.Fatalf("FromGit() error = %v\nwant %s", err, want)
	}
}

func TestFromGitRealSHA256(t *testing.T) {
	skipWithoutGit(t)
	dir := t.TempDir()
	if _, err := runGit(dir, "init", "-q", "--object-format=sha256"); err != nil {
		t.Skipf("this git cannot make SHA-256 repositories: %s", firstLine(err))
	}
	mustGit(t, dir, "commit", "-q", "--allow-empty", "-m", "one")
	wantRevParse(t, dir, dir)
	if got, _ := FromGit(dir); len(got) != 64 {
		t.Errorf("FromGit() = %q, want 64 hex digits", got)
	}
	mustGit(t, dir, "pack-refs", "--all")
	wantRevParse(t, dir, dir)
}

func TestFromGitRealSubmodule(t *testing.T) {
	skipWithoutGit(t)
	root := t.TempDir()
	sub, super := filepath.Join(root, "sub"), filepath.Join(root, "super")
	mustInit(t, sub)
	mustGit(t, sub, "commit", "-q", "--allow-empty", "-m", "sub")
	mustInit(t, super)
	mustGit(t, super, "commit", "-q", "--allow-empty", "-m", "super")
	mustGit(t, super, "-c", "protocol.file.allow=always", "submodule", "add", "-q", sub, "mod")
	mod := filepath.Join(super, "mod")
	if fi, err := os.Stat(filepath.Join(mod, ".git")); err != nil || !fi.Mode().IsRegular() {
		t.Fatalf("expected the submodule to have a .git file: %v", err)
	}
	wantRevParse(t, mod, mod)
	wantRevParse(t, super, super)
}

func TestFromGitRealReftable(t *testing.T) {
	skipWithoutGit(t)
	dir := t.TempDir()
	if _, err := runGit(dir, "init", "-q", "--ref-format=reftable"); err != nil {
		t.Skipf("this git cannot make reftable repositories: %s", firstLine(err))
	}
	mustGit(t, dir, "commit", "-q", "--allow-empty", "-m", "one")
	_, err := FromGit(dir)
	if err == nil || !strings.Contains(err.Error(), "reftable format") {
		t.Fatalf("FromGit() error = %v, want one about reftable", err)
	}
}

func firstLine(err error) string {
	line, _, _ := strings.Cut(err.Error(), "\n")
	return line
}
