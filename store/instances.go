package store

import (
	"context"
	"time"
)

// Instance is one copy of a service that wrote to the database: a replica,
// a process, named by the INSTANCE setting.
type Instance struct {
	Service   string
	Name      string
	FirstSeen time.Time
	// LastSeen is the start of the latest request the instance wrote, to
	// within a second (a busy writer moves it about once a second); zero
	// when it wrote none (only counters). Rows written before the
	// database recorded it (migration 5) give the start of the latest
	// hour with requests.
	LastSeen time.Time
}

// Instances lists who writes to the database, for a dashboard that shows
// several services (gmd serve) and for per-instance breakdowns.
type Instances interface {
	// Services lists the names of the services that wrote anything
	// (endpoints, versions, requests), sorted.
	Services(ctx context.Context) ([]string, error)
	// Instances lists the instances of a service ("" for every service),
	// sorted by service and name.
	Instances(ctx context.Context, service string) ([]Instance, error)
}
