//go:build unix

package benchdb

import (
	"os"
	"syscall"
)

// lock takes an exclusive lock on the file at path, waiting for it; the
// operating system lets it go when the process ends, so a process that
// dies while making a database leaves no stale lock.
func lock(path string) (unlock func(), err error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}
