package dashboard

import (
	"bytes"
	"context"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/store"
)

// TestFailingStoreNeverBlocksOrFailsRequests: with the database failing,
// every request is served at once and what cannot be kept is counted.
// In a synctest bubble: the writer's flushes and backoff pass in fake
// time, and the test waits for them without polling.
func TestFailingStoreNeverBlocksOrFailsRequests(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := &faultyStore{Store: memStore(t)}
		var logs bytes.Buffer
		d := mustNew(t, booksMux(), Config{Store: f, Logger: slog.New(slog.NewTextHandler(&logs, nil)),
			Settings: map[string]string{"BATCH_SIZE": "10", "BACKLOG_LIMIT": "50", "FLUSH_INTERVAL": "10ms"}})
		f.set(true, nil)
		finishes(t, "300 requests with the database failing", func() {
			for i := 0; i < 300; i++ {
				rec := httptest.NewRecorder()
				d.ServeHTTP(rec, httptest.NewRequest("GET", "/books/1", nil))
				if rec.Code != 200 {
					t.Errorf("request %d answered %d", i, rec.Code)
					return
				}
			}
		})
		// Every sample ends up either kept in the backlog (at most
		// BACKLOG_LIMIT rows, whole batches) or dropped and counted.
		time.Sleep(time.Second) // a hundred flush intervals
		st := d.Stats()
		if int64(st.Backlog)+st.DroppedStore != 300 || st.Backlog > 50 || st.Backlog < 40 || st.FailedWrites == 0 || st.LastError != errDiskFull.Error() {
			t.Fatalf("stats %+v; want 300 split between a backlog of 40 to 50 and drops, and the cause", st)
		}
		// The database comes back: the kept rows and the drop count are written.
		f.set(false, nil)
		mustClose(t, d)
		if n := len(rowsOf(t, f, store.RequestFilter{})); n != st.Backlog {
			t.Errorf("%d rows written after recovery, want the %d kept", n, st.Backlog)
		}
		cs, _ := f.Counters(context.Background(), "svc")
		if len(cs) != 1 || cs[0].Name != store.CounterDroppedStoreError || cs[0].Value != st.DroppedStore {
			t.Errorf("stored counters %+v, want %s=%d", cs, store.CounterDroppedStoreError, st.DroppedStore)
		}
		if c := strings.Count(logs.String(), "disk full"); c != 1 {
			t.Errorf("the cause was logged %d times, want once:\n%s", c, logs.String())
		}
	})
}

// finishes fails the test when fn does not return: a liveness bound far
// above any plausible duration, not a performance claim.
func finishes(t *testing.T, what string, fn func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { defer close(done); fn() }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatalf("%s did not finish: the request path is blocked", what)
	}
}

func TestQueueFullDropsAreCountedAndStored(t *testing.T) {
	f := &faultyStore{Store: memStore(t)}
	block := make(chan struct{})
	d := mustNew(t, booksMux(), Config{Store: f, Settings: map[string]string{"QUEUE_SIZE": "4", "BATCH_SIZE": "1"}})
	f.set(false, block)
	// The writer hangs in the database for as long as the test wants: a
	// request path that waited for it would never finish.
	finishes(t, "100 requests with the writer stuck", func() {
		for i := 0; i < 100; i++ {
			d.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/books/1", nil))
		}
	})
	dropped := d.Stats().DroppedQueue
	if dropped < 90 {
		t.Errorf("DroppedQueue = %d, want about 95 of 100 with a queue of 4", dropped)
	}
	f.set(false, nil)
	close(block)
	mustClose(t, d)
	written := int64(len(rowsOf(t, f, store.RequestFilter{})))
	if written+dropped != 100 {
		t.Errorf("written %d + dropped %d != 100 requests: something was lost silently", written, dropped)
	}
	cs, _ := f.Counters(context.Background(), "svc")
	if len(cs) != 1 || cs[0].Value != dropped {
		t.Errorf("stored counters %+v, want %d", cs, dropped)
	}
}

func TestConfigErrorsNameTheSetting(t *testing.T) {
	dir := t.TempDir()
	ini := filepath.Join(dir, "dashboard.ini")
	os.WriteFile(ini, []byte("[dashboard]\nMONITOR_LEVEL=7\n"), 0o644)
	cases := []struct {
		name string
		cfg  Config
		want []string
	}{
		{"bad level in file", Config{ConfigFile: ini}, []string{"MONITOR_LEVEL", "dashboard.ini"}},
		{"unknown scheme", Config{Database: "pg://x"}, []string{"DATABASE", `"pg"`}},
		{"bad env", Config{environ: []string{"DASHBOARD_OUTLIER_DETECTION_CONSTANT=fast"}}, []string{"OUTLIER_DETECTION_CONSTANT", "DASHBOARD_OUTLIER_DETECTION_CONSTANT"}},
		{"missing file", Config{ConfigFile: filepath.Join(dir, "nope.ini")}, []string{"nope.ini"}},
		{"bad git dir", Config{Git: filepath.Join(dir, "no-git")}, []string{"GIT", "no-git"}},
		{"driver not linked", Config{Database: "postgres://localhost/db"}, []string{"store/postgres"}},
		{"sqlite file that cannot be made", Config{Database: "sqlite:///" + filepath.Join(ini, "under-a-file", "d.db")}, []string{"DATABASE", "under-a-file"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.cfg.environ == nil {
				c.cfg.environ = []string{}
			}
			if c.cfg.Database == "" {
				c.cfg.Database = "sqlite:///:memory:"
			}
			d, err := New(nil, c.cfg)
			if err == nil {
				d.Close(context.Background())
				t.Fatal("New succeeded")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not name %q", err, w)
				}
			}
		})
	}
}

func TestBindPanicsNamingTheSetting(t *testing.T) {
	t.Setenv("DASHBOARD_MONITOR_LEVEL", "9")
	t.Setenv("DASHBOARD_DATABASE", "sqlite:///:memory:")
	defer func() {
		p := recover()
		if p == nil || !strings.Contains(p.(string), "MONITOR_LEVEL") {
			t.Errorf("Bind panicked with %v, want a message naming MONITOR_LEVEL", p)
		}
	}()
	Bind(nil)
}

func TestPrecedenceThroughNew(t *testing.T) {
	ini := filepath.Join(t.TempDir(), "d.ini")
	os.WriteFile(ini, []byte("[dashboard]\nCUSTOM_LINK=from-file\nAPP_VERSION=file\nMONITOR_LEVEL=2\n"), 0o644)
	cases := []struct {
		name      string
		env       []string
		cfg       Config
		link, ver string
		level     int
	}{
		{"file", nil, Config{}, "/from-file", "file", 2},
		{"env over file", []string{"DASHBOARD_CUSTOM_LINK=from-env", "DASHBOARD_MONITOR_LEVEL=3"}, Config{}, "/from-env", "file", 3},
		{"code over env", []string{"DASHBOARD_CUSTOM_LINK=from-env"}, Config{CustomLink: "from-code", AppVersion: "code"}, "/from-code", "code", 2},
		{"file named by env", []string{"DASHBOARD_CONFIG=" + ini}, Config{ConfigFile: "-"}, "/from-file", "file", 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := c.cfg
			cfg.environ = append([]string{}, c.env...)
			if cfg.ConfigFile == "-" {
				cfg.ConfigFile = ""
			} else {
				cfg.ConfigFile = ini
			}
			cfg.Store = memStore(t)
			cfg.Logger = slog.New(slog.DiscardHandler)
			d, err := New(booksMux(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close(context.Background())
			if v, _ := d.Version(); d.Link() != c.link || v != c.ver {
				t.Errorf("link %q version %q, want %q %q", d.Link(), v, c.link, c.ver)
			}
			d.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/books/1", nil))
			if lvl, _ := d.Level("GET /books/{id}"); lvl != c.level {
				t.Errorf("new endpoint level %d, want %d", lvl, c.level)
			}
		})
	}
}

func TestSettingsSayWhenConfigStoreReplacesDatabase(t *testing.T) {
	d := mustNew(t, booksMux(), Config{Store: memStore(t)})
	for _, e := range d.cfg.Entries {
		if e.Key == "DATABASE" && (e.Source != "code" || !strings.Contains(e.Value, "Config.Store")) {
			t.Errorf("DATABASE entry %+v, want it to name Config.Store", e)
		}
	}
}
