package dashboard

import (
	"database/sql"
	"testing"
)

// TestReadConnections: READ_CONNECTIONS bounds the pool the pages read
// through.
func TestReadConnections(t *testing.T) {
	d := mustNew(t, booksMux(), Config{Settings: map[string]string{"READ_CONNECTIONS": "3"}})
	s, ok := d.store.(interface{ DB() *sql.DB })
	if !ok {
		t.Fatalf("store %T has no read pool", d.store)
	}
	if got := s.DB().Stats().MaxOpenConnections; got != 3 {
		t.Errorf("read pool of %d connections, want READ_CONNECTIONS (3)", got)
	}
}
