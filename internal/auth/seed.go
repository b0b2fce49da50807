package auth

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
func (a *Auth) seedUsers(ctx context.Context) error {
	c := a.opts
	if c.Password != "" {
		if err := a.seedUser(ctx, c.Username, RoleAdmin, []string{c.Password}); err != nil {
			return err
		}
	} else if err := a.generateAdmin(ctx); err != nil {
		return err
	}
	if len(c.GuestPasswords) > 0 {
		if c.GuestUsername == c.Username {
			a.log.Warn("dashboard: GUEST_USERNAME is the admin's name; the guest is not created", "user", c.GuestUsername)
			return nil
		}
		return a.seedUser(ctx, c.GuestUsername, RoleGuest, c.GuestPasswords)
	}
	return nil
}

func (a *Auth) seedUser(ctx context.Context, name, role string, passwords []string) error {
	fail := func(err error) error { return fmt.Errorf("dashboard: setting up user %q: %w", name, err) }
	seedText := strings.Join(passwords, "\x00")
	u, err := a.store.User(ctx, name)
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
		if hashes[i], err = a.hasher.hash(ctx, pw); err != nil {
			return fail(err)
		}
	}
	seed, err := a.hasher.hash(ctx, seedText)
	if err != nil {
		return fail(err)
	}
	now := a.now()
	if u.Name == "" {
		err = a.store.CreateUser(ctx, store.User{Name: name, Role: role, Hashes: hashes, Seed: seed, Created: now, Changed: now})
		if errors.Is(err, store.ErrExists) {
			return nil // another instance created it at the same moment
		}
		if err != nil {
			return fail(err)
		}
		a.log.Info("dashboard: created user from the configuration", "user", name, "role", role)
		return nil
	}
	u.Role, u.Hashes, u.Seed, u.Changed = role, hashes, seed, now
	if err := a.store.UpdateUser(ctx, u); err != nil {
		return fail(err)
	}
	if err := a.store.DeleteUserSessions(ctx, name, ""); err != nil {
		return fail(err)
	}
	a.log.Info("dashboard: the configured password changed; applied it", "user", name, "role", role)
	return nil
}

// generateAdmin creates USERNAME with a random password when no admin
// exists, and logs the password, once: it is stored only hashed.
func (a *Auth) generateAdmin(ctx context.Context) error {
	users, err := a.store.Users(ctx)
	if err != nil {
		return fmt.Errorf("dashboard: reading users: %w", err)
	}
	for _, u := range users {
		if u.Role == RoleAdmin {
			return nil
		}
	}
	name := a.opts.Username
	pw := RandomPassword()
	h, err := a.hasher.hash(ctx, pw)
	if err != nil {
		return err
	}
	now := a.now()
	u := store.User{Name: name, Role: RoleAdmin, Hashes: []string{h}, Created: now, Changed: now}
	err = a.store.CreateUser(ctx, u)
	if errors.Is(err, store.ErrExists) {
		old, rerr := a.store.User(ctx, name)
		if rerr == nil && old.Role == RoleAdmin {
			return nil // another instance created it just now and logged its password
		}
		// A guest by that name: make it the admin with the new password.
		err = a.store.UpdateUser(ctx, u)
	}
	if err != nil {
		return fmt.Errorf("dashboard: creating the admin %q: %w", name, err)
	}
	a.log.Warn("dashboard: no PASSWORD is configured; generated one for the admin. It is shown only now: log in and change it, or set PASSWORD",
		"user", name, "password", pw, "login", a.opts.Link+"/login")
	return nil
}
