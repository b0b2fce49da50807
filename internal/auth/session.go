package auth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// SessionLifetime is how long a login lasts. It is absolute: a session is
// not extended by use, so a stolen cookie stops working within a day.
const SessionLifetime = 12 * time.Hour

// CookieName is the session cookie's name.
const CookieName = "gmd_session"

// keys derives the secrets of sessions and CSRF tokens from the
// installation's random key (stored in the database, so that every
// instance of a service accepts the others' cookies).
type keys struct{ key []byte }

func (k keys) mac(parts ...string) []byte {
	m := hmac.New(sha256.New, k.key)
	for _, p := range parts {
		m.Write([]byte(p))
		m.Write([]byte{0})
	}
	return m.Sum(nil)
}

var b64 = base64.RawURLEncoding

// newCookieValue returns a fresh session secret, the cookie that carries
// it (secret.expiry.signature) and the session's stored ID.
func (k keys) newCookieValue(expires time.Time) (value, id string) {
	secret := make([]byte, 32)
	rand.Read(secret)
	s := b64.EncodeToString(secret)
	exp := strconv.FormatInt(expires.Unix(), 10)
	return s + "." + exp + "." + b64.EncodeToString(k.mac("session", s, exp)), sessionID(s)
}

// parseCookie checks a cookie's signature and expiry and returns the
// session's stored ID and the secret. The signature lets a forged or
// expired cookie be refused without a database read.
func (k keys) parseCookie(v string, now time.Time) (id, secret string, ok bool) {
	parts := strings.Split(v, ".")
	if len(parts) != 3 || len(parts[0]) != 43 {
		return "", "", false
	}
	sig, err := b64.DecodeString(parts[2])
	if err != nil || !hmac.Equal(sig, k.mac("session", parts[0], parts[1])) {
		return "", "", false
	}
	exp, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil || now.Unix() >= exp {
		return "", "", false
	}
	return sessionID(parts[0]), parts[0], true
}

// sessionID is what the database keeps of a secret: its hash, so that a
// copy of the database does not hand out valid cookies.
func sessionID(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}

// csrfToken is the per-session token forms and the API send back.
func (k keys) csrfToken(secret string) string { return b64.EncodeToString(k.mac("csrf", secret)) }

func (k keys) checkCSRF(secret, token string) bool {
	want := k.csrfToken(secret)
	return subtle.ConstantTimeCompare([]byte(want), []byte(token)) == 1
}

// Cookie is a cookie of the dashboard's: only sent to its paths, hidden
// from scripts, not sent on cross-site subrequests, and Secure when the
// page came over TLS. A maxAge below 0 deletes it.
func (a *Auth) Cookie(r *http.Request, name, value string, maxAge int) *http.Cookie {
	return &http.Cookie{
		Name: name, Value: value, Path: a.opts.Link + "/", MaxAge: maxAge,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: a.overTLS(r),
	}
}

// Seal signs msg for purpose, so that a cookie carrying it cannot be
// forged: "base64(msg).signature".
func (a *Auth) Seal(purpose, msg string) string {
	v := b64.EncodeToString([]byte(msg))
	return v + "." + b64.EncodeToString(a.keys.mac(purpose, v))
}

// Open returns the message Seal signed for purpose, or false.
func (a *Auth) Open(purpose, sealed string) (string, bool) {
	v, sig, ok := strings.Cut(sealed, ".")
	mac, err := b64.DecodeString(sig)
	if !ok || err != nil || !hmac.Equal(mac, a.keys.mac(purpose, v)) {
		return "", false
	}
	msg, err := b64.DecodeString(v)
	return string(msg), err == nil
}

// overTLS reports whether the browser reached the service over TLS: the
// connection is TLS, or it comes from one of TRUSTED_PROXIES (which
// terminate TLS in front of the service) and that proxy says so in
// X-Forwarded-Proto. From anyone else the header is ignored: a client
// could send it, though all it could gain is a cookie its own browser
// would then not send over plain HTTP.
func (a *Auth) overTLS(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	if len(a.opts.TrustedProxies) == 0 {
		return false
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return false
	}
	ip = ip.Unmap()
	for _, p := range a.opts.TrustedProxies {
		if p.Contains(ip) {
			proto := r.Header.Get("X-Forwarded-Proto")
			if i := strings.LastIndexByte(proto, ','); i >= 0 {
				proto = proto[i+1:] // the hop nearest to us
			}
			return strings.EqualFold(strings.TrimSpace(proto), "https")
		}
	}
	return false
}
