//go:build race

package adaptertest

// Race is true when the race detector is on. sync.Pool then drops pooled
// objects at random, so allocation counts say nothing.
const Race = true
