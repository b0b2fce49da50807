package dashboard

import (
	"context"
	"log/slog"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/internal/loop"
)

// levelRefreshTimeout bounds one read of the levels, so that a database
// that hangs does not stop the refresh for good.
const levelRefreshTimeout = 30 * time.Second

// startLevelRefresh reads the service's stored levels every interval, off
// the request path, so that a level set on another instance or in gmd
// serve takes effect here without a restart. Close stops it.
func (d *Dashboard) startLevelRefresh(every time.Duration) {
	if every <= 0 {
		return
	}
	d.levels = loop.Start(loop.Options{Every: every, Outage: loop.Outage{
		Logger: d.log, Level: slog.LevelWarn, Failed: "dashboard: reading monitoring levels failed; retrying",
	}}, d.refreshLevels)
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
