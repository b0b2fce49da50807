package version

import (
	"fmt"
	"os"
)

// FromGit returns the commit hash that the repository's HEAD points at, in lower case.
//
// gitDir may be the .git directory, the work tree that contains it, a bare repository, or a .git
// file ("gitdir: <path>") as git writes for linked worktrees and submodules. The repository is
// read as plain files: HEAD, then loose refs, then packed-refs. Every error names the GIT key and
// gitDir, because it is the operator's configuration that must change.
func FromGit(gitDir string) (string, error) {
	dirs, err := locate(gitDir)
	if err != nil {
		return "", gitError(gitDir, err)
	}
	refs := refStore{head: os.DirFS(dirs.head), common: os.DirFS(dirs.common)}
	hash, err := refs.resolveHead()
	if err != nil {
		return "", gitError(gitDir, err)
	}
	return hash, nil
}

func gitError(gitDir string, err error) error {
	return fmt.Errorf("dashboard: GIT %q: %w", gitDir, err)
}
