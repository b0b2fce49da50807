package budget

import (
	"runtime"
	"syscall"
)

// lowPriority is the nice value heavy reads run at: the operating system
// then gives the service's own threads the CPU first.
const lowPriority = 10

// RunNice runs fn on an operating-system thread of its own at a lower
// priority (nice 10) and waits for it; a panic in fn is raised again in
// the caller. The thread ends with fn: an unprivileged process cannot
// raise a thread's priority again, so it never returns to the pool that
// runs the service's goroutines.
func RunNice(fn func()) {
	done := make(chan any, 1)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread exits with this goroutine
		defer func() { done <- recover() }()
		// Best effort: where the call is refused, fn runs at the usual priority.
		syscall.Setpriority(syscall.PRIO_PROCESS, syscall.Gettid(), lowPriority)
		fn()
	}()
	if v := <-done; v != nil {
		panic(v)
	}
}
