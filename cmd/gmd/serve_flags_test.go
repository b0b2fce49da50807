package main

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/store/sqlite"
)

func TestServeRefusesWhatItCannotServe(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name    string
		args    []string
		environ []string
		want    string
	}{
		{"no database", nil, nil, "give the database the services write to: --db URL"},
		{"argument", []string{"--db", "sqlite:///x.db", "extra"}, nil, `unexpected argument "extra"`},
		{"missing SQLite file", []string{"--db", "sqlite:///" + filepath.Join(dir, "none.db")}, nil, "no database at " + filepath.Join(dir, "none.db")},
		{"missing SQLite file from the environment", nil, []string{"DASHBOARD_DATABASE=sqlite:///" + filepath.Join(dir, "env.db")}, "no database at"},
		{"bad scheme", []string{"--db", "pg://u:secret@h/db"}, nil, `unknown scheme "pg"`},
		{"bad address", []string{"--db", "sqlite:///" + filepath.Join(dir, "ok.db"), "--addr", "127.0.0.1:99999"}, nil, "serve: listen tcp"},
	}
	if s, err := sqlite.OpenFile(context.Background(), filepath.Join(dir, "ok.db")); err != nil {
		t.Fatal(err)
	} else {
		s.Close()
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			err := serveCmd(ctx, c.args, serveEnv{environ: c.environ, stdout: io.Discard, stderr: io.Discard})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want one saying %q", err, c.want)
			}
			if err != nil && strings.Contains(err.Error(), "secret") {
				t.Errorf("the error shows the password: %v", err)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "none.db")); err == nil {
		t.Error("gmd serve created the missing database")
	}
}

// TestServeConfigFile: the INI file names the link and the admin; the
// root redirects to the dashboard, which asks for a login.
func TestServeConfigFile(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "d.db")
	if s, err := sqlite.OpenFile(context.Background(), db); err != nil {
		t.Fatal(err)
	} else {
		s.Close()
	}
	ini := filepath.Join(dir, "serve.ini")
	if err := os.WriteFile(ini, []byte("[dashboard]\nCUSTOM_LINK = ops\nUSERNAME = boss\nPASSWORD = "+servePW+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	addr := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- serveCmd(ctx, []string{"--db", "sqlite:///" + db, "--addr", "127.0.0.1:0", "--config", ini},
			serveEnv{stdout: io.Discard, stderr: io.Discard, listening: func(a string) { addr <- a }})
	}()
	var base string
	select {
	case a := <-addr:
		base = "http://" + a
	case err := <-done:
		t.Fatal(err)
	}
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(base + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusFound || loc != "/ops/" {
		t.Errorf("GET /: %s to %q, want a redirect to /ops/", resp.Status, loc)
	}
	resp, err = noFollow.Get(base + "/ops/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/ops/login") {
		t.Errorf("GET /ops/: %s to %q, want the login page", resp.Status, loc)
	}
	req, _ := http.NewRequest(http.MethodGet, base+"/ops/api/services", nil)
	req.SetBasicAuth("boss", servePW)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || strings.TrimSpace(string(body)) != "[]" {
		t.Errorf("api/services as the configured admin: %s %s, want 200 []", resp.Status, body)
	}
	resp, err = http.Get(base + "/elsewhere")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("GET /elsewhere: %s, want 404", resp.Status)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("gmd serve after Ctrl-C: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("gmd serve did not stop within 10s")
	}
}
