package web

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/go-monitoring-dashboard/dashboard/internal/auth"
)

func TestAdminManagesUsers(t *testing.T) {
	f := newFixture(t, nil)
	a := f.login("admin", adminPW)
	g := f.login("guest", guestPW)
	add := func(name, role, pw string) response {
		return a.post("/dashboard/users/add", a.form("username", name, "role", role, "password", pw))
	}
	wantStatus(t, add("carol", "admin", "carol-password"), http.StatusSeeOther)
	wantStatus(t, add("carol", "guest", "carol-password"), http.StatusConflict)
	wantStatus(t, add("dave", "root", "dave-password"), http.StatusBadRequest)
	wantStatus(t, add("dave", "guest", "short"), http.StatusBadRequest)
	wantStatus(t, add("", "guest", "dave-password"), http.StatusBadRequest)
	wantStatus(t, add("a\x01b", "guest", "dave-password"), http.StatusBadRequest)
	c := f.login("carol", "carol-password")
	wantStatus(t, c.get("/dashboard/users"), http.StatusOK) // an admin

	// Role: the guest becomes admin and back; the change applies to its open session.
	wantStatus(t, a.post("/dashboard/users/role", a.form("username", "guest", "role", "admin")), http.StatusSeeOther)
	wantStatus(t, g.get("/dashboard/settings"), http.StatusOK)
	wantStatus(t, a.post("/dashboard/users/role", a.form("username", "guest", "role", "guest")), http.StatusSeeOther)
	wantStatus(t, g.get("/dashboard/settings"), http.StatusForbidden)
	wantStatus(t, a.post("/dashboard/users/role", a.form("username", "nobody", "role", "guest")), http.StatusNotFound)

	// Reset: the user's sessions end, the new password works.
	wantStatus(t, a.post("/dashboard/users/password", a.form("username", "guest", "password", "guest-new-password")), http.StatusSeeOther)
	wantStatus(t, g.get("/dashboard/"), http.StatusSeeOther)
	f.login("guest", "guest-new-password")
	// Resetting one's own password keeps the current session.
	wantStatus(t, a.post("/dashboard/users/password", a.form("username", "admin", "password", "admin-new-password")), http.StatusSeeOther)
	wantStatus(t, a.get("/dashboard/"), http.StatusOK)

	// Remove: the user and its sessions go.
	wantStatus(t, a.post("/dashboard/users/delete", a.form("username", "carol")), http.StatusSeeOther)
	wantStatus(t, c.get("/dashboard/"), http.StatusSeeOther)
	wantStatus(t, f.client().post("/dashboard/login", url.Values{"username": {"carol"}, "password": {"carol-password"}}), http.StatusUnauthorized)
	wantStatus(t, a.post("/dashboard/users/delete", a.form("username", "carol")), http.StatusNotFound)

	// The last admin can be neither demoted nor removed.
	wantStatus(t, a.post("/dashboard/users/role", a.form("username", "admin", "role", "guest")), http.StatusConflict)
	wantStatus(t, a.post("/dashboard/users/delete", a.form("username", "admin")), http.StatusConflict)
	if u, _ := f.store.User(t.Context(), "admin"); u.Role != auth.RoleAdmin {
		t.Error("the last admin was demoted")
	}
	if !strings.Contains(f.logs.String(), "user removed") {
		t.Error("user changes are not logged")
	}
}

var generated = regexp.MustCompile(`password=(\w{20})`)

func TestGeneratedAdminPasswordIsLoggedOnceAndWorks(t *testing.T) {
	f := newFixture(t, map[string]string{"PASSWORD": "", "GUEST_PASSWORD": ""})
	m := generated.FindAllStringSubmatch(f.logs.String(), -1)
	if len(m) != 1 {
		t.Fatalf("generated password logged %d times:\n%s", len(m), f.logs.String())
	}
	pw := m[0][1]
	f.login("admin", pw)
	u, err := f.store.User(t.Context(), "admin")
	if err != nil || strings.Contains(strings.Join(u.Hashes, ""), pw) {
		t.Fatalf("admin %+v, %v: want a stored hash, not the password", u, err)
	}
	if _, err := f.store.User(t.Context(), "guest"); err == nil {
		t.Error("a guest exists without a configured guest password")
	}
	// Restarts neither log a password again nor change it.
	f.start(map[string]string{"PASSWORD": "", "GUEST_PASSWORD": ""})
	f.start(map[string]string{"PASSWORD": "", "GUEST_PASSWORD": ""})
	if n := len(generated.FindAllString(f.logs.String(), -1)); n != 1 {
		t.Errorf("after restarts the password was logged %d times in all", n)
	}
	f.login("admin", pw)
}

func TestConfiguredPasswordAppliesWhenItChanges(t *testing.T) {
	f := newFixture(t, nil)
	a := f.login("admin", adminPW)
	wantStatus(t, a.post("/dashboard/account/password", a.form("current", adminPW, "password", "from-the-ui-1", "again", "from-the-ui-1")), http.StatusSeeOther)

	// Restart with the same configuration: the UI's password stays.
	f.start(nil)
	f.login("admin", "from-the-ui-1")
	wantStatus(t, f.client().post("/dashboard/login", url.Values{"username": {"admin"}, "password": {adminPW}}), http.StatusUnauthorized)

	// The operator changes the configured password: it applies, and
	// the sessions made with the old one end.
	s := f.login("admin", "from-the-ui-1")
	f.start(map[string]string{"PASSWORD": "from-the-config-2"})
	f.login("admin", "from-the-config-2")
	wantStatus(t, f.client().post("/dashboard/login", url.Values{"username": {"admin"}, "password": {"from-the-ui-1"}}), http.StatusUnauthorized)
	wantStatus(t, s.get("/dashboard/"), http.StatusSeeOther)
	if !strings.Contains(f.logs.String(), "configured password changed") {
		t.Error("the change is not logged")
	}

	// A configured role comes back with a changed password too.
	a = f.login("admin", "from-the-config-2")
	wantStatus(t, a.post("/dashboard/users/role", a.form("username", "guest", "role", "admin")), http.StatusSeeOther)
	f.start(map[string]string{"PASSWORD": "from-the-config-2", "GUEST_PASSWORD": "['guest-one-1', 'guest-two-2']"})
	if u, _ := f.store.User(t.Context(), "guest"); u.Role != auth.RoleGuest || len(u.Hashes) != 2 {
		t.Errorf("guest after its configuration changed: role %s, %d hashes; want guest with 2", u.Role, len(u.Hashes))
	}
	f.login("guest", "guest-one-1")
	f.login("guest", "guest-two-2")
	wantStatus(t, f.client().post("/dashboard/login", url.Values{"username": {"guest"}, "password": {guestPW}}), http.StatusUnauthorized)
}

func TestNoAdminIsGeneratedWhenOneExists(t *testing.T) {
	f := newFixture(t, nil)
	f.start(map[string]string{"PASSWORD": "", "USERNAME": "root"})
	if strings.Contains(f.logs.String(), "generated") {
		t.Error("a password was generated although an admin exists")
	}
	if _, err := f.store.User(t.Context(), "root"); err == nil {
		t.Error("a second admin was created")
	}
}
