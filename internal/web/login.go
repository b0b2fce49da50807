package web

import (
	"net/http"
	"strconv"
)

type loginForm struct {
	Next, Username string
	problem        string
}

func (f loginForm) notice() (string, string) { return "", f.problem }

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request, _ *login) error {
	next := safeNext(s.link, r.URL.Query().Get("next"))
	if u, err := s.cookieLogin(r); err == nil && u != nil {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return nil
	}
	return s.render(w, r, nil, http.StatusOK, "login", "Log in", loginForm{Next: next})
}

func (s *Server) loginSubmit(w http.ResponseWriter, r *http.Request, _ *login) error {
	name, pw := r.PostForm.Get("username"), r.PostForm.Get("password")
	next := safeNext(s.link, r.PostForm.Get("next"))
	u, ok, err := s.checkPassword(r.Context(), s.clientIP(r), name, pw)
	if he, limited := err.(*httpError); limited {
		w.Header().Set("Retry-After", strconv.Itoa(he.retry))
		return s.render(w, r, nil, he.status, "login", "Log in", loginForm{Next: next, Username: name, problem: he.msg})
	}
	if err != nil {
		return err
	}
	if !ok {
		return s.render(w, r, nil, http.StatusUnauthorized, "login", "Log in",
			loginForm{Next: next, Username: name, problem: "Wrong user name or password."})
	}
	// A session the browser had before (perhaps planted) ends here.
	if old, _ := s.cookieLogin(r); old != nil {
		s.store.DeleteSession(r.Context(), old.session)
	}
	if _, err := s.startSession(w, r, u.Name); err != nil {
		return err
	}
	s.log.Info("dashboard: login", "user", u.Name, "ip", s.clientIP(r))
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request, u *login) error {
	if u.session != "" {
		if err := s.store.DeleteSession(r.Context(), u.session); err != nil {
			return err
		}
	}
	http.SetCookie(w, s.sessionCookie(r, "", -1))
	if u.basic {
		writeJSON(w, http.StatusOK, map[string]string{"status": "Basic credentials hold no session"})
		return nil
	}
	http.Redirect(w, r, s.link+"/login", http.StatusSeeOther)
	return nil
}
