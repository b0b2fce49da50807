package web

import (
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/store"
)

// exportFixture holds more rows than an export chunk and a page.
func exportFixture(t *testing.T) (*fixture, *client, []store.Request) {
	f := newFixture(t, nil)
	n := 2*maxPage + 2345 // more than two pages and flushes
	reqs := make([]store.Request, n)
	for i := range reqs {
		ep := "GET /a"
		if i%3 == 0 {
			ep = evilName
		}
		reqs[i] = store.Request{Endpoint: ep, Start: f.now.Add(-time.Duration(n-i) * time.Second), Duration: time.Duration(i%50+1) * 100 * time.Microsecond,
			Status: 200 + i%5*100, Group: "=cmd|' /C calc'!A0", IP: "2001:db8::1", Version: "v1,\"2\""}
	}
	for i := 0; i < n; i += 1000 {
		f.record(reqs[i:min(i+1000, n)]...)
	}
	return f, f.login("admin", adminPW), reqs
}

func count(reqs []store.Request, pred func(store.Request) bool) int {
	n := 0
	for _, r := range reqs {
		if pred(r) {
			n++
		}
	}
	return n
}

func TestExportHasEveryRow(t *testing.T) {
	f, a, reqs := exportFixture(t)
	since, until := f.now.Add(-9000*time.Second), f.now.Add(-1000*time.Second)
	cases := []struct {
		name  string
		query string
		want  int
	}{
		{"all", "", len(reqs)},
		{"endpoint", "endpoint=" + url.QueryEscape(evilName), count(reqs, func(r store.Request) bool { return r.Endpoint == evilName })},
		{"window", "since=" + since.Format(time.RFC3339) + "&until=" + strconv.FormatInt(until.Unix(), 10),
			count(reqs, func(r store.Request) bool { return !r.Start.Before(since) && r.Start.Before(until) })},
		{"endpoint and window", "endpoint=GET+%2Fa&since=" + since.Format(time.RFC3339),
			count(reqs, func(r store.Request) bool { return r.Endpoint == "GET /a" && !r.Start.Before(since) })},
	}
	for _, tc := range cases {
		t.Run(tc.name+"/csv", func(t *testing.T) {
			r := a.get("/dashboard/api/requests?format=csv&" + tc.query)
			wantStatus(t, r, http.StatusOK)
			if cd := r.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, `attachment; filename="requests-`) || !strings.HasSuffix(cd, `.csv"`) {
				t.Errorf("Content-Disposition %q", cd)
			}
			recs, err := csv.NewReader(strings.NewReader(r.body)).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(recs[0], csvHeader) {
				t.Errorf("header %v", recs[0])
			}
			if len(recs)-1 != tc.want {
				t.Errorf("%d rows, want %d", len(recs)-1, tc.want)
			}
			if row := recs[1]; row[6] != "v1,\"2\"" || row[7] != "'=cmd|' /C calc'!A0" || row[8] != "2001:db8::1" {
				t.Errorf("first row %q: want the values, quoted, with formulas defused", row)
			}
		})
		t.Run(tc.name+"/json", func(t *testing.T) {
			r := a.get("/dashboard/api/requests?" + tc.query)
			wantStatus(t, r, http.StatusOK)
			var rows []map[string]any
			if err := json.Unmarshal([]byte(r.body), &rows); err != nil {
				t.Fatal(err)
			}
			if len(rows) != tc.want {
				t.Errorf("%d rows, want %d", len(rows), tc.want)
			}
			for _, key := range []string{"time", "endpoint", "method", "status", "duration_ms", "version", "group", "ip"} {
				if _, ok := rows[0][key]; !ok {
					t.Errorf("row lacks %q: %v", key, rows[0])
				}
			}
			if !strings.HasSuffix(r.Header.Get("Content-Disposition"), `.json"`) {
				t.Errorf("Content-Disposition %q", r.Header.Get("Content-Disposition"))
			}
		})
	}
	// Values survive the round trip.
	var rows []apiRow
	json.Unmarshal([]byte(a.get("/dashboard/api/requests").body), &rows)
	first := reqs[0]
	if rows[0].Endpoint != first.Endpoint || rows[0].Status != first.Status || rows[0].DurationMS != millis(first.Duration) || rows[0].Group != first.Group {
		t.Errorf("first row %+v, recorded %+v", rows[0], first)
	}
}

func TestExportPagesWithACursor(t *testing.T) {
	_, a, reqs := exportFixture(t)
	next := "/dashboard/api/requests?limit=" + strconv.Itoa(maxPage)
	seen := map[int64]bool{}
	pages := 0
	for next != "" {
		r := a.get(next)
		wantStatus(t, r, http.StatusOK)
		var rows []apiRow
		if err := json.Unmarshal([]byte(r.body), &rows); err != nil {
			t.Fatal(err)
		}
		for _, x := range rows {
			if seen[x.ID] {
				t.Fatalf("row %d on two pages", x.ID)
			}
			seen[x.ID] = true
		}
		pages++
		next = ""
		if link := r.Header.Get("Link"); link != "" {
			next = strings.TrimSuffix(strings.TrimPrefix(link, "<"), `>; rel="next"`)
		}
		if pages > 10 {
			t.Fatal("paging does not end")
		}
	}
	if len(seen) != len(reqs) || pages != 3 {
		t.Errorf("%d rows in %d pages, want %d in 3", len(seen), pages, len(reqs))
	}
	if r := a.get("/dashboard/api/requests?limit=" + strconv.Itoa(maxPage+1)); r.StatusCode != http.StatusBadRequest {
		t.Errorf("a page above the maximum: %d, want 400", r.StatusCode)
	}
}

func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"2026-03-04T10:00:00Z", "1772618400", "2026-03-04T10:00", "2026-03-04", "-1", "99999999999999", "2026-13-40"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		tm, ok := parseTime(v, time.UTC)
		if !ok {
			return
		}
		if y := tm.Year(); y < 0 || y > 10000 {
			t.Fatalf("parseTime(%q) = %v: out of range", v, tm)
		}
		// A Unix-seconds value means what it says.
		if n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64); err == nil && tm.Unix() != n {
			t.Fatalf("parseTime(%q) = %v", v, tm)
		}
	})
}
