package version

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
)

// packedRef looks name up in packed-refs, where git moves refs on gc or pack-refs. The file can
// be large in repositories with many tags, so it is read line by line and stops at the match;
// memory stays at one line (at most maxPackedLine) whatever the file's size.
func packedRef(fsys fs.FS, name string) (hash string, found bool, err error) {
	fi, err := fs.Stat(fsys, "packed-refs")
	if errors.Is(err, fs.ErrNotExist) {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	if !fi.Mode().IsRegular() {
		return "", false, &notRegularError{name: "packed-refs", mode: fi.Mode()}
	}
	if fi.Size() > maxPackedRefs {
		return "", false, errPackedTooLarge
	}
	f, err := fsys.Open("packed-refs")
	if err != nil {
		return "", false, err
	}
	defer f.Close()

	// The limit guards against a file that grows after Stat: reading all of it means it is too large.
	limited := &io.LimitedReader{R: f, N: maxPackedRefs + 1}
	sc := bufio.NewScanner(limited)
	sc.Buffer(make([]byte, 0, 4<<10), maxPackedLine)
	for lineNo := 1; sc.Scan(); lineNo++ {
		if limited.N == 0 {
			return "", false, errPackedTooLarge
		}
		if hash, found, err := matchPackedLine(sc.Bytes(), name, lineNo); err != nil || found {
			return hash, found, err
		}
	}
	if limited.N == 0 {
		return "", false, errPackedTooLarge
	}
	if errors.Is(sc.Err(), bufio.ErrTooLong) {
		return "", false, fmt.Errorf("packed-refs has a line longer than %d bytes", maxPackedLine)
	}
	if sc.Err() != nil {
		return "", false, fmt.Errorf("reading packed-refs: %w", sc.Err())
	}
	return "", false, nil
}

var errPackedTooLarge = fmt.Errorf("packed-refs is larger than %d bytes", maxPackedRefs)

// matchPackedLine reads one line of packed-refs. Lines are "<hash> <ref>", with a "# pack-refs
// with: ..." header and "^<hash>" lines that give the commit an annotated tag on the line before
// points to; neither names a ref, so both are skipped. Anything else is an error, as it is for
// git, rather than a guess.
func matchPackedLine(line []byte, name string, lineNo int) (hash string, found bool, err error) {
	if len(line) > 0 && (line[0] == '#' || line[0] == '^') {
		return "", false, nil
	}
	hashPart, ref, ok := bytes.Cut(line, []byte(" "))
	if !ok {
		return "", false, fmt.Errorf("packed-refs line %d holds %s, which is not \"<hash> <ref>\"",
			lineNo, excerpt(string(line)))
	}
	if string(ref) != name {
		return "", false, nil
	}
	hash, ok = parseObjectName(string(hashPart))
	if !ok {
		return "", false, fmt.Errorf("packed-refs line %d gives %s for %s, which is not %s",
			lineNo, excerpt(string(hashPart)), name, wantObjectName)
	}
	return hash, true, nil
}
