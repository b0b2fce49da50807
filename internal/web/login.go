package web

import (
	"net/http"

	"github.com/go-monitoring-dashboard/dashboard/internal/reply"
)

type loginForm struct {
	Next, Username string
	problem        string
}

func (f loginForm) notice() (string, string) { return "", f.problem }

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request, _ *login) error {
	next := safeNext(s.link, r.URL.Query().Get("next"))
	if u, err := s.auth.Session(r); err == nil && u != nil {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return nil
	}
	return s.render(w, r, nil, http.StatusOK, "login", "Log in", loginForm{Next: next})
}

func (s *Server) loginSubmit(w http.ResponseWriter, r *http.Request, _ *login) error {
	name, pw := r.PostForm.Get("username"), r.PostForm.Get("password")
	next := safeNext(s.link, r.PostForm.Get("next"))
	u, ok, err := s.auth.CheckPassword(r, s.clientIP(r), name, pw)
	if he, limited := err.(*reply.Error); limited {
		he.Headers(w.Header())
		return s.render(w, r, nil, he.Status, "login", "Log in", loginForm{Next: next, Username: name, problem: he.Msg})
	}
	if err != nil {
		return err
	}
	if !ok {
		return s.render(w, r, nil, http.StatusUnauthorized, "login", "Log in",
			loginForm{Next: next, Username: name, problem: "Wrong user name or password."})
	}
	// A session the browser had before (perhaps planted) ends here.
	if old, _ := s.auth.Session(r); old != nil {
		s.store.DeleteSession(r.Context(), old.Session)
	}
	if _, err := s.auth.StartSession(w, r, u.Name); err != nil {
		return err
	}
	s.auth.TrustDevice(w, r, u.Name)
	s.log.Info("dashboard: login", "user", u.Name, "ip", s.clientIP(r))
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request, u *login) error {
	if err := s.auth.EndSession(w, r, u); err != nil {
		return err
	}
	if u.Basic {
		reply.JSON(w, http.StatusOK, map[string]string{"status": "Basic credentials hold no session"})
		return nil
	}
	http.Redirect(w, r, s.link+"/login", http.StatusSeeOther)
	return nil
}
