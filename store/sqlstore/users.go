package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/store"
)

const userCols = "name, role, hashes, seed, created_us, changed_us"

func scanUser(row interface{ Scan(...any) error }) (store.User, error) {
	var u store.User
	var hashes string
	var created, changed int64
	if err := row.Scan(&u.Name, &u.Role, &hashes, &u.Seed, &created, &changed); err != nil {
		return u, err
	}
	if hashes != "" {
		u.Hashes = strings.Split(hashes, "\n")
	}
	u.Created, u.Changed = micros(created), micros(changed)
	return u, nil
}

// Users lists every user by name.
func (s *Store) Users(ctx context.Context) ([]store.User, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+userCols+` FROM gmd_users ORDER BY name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// User reads one user. It reads through the writer pool so that a login
// right after a password change sees the change.
func (s *Store) User(ctx context.Context, name string) (store.User, error) {
	u, err := scanUser(s.w.QueryRowContext(ctx, s.d.rebind(`SELECT `+userCols+` FROM gmd_users WHERE name = ?`), store.Clip(name)))
	if errors.Is(err, sql.ErrNoRows) {
		return u, fmt.Errorf("user %q: %w", name, store.ErrNotFound)
	}
	return u, err
}

func joinHashes(u store.User) (string, error) {
	for _, h := range u.Hashes {
		if h == "" || strings.ContainsAny(h, "\n") {
			return "", fmt.Errorf("user %q: a password hash is empty or holds a line break", u.Name)
		}
	}
	return strings.Join(u.Hashes, "\n"), nil
}

// CreateUser adds a user.
func (s *Store) CreateUser(ctx context.Context, u store.User) error {
	hashes, err := joinHashes(u)
	if err != nil {
		return err
	}
	u.Name = store.Clip(u.Name)
	res, err := s.w.ExecContext(ctx, s.d.insertIgnore("gmd_users", strings.Split(userCols, ", "), []string{"name"}),
		u.Name, u.Role, hashes, u.Seed, u.Created.UnixMicro(), u.Changed.UnixMicro())
	if err != nil {
		return fmt.Errorf("creating user %q: %w", u.Name, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return fmt.Errorf("user %q: %w", u.Name, store.ErrExists)
	}
	return nil
}

// UpdateUser replaces a user's role, hashes, seed and changed time.
func (s *Store) UpdateUser(ctx context.Context, u store.User) error {
	hashes, err := joinHashes(u)
	if err != nil {
		return err
	}
	name := store.Clip(u.Name)
	res, err := s.w.ExecContext(ctx, s.d.rebind(`UPDATE gmd_users SET role = ?, hashes = ?, seed = ?, changed_us = ? WHERE name = ?`),
		u.Role, hashes, u.Seed, u.Changed.UnixMicro(), name)
	if err != nil {
		return fmt.Errorf("updating user %q: %w", name, err)
	}
	return s.mustExist(ctx, res, "gmd_users", "name", name, "user")
}

// mustExist turns "no row changed" into ErrNotFound, checking whether the
// row exists, because MySQL counts only rows whose values changed.
func (s *Store) mustExist(ctx context.Context, res sql.Result, table, col, key, what string) error {
	n, err := res.RowsAffected()
	if err != nil || n > 0 {
		return err
	}
	var one int
	err = s.w.QueryRowContext(ctx, s.d.rebind(`SELECT 1 FROM `+table+` WHERE `+col+` = ?`), key).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%s %q: %w", what, key, store.ErrNotFound)
	}
	return err
}

// DeleteUser removes a user and its sessions in one transaction.
func (s *Store) DeleteUser(ctx context.Context, name string) error {
	name = store.Clip(name)
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, s.d.rebind(`DELETE FROM gmd_users WHERE name = ?`), name)
	if err != nil {
		return fmt.Errorf("deleting user %q: %w", name, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return fmt.Errorf("user %q: %w", name, store.ErrNotFound)
	}
	if _, err := tx.ExecContext(ctx, s.d.rebind(`DELETE FROM gmd_sessions WHERE user_name = ?`), name); err != nil {
		return fmt.Errorf("deleting sessions of %q: %w", name, err)
	}
	return tx.Commit()
}

// CreateSession stores a session.
func (s *Store) CreateSession(ctx context.Context, ses store.Session) error {
	_, err := s.w.ExecContext(ctx, s.d.rebind(`INSERT INTO gmd_sessions (id, user_name, created_us, expires_us) VALUES (?, ?, ?, ?)`),
		ses.ID, store.Clip(ses.User), ses.Created.UnixMicro(), ses.Expires.UnixMicro())
	if err != nil {
		return fmt.Errorf("creating session: %w", err)
	}
	return nil
}

// Session reads a session through the writer pool, so that a logout is
// seen by the very next request.
func (s *Store) Session(ctx context.Context, id string) (store.Session, error) {
	var ses store.Session
	var created, expires int64
	err := s.w.QueryRowContext(ctx, s.d.rebind(`SELECT id, user_name, created_us, expires_us FROM gmd_sessions WHERE id = ?`), id).
		Scan(&ses.ID, &ses.User, &created, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return ses, fmt.Errorf("session: %w", store.ErrNotFound)
	}
	if err != nil {
		return ses, err
	}
	ses.Created, ses.Expires = micros(created), micros(expires)
	return ses, nil
}

// DeleteSession removes one session.
func (s *Store) DeleteSession(ctx context.Context, id string) error {
	_, err := s.w.ExecContext(ctx, s.d.rebind(`DELETE FROM gmd_sessions WHERE id = ?`), id)
	return err
}

// DeleteUserSessions removes a user's sessions but one.
func (s *Store) DeleteUserSessions(ctx context.Context, user, except string) error {
	_, err := s.w.ExecContext(ctx, s.d.rebind(`DELETE FROM gmd_sessions WHERE user_name = ? AND id <> ?`), store.Clip(user), except)
	return err
}

// DeleteExpiredSessions removes sessions past their expiry.
func (s *Store) DeleteExpiredSessions(ctx context.Context, now time.Time) error {
	_, err := s.w.ExecContext(ctx, s.d.rebind(`DELETE FROM gmd_sessions WHERE expires_us < ?`), now.UnixMicro())
	return err
}

// Setting reads a stored setting.
func (s *Store) Setting(ctx context.Context, name string) (string, error) {
	var v string
	err := s.w.QueryRowContext(ctx, s.d.rebind(`SELECT value FROM gmd_settings WHERE name = ?`), name).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("setting %q: %w", name, store.ErrNotFound)
	}
	return v, err
}

// InitSetting stores a setting unless one is stored, and returns the
// stored value.
func (s *Store) InitSetting(ctx context.Context, name, value string) (string, error) {
	if _, err := s.w.ExecContext(ctx, s.d.insertIgnore("gmd_settings", []string{"name", "value"}, []string{"name"}), name, value); err != nil {
		return "", fmt.Errorf("storing setting %q: %w", name, err)
	}
	return s.Setting(ctx, name)
}
