package budget

import (
	"runtime"
	"syscall"
	"testing"
)

func TestRunNiceRunsAndRaises(t *testing.T) {
	ran := false
	RunNice(func() { ran = true })
	if !ran {
		t.Fatal("fn did not run")
	}
	defer func() {
		if v := recover(); v != "boom" {
			t.Errorf("recovered %v, want the panic of fn", v)
		}
	}()
	RunNice(func() { panic("boom") })
}

func TestRunNiceLowersOnlyItsThread(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("only Linux lowers one thread's priority")
	}
	var inside int
	var err error
	RunNice(func() { inside, err = syscall.Getpriority(syscall.PRIO_PROCESS, syscall.Gettid()) })
	if err != nil {
		t.Fatal(err)
	}
	runtime.LockOSThread()
	outside, err := syscall.Getpriority(syscall.PRIO_PROCESS, syscall.Gettid())
	runtime.UnlockOSThread()
	if err != nil {
		t.Fatal(err)
	}
	// The raw system call answers 20 - nice.
	if inside != outside-lowPriority {
		t.Errorf("priority inside %d, outside %d: want inside lower by %d", inside, outside, lowPriority)
	}
}
