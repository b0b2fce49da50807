package sqlstore

import (
	"context"
	"time"
)

// LockPoll is how often a dialect's Lock asks again for a migration lock
// another instance holds; migrations take well under a second.
const LockPoll = 100 * time.Millisecond

// UnlockTimeout bounds the release of a migration lock, which runs after
// the migration's context may have ended.
const UnlockTimeout = 10 * time.Second

// Pause waits LockPoll or until ctx ends.
func Pause(ctx context.Context) error {
	if !sleep(ctx, LockPoll) {
		return ctx.Err()
	}
	return nil
}
