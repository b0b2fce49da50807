package web

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/go-monitoring-dashboard/dashboard/store"
)

// seedUsers creates or updates the users the configuration names.
//
// The configuration is the source of a password only when it changes:
// each seeded user keeps (in Seed) a hash of the configured value last
// applied. At start, a configured password that matches that hash is left
// alone, so a password changed later in the UI survives restarts; a
// configured password that differs (the operator edited the file or the
// environment) replaces the stored one, ends the user's sessions, and
// gives the user its configured role again.
//
// With no PASSWORD configured and no admin in the database, an admin
// USERNAME is created with a random password, which is logged once.
func (s *Server) seedUsers(ctx context.Context) error {
	c := s.cfg
	if c.Password != "" {
		if err := s.seedUser(ctx, c.Username, roleAdmin, []string{c.Password}); err != nil {
			return err
		}
	} else if err := s.generateAdmin(ctx); err != nil {
		return err
	}
	if len(c.GuestPasswords) > 0 {
		if c.GuestUsername == c.Username {
			s.log.Warn("dashboard: GUEST_USERNAME is the admin's name; the guest is not created", "user", c.GuestUsername)
			return nil
		}
		return s.seedUser(ctx, c.GuestUsername, roleGuest, c.GuestPasswords)
	}
	return nil
}

func (s *Server) seedUser(ctx context.Context, name, role string, passwords []string) error {
	fail := func(err error) error { return fmt.Errorf("dashboard: setting up user %q: %w", name, err) }
	seedText := strings.Join(passwords, "\x00")
	u, err := s.store.User(ctx, name)
	switch {
	case errors.Is(err, store.ErrNotFound):
	case err != nil:
		return fail(err)
	default:
		if u.Seed != "" && checkHash(seedText, u.Seed) {
			return nil // unchanged since applied
		}
	}
	hashes := make([]string, len(passwords))
	for i, pw := range passwords {
		if hashes[i], err = s.hasher.hash(ctx, pw); err != nil {
			return fail(err)
		}
	}
	seed, err := s.hasher.hash(ctx, seedText)
	if err != nil {
		return fail(err)
	}
	now := s.now()
	if u.Name == "" {
		err = s.store.CreateUser(ctx, store.User{Name: name, Role: role, Hashes: hashes, Seed: seed, Created: now, Changed: now})
		if errors.Is(err, store.ErrExists) {
			return nil // another instance created it at the same moment
		}
		if err != nil {
			return fail(err)
		}
		s.log.Info("dashboard: created user from the configuration", "user", name, "role", role)
		return nil
	}
	u.Role, u.Hashes, u.Seed, u.Changed = role, hashes, seed, now
	if err := s.store.UpdateUser(ctx, u); err != nil {
		return fail(err)
	}
	if err := s.store.DeleteUserSessions(ctx, name, ""); err != nil {
		return fail(err)
	}
	s.log.Info("dashboard: the configured password changed; applied it", "user", name, "role", role)
	return nil
}

// generateAdmin creates USERNAME with a random password when no admin
// exists, and logs the password, once: it is stored only hashed.
func (s *Server) generateAdmin(ctx context.Context) error {
	users, err := s.store.Users(ctx)
	if err != nil {
		return fmt.Errorf("dashboard: reading users: %w", err)
	}
	for _, u := range users {
		if u.Role == roleAdmin {
			return nil
		}
	}
	name := s.cfg.Username
	pw := randomPassword()
	h, err := s.hasher.hash(ctx, pw)
	if err != nil {
		return err
	}
	now := s.now()
	u := store.User{Name: name, Role: roleAdmin, Hashes: []string{h}, Created: now, Changed: now}
	err = s.store.CreateUser(ctx, u)
	if errors.Is(err, store.ErrExists) {
		old, rerr := s.store.User(ctx, name)
		if rerr == nil && old.Role == roleAdmin {
			return nil // another instance created it just now and logged its password
		}
		// A guest by that name: make it the admin with the new password.
		err = s.store.UpdateUser(ctx, u)
	}
	if err != nil {
		return fmt.Errorf("dashboard: creating the admin %q: %w", name, err)
	}
	s.log.Warn("dashboard: no PASSWORD is configured; generated one for the admin. It is shown only now: log in and change it, or set PASSWORD",
		"user", name, "password", pw, "login", s.link+"/login")
	return nil
}
