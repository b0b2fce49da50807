package dashboard

import (
	"context"
	"errors"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/store"
)

// levelRefreshTimeout bounds one read of the levels, so that a database
// that hangs does not stop the refresh for good.
const levelRefreshTimeout = 30 * time.Second

// startLevelRefresh reads the service's stored levels every interval, off
// the request path, so that a level set on another instance or in gmd
// serve takes effect here without a restart. Close stops it.
func (d *Dashboard) startLevelRefresh(every time.Duration) {
	ctx, cancel := context.WithCancel(context.Background())
	d.stopLevels = cancel
	d.levelsDone = make(chan struct{})
	if every <= 0 {
		close(d.levelsDone)
		return
	}
	go func() {
		defer close(d.levelsDone)
		t := time.NewTicker(every)
		defer t.Stop()
		failing := false
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			err := d.refreshLevels(ctx)
			switch {
			case err == nil:
				failing = false
			case ctx.Err() != nil, errors.Is(err, store.ErrNotReady):
				// Closing, or still connecting: the levels are read
				// when the database comes.
			case !failing:
				failing = true
				d.log.Warn("dashboard: reading monitoring levels failed; retrying", "err", err)
			}
		}
	}()
}

// refreshLevels reads the stored levels once, in one query.
func (d *Dashboard) refreshLevels(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, levelRefreshTimeout)
	defer cancel()
	changes := d.eps.changeCount()
	stored, err := d.store.Endpoints(ctx, d.cfg.Service)
	if err != nil {
		return err
	}
	d.eps.refresh(stored, changes)
	return nil
}
