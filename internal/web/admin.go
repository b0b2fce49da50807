package web

import (
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/go-monitoring-dashboard/dashboard/internal/auth"
	"github.com/go-monitoring-dashboard/dashboard/internal/budget"
	"github.com/go-monitoring-dashboard/dashboard/internal/config"
	"github.com/go-monitoring-dashboard/dashboard/internal/query"
	"github.com/go-monitoring-dashboard/dashboard/internal/reply"
	"github.com/go-monitoring-dashboard/dashboard/store"
)

type exportData struct {
	Endpoints []string
	// SampledOut is how many requests have no raw row (RAW_SAMPLE_RATE):
	// the export lists a sample of the level-1 requests when above 0.
	SampledOut int64
}

func (s *Server) exportPage(w http.ResponseWriter, r *http.Request, u *login) error {
	sv := s.shownOf(r)
	eps, err := s.store.Endpoints(r.Context(), sv.Name)
	if err != nil {
		return err
	}
	rows := make([]query.EndpointSummary, len(eps))
	for i, e := range eps {
		rows[i].Name = e.Name
	}
	var d exportData
	for _, row := range s.running(sv, rows) {
		d.Endpoints = append(d.Endpoints, row.Name)
	}
	if d.SampledOut, err = s.sampledOut(r, sv.Name); err != nil {
		return err
	}
	return s.render(w, r, u, http.StatusOK, "export", "Export", d)
}

type settingsData struct {
	Entries    []config.Entry
	Standalone bool // gmd serve's own configuration
	// Recorder is set when the page shows the running dashboard's own
	// service: Stats, Version and VersionSource are its.
	Recorder      bool
	Stats         RecorderStats
	Version       string
	VersionSource string
	Link          string
	// Instances of the shown service with their stored counters, one
	// column per counter name: listed when there are several, when a
	// counter was stored, or for another service than the own.
	CounterNames  []string
	Instances     []instanceHealth
	ShowInstances bool
	// Reads is the read budget's state: heavy reads running, waiting
	// and turned away since start.
	Reads budget.Stats
}

// instanceHealth is an instance's requests and the counters its recorder
// stored (samples dropped, and why).
type instanceHealth struct {
	query.InstanceSummary
	Counters []int64 // in the order of settingsData.CounterNames
}

func (s *Server) settingsPage(w http.ResponseWriter, r *http.Request, u *login) error {
	sv := s.shownOf(r)
	d := settingsData{Entries: s.cfg.Entries, Standalone: s.opts.Standalone, Recorder: sv.Own, Link: s.link, Reads: s.budget.Stats()}
	if sv.Own {
		d.Stats, d.Version, d.VersionSource = s.opts.Stats(), s.opts.Version, s.opts.VersionSource
	}
	var err error
	if d.Instances, d.CounterNames, err = s.instanceHealth(r, sv); err != nil {
		return err
	}
	d.ShowInstances = len(d.Instances) > 1 || len(d.CounterNames) > 0 || !sv.Own
	return s.render(w, r, u, http.StatusOK, "settings", "Settings", d)
}

// instanceHealth lists the shown service's instances with their stored
// counters.
func (s *Server) instanceHealth(r *http.Request, sv *shown) ([]instanceHealth, []string, error) {
	ins, err := query.Instances(r.Context(), s.scope(sv), query.Window{})
	if err != nil {
		return nil, nil, err
	}
	counters, err := s.store.Counters(r.Context(), sv.Name)
	if err != nil {
		return nil, nil, err
	}
	var names []string
	values := map[[2]string]int64{}
	for _, c := range counters {
		if !slices.Contains(names, c.Name) {
			names = append(names, c.Name)
		}
		values[[2]string{c.Instance, c.Name}] += c.Value
	}
	slices.Sort(names)
	out := make([]instanceHealth, 0, len(ins))
	for _, in := range ins {
		h := instanceHealth{InstanceSummary: in, Counters: make([]int64, len(names))}
		for i, n := range names {
			h.Counters[i] = values[[2]string{in.Name, n}]
		}
		out = append(out, h)
	}
	return out, names, nil
}

type usersData struct {
	Users []store.User
	Me    string
	note
}

func (s *Server) usersPage(w http.ResponseWriter, r *http.Request, u *login) error {
	return s.showUsers(w, r, u, http.StatusOK, s.takeFlash(w, r))
}

func (s *Server) showUsers(w http.ResponseWriter, r *http.Request, u *login, status int, n note) error {
	users, err := s.store.Users(r.Context())
	if err != nil {
		return err
	}
	return s.render(w, r, u, status, "users", "Users", usersData{Users: users, Me: u.Name, note: n})
}

// doneUsers sends the browser back to the users page with a message.
func (s *Server) doneUsers(w http.ResponseWriter, r *http.Request, msg string) error {
	s.flash(w, r, msg)
	http.Redirect(w, r, s.link+"/users", http.StatusSeeOther)
	return nil
}

func (s *Server) addUser(w http.ResponseWriter, r *http.Request, u *login) error {
	f := r.PostForm
	name, role, pw := strings.TrimSpace(f.Get("username")), f.Get("role"), f.Get("password")
	if p := checkUserName(name); p != "" {
		return s.showUsers(w, r, u, http.StatusBadRequest, note{Problem: p})
	}
	if role != auth.RoleAdmin && role != auth.RoleGuest {
		return s.showUsers(w, r, u, http.StatusBadRequest, note{Problem: "Choose the role admin or guest."})
	}
	if p := auth.PasswordProblem(pw); p != "" {
		return s.showUsers(w, r, u, http.StatusBadRequest, note{Problem: p})
	}
	h, err := s.auth.Hash(r.Context(), pw)
	if err != nil {
		return err
	}
	now := s.now()
	err = s.store.CreateUser(r.Context(), store.User{Name: name, Role: role, Hashes: []string{h}, Created: now, Changed: now})
	if errors.Is(err, store.ErrExists) {
		return s.showUsers(w, r, u, http.StatusConflict, note{Problem: "A user named " + name + " exists already."})
	}
	if err != nil {
		return err
	}
	s.log.Info("dashboard: user added", "user", name, "role", role, "by", u.Name)
	return s.doneUsers(w, r, "Added "+name+" ("+role+").")
}

func checkUserName(name string) string {
	switch {
	case name == "":
		return "Give the user a name."
	case len([]rune(name)) > 64:
		return "A user name may have at most 64 characters."
	}
	for _, c := range name {
		if c < 0x20 || c == 0x7f {
			return "A user name may not hold control characters."
		}
	}
	return ""
}

// otherAdmins counts the admins other than name, so that the last admin
// cannot be removed or demoted.
func (s *Server) otherAdmins(r *http.Request, name string) (int, error) {
	users, err := s.store.Users(r.Context())
	n := 0
	for _, x := range users {
		if x.Role == auth.RoleAdmin && x.Name != name {
			n++
		}
	}
	return n, err
}

func (s *Server) targetUser(r *http.Request) (store.User, error) {
	name := r.PostForm.Get("username")
	t, err := s.store.User(r.Context(), name)
	if errors.Is(err, store.ErrNotFound) {
		return t, reply.Errorf(http.StatusNotFound, "no user named %q", clipParam(name))
	}
	return t, err
}

func (s *Server) setRole(w http.ResponseWriter, r *http.Request, u *login) error {
	t, err := s.targetUser(r)
	if err != nil {
		return err
	}
	role := r.PostForm.Get("role")
	if role != auth.RoleAdmin && role != auth.RoleGuest {
		return reply.Errorf(http.StatusBadRequest, "parameter role: want admin or guest")
	}
	if role == auth.RoleGuest && t.Role == auth.RoleAdmin {
		if n, err := s.otherAdmins(r, t.Name); err != nil {
			return err
		} else if n == 0 {
			return s.showUsers(w, r, u, http.StatusConflict, note{Problem: t.Name + " is the only admin: make another user admin first."})
		}
	}
	t.Role = role
	if err := s.store.UpdateUser(r.Context(), t); err != nil {
		return err
	}
	s.log.Info("dashboard: role changed", "user", t.Name, "role", role, "by", u.Name)
	return s.doneUsers(w, r, t.Name+" is now "+role+".")
}

func (s *Server) resetPassword(w http.ResponseWriter, r *http.Request, u *login) error {
	t, err := s.targetUser(r)
	if err != nil {
		return err
	}
	pw := r.PostForm.Get("password")
	if p := auth.PasswordProblem(pw); p != "" {
		return s.showUsers(w, r, u, http.StatusBadRequest, note{Problem: p})
	}
	if err := s.setPassword(r, &t, pw); err != nil {
		return err
	}
	except := ""
	if t.Name == u.Name {
		except = u.Session
	}
	if err := s.store.DeleteUserSessions(r.Context(), t.Name, except); err != nil {
		return err
	}
	s.log.Info("dashboard: password reset", "user", t.Name, "by", u.Name)
	return s.doneUsers(w, r, "Password of "+t.Name+" set; their other sessions ended.")
}

// setPassword stores a new password chosen in the UI. The seed is kept,
// so a restart with the same configuration does not undo it.
func (s *Server) setPassword(r *http.Request, t *store.User, pw string) error {
	h, err := s.auth.Hash(r.Context(), pw)
	if err != nil {
		return err
	}
	t.Hashes, t.Changed = []string{h}, s.now()
	return s.store.UpdateUser(r.Context(), *t)
}

func (s *Server) deleteUser(w http.ResponseWriter, r *http.Request, u *login) error {
	t, err := s.targetUser(r)
	if err != nil {
		return err
	}
	if t.Role == auth.RoleAdmin {
		if n, err := s.otherAdmins(r, t.Name); err != nil {
			return err
		} else if n == 0 {
			return s.showUsers(w, r, u, http.StatusConflict, note{Problem: t.Name + " is the only admin and cannot be removed."})
		}
	}
	if err := s.store.DeleteUser(r.Context(), t.Name); err != nil {
		return err
	}
	s.log.Info("dashboard: user removed", "user", t.Name, "by", u.Name)
	if t.Name == u.Name {
		http.SetCookie(w, s.auth.Cookie(r, auth.CookieName, "", -1))
		http.Redirect(w, r, s.link+"/login", http.StatusSeeOther)
		return nil
	}
	return s.doneUsers(w, r, "Removed "+t.Name+".")
}

type accountData struct {
	Me     store.User
	Seeded bool
	note
}

func (s *Server) accountPage(w http.ResponseWriter, r *http.Request, u *login) error {
	return s.showAccount(w, r, u, http.StatusOK, s.takeFlash(w, r))
}

func (s *Server) showAccount(w http.ResponseWriter, r *http.Request, u *login, status int, n note) error {
	me, err := s.store.User(r.Context(), u.Name)
	if err != nil {
		return err
	}
	return s.render(w, r, u, status, "account", "Your account", accountData{Me: me, Seeded: me.Seed != "", note: n})
}

// changeOwnPassword needs the current password, so that a session left
// open on someone's screen cannot take over the account.
func (s *Server) changeOwnPassword(w http.ResponseWriter, r *http.Request, u *login) error {
	f := r.PostForm
	cur, pw, again := f.Get("current"), f.Get("password"), f.Get("again")
	if p := auth.PasswordProblem(pw); p != "" {
		return s.showAccount(w, r, u, http.StatusBadRequest, note{Problem: p})
	}
	if pw != again {
		return s.showAccount(w, r, u, http.StatusBadRequest, note{Problem: "The two new passwords differ."})
	}
	me, ok, err := s.auth.CheckPassword(r, s.clientIP(r), u.Name, cur)
	if he, limited := err.(*reply.Error); limited {
		return s.showAccount(w, r, u, he.Status, note{Problem: he.Msg})
	}
	if err != nil {
		return err
	}
	if !ok {
		return s.showAccount(w, r, u, http.StatusForbidden, note{Problem: "The current password is wrong."})
	}
	if err := s.setPassword(r, &me, pw); err != nil {
		return err
	}
	if err := s.store.DeleteUserSessions(r.Context(), u.Name, u.Session); err != nil {
		return err
	}
	s.log.Info("dashboard: password changed", "user", u.Name)
	s.flash(w, r, "Password changed; your other sessions ended.")
	http.Redirect(w, r, s.link+"/account", http.StatusSeeOther)
	return nil
}
