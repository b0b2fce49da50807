package dbtest

import (
	"context"
	"testing"
)

// testReadPool checks that reads have a pool of their own that
// READ_CONNECTIONS (LimitReads) bounds, leaving the writes' pool as it
// was, and that the store reads and writes through them.
func testReadPool(t *testing.T, srv Server) {
	s, _ := srv.Open(t)
	if s.DB() == s.WriteDB() {
		t.Fatal("reads and writes share one pool: READ_CONNECTIONS would bound the recorder too")
	}
	writes := s.WriteDB().Stats().MaxOpenConnections
	s.LimitReads(2)
	if got := s.DB().Stats().MaxOpenConnections; got != 2 {
		t.Errorf("read pool allows %d connections after LimitReads(2), want 2", got)
	}
	if got := s.WriteDB().Stats().MaxOpenConnections; got != writes {
		t.Errorf("write pool allows %d connections after LimitReads, want %d as before", got, writes)
	}
	s.LimitReads(0) // ignored
	if got := s.DB().Stats().MaxOpenConnections; got != 2 {
		t.Errorf("LimitReads(0) changed the read pool to %d connections", got)
	}
	if _, err := s.Endpoints(context.Background(), ""); err != nil {
		t.Errorf("reading through the bounded pool: %v", err)
	}
}
