package web

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// TestHeavyReadsTurnedAway fills the read budget and checks that heavy
// pages and API calls are answered 503 with Retry-After (JSON for the API,
// a page otherwise), that light pages still answer, that the settings page
// counts what was turned away, and that reads run again once a slot frees.
func TestHeavyReadsTurnedAway(t *testing.T) {
	f := newFixture(t, map[string]string{"QUERY_BUDGET": "1", "QUERY_QUEUE": "0"})
	admin := f.login("admin", adminPW)
	release, err := f.srv.budget.Acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}

	api := admin.get("/dashboard/api/endpoints")
	wantStatus(t, api, http.StatusServiceUnavailable)
	if got := api.Header.Get("Retry-After"); got != "5" {
		t.Errorf("Retry-After %q, want 5", got)
	}
	if msg := jsonError(t, api); !strings.Contains(msg, "QUERY_BUDGET") {
		t.Errorf("API error %q, want it to name QUERY_BUDGET", msg)
	}

	page := admin.get("/dashboard/versions")
	wantStatus(t, page, http.StatusServiceUnavailable)
	if ct := page.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Errorf("page answered %q, want HTML", ct)
	}
	if page.Header.Get("Retry-After") != "5" || !strings.Contains(page.body, "try again in a few seconds") {
		t.Errorf("page: Retry-After %q, body\n%.500s", page.Header.Get("Retry-After"), page.body)
	}

	// Light pages do not wait on the budget.
	settings := admin.get("/dashboard/settings")
	wantStatus(t, settings, http.StatusOK)
	turned := regexp.MustCompile(`Turned away: queue full</div><div class="value">([^<]*)<`).FindStringSubmatch(settings.body)
	if !strings.Contains(settings.body, `id="read-budget"`) || turned == nil || turned[1] != "2" {
		t.Errorf("settings page: want 2 reads turned away in #read-budget, got %q", turned)
	}

	release()
	wantStatus(t, admin.get("/dashboard/api/endpoints"), http.StatusOK)
	wantStatus(t, admin.get("/dashboard/versions"), http.StatusOK)
	if s := f.srv.budget.Stats(); s.Rejected != 2 || s.Active != 0 {
		t.Errorf("budget %+v, want 2 rejected and none running", s)
	}
}

// TestHeavyReadsNeedLogin: an unauthenticated request is refused before it
// can take or wait for a slot of the budget.
func TestHeavyReadsNeedLogin(t *testing.T) {
	f := newFixture(t, map[string]string{"QUERY_BUDGET": "1", "QUERY_QUEUE": "0"})
	release, err := f.srv.budget.Acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	r := f.client().get("/dashboard/api/endpoints")
	wantStatus(t, r, http.StatusUnauthorized)
	if s := f.srv.budget.Stats(); s.Rejected != 0 {
		t.Errorf("budget %+v: an unauthenticated request reached it", s)
	}
}
