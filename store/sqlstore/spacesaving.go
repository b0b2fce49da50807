package sqlstore

import "container/heap"

// spaceSaving is the Space-Saving heavy-hitters summary (Metwally,
// Agrawal and El Abbadi, 2005) with weighted updates: at most slots
// counters; a name without a counter, when all are taken, takes over the
// smallest and starts from its count. Whatever the input, the counters add
// up to the requests counted (N), a name's counter is never below its true
// count and overstates it by at most err ≤ the smallest counter ≤ N/slots,
// and a name without a counter made at most the smallest counter's count.
type spaceSaving struct {
	slots int
	by    map[string]*ssCounter
	h     ssHeap // smallest hits first
}

type ssCounter struct {
	name      string
	hits, err int64
	sum       int64 // µs of the hits-err requests seen since the name took the counter
	i         int   // index in the heap
}

func newSpaceSaving(slots int) *spaceSaving {
	return &spaceSaving{slots: max(1, slots), by: map[string]*ssCounter{}}
}

// load puts back a counter read from the database.
func (s *spaceSaving) load(name string, hits, err, sum int64) {
	if _, ok := s.by[name]; ok {
		return
	}
	c := &ssCounter{name: name, hits: hits, err: err, sum: sum}
	s.by[name] = c
	heap.Push(&s.h, c)
	s.slots = max(s.slots, len(s.h))
}

// add counts n requests of name that took sum µs. It returns the name
// whose counter was taken over, if any.
func (s *spaceSaving) add(name string, n, sum int64) (evicted string, ok bool) {
	if c := s.by[name]; c != nil {
		c.hits += n
		c.sum += sum
		heap.Fix(&s.h, c.i)
		return "", false
	}
	if len(s.h) < s.slots {
		c := &ssCounter{name: name, hits: n, sum: sum}
		s.by[name] = c
		heap.Push(&s.h, c)
		return "", false
	}
	c := s.h[0]
	delete(s.by, c.name)
	evicted = c.name
	c.name, c.err, c.hits, c.sum = name, c.hits, c.hits+n, sum
	s.by[name] = c
	heap.Fix(&s.h, 0)
	return evicted, true
}

type ssHeap []*ssCounter

func (h ssHeap) Len() int { return len(h) }
func (h ssHeap) Less(i, j int) bool {
	if h[i].hits != h[j].hits {
		return h[i].hits < h[j].hits
	}
	return h[i].name < h[j].name
}
func (h ssHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].i, h[j].i = i, j
}
func (h *ssHeap) Push(x any) {
	c := x.(*ssCounter)
	c.i = len(*h)
	*h = append(*h, c)
}
func (h *ssHeap) Pop() any {
	old := *h
	c := old[len(old)-1]
	*h = old[:len(old)-1]
	return c
}
