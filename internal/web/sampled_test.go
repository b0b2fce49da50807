package web

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestSampledRawRowsAreSaidSo: when requests were written without a raw
// row (RAW_SAMPLE_RATE on some instance), the export page says the raw
// rows are a sample and api/requests says how many are missing; without
// any, neither does.
func TestSampledRawRowsAreSaidSo(t *testing.T) {
	f := newFixture(t, nil)
	admin := f.login("admin", adminPW)
	at := f.clock().Add(-time.Hour)
	f.record(req("GET /a", at, time.Millisecond), req("GET /a", at.Add(time.Second), time.Millisecond))
	page := admin.get("/dashboard/export")
	wantStatus(t, page, http.StatusOK)
	if strings.Contains(page.body, `id="raw-sampled"`) {
		t.Error("export page says rows are sampled, with every row kept")
	}
	api := admin.get("/dashboard/api/requests?limit=10")
	wantStatus(t, api, http.StatusOK)
	if h := api.Header.Get("X-Raw-Rows-Sampled-Out"); h != "" {
		t.Errorf("X-Raw-Rows-Sampled-Out %q with every row kept", h)
	}

	sampled := []int{2, 3, 4}
	for _, i := range sampled {
		r := req("GET /a", at.Add(time.Duration(i)*time.Second), time.Millisecond)
		r.NoRaw = true
		f.record(r)
	}
	page = admin.get("/dashboard/export")
	if !strings.Contains(page.body, `id="raw-sampled"`) || !strings.Contains(page.body, "Raw rows are sampled: 3 requests") {
		t.Errorf("export page does not say 3 requests have no raw row:\n%.2000s", page.body)
	}
	for _, path := range []string{"/dashboard/api/requests?limit=10", "/dashboard/api/requests?format=csv"} {
		api = admin.get(path)
		wantStatus(t, api, http.StatusOK)
		if h := api.Header.Get("X-Raw-Rows-Sampled-Out"); h != "3" {
			t.Errorf("%s: X-Raw-Rows-Sampled-Out %q, want 3", path, h)
		}
	}
	if rows := mustJSON[[]apiRow](t, admin.get("/dashboard/api/requests?limit=10")); len(rows) != 2 {
		t.Errorf("%d raw rows listed, want the 2 kept", len(rows))
	}
}
