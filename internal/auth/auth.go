// Package auth is who may use the dashboard: its users and their password
// hashes, sessions and their cookies, CSRF tokens, the rate limits on
// failed logins, and the users the configuration creates at start.
//
// It knows nothing of pages or routes: internal/web asks it who made a
// request (Session, Basic), checks a login form with it (Login), and
// gets back a *reply.Error to answer when the answer is no.
package auth

import (
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/store"
)

const (
	RoleAdmin = store.RoleAdmin
	RoleGuest = store.RoleGuest
)

// Options are what Auth needs. Store and Link are required.
type Options struct {
	Store store.Store
	// Link is the path the dashboard is served under, such as
	// "/dashboard": its cookies are sent only there.
	Link string
	// The users the configuration names: the admin (USERNAME,
	// PASSWORD; no password generates one) and the guest.
	Username, Password string
	GuestUsername      string
	GuestPasswords     []string
	// TrustedProxies may say, by X-Forwarded-Proto, that the browser
	// came over TLS (the cookies are then Secure).
	TrustedProxies []netip.Prefix
	Logger         *slog.Logger     // nil: slog.Default()
	Now            func() time.Time // nil: time.Now
	// Hash replaces argon2id's cost parameters (tests use cheap ones);
	// the zero value is the default.
	Hash Params
}

// Auth authenticates the requests of one dashboard.
type Auth struct {
	opts   Options
	store  store.Store
	log    *slog.Logger
	now    func() time.Time
	keys   keys
	hasher *hasher
	dummy  func() string // hash checked when a user does not exist
	byAddr *limiter
	byUser *limiter
	// byDevice limits the attempts of browsers with a device cookie.
	byDevice *limiter
	basic    *basicCache

	initMu sync.Mutex
	inited atomic.Bool // Init succeeded: keys are set, users seeded
}

// New returns an Auth that reads nothing yet: Init does.
func New(opts Options) *Auth {
	a := &Auth{opts: opts, store: opts.Store, log: opts.Logger, now: opts.Now,
		byAddr: newLimiter(20, 10*time.Second, 10000), byUser: newLimiter(10, 30*time.Second, 10000),
		byDevice: newLimiter(10, 30*time.Second, 10000), basic: newBasicCache(256)}
	if a.log == nil {
		a.log = slog.Default()
	}
	if a.now == nil {
		a.now = time.Now
	}
	p := opts.Hash
	if p == (Params{}) {
		p = defaultParams
	}
	a.hasher = newHasher(p)
	a.dummy = sync.OnceValue(func() string {
		h, _ := a.hasher.hash(context.Background(), RandomPassword())
		return h
	})
	return a
}

// Ready reports whether Init has succeeded.
func (a *Auth) Ready() bool { return a.inited.Load() }

// Init reads (or creates) the installation's session key and creates or
// updates the configured users. It does so once: after a success it
// returns nil at once.
func (a *Auth) Init(ctx context.Context) error {
	if a.inited.Load() {
		return nil
	}
	a.initMu.Lock()
	defer a.initMu.Unlock()
	if a.inited.Load() {
		return nil
	}
	key, err := a.store.InitSetting(ctx, "session_key", randomKey())
	if err != nil {
		return fmt.Errorf("dashboard: reading the session key: %w", err)
	}
	a.keys = keys{key: []byte(key)}
	if err := a.seedUsers(ctx); err != nil {
		return err
	}
	a.inited.Store(true)
	return nil
}

func randomKey() string {
	b := make([]byte, 32)
	rand.Read(b)
	return b64.EncodeToString(b)
}

// Hash returns the stored form of a new password.
func (a *Auth) Hash(ctx context.Context, password string) (string, error) {
	return a.hasher.hash(ctx, password)
}

// HashesChecked is how many password hashes were computed to check
// passwords since start.
func (a *Auth) HashesChecked() int64 { return a.hasher.count.Load() }
