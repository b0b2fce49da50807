package store

import (
	"context"
	"time"
)

// Profile is wall-clock samples of one endpoint's requests in one version,
// taken by one instance between Start and End, as a gzipped pprof
// profile (the format go tool pprof reads).
type Profile struct {
	ID       int64
	Service  string
	Instance string
	Endpoint string
	Version  string
	Start    time.Time
	End      time.Time
	Samples  int64         // stacks sampled
	Wall     time.Duration // wall time the samples stand for
	Data     []byte        // gzipped pprof protocol buffer
}

// ProfileFilter selects profiles. Zero fields select everything.
type ProfileFilter struct {
	Service  string
	Endpoint string
	Version  string
	Since    time.Time // profiles ending at or after
	Until    time.Time // profiles starting before
}

// ProfileSummary counts the stored profiles of an endpoint in a version.
type ProfileSummary struct {
	Endpoint string
	Version  string
	Profiles int
	Samples  int64
	Wall     time.Duration
	First    time.Time
	Last     time.Time
}

// ProfileStore keeps profiler samples.
type ProfileStore interface {
	// WriteProfiles stores profiles in one transaction.
	WriteProfiles(ctx context.Context, ps []Profile) error
	// Profiles calls fn for each selected profile, oldest first, with
	// its Data, streaming.
	Profiles(ctx context.Context, f ProfileFilter, fn func(*Profile) error) error
	// ProfileSummaries lists, per endpoint and version, what is stored,
	// ordered by endpoint and then version's first profile.
	ProfileSummaries(ctx context.Context, service, endpoint string) ([]ProfileSummary, error)
}
