package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/internal/testlog"
)

func TestDemoFlags(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var out testlog.Buffer
	done := make(chan error, 1)
	db := filepath.Join(t.TempDir(), "demo.db")
	go func() {
		done <- demoCmd(ctx, []string{"-addr", "127.0.0.1:0", "-db", db, "-rate", "0", "-days", "2", "-fresh"}, &out)
	}()
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(out.String(), "Ctrl-C") && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("demo: %v", err)
	}
	s := out.String()
	for _, want := range []string{"dashboard  http://127.0.0.1:", "over 2 days", "Live traffic off", "database   " + db} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q:\n%s", want, s)
		}
	}
}

func TestDemoBadFlag(t *testing.T) {
	var out testlog.Buffer
	if err := demoCmd(context.Background(), []string{"-days", "many"}, &out); err == nil {
		t.Error("-days many accepted")
	}
}

func TestUnknownCommand(t *testing.T) {
	err := run(context.Background(), []string{"frobnicate"})
	if err == nil || !strings.Contains(err.Error(), `unknown command "frobnicate"`) || !strings.Contains(err.Error(), "demo") {
		t.Errorf("error %v", err)
	}
}
