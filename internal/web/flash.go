package web

import (
	"crypto/hmac"
	"net/http"
	"strings"
)

const flashCookie = "gmd_flash"

// flash keeps a message for the page the browser is sent to after a
// change. It is signed, so that a link cannot make the dashboard show a
// message of someone else's choosing.
func (s *Server) flash(w http.ResponseWriter, r *http.Request, msg string) {
	v := b64.EncodeToString([]byte(msg))
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: v + "." + b64.EncodeToString(s.keys.mac("flash", v)),
		Path: s.link + "/", MaxAge: 60, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.overTLS(r)})
}

// takeFlash returns the message flash kept, and clears it.
func (s *Server) takeFlash(w http.ResponseWriter, r *http.Request) note {
	c, err := r.Cookie(flashCookie)
	if err != nil {
		return note{}
	}
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Path: s.link + "/", MaxAge: -1, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: s.overTLS(r)})
	v, sig, ok := strings.Cut(c.Value, ".")
	mac, err := b64.DecodeString(sig)
	if !ok || err != nil || !hmac.Equal(mac, s.keys.mac("flash", v)) {
		return note{}
	}
	msg, err := b64.DecodeString(v)
	if err != nil {
		return note{}
	}
	return note{Notice: string(msg)}
}
