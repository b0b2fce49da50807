package auth

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func TestDeviceCookie(t *testing.T) {
	now := time.Date(2026, 3, 4, 12, 0, 0, 0, time.UTC)
	a := New(Options{Link: "/dashboard", Now: func() time.Time { return now }})
	a.keys = keys{key: []byte("0123456789abcdef0123456789abcdef")}
	rec := httptest.NewRecorder()
	a.TrustDevice(rec, httptest.NewRequest("POST", "/dashboard/login", nil), "admin")
	c := rec.Result().Cookies()[0]
	if c.Name != DeviceCookieName || !c.HttpOnly || c.Path != "/dashboard/" || c.MaxAge != int(DeviceLifetime/time.Second) {
		t.Fatalf("cookie %+v", c)
	}
	with := func(v string) *http.Request {
		r := httptest.NewRequest("POST", "/dashboard/login", nil)
		r.AddCookie(&http.Cookie{Name: DeviceCookieName, Value: v})
		return r
	}
	id, ok := a.device(with(c.Value), "admin", now)
	if !ok || len(id) != 22 {
		t.Fatalf("device of a fresh cookie: %q %v", id, ok)
	}
	// Logging in again keeps the device ID.
	rec = httptest.NewRecorder()
	a.TrustDevice(rec, with(c.Value), "admin")
	if id2, _ := a.device(with(rec.Result().Cookies()[0].Value), "admin", now); id2 != id {
		t.Errorf("device ID changed on a new login: %q, %q", id, id2)
	}
	for _, bad := range []struct {
		name  string
		value string
		user  string
		at    time.Time
	}{
		{"another user", c.Value, "guest", now},
		{"expired", c.Value, "admin", now.Add(DeviceLifetime)},
		{"tampered", c.Value[:len(c.Value)-2] + "AA", "admin", now},
		{"signed by another key", func() string {
			b := New(Options{Link: "/dashboard"})
			b.keys = keys{key: []byte("another key of 32 bytes, really!")}
			return b.Seal("device", "admin\x00AAAAAAAAAAAAAAAAAAAAAA\x009999999999")
		}(), "admin", now},
		{"a session cookie's value", a.Seal("session", "admin\x00AAAAAAAAAAAAAAAAAAAAAA\x009999999999"), "admin", now},
	} {
		if _, ok := a.device(with(bad.value), bad.user, bad.at); ok {
			t.Errorf("%s: trusted", bad.name)
		}
	}
}
