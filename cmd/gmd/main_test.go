package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for the demo's goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestDemoRecordsTraffic(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the demo for several seconds")
	}
	ctx, cancel := context.WithCancel(context.Background())
	var out syncBuffer
	done := make(chan error, 1)
	db := "sqlite:///" + filepath.Join(t.TempDir(), "demo.db")
	go func() { done <- demo(ctx, []string{"-addr", "127.0.0.1:0", "-db", db, "-rate", "200"}, &out) }()
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(out.String(), "recorded") && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("demo: %v", err)
	}
	if s := out.String(); !strings.Contains(s, "demo service on http://127.0.0.1:") || strings.Contains(s, "recorded 0 requests") || !strings.Contains(s, "recorded ") {
		t.Errorf("demo output:\n%s", s)
	}
}

func TestUnknownCommand(t *testing.T) {
	err := run(context.Background(), []string{"frobnicate"})
	if err == nil || !strings.Contains(err.Error(), `unknown command "frobnicate"`) || !strings.Contains(err.Error(), "demo") {
		t.Errorf("error %v", err)
	}
}
