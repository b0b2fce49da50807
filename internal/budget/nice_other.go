//go:build !linux

package budget

// RunNice runs fn. Only Linux lowers the priority of a single thread.
func RunNice(fn func()) { fn() }
