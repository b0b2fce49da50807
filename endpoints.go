package dashboard

import (
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/go-monitoring-dashboard/dashboard/internal/outlier"
	"github.com/go-monitoring-dashboard/dashboard/store"
)

// Names of the endpoints that are not routes.
const (
	// Unmatched is the endpoint of requests no route matched (404 and 405
	// from the router). They are counted under this one name, never one
	// per path, so that scanners cannot fill the database with names.
	Unmatched = "(unmatched)"
	// Overflow collects requests once maxEndpoints names exist, which
	// only a route-naming function that returns raw paths can cause.
	Overflow = "(other)"
)

// maxEndpoints bounds the number of endpoint names one dashboard tracks.
const maxEndpoints = 10000

// endpoint is the in-memory state of one endpoint. The request path reads
// it without locks.
type endpoint struct {
	name  string
	level atomic.Int32
	watch outlier.Endpoint // running average and outlier state (levels 2 and 3)
}

func newEndpoint(name string, level int) *endpoint {
	e := &endpoint{name: name}
	e.watch.Name = name
	e.level.Store(int32(level))
	return e
}

// registry maps endpoint names to their state. Reads load one pointer to an
// immutable map; a new name copies the map under a lock, which happens once
// per route.
type registry struct {
	m atomic.Pointer[map[string]*endpoint]
	// recent remembers endpoints by the address of the name string the
	// router handed over. ServeMux hands the same string for a route every
	// time, so a hit skips hashing the name. A hit is confirmed by
	// comparing the names, which for the same string is one pointer
	// comparison.
	recent       [64]atomic.Pointer[endpoint]
	mu           sync.Mutex
	defaultLevel int
	// changes counts the levels set here (SetLevel), under mu, so that a
	// refresh that read the database before such a change does not undo
	// it.
	changes uint64
	// created is called, under mu, for each endpoint the request path
	// meets for the first time, to store it.
	created func(e store.Endpoint)
	// leveled is called, under mu, with each endpoint made or whose level
	// a load changed, so that the outlier monitor knows which endpoints
	// it watches.
	leveled func(e *endpoint, old, new int)
}

func newRegistry(defaultLevel int, leveled func(e *endpoint, old, new int)) *registry {
	g := &registry{defaultLevel: defaultLevel, leveled: leveled}
	m := map[string]*endpoint{}
	g.m.Store(&m)
	return g
}

// setCreated sets the function called for new endpoints.
func (g *registry) setCreated(created func(store.Endpoint)) {
	g.mu.Lock()
	g.created = created
	g.mu.Unlock()
}

// load takes the levels of stored endpoints: an operator set them, so
// they win over the default an endpoint got when it was met before the
// database was reached. It may run at any time, from the store's
// goroutine, while requests are served.
func (g *registry) load(stored []store.Endpoint) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.loadLocked(stored)
}

// changeCount returns the number of levels set here so far, to pass to
// refresh.
func (g *registry) changeCount() uint64 {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.changes
}

// refresh takes the stored levels, read from the database after
// changeCount returned changes, unless a level was set here since: the
// read may predate that change, and the next refresh will see it.
func (g *registry) refresh(stored []store.Endpoint, changes uint64) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.changes == changes {
		g.loadLocked(stored)
	}
}

// setLevel sets e's level and counts the change.
func (g *registry) setLevel(e *endpoint, level int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	was := e.level.Swap(int32(level))
	g.changed(e, int(was), level)
	g.changes++
}

// loadLocked sets the levels of known endpoints and adds the others. The
// map is copied only when a name is new, so that a refresh that finds
// nothing new costs no allocation.
func (g *registry) loadLocked(stored []store.Endpoint) {
	old := *g.m.Load()
	var m map[string]*endpoint
	for _, s := range stored {
		if e := old[s.Name]; e != nil {
			was := e.level.Swap(int32(s.Level))
			g.changed(e, int(was), s.Level)
			continue
		}
		if m == nil {
			m = make(map[string]*endpoint, len(old)+len(stored))
			for k, v := range old {
				m[k] = v
			}
		}
		if e := m[s.Name]; e != nil || len(m) >= maxEndpoints {
			continue
		}
		e := newEndpoint(s.Name, s.Level)
		m[s.Name] = e
		g.changed(e, store.LevelOff, s.Level)
	}
	if m != nil {
		fresh := m // only this branch allocates the pointer Store takes
		g.m.Store(&fresh)
	}
}

// get returns the state of the endpoint called name, creating it with the
// default level when new. "" is the unmatched endpoint.
func (g *registry) get(name string) *endpoint {
	if name == "" {
		name = Unmatched
	}
	slot := &g.recent[(uintptr(unsafe.Pointer(unsafe.StringData(name)))>>4)%uintptr(len(g.recent))]
	if e := slot.Load(); e != nil && e.name == name {
		return e
	}
	e := (*g.m.Load())[name]
	if e == nil {
		e = g.add(name, g.defaultLevel, nil)
	}
	slot.Store(e)
	return e
}

// lookup returns the endpoint called name, or nil.
func (g *registry) lookup(name string) *endpoint { return (*g.m.Load())[store.Clip(name)] }

func (g *registry) add(name string, level int, methods []string) *endpoint {
	name = store.Clip(name) // as the store keeps it
	g.mu.Lock()
	defer g.mu.Unlock()
	old := *g.m.Load()
	if e := old[name]; e != nil {
		return e
	}
	if len(old) >= maxEndpoints {
		if e := old[Overflow]; e != nil {
			return e
		}
		name = Overflow
	}
	e := newEndpoint(name, level)
	m := make(map[string]*endpoint, len(old)+1)
	for k, v := range old {
		m[k] = v
	}
	m[name] = e
	g.m.Store(&m)
	if g.created != nil {
		g.created(store.Endpoint{Name: name, Level: level, Methods: methods, FirstSeen: time.Now()})
	}
	g.changed(e, store.LevelOff, level)
	return e
}

func (g *registry) changed(e *endpoint, old, new int) {
	if g.leveled != nil && old != new {
		g.leveled(e, old, new)
	}
}

func (g *registry) len() int { return len(*g.m.Load()) }
