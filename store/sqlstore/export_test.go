package sqlstore

// CachedIDs returns the number of ids the store caches.
func CachedIDs(s *Store) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.ids)
}

// SetMaxIDs sets the bound of the ids cache, so that a test reaches it
// with a few hundred names.
func SetMaxIDs(s *Store, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.maxIDs = n
}
