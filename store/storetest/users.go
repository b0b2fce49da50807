package storetest

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/store"
)

func testUsersRoundTrip(t *testing.T, s store.Store) {
	ctx := context.Background()
	alice := store.User{Name: "alice", Role: store.RoleAdmin, Hashes: []string{"$argon2id$a"}, Seed: "$argon2id$seed",
		Created: base, Changed: base.Add(time.Second)}
	bob := store.User{Name: "bob <script>'\"", Role: store.RoleGuest, Hashes: []string{"$argon2id$b1", "$argon2id$b2"},
		Created: base, Changed: base}
	for _, u := range []store.User{bob, alice} {
		if err := s.CreateUser(ctx, u); err != nil {
			t.Fatalf("CreateUser(%q): %v", u.Name, err)
		}
	}
	if err := s.CreateUser(ctx, alice); !errors.Is(err, store.ErrExists) {
		t.Errorf("CreateUser of a taken name: %v, want ErrExists", err)
	}
	got, err := s.User(ctx, "bob <script>'\"")
	if err != nil {
		t.Fatal(err)
	}
	if got.Role != store.RoleGuest || !slices.Equal(got.Hashes, bob.Hashes) || got.Seed != "" || !got.Created.Equal(base) {
		t.Errorf("User(bob) = %+v, want %+v", got, bob)
	}
	if _, err := s.User(ctx, "carol"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("User(carol): %v, want ErrNotFound", err)
	}
	all, err := s.Users(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 || all[0].Name != "alice" || all[1].Name != bob.Name {
		t.Fatalf("Users = %+v, want alice then bob", all)
	}
	if !slices.Equal(all[0].Hashes, alice.Hashes) || all[0].Seed != alice.Seed || !all[0].Changed.Equal(alice.Changed) {
		t.Errorf("Users()[0] = %+v, want %+v", all[0], alice)
	}

	alice.Role, alice.Hashes, alice.Seed, alice.Changed = store.RoleGuest, []string{"$argon2id$new"}, "", base.Add(time.Hour)
	if err := s.UpdateUser(ctx, alice); err != nil {
		t.Fatal(err)
	}
	// The same values again: MySQL reports no changed row, still no error.
	if err := s.UpdateUser(ctx, alice); err != nil {
		t.Errorf("UpdateUser with unchanged values: %v", err)
	}
	if got, _ := s.User(ctx, "alice"); got.Role != store.RoleGuest || !slices.Equal(got.Hashes, alice.Hashes) || !got.Changed.Equal(alice.Changed) {
		t.Errorf("after UpdateUser: %+v, want %+v", got, alice)
	}
	if err := s.UpdateUser(ctx, store.User{Name: "carol", Role: store.RoleGuest, Hashes: []string{"x"}}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("UpdateUser(carol): %v, want ErrNotFound", err)
	}
	if err := s.UpdateUser(ctx, store.User{Name: "alice", Role: store.RoleGuest, Hashes: []string{"a\nb"}}); err == nil {
		t.Error("UpdateUser accepted a hash holding a line break")
	}
}

func testSessions(t *testing.T, s store.Store) {
	ctx := context.Background()
	if err := s.CreateUser(ctx, store.User{Name: "alice", Role: store.RoleAdmin, Hashes: []string{"h"}, Created: base, Changed: base}); err != nil {
		t.Fatal(err)
	}
	mk := func(id, user string, expires time.Time) {
		t.Helper()
		if err := s.CreateSession(ctx, store.Session{ID: id, User: user, Created: base, Expires: expires}); err != nil {
			t.Fatal(err)
		}
	}
	mk("s1", "alice", base.Add(time.Hour))
	mk("s2", "alice", base.Add(time.Hour))
	mk("s3", "alice", base.Add(-time.Minute))
	mk("b1", "bob", base.Add(time.Hour))
	got, err := s.Session(ctx, "s1")
	if err != nil {
		t.Fatal(err)
	}
	if got.User != "alice" || !got.Expires.Equal(base.Add(time.Hour)) || !got.Created.Equal(base) {
		t.Errorf("Session(s1) = %+v", got)
	}
	if _, err := s.Session(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Session(nope): %v, want ErrNotFound", err)
	}
	exists := func(id string) bool {
		_, err := s.Session(ctx, id)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			t.Fatal(err)
		}
		return err == nil
	}
	if err := s.DeleteExpiredSessions(ctx, base); err != nil {
		t.Fatal(err)
	}
	if exists("s3") || !exists("s1") {
		t.Error("DeleteExpiredSessions removed the wrong sessions")
	}
	if err := s.DeleteUserSessions(ctx, "alice", "s1"); err != nil {
		t.Fatal(err)
	}
	if !exists("s1") || exists("s2") || !exists("b1") {
		t.Error("DeleteUserSessions(alice, except s1) removed the wrong sessions")
	}
	if err := s.DeleteSession(ctx, "b1"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteSession(ctx, "b1"); err != nil {
		t.Errorf("DeleteSession of a missing session: %v", err)
	}
	if exists("b1") {
		t.Error("DeleteSession left the session")
	}
	if err := s.DeleteUser(ctx, "alice"); err != nil {
		t.Fatal(err)
	}
	if exists("s1") {
		t.Error("DeleteUser left the user's session")
	}
	if err := s.DeleteUser(ctx, "alice"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("DeleteUser twice: %v, want ErrNotFound", err)
	}
	if err := s.DeleteUserSessions(ctx, "alice", ""); err != nil {
		t.Errorf("DeleteUserSessions of a user without sessions: %v", err)
	}
}

func testSettingsFirstWins(t *testing.T, s store.Store) {
	ctx := context.Background()
	if _, err := s.Setting(ctx, "key"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Setting before InitSetting: %v, want ErrNotFound", err)
	}
	long := strings.Repeat("0123456789abcdef", 64)
	var wg sync.WaitGroup
	got := make([]string, 8)
	errs := make([]error, 8)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i], errs[i] = s.InitSetting(ctx, "key", long+string(rune('a'+i)))
		}()
	}
	wg.Wait()
	for i := range got {
		if errs[i] != nil {
			t.Fatalf("InitSetting: %v", errs[i])
		}
		if got[i] != got[0] || !strings.HasPrefix(got[i], long) {
			t.Fatalf("InitSetting results differ: %q vs %q", got[i][len(long):], got[0][len(long):])
		}
	}
	if v, err := s.Setting(ctx, "key"); err != nil || v != got[0] {
		t.Errorf("Setting = %q, %v; want the first value stored", v, err)
	}
}
