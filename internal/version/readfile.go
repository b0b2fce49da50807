package version

import (
	"fmt"
	"io"
	"io/fs"
	"os"
)

// Read limits. Real files are far smaller; the limits only stop a damaged or hostile repository
// from exhausting memory.
const (
	maxSmallFile  = 4 << 10  // HEAD, loose refs, .git files, commondir
	maxPackedRefs = 64 << 20 // packed-refs, which is read line by line
	maxPackedLine = 64 << 10 // one packed-refs line: a hash, a space and a ref name
)

// notRegularError reports a path that is a directory, device, FIFO or socket. It is checked before
// opening, because opening a FIFO blocks until someone writes to it and a device may never end.
type notRegularError struct {
	name string
	mode fs.FileMode
}

func (e *notRegularError) Error() string {
	return fmt.Sprintf("%s is not a regular file (mode %v)", e.name, e.mode)
}

// readFS reads a whole regular file of at most limit bytes from fsys.
func readFS(fsys fs.FS, name string, limit int64) ([]byte, error) {
	return readLimited(name, limit,
		func() (fs.FileInfo, error) { return fs.Stat(fsys, name) },
		func() (fs.File, error) { return fsys.Open(name) })
}

// readOSFile is readFS for an operating-system path, so both kinds of read share one set of checks.
func readOSFile(path string, limit int64) ([]byte, error) {
	return readLimited(path, limit,
		func() (fs.FileInfo, error) { return os.Stat(path) },
		func() (fs.File, error) { return os.Open(path) })
}

func readLimited(name string, limit int64, stat func() (fs.FileInfo, error), open func() (fs.File, error)) ([]byte, error) {
	fi, err := stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, &notRegularError{name: name, mode: fi.Mode()}
	}
	f, err := open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", name, err)
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%s is larger than %d bytes", name, limit)
	}
	return b, nil
}
