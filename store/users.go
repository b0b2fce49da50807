package store

import (
	"context"
	"errors"
	"time"
)

// Roles of the dashboard's users.
const (
	RoleAdmin = "admin" // reads everything, changes levels, exports, manages users
	RoleGuest = "guest" // reads every graph, changes nothing but its own password
)

// User is an account of the dashboard (not of the monitored service).
type User struct {
	Name string
	Role string // RoleAdmin or RoleGuest
	// Hashes are password hashes in PHC string form ("$argon2id$..."),
	// usually one; a guest seeded from a configured list has several.
	Hashes []string
	// Seed is the hash of the configuration value last applied to this
	// user, so that a changed configuration is noticed at start while a
	// password changed in the UI survives restarts. "" for users made in
	// the UI.
	Seed    string
	Created time.Time
	Changed time.Time // when the password was last set
}

// Session is a login. Its ID is a hash of the secret the browser holds, so
// a copy of the database does not hand out valid cookies.
type Session struct {
	ID      string
	User    string
	Created time.Time
	Expires time.Time
}

// ErrExists is returned when creating something whose name is taken.
var ErrExists = errors.New("already exists")

// Users keeps the dashboard's own accounts, sessions and settings. They are
// shared by every service and instance that use the database.
type Users interface {
	// Users lists every user, sorted by name.
	Users(ctx context.Context) ([]User, error)
	// User returns one user; ErrNotFound when there is none by that name.
	User(ctx context.Context, name string) (User, error)
	// CreateUser adds a user; ErrExists when the name is taken.
	CreateUser(ctx context.Context, u User) error
	// UpdateUser replaces the role, hashes, seed and changed time of the
	// user named u.Name; ErrNotFound when there is none.
	UpdateUser(ctx context.Context, u User) error
	// DeleteUser removes a user and its sessions; ErrNotFound when there
	// is none.
	DeleteUser(ctx context.Context, name string) error

	// CreateSession stores a new session.
	CreateSession(ctx context.Context, s Session) error
	// Session returns a session by ID; ErrNotFound when there is none
	// (expired sessions are returned: the caller checks Expires).
	Session(ctx context.Context, id string) (Session, error)
	// DeleteSession removes one session; a missing one is not an error.
	DeleteSession(ctx context.Context, id string) error
	// DeleteUserSessions removes every session of a user except the one
	// with ID except ("" removes all).
	DeleteUserSessions(ctx context.Context, user, except string) error
	// DeleteExpiredSessions removes sessions that expired before now.
	DeleteExpiredSessions(ctx context.Context, now time.Time) error

	// Setting returns a stored setting; ErrNotFound when it is not set.
	Setting(ctx context.Context, name string) (string, error)
	// InitSetting stores value under name unless a value is stored
	// already, and returns the stored value. Several processes starting
	// at once agree on the first value written.
	InitSetting(ctx context.Context, name, value string) (string, error)
}
