package measure

import (
	"testing"
	"time"
)

func TestClockAgreesWithWallClock(t *testing.T) {
	c := NewClock()
	for i := 0; i < 3; i++ {
		before := time.Now().UnixMicro()
		got := c.WallMicros(c.Mono())
		after := time.Now().UnixMicro()
		if got < before-1 || got > after+1 {
			t.Fatalf("WallMicros = %d, outside [%d, %d]", got, before, after)
		}
		time.Sleep(600 * time.Millisecond) // crosses a re-anchoring
	}
}

func TestClockMeasuresDurations(t *testing.T) {
	c := NewClock()
	a := c.Mono()
	time.Sleep(20 * time.Millisecond)
	if d := c.Mono() - a; d < 20*time.Millisecond || d > 2*time.Second {
		t.Errorf("measured %v for a 20ms sleep", d)
	}
}

func TestClockDoesNotAllocate(t *testing.T) {
	c := NewClock()
	if n := testing.AllocsPerRun(1000, func() { c.WallMicros(c.Mono()) }); n != 0 {
		t.Errorf("allocates %.1f", n)
	}
}
