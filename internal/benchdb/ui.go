package benchdb

import (
	"context"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/store"
)

// UIStore is data with the UI's accounts, sessions and settings kept in
// accounts instead: a benchmark logs in and its pages read data, which
// stays as it was made.
func UIStore(data, accounts store.Store) store.Store { return uiStore{data, accounts} }

type uiStore struct {
	store.Store             // the benchmark's requests
	acc         store.Users // accounts, sessions, settings
}

func (s uiStore) Users(ctx context.Context) ([]store.User, error) { return s.acc.Users(ctx) }
func (s uiStore) User(ctx context.Context, name string) (store.User, error) {
	return s.acc.User(ctx, name)
}
func (s uiStore) CreateUser(ctx context.Context, u store.User) error { return s.acc.CreateUser(ctx, u) }
func (s uiStore) UpdateUser(ctx context.Context, u store.User) error { return s.acc.UpdateUser(ctx, u) }
func (s uiStore) DeleteUser(ctx context.Context, name string) error {
	return s.acc.DeleteUser(ctx, name)
}
func (s uiStore) CreateSession(ctx context.Context, x store.Session) error {
	return s.acc.CreateSession(ctx, x)
}
func (s uiStore) Session(ctx context.Context, id string) (store.Session, error) {
	return s.acc.Session(ctx, id)
}
func (s uiStore) DeleteSession(ctx context.Context, id string) error {
	return s.acc.DeleteSession(ctx, id)
}
func (s uiStore) DeleteUserSessions(ctx context.Context, user, except string) error {
	return s.acc.DeleteUserSessions(ctx, user, except)
}
func (s uiStore) DeleteExpiredSessions(ctx context.Context, now time.Time) error {
	return s.acc.DeleteExpiredSessions(ctx, now)
}
func (s uiStore) Setting(ctx context.Context, name string) (string, error) {
	return s.acc.Setting(ctx, name)
}
func (s uiStore) InitSetting(ctx context.Context, name, value string) (string, error) {
	return s.acc.InitSetting(ctx, name, value)
}
