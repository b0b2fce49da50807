package version

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// gitDirs are the two directories a repository's refs live in. They differ only in a linked
// worktree: its HEAD is private to it while branches are shared with the main repository.
type gitDirs struct {
	head   string // holds HEAD and the per-worktree refs
	common string // holds the shared refs and packed-refs
}

// locate turns what the operator configured into the directories to read, accepting every
// form git itself accepts, because operators copy whichever path they have at hand.
func locate(path string) (gitDirs, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return gitDirs{}, err
	}
	var dir string
	switch {
	case fi.IsDir():
		dir, err = gitDirIn(path)
	case fi.Mode().IsRegular():
		dir, err = followGitFile(path)
	default:
		err = fmt.Errorf("%s is neither a directory nor a .git file", path)
	}
	if err != nil {
		return gitDirs{}, err
	}
	common, err := commonDir(dir)
	if err != nil {
		return gitDirs{}, err
	}
	return gitDirs{head: dir, common: common}, nil
}

// gitDirIn finds the git directory for a directory that is either a work tree (it contains
// .git) or a git directory itself (the .git directory, or a bare repository).
func gitDirIn(dir string) (string, error) {
	dotGit := filepath.Join(dir, ".git")
	fi, err := os.Stat(dotGit)
	switch {
	case err == nil && fi.IsDir():
		return dotGit, nil
	case err == nil && fi.Mode().IsRegular():
		return followGitFile(dotGit)
	case err == nil:
		return "", fmt.Errorf("%s is neither a directory nor a .git file", dotGit)
	case !errors.Is(err, fs.ErrNotExist):
		return "", err
	}
	if _, err := os.Stat(filepath.Join(dir, "HEAD")); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("%s is not a git repository: it holds neither HEAD nor .git "+
				"(want the .git directory or the work tree that contains it)", dir)
		}
		return "", err
	}
	return dir, nil
}

// followGitFile reads a .git file, which stands in for the .git directory in linked worktrees
// and submodules. A relative target is relative to the file's own directory, as git resolves it.
func followGitFile(path string) (string, error) {
	b, err := readOSFile(path, maxSmallFile)
	if err != nil {
		return "", err
	}
	target, ok := strings.CutPrefix(strings.TrimSpace(string(b)), "gitdir:")
	target = strings.TrimSpace(target)
	if !ok || target == "" {
		return "", fmt.Errorf("%s is a file that does not hold \"gitdir: <path>\" "+
			"(want a .git directory, or a .git file as git writes for worktrees and submodules)", path)
	}
	if !filepath.IsAbs(target) {
		target = filepath.Join(filepath.Dir(path), target)
	}
	if err := mustBeDir(target); err != nil {
		return "", fmt.Errorf("%s points to %s, which %w", path, target, err)
	}
	return target, nil
}

// commonDir reads the commondir file that a linked worktree's git directory holds, naming the
// main repository's git directory, where the branches are. Without it, the two are one.
func commonDir(dir string) (string, error) {
	path := filepath.Join(dir, "commondir")
	b, err := readOSFile(path, maxSmallFile)
	if errors.Is(err, fs.ErrNotExist) {
		return dir, nil
	}
	if err != nil {
		return "", err
	}
	common := strings.TrimSpace(string(b))
	if common == "" {
		return "", fmt.Errorf("%s is empty (want the path of the main repository's git directory)", path)
	}
	if !filepath.IsAbs(common) {
		common = filepath.Join(dir, common)
	}
	if err := mustBeDir(common); err != nil {
		return "", fmt.Errorf("%s points to %s, which %w", path, common, err)
	}
	return common, nil
}

// mustBeDir returns an error phrased to follow "which".
func mustBeDir(path string) error {
	fi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return errors.New("does not exist")
	}
	if err != nil {
		return fmt.Errorf("cannot be read: %w", err)
	}
	if !fi.IsDir() {
		return errors.New("is not a directory")
	}
	return nil
}
