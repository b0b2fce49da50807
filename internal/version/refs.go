package version

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"syscall"
)

// maxSymrefDepth bounds chains of symbolic refs, so a loop ends in an error instead of a hang.
// Git stops at the same depth.
const maxSymrefDepth = 5

// refStore reads refs from a git directory. Its two file systems are one and the same except
// in a linked worktree (see gitDirs); tests and the fuzzer give it in-memory ones.
type refStore struct {
	head   fs.FS // HEAD and the per-worktree refs
	common fs.FS // the shared refs and packed-refs
}

// resolveHead follows HEAD through symbolic refs to an object name.
func (s refStore) resolveHead() (string, error) {
	if fi, err := fs.Stat(s.common, "reftable"); err == nil && fi.IsDir() {
		return "", errors.New("the repository keeps its refs in the reftable format, " +
			"which the dashboard cannot read (set APP_VERSION instead)")
	}
	content, err := readFS(s.head, "HEAD", maxSmallFile)
	if errors.Is(err, fs.ErrNotExist) {
		return "", errors.New("the git directory has no HEAD file")
	}
	if err != nil {
		return "", err
	}
	chain := []string{"HEAD"}
	for {
		name := chain[len(chain)-1]
		target, hash, err := parseRef(name, content)
		if err != nil {
			return "", err
		}
		if target == "" {
			return hash, nil
		}
		if len(chain) > maxSymrefDepth {
			return "", fmt.Errorf("symbolic refs nest more than %d deep (a loop?): %s",
				maxSymrefDepth, strings.Join(append(chain, target), " -> "))
		}
		if why := checkRefName(target); why != "" {
			return "", fmt.Errorf("%s names %q, which is not a valid ref name: %s", name, target, why)
		}
		content, err = s.loose(target)
		if err == nil {
			chain = append(chain, target)
			continue
		}
		if !errors.Is(err, errNoLooseRef) {
			return "", err
		}
		hash, found, err := packedRef(s.common, target)
		if err != nil {
			return "", err
		}
		if !found {
			return "", fmt.Errorf("%s names %s, which is neither a loose ref nor in packed-refs (unborn branch?)",
				name, target)
		}
		return hash, nil
	}
}

var errNoLooseRef = errors.New("no loose ref")

// loose reads the file of a loose ref. A missing file, or a directory in its place, means the
// ref may still be packed, so both give errNoLooseRef.
func (s refStore) loose(name string) ([]byte, error) {
	fsys := s.common
	if perWorktree(name) {
		fsys = s.head
	}
	b, err := readFS(fsys, name, maxSmallFile)
	var notRegular *notRegularError
	switch {
	case err == nil:
		return b, nil
	case errors.Is(err, fs.ErrNotExist), errors.Is(err, syscall.ENOTDIR):
		return nil, errNoLooseRef
	case errors.As(err, &notRegular) && notRegular.mode.IsDir():
		return nil, errNoLooseRef
	}
	return nil, err
}

// perWorktree tells the refs that each linked worktree keeps for itself, as git does.
func perWorktree(name string) bool {
	for _, prefix := range []string{"refs/worktree/", "refs/bisect/", "refs/rewritten/"} {
		if strings.HasPrefix(name, prefix) {
			return true
		}
	}
	return false
}

// parseRef reads the content of HEAD or of a loose ref: either "ref: <name>" (symbolic, target
// set) or an object name (hash set).
func parseRef(name string, content []byte) (target, hash string, err error) {
	s := strings.TrimRight(string(content), " \t\r\n")
	if rest, ok := strings.CutPrefix(s, "ref:"); ok {
		target = strings.TrimLeft(rest, " \t")
		if target == "" {
			return "", "", fmt.Errorf("%s holds \"ref:\" without a ref name", name)
		}
		return target, "", nil
	}
	if h, ok := parseObjectName(s); ok {
		return "", h, nil
	}
	return "", "", fmt.Errorf("%s holds %s, which is neither \"ref: <name>\" nor %s",
		name, excerpt(s), wantObjectName)
}

// excerpt quotes the start of a file's content for an error message, so a large or binary file
// does not flood the log.
func excerpt(s string) string {
	const limit = 60
	if len(s) > limit {
		return fmt.Sprintf("%q...", s[:limit])
	}
	return fmt.Sprintf("%q", s)
}
