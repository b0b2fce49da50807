package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/internal/ciupload"
	"github.com/go-monitoring-dashboard/dashboard/internal/gotest"
	"github.com/go-monitoring-dashboard/dashboard/internal/version"
)

const uploadUsage = `usage: gmd upload --url URL [flags] [file]
       gmd upload --url URL [flags] -- go test -json [-bench .] ./...

Sends test and benchmark results to a dashboard, tagged with a version, so
that the dashboard shows test times and benchmarks per version and reports
what got slower.

The first form reads go test output (go test -json, with or without
benchmarks, or plain go test -bench output) from the file, or from standard
input when there is no file or it is "-". The second form runs the command,
passes its output through, uploads what it printed and exits with the
command's exit status.

The token is the dashboard's SECURITY_TOKEN. Give it in the environment
(DASHBOARD_SECURITY_TOKEN), so that it shows in neither the process list
nor the CI log; --token works too. gmd never prints it.

The version is --version, else DASHBOARD_APP_VERSION, else the commit that
HEAD points at in --git (or DASHBOARD_GIT, or the git checkout around the
working directory), else the commit CI names (GITHUB_SHA, CI_COMMIT_SHA).

flags:
`

// uploadEnv is what gmd upload takes from its surroundings.
type uploadEnv struct {
	getenv         func(string) string
	dir            string // working directory
	stdin          io.Reader
	stdout, stderr io.Writer
}

// exitStatus is returned to make gmd exit with a status, having printed
// what it had to.
type exitStatus int

func (e exitStatus) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

func upload(ctx context.Context, args []string, env uploadEnv) error {
	fs := flag.NewFlagSet("upload", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	fs.Usage = func() {
		fmt.Fprint(env.stderr, uploadUsage)
		fs.PrintDefaults()
	}
	url := fs.String("url", env.getenv("DASHBOARD_URL"), "the dashboard's address, e.g. https://books.example.com/dashboard (default $DASHBOARD_URL)")
	token := fs.String("token", "", "the dashboard's SECURITY_TOKEN (default $DASHBOARD_SECURITY_TOKEN)")
	ver := fs.String("version", "", "the version tested (default: detected, see above)")
	gitDir := fs.String("git", env.getenv("DASHBOARD_GIT"), "git checkout or .git directory to read the version from")
	runID := fs.String("run-id", "", "names the run, so that sending it again stores it once (default: a hash of the results)")
	commit := fs.String("commit", "", "commit tested (default: from git or CI)")
	branch := fs.String("branch", "", "branch tested (default: from CI)")
	dryRun := fs.Bool("dry-run", false, "print the upload as JSON instead of sending it")
	timeout := fs.Duration("timeout", 5*time.Minute, "give up sending after this long, retries included")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	rest := fs.Args()
	command := len(args) > len(rest) && args[len(args)-len(rest)-1] == "--" && len(rest) > 0
	if *token == "" {
		*token = env.getenv("DASHBOARD_SECURITY_TOKEN")
	}
	if !*dryRun {
		if *url == "" {
			return errors.New("upload: --url is missing: give the dashboard's address, such as https://books.example.com/dashboard")
		}
		if _, err := ciupload.Endpoint(*url); err != nil {
			return fmt.Errorf("upload: %w", err)
		}
		if *token == "" {
			return errors.New("upload: no token: set DASHBOARD_SECURITY_TOKEN (or --token) to the dashboard's SECURITY_TOKEN")
		}
	}
	if !command && len(rest) > 1 {
		return fmt.Errorf("upload: %d files given, want one; to run a command, put it after --", len(rest))
	}
	meta, err := detectMeta(env, *ver, *gitDir, *commit, *branch)
	if err != nil {
		return fmt.Errorf("upload: %w", err)
	}

	var out []byte
	var started *time.Time
	status := 0
	if command {
		now := time.Now().UTC()
		started = &now
		out, status, err = runCommand(ctx, rest, env)
		if err != nil {
			return fmt.Errorf("upload: running %s: %w", rest[0], err)
		}
	} else {
		out, err = readInput(rest, env)
		if err != nil {
			return fmt.Errorf("upload: %w", err)
		}
	}
	res, err := gotest.Parse(bytes.NewReader(out))
	if err != nil {
		return fmt.Errorf("upload: %w", err)
	}
	p := ciupload.FromResult(res)
	p.Version, p.Commit, p.Branch, p.Started = meta.version, meta.commit, meta.branch, started
	p.RunID = *runID
	if p.RunID == "" {
		p.RunID = p.Hash()
	}
	if err := p.Validate(ciupload.DefaultLimits()); err != nil {
		return withStatus(fmt.Errorf("upload: nothing sent: %w", err), status)
	}
	if *dryRun {
		enc := json.NewEncoder(env.stdout)
		enc.SetIndent("", "  ")
		return withStatus(enc.Encode(p), status)
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	c := &ciupload.Client{URL: *url, Token: *token, Logf: func(format string, args ...any) {
		fmt.Fprintf(env.stderr, "gmd upload: "+format+"\n", args...)
	}}
	ans, err := c.Upload(ctx, p)
	if err != nil {
		return withStatus(fmt.Errorf("upload: %w", err), status)
	}
	what := "uploaded"
	if !ans.Created {
		what = "already had"
	}
	fmt.Fprintf(env.stderr, "gmd upload: the dashboard %s run %d (run id %s) of version %s (from %s): %d tests, %d failed, %d benchmark results\n",
		what, ans.Run, short(ans.RunID), ans.Version, meta.source, ans.Tests, ans.Failed, ans.Benchmarks)
	if res.Malformed > 0 {
		fmt.Fprintf(env.stderr, "gmd upload: %d lines looked like go test -json events but were broken, and were skipped\n", res.Malformed)
	}
	return withStatus(nil, status)
}

// withStatus makes a failed command's exit status win over our own
// error, which is printed first.
func withStatus(err error, status int) error {
	if status == 0 {
		return err
	}
	if err != nil {
		return errors.Join(err, exitStatus(status))
	}
	return exitStatus(status)
}

func short(id string) string {
	if len(id) > 16 {
		return id[:16] + "..."
	}
	return id
}

func readInput(rest []string, env uploadEnv) ([]byte, error) {
	if len(rest) == 0 || rest[0] == "-" {
		if f, ok := env.stdin.(*os.File); ok {
			if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
				return nil, errors.New("no input: pipe go test output in, give a file, or put the test command after --")
			}
		}
		return io.ReadAll(env.stdin)
	}
	path := rest[0]
	if !filepath.IsAbs(path) {
		path = filepath.Join(env.dir, path)
	}
	return os.ReadFile(path)
}

// runCommand runs the test command, its output passed through and kept.
// A command that ran and failed (failing tests) is not an error: its exit
// status is returned.
func runCommand(ctx context.Context, argv []string, env uploadEnv) ([]byte, int, error) {
	var out bytes.Buffer
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Dir = env.dir
	cmd.Stdin = env.stdin
	cmd.Stdout = io.MultiWriter(env.stdout, &out)
	cmd.Stderr = env.stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return out.Bytes(), max(1, exit.ExitCode()), nil
	}
	return out.Bytes(), 0, err
}

type uploadMeta struct {
	version, commit, branch string
	source                  string // where the version came from
}

// detectMeta finds the version, commit and branch, as the flags say or
// as the surroundings tell.
func detectMeta(env uploadEnv, ver, gitDir, commit, branch string) (uploadMeta, error) {
	m := uploadMeta{version: strings.TrimSpace(ver), commit: commit, branch: branch, source: "--version"}
	if m.version == "" {
		if v := strings.TrimSpace(env.getenv("DASHBOARD_APP_VERSION")); v != "" {
			m.version, m.source = v, "DASHBOARD_APP_VERSION"
		}
	}
	var gitCommit string
	if gitDir != "" {
		if !filepath.IsAbs(gitDir) {
			gitDir = filepath.Join(env.dir, gitDir)
		}
		// The version package reads the checkout (no build info:
		// gmd's own build says nothing of the code under test).
		v, _, err := version.Detect("", gitDir, noBuildInfo)
		if err != nil {
			return m, err
		}
		gitCommit = v
	} else if dir := findCheckout(env.dir); dir != "" {
		if v, _, err := version.Detect("", dir, noBuildInfo); err == nil {
			gitCommit = v
		}
	}
	ciCommit := firstSet(env.getenv, "GITHUB_SHA", "CI_COMMIT_SHA")
	if m.commit == "" {
		m.commit = firstNonEmpty(gitCommit, ciCommit)
	}
	if m.branch == "" {
		m.branch = firstSet(env.getenv, "GITHUB_HEAD_REF", "GITHUB_REF_NAME", "CI_COMMIT_REF_NAME")
	}
	if m.version == "" {
		switch {
		case gitCommit != "":
			m.version, m.source = gitCommit, "git"
		case ciCommit != "":
			m.version, m.source = ciCommit, "CI"
		default:
			return m, errors.New("cannot tell the version: give --version, set DASHBOARD_APP_VERSION, or run inside a git checkout")
		}
	}
	return m, nil
}

func noBuildInfo() (*debug.BuildInfo, bool) { return nil, false }

// findCheckout returns the nearest directory at or above dir that holds
// .git, or "".
func findCheckout(dir string) string {
	for {
		if _, err := os.Stat(filepath.Join(dir, ".git")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

func firstSet(getenv func(string) string, names ...string) string {
	for _, n := range names {
		if v := strings.TrimSpace(getenv(n)); v != "" {
			return v
		}
	}
	return ""
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}
