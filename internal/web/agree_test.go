package web

import (
	"html"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/store"
)

var (
	tableRow = regexp.MustCompile(`(?s)<tr>(.*?)</tr>`)
	rowName  = regexp.MustCompile(`(?s)<td class="[^"]*name">(?:<a [^>]*>)?(.*?)(?:</a>)?</td>`)
	rowCell  = regexp.MustCompile(`data-sort="([^"]*)" data-col="([a-z_0-9]+)"(?: data-errors="([^"]*)")?`)
)

// pageTable reads the figures of a page's table rows that carry data-col
// cells: name -> column -> number (the cells' sort keys).
func pageTable(t *testing.T, body string) map[string]map[string]float64 {
	t.Helper()
	out := map[string]map[string]float64{}
	for _, m := range tableRow.FindAllStringSubmatch(body, -1) {
		cells := rowCell.FindAllStringSubmatch(m[1], -1)
		name := rowName.FindStringSubmatch(m[1])
		if len(cells) == 0 || name == nil {
			continue
		}
		row := map[string]float64{}
		for _, c := range cells {
			v, err := strconv.ParseFloat(c[1], 64)
			if err != nil {
				t.Fatalf("cell %s: %v", c[0], err)
			}
			row[c[2]] = v
			if c[3] != "" {
				if row["errors"], err = strconv.ParseFloat(c[3], 64); err != nil {
					t.Fatalf("cell %s: %v", c[0], err)
				}
			}
		}
		out[html.UnescapeString(name[1])] = row
	}
	return out
}

// The pages and the JSON API show the same numbers: both come from
// internal/query.
func TestAPIAgreesWithThePages(t *testing.T) {
	f := newFixture(t, nil)
	var reqs []store.Request
	for i := 0; i < 300; i++ {
		r := req("GET /a", f.now.Add(-time.Duration(i)*17*time.Minute), time.Duration(1+i%37)*time.Millisecond+time.Duration(i)*time.Microsecond)
		if i%3 == 0 {
			r.Version = "v2"
		}
		if i%41 == 0 {
			r.Status = 502
		}
		reqs = append(reqs, r)
	}
	for i := 0; i < 40; i++ {
		reqs = append(reqs, req(evilName, f.now.Add(-time.Duration(i)*time.Hour*9), time.Duration(100+i*i)*time.Millisecond))
	}
	f.record(reqs...)
	f.levels["GET /idle"] = 2 // known to the running dashboard, never requested

	g := f.login("guest", guestPW)
	api := mustJSON[[]struct {
		Name     string  `json:"name"`
		Hits     float64 `json:"hits"`
		Errors   float64 `json:"errors"`
		MedianMS float64 `json:"median_ms"`
		P95MS    float64 `json:"p95_ms"`
	}](t, g.get("/dashboard/api/endpoints"))
	page := pageTable(t, g.get("/dashboard/").body)
	if len(api) != 3 || len(page) != 3 {
		t.Fatalf("api lists %d endpoints, the overview %d; want 3 each", len(api), len(page))
	}
	for _, e := range api {
		row, ok := page[e.Name]
		if !ok {
			t.Errorf("%q is in the API, not on the overview", e.Name)
			continue
		}
		for col, want := range map[string]float64{"hits": e.Hits, "errors": e.Errors, "median_ms": e.MedianMS, "p95_ms": e.P95MS} {
			if row[col] != want {
				t.Errorf("%s %s: overview %v, api %v", e.Name, col, row[col], want)
			}
		}
	}
	if a := page["GET /a"]; a["hits"] != 300 || a["errors"] != 8 || a["median_ms"] == 0 || a["p95_ms"] <= a["median_ms"] {
		t.Errorf("GET /a on the overview: %v", a)
	}

	vapi := mustJSON[[]struct {
		Version  string  `json:"version"`
		Hits     float64 `json:"hits"`
		MedianMS float64 `json:"median_ms"`
		P95MS    float64 `json:"p95_ms"`
	}](t, g.get("/dashboard/api/versions"))
	vpage := pageTable(t, g.get("/dashboard/versions").body)
	if len(vapi) != 2 || len(vpage) != 2 {
		t.Fatalf("api lists %d versions, the versions page %d; want 2 each", len(vapi), len(vpage))
	}
	for _, v := range vapi {
		row := vpage[v.Version]
		for col, want := range map[string]float64{"hits": v.Hits, "median_ms": v.MedianMS, "p95_ms": v.P95MS} {
			if row[col] != want {
				t.Errorf("version %s %s: page %v, api %v", v.Version, col, row[col], want)
			}
		}
	}
	if vpage["v1"]["hits"]+vpage["v2"]["hits"] != 340 {
		t.Errorf("versions page: %v", vpage)
	}
}
