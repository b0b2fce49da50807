package web

import (
	"context"
	"crypto/sha256"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/store"
)

const (
	roleAdmin = store.RoleAdmin
	roleGuest = store.RoleGuest
)

// login is the user a request is made by.
type login struct {
	Name  string
	Role  string
	CSRF  string // the token forms and scripts send back; "" for Basic
	basic bool   // authenticated by HTTP Basic, not a cookie
	// session is the stored session's ID and secret the cookie carries.
	session, secret string
}

func (u *login) Admin() bool { return u != nil && u.Role == roleAdmin }

// authenticate finds the user of a request. It returns an error to send
// (401 for the API), or nil and nil after redirecting a page request to
// the login page. API requests may use HTTP Basic instead of the cookie.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request, api bool) (*login, error) {
	if name, pw, ok := r.BasicAuth(); ok && api {
		return s.basicLogin(r, name, pw)
	}
	u, err := s.cookieLogin(r)
	if err != nil {
		return nil, err
	}
	if u != nil {
		return u, nil
	}
	if api {
		return nil, errorf(http.StatusUnauthorized, "log in first: send the session cookie or HTTP Basic credentials")
	}
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		http.Redirect(w, r, s.loginURL(r), http.StatusSeeOther)
	} else {
		http.Redirect(w, r, s.link+"/login", http.StatusSeeOther)
	}
	return nil, nil
}

// cookieLogin returns the user of a valid session cookie, or nil.
func (s *Server) cookieLogin(r *http.Request) (*login, error) {
	c, err := r.Cookie(cookieName)
	if err != nil {
		return nil, nil
	}
	id, secret, ok := s.keys.parseCookie(c.Value, s.now())
	if !ok {
		return nil, nil
	}
	ses, err := s.store.Session(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if !s.now().Before(ses.Expires) {
		return nil, nil
	}
	u, err := s.store.User(r.Context(), ses.User)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &login{Name: u.Name, Role: u.Role, CSRF: s.keys.csrfToken(secret), session: id, secret: secret}, nil
}

// basicLogin checks HTTP Basic credentials, rate-limited like the login
// form. A success is remembered for a few minutes (by a keyed hash of the
// credentials, never the password) so that scripts polling the API do not
// pay a password hash per request; a password change ends it.
func (s *Server) basicLogin(r *http.Request, name, pw string) (*login, error) {
	ctx := r.Context()
	ck := s.basic.key(s.keys, name, pw)
	if hashes, ok := s.basic.get(ck, s.now()); ok {
		u, err := s.store.User(ctx, name)
		if err == nil && strings.Join(u.Hashes, "\n") == hashes {
			return &login{Name: u.Name, Role: u.Role, basic: true}, nil
		}
	}
	u, ok, err := s.checkPassword(ctx, s.clientIP(r), name, pw)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errorf(http.StatusUnauthorized, "wrong user name or password")
	}
	s.basic.put(ck, strings.Join(u.Hashes, "\n"), s.now())
	return &login{Name: u.Name, Role: u.Role, basic: true}, nil
}

// checkPassword verifies a login attempt under the rate limits. It takes
// as long for a user that does not exist as for a wrong password.
func (s *Server) checkPassword(ctx context.Context, ip, name, pw string) (store.User, bool, error) {
	now := s.now()
	addr, user := addrKey(ip), store.Clip(name)
	if wait := max(s.byAddr.wait(addr, now), s.byUser.wait(user, now)); wait > 0 {
		secs := int(wait/time.Second) + 1
		return store.User{}, false, &httpError{status: http.StatusTooManyRequests,
			msg: "too many failed logins; try again in " + strconv.Itoa(secs) + " seconds", retry: secs}
	}
	u, err := s.store.User(ctx, user)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return u, false, err
	}
	ok, err := s.hasher.verify(ctx, pw, u.Hashes, s.dummy())
	if err != nil {
		return u, false, err
	}
	if !ok || name == "" {
		s.byAddr.fail(addr, s.now())
		s.byUser.fail(user, s.now())
		s.log.Warn("dashboard: failed login", "user", user, "ip", ip)
		return u, false, nil
	}
	return u, true, nil
}

// startSession stores a new session for the user and sets its cookie.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, name string) (*login, error) {
	now := s.now()
	expires := now.Add(sessionLifetime)
	value, id := s.keys.newCookieValue(expires)
	if err := s.store.DeleteExpiredSessions(r.Context(), now); err != nil {
		return nil, err
	}
	if err := s.store.CreateSession(r.Context(), store.Session{ID: id, User: name, Created: now, Expires: expires}); err != nil {
		return nil, err
	}
	http.SetCookie(w, s.sessionCookie(r, value, int(sessionLifetime/time.Second)))
	_, secret, _ := s.keys.parseCookie(value, now)
	return &login{Name: name, session: id, secret: secret, CSRF: s.keys.csrfToken(secret)}, nil
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
