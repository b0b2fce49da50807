//go:build race

package benchdb

// raceEnabled: the race detector makes writes several times slower, so the
// tests write fewer rows and skip the checks that need many.
const raceEnabled = true
