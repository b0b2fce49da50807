package web

import (
	"net/http"
)

const flashCookie = "gmd_flash"

// flash keeps a message for the page the browser is sent to after a
// change. It is signed, so that a link cannot make the dashboard show a
// message of someone else's choosing.
func (s *Server) flash(w http.ResponseWriter, r *http.Request, msg string) {
	http.SetCookie(w, s.auth.Cookie(r, flashCookie, s.auth.Seal("flash", msg), 60))
}

// takeFlash returns the message flash kept, and clears it.
func (s *Server) takeFlash(w http.ResponseWriter, r *http.Request) note {
	c, err := r.Cookie(flashCookie)
	if err != nil {
		return note{}
	}
	http.SetCookie(w, s.auth.Cookie(r, flashCookie, "", -1))
	msg, ok := s.auth.Open("flash", c.Value)
	if !ok {
		return note{}
	}
	return note{Notice: msg}
}
