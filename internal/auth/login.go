package auth

import (
	"crypto/sha256"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/internal/reply"
	"github.com/go-monitoring-dashboard/dashboard/store"
)

// Login is the user a request is made by.
type Login struct {
	Name  string
	Role  string
	CSRF  string // the token forms and scripts send back; "" for Basic
	Basic bool   // authenticated by HTTP Basic, not a cookie
	// Session is the stored session's ID ("" for Basic); secret is what
	// the cookie carries.
	Session string
	secret  string
}

// Admin reports whether u is an admin.
func (u *Login) Admin() bool { return u != nil && u.Role == RoleAdmin }

// CheckCSRF reports whether token is u's session's CSRF token.
func (a *Auth) CheckCSRF(u *Login, token string) bool {
	return u.secret != "" && token != "" && a.keys.checkCSRF(u.secret, token)
}

// Session returns the user of a valid session cookie, or nil.
func (a *Auth) Session(r *http.Request) (*Login, error) {
	c, err := r.Cookie(CookieName)
	if err != nil {
		return nil, nil
	}
	id, secret, ok := a.keys.parseCookie(c.Value, a.now())
	if !ok {
		return nil, nil
	}
	ses, err := a.store.Session(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if !a.now().Before(ses.Expires) {
		return nil, nil
	}
	u, err := a.store.User(r.Context(), ses.User)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &Login{Name: u.Name, Role: u.Role, CSRF: a.keys.csrfToken(secret), Session: id, secret: secret}, nil
}

// Basic checks HTTP Basic credentials, rate-limited like the login
// form. A success is remembered for a few minutes (by a keyed hash of the
// credentials, never the password) so that scripts polling the API do not
// pay a password hash per request; a password change ends it.
func (a *Auth) Basic(r *http.Request, ip, name, pw string) (*Login, error) {
	ck := a.basic.key(a.keys, name, pw)
	if hashes, ok := a.basic.get(ck, a.now()); ok {
		u, err := a.store.User(r.Context(), name)
		if err == nil && strings.Join(u.Hashes, "\n") == hashes {
			return &Login{Name: u.Name, Role: u.Role, Basic: true}, nil
		}
	}
	u, ok, err := a.CheckPassword(r, ip, name, pw)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, reply.Errorf(http.StatusUnauthorized, "wrong user name or password")
	}
	a.basic.put(ck, strings.Join(u.Hashes, "\n"), a.now())
	return &Login{Name: u.Name, Role: u.Role, Basic: true}, nil
}

// CheckPassword verifies a login attempt of r, from the client address
// ip, under the rate limits: an attempt from a browser whose device cookie
// names the user is limited per device, any other per user name and per
// address. It takes as long for a user that does not exist as for a
// wrong password.
func (a *Auth) CheckPassword(r *http.Request, ip, name, pw string) (store.User, bool, error) {
	ctx := r.Context()
	now := a.now()
	addr, user := addrKey(ip), store.Clip(name)
	dev, trusted := a.device(r, user, now)
	var wait time.Duration
	if trusted {
		wait = a.byDevice.wait(dev, now)
	} else {
		wait = max(a.byAddr.wait(addr, now), a.byUser.wait(user, now))
	}
	if wait > 0 {
		secs := int(wait/time.Second) + 1
		return store.User{}, false, &reply.Error{Status: http.StatusTooManyRequests,
			Msg: "too many failed logins; try again in " + strconv.Itoa(secs) + " seconds", RetryAfter: secs}
	}
	u, err := a.store.User(ctx, user)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return u, false, err
	}
	ok, err := a.hasher.verify(ctx, pw, u.Hashes, a.dummy())
	if err != nil {
		return u, false, err
	}
	if !ok || name == "" {
		if trusted {
			a.byDevice.fail(dev, a.now())
		} else {
			a.byAddr.fail(addr, a.now())
			a.byUser.fail(user, a.now())
		}
		a.log.Warn("dashboard: failed login", "user", user, "ip", ip, "trusted_device", trusted)
		return u, false, nil
	}
	return u, true, nil
}

// StartSession stores a new session for the user and sets its cookie.
func (a *Auth) StartSession(w http.ResponseWriter, r *http.Request, name string) (*Login, error) {
	now := a.now()
	expires := now.Add(SessionLifetime)
	value, id := a.keys.newCookieValue(expires)
	if err := a.store.DeleteExpiredSessions(r.Context(), now); err != nil {
		return nil, err
	}
	if err := a.store.CreateSession(r.Context(), store.Session{ID: id, User: name, Created: now, Expires: expires}); err != nil {
		return nil, err
	}
	http.SetCookie(w, a.Cookie(r, CookieName, value, int(SessionLifetime/time.Second)))
	_, secret, _ := a.keys.parseCookie(value, now)
	return &Login{Name: name, Session: id, secret: secret, CSRF: a.keys.csrfToken(secret)}, nil
}

// basicCache remembers recent successful Basic logins.
type basicCache struct {
	mu  sync.Mutex
	max int
	m   map[[32]byte]basicEntry
}

type basicEntry struct {
	hashes  string // the user's hashes when checked: a change ends the entry
	expires time.Time
}

const basicTTL = 5 * time.Minute

func newBasicCache(max int) *basicCache {
	return &basicCache{max: max, m: map[[32]byte]basicEntry{}}
}

func (c *basicCache) key(k keys, name, pw string) [32]byte {
	return sha256.Sum256(k.mac("basic", name, pw))
}

func (c *basicCache) get(key [32]byte, now time.Time) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[key]
	if !ok || !now.Before(e.expires) {
		return "", false
	}
	return e.hashes, true
}

func (c *basicCache) put(key [32]byte, hashes string, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= c.max {
		for k, e := range c.m {
			if !now.Before(e.expires) {
				delete(c.m, k)
			}
		}
		if len(c.m) >= c.max {
			clear(c.m)
		}
	}
	c.m[key] = basicEntry{hashes: hashes, expires: now.Add(basicTTL)}
}

// EndSession deletes u's session, if it has one, and its cookie.
func (a *Auth) EndSession(w http.ResponseWriter, r *http.Request, u *Login) error {
	if u.Session != "" {
		if err := a.store.DeleteSession(r.Context(), u.Session); err != nil {
			return err
		}
	}
	http.SetCookie(w, a.Cookie(r, CookieName, "", -1))
	return nil
}
