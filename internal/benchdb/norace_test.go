//go:build !race

package benchdb

const raceEnabled = false
