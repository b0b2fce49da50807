package gotest

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// The tests read real go test output, made by running go test on the
// module under testdata/fixture. Each output is made once per test binary.

const fixturePkg = "example.com/gmdfixture/"

type fixtureRun struct {
	once sync.Once
	out  []byte
	err  error
}

var fixtureRuns sync.Map // args key -> *fixtureRun

// fixtureOutput runs go test with args in the fixture module and returns
// its standard output. A failing test run is expected (the fixture has
// failing packages); a go command that cannot run is not.
func fixtureOutput(tb testing.TB, env []string, args ...string) []byte {
	tb.Helper()
	key := fmtKey(env, args)
	v, _ := fixtureRuns.LoadOrStore(key, &fixtureRun{})
	r := v.(*fixtureRun)
	r.once.Do(func() { r.out, r.err = RunFixture(env, args...) })
	if r.err != nil {
		tb.Fatalf("go %v: %v", args, r.err)
	}
	return r.out
}

func fmtKey(env, args []string) string {
	var b bytes.Buffer
	for _, s := range append(append([]string{}, env...), args...) {
		b.WriteString(s)
		b.WriteByte(0)
	}
	return b.String()
}

// RunFixture runs the go command in testdata/fixture, outside any
// workspace, and returns what it printed on standard output. A non-zero
// exit from failing tests is not an error.
func RunFixture(env []string, args ...string) ([]byte, error) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		return nil, err
	}
	dir, err := filepath.Abs(filepath.Join("testdata", "fixture"))
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(goBin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-buildvcs=false")
	cmd.Env = append(cmd.Env, env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if _, ok := err.(*exec.ExitError); ok && len(out) > 0 {
		err = nil
	}
	if err != nil {
		return nil, &runError{err: err, stderr: stderr.String()}
	}
	return out, nil
}

type runError struct {
	err    error
	stderr string
}

func (e *runError) Error() string { return e.err.Error() + "\n" + e.stderr }
