package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/go-monitoring-dashboard/dashboard/internal/ciupload"
	"github.com/go-monitoring-dashboard/dashboard/internal/gotest"
	"github.com/go-monitoring-dashboard/dashboard/store"
	"github.com/go-monitoring-dashboard/dashboard/store/sqlite"
)

const testToken = "upload-test-token-0123456789"

// fixtureDir is the module whose go test output the tests upload.
func fixtureDir(tb testing.TB) string {
	tb.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "..", "internal", "gotest", "testdata", "fixture"))
	if err != nil {
		tb.Fatal(err)
	}
	return dir
}

// goTest runs go test in the fixture module with extra environment and
// returns its standard output; failing tests are expected.
func goTest(tb testing.TB, env []string, args ...string) []byte {
	tb.Helper()
	out, err := goTestOutput(fixtureDir(tb), env, args...)
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

func goTestOutput(dir string, env []string, args ...string) ([]byte, error) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(goBin, append([]string{"test"}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), "GOWORK=off", "GOFLAGS=-buildvcs=false"), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if _, failed := err.(*exec.ExitError); err != nil && (!failed || len(out) == 0) {
		return nil, fmt.Errorf("go test %v: %v\n%s", args, err, stderr.String())
	}
	return out, nil
}

var fixtureOnce struct {
	sync.Once
	out []byte
}

func fixtureJSON(tb testing.TB) []byte {
	fixtureOnce.Do(func() {
		fixtureOnce.out = goTest(tb, nil, "-json", "-count", "1", "-bench", ".", "-benchmem", "-benchtime", "100x", "./calc", "./failing")
	})
	return fixtureOnce.out
}

type uploadServer struct {
	*httptest.Server
	store store.Store
}

func newUploadServer(t *testing.T) *uploadServer {
	t.Helper()
	s, err := sqlite.Open(context.Background(), "sqlite:///:memory:")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	srv := httptest.NewServer(&ciupload.Handler{Store: s, Service: "svc", Token: testToken})
	t.Cleanup(srv.Close)
	return &uploadServer{srv, s}
}

func (u *uploadServer) runs(t *testing.T) []store.CIRun {
	t.Helper()
	runs, err := u.store.CIRuns(context.Background(), store.CIRunFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return runs
}

type result struct {
	err            error
	stdout, stderr string
}

func runUpload(t *testing.T, dir string, env map[string]string, stdin []byte, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := upload(context.Background(), args, uploadEnv{
		getenv: func(k string) string { return env[k] }, dir: dir,
		stdin: bytes.NewReader(stdin), stdout: &stdout, stderr: &stderr,
	})
	r := result{err, stdout.String(), stderr.String()}
	if strings.Contains(r.stdout+r.stderr, testToken) || (err != nil && strings.Contains(err.Error(), testToken)) {
		t.Errorf("the token was printed:\n%s\n%s\n%v", r.stdout, r.stderr, err)
	}
	return r
}

func TestUploadForms(t *testing.T) {
	out := fixtureJSON(t)
	parsed, err := gotest.Parse(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "out.json")
	if err := os.WriteFile(file, out, 0o644); err != nil {
		t.Fatal(err)
	}
	script := filepath.Join(t.TempDir(), "test.sh")
	if err := os.WriteFile(script, []byte("#!/bin/sh\ncat "+file+"\nexit 3\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	ci := map[string]string{"DASHBOARD_SECURITY_TOKEN": testToken, "GITHUB_SHA": "c0ffee", "GITHUB_REF_NAME": "feature"}
	cases := []struct {
		name       string
		args       []string
		stdin      []byte
		wantStatus int
		passedOn   bool // the command's output shows on stdout
	}{
		{name: "file", args: []string{"-version", "v1", file}},
		{name: "stdin", args: []string{"-version", "v1"}, stdin: out},
		{name: "stdin dash", args: []string{"--version", "v1", "-"}, stdin: out},
		{name: "command", args: []string{"-version", "v1", "--", script}, wantStatus: 3, passedOn: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := newUploadServer(t)
			args := append([]string{"-url", srv.URL + "/dashboard"}, c.args...)
			r := runUpload(t, t.TempDir(), ci, c.stdin, args...)
			var st exitStatus
			if c.wantStatus != 0 {
				if !errors.As(r.err, &st) || int(st) != c.wantStatus {
					t.Fatalf("error %v, want exit status %d", r.err, c.wantStatus)
				}
			} else if r.err != nil {
				t.Fatalf("upload: %v\n%s", r.err, r.stderr)
			}
			if got := r.stdout == string(out); got != c.passedOn {
				t.Errorf("command output passed on: %v, want %v", got, c.passedOn)
			}
			if !strings.Contains(r.stderr, "uploaded run 1") {
				t.Errorf("stderr: %q", r.stderr)
			}
			runs := srv.runs(t)
			if len(runs) != 1 {
				t.Fatalf("%d runs stored", len(runs))
			}
			got := runs[0]
			want := store.CICounts{Packages: len(parsed.Packages), Tests: len(parsed.Tests), Passed: 6, Failed: 2, Skipped: 1, Benchmarks: len(parsed.Benchmarks)}
			if got.Version != "v1" || got.Commit != "c0ffee" || got.Branch != "feature" || got.Counts != want {
				t.Errorf("stored run %+v, want version v1, commit c0ffee, branch feature, counts %+v", got, want)
			}
			if c.name == "command" && got.Started.IsZero() {
				t.Error("a run of a command has no start time")
			}
		})
	}
}

// TestUploadTwice: the same output sent twice is stored once.
func TestUploadTwice(t *testing.T) {
	srv := newUploadServer(t)
	env := map[string]string{"DASHBOARD_SECURITY_TOKEN": testToken, "DASHBOARD_URL": srv.URL + "/dashboard"}
	for i, want := range []string{"uploaded run 1", "already had run 1"} {
		r := runUpload(t, t.TempDir(), env, fixtureJSON(t), "-version", "v1")
		if r.err != nil || !strings.Contains(r.stderr, want) {
			t.Errorf("upload %d: %v, %q; want %q", i, r.err, r.stderr, want)
		}
	}
	if n := len(srv.runs(t)); n != 1 {
		t.Errorf("%d runs stored, want 1", n)
	}
}

func TestUploadVersionFromGit(t *testing.T) {
	checkout := t.TempDir()
	hash := "0123456789abcdef0123456789abcdef01234567"
	for path, body := range map[string]string{
		".git/HEAD":            "ref: refs/heads/main\n",
		".git/refs/heads/main": hash + "\n",
		".git/config":          "",
	} {
		p := filepath.Join(checkout, path)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	os.MkdirAll(filepath.Join(checkout, ".git", "objects"), 0o755)
	sub := filepath.Join(checkout, "pkg", "sub")
	os.MkdirAll(sub, 0o755)
	cases := []struct {
		name    string
		dir     string
		env     map[string]string
		args    []string
		version string
		commit  string
	}{
		{"checkout around the working directory", sub, nil, nil, hash, hash},
		{"--git", t.TempDir(), nil, []string{"-git", checkout}, hash, hash},
		{"DASHBOARD_APP_VERSION wins", sub, map[string]string{"DASHBOARD_APP_VERSION": "1.4.2"}, nil, "1.4.2", hash},
		{"--version wins", sub, map[string]string{"DASHBOARD_APP_VERSION": "1.4.2"}, []string{"-version", "2.0"}, "2.0", hash},
		{"CI commit without a checkout", t.TempDir(), map[string]string{"CI_COMMIT_SHA": "beef"}, nil, "beef", "beef"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			env := map[string]string{"DASHBOARD_SECURITY_TOKEN": testToken}
			for k, v := range c.env {
				env[k] = v
			}
			r := runUpload(t, c.dir, env, fixtureJSON(t), append([]string{"-dry-run"}, c.args...)...)
			if r.err != nil {
				t.Fatalf("upload: %v", r.err)
			}
			var p ciupload.Payload
			if err := json.Unmarshal([]byte(r.stdout), &p); err != nil {
				t.Fatalf("dry run printed %q: %v", r.stdout, err)
			}
			if p.Version != c.version || p.Commit != c.commit || p.RunID != p.Hash() {
				t.Errorf("version %q commit %q run id %q; want %q %q and the hash", p.Version, p.Commit, p.RunID, c.version, c.commit)
			}
		})
	}
}

func TestUploadErrors(t *testing.T) {
	srv := newUploadServer(t)
	url := srv.URL + "/dashboard"
	tok := map[string]string{"DASHBOARD_SECURITY_TOKEN": testToken}
	cases := []struct {
		name  string
		env   map[string]string
		stdin string
		args  []string
		want  string
		exit  int
	}{
		{"no url", tok, "", []string{"-version", "v1"}, "--url is missing", 0},
		{"bad url", tok, "", []string{"-url", "books.example.com", "-version", "v1"}, "want the dashboard's address", 0},
		{"no token", nil, "", []string{"-url", url, "-version", "v1"}, "no token", 0},
		{"no version", tok, "", []string{"-url", url}, "cannot tell the version", 0},
		{"not go test output", tok, "hello\n", []string{"-url", url, "-version", "v1"}, "nothing to store", 0},
		{"two files", tok, "", []string{"-url", url, "-version", "v1", "a", "b"}, "2 files given", 0},
		{"missing file", tok, "", []string{"-url", url, "-version", "v1", "nope.json"}, "no such file", 0},
		{"wrong token", map[string]string{"DASHBOARD_SECURITY_TOKEN": "wrong-token-0123456789"}, string(fixtureJSON(t)), []string{"-url", url, "-version", "v1"}, "401", 0},
		{"command that cannot start", tok, "", []string{"-url", url, "-version", "v1", "--", "/nonexistent/go"}, "running /nonexistent/go", 0},
		{"failing command and no server", tok, "", []string{"-url", "http://127.0.0.1:1/dashboard", "-version", "v1", "-timeout", "3s", "--", "sh", "-c", "echo BenchmarkA 1 2 ns/op; exit 2"}, "upload", 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := runUpload(t, t.TempDir(), c.env, []byte(c.stdin), c.args...)
			if r.err == nil || !strings.Contains(r.err.Error(), c.want) {
				t.Fatalf("error %v, want one saying %q", r.err, c.want)
			}
			var st exitStatus
			if got := errors.As(r.err, &st); got != (c.exit != 0) || int(st) != c.exit {
				t.Errorf("exit status %d, want %d", st, c.exit)
			}
		})
	}
	if n := len(srv.runs(t)); n != 0 {
		t.Errorf("%d runs stored by failed uploads", n)
	}
}
