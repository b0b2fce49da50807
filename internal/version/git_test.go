package version

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const packedHeader = "# pack-refs with: peeled fully-peeled sorted \n"

func TestFromGit(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		path  string // the GIT value, relative to the fixture root; "$ROOT" in wantErr becomes root
		want  string
		// wantErr lists parts of the expected error; each "$GIT" becomes the quoted GIT value.
		wantErr []string
	}{
		{
			name: "symbolic HEAD with loose ref",
			files: map[string]string{
				".git/HEAD":            "ref: refs/heads/main\n",
				".git/refs/heads/main": hashA + "\n",
			},
			path: ".git", want: hashA,
		},
		{
			name: "work tree path instead of .git path",
			files: map[string]string{
				".git/HEAD":            "ref: refs/heads/main\n",
				".git/refs/heads/main": hashA + "\n",
			},
			path: ".", want: hashA,
		},
		{
			name: "bare repository",
			files: map[string]string{
				"repo.git/HEAD":            "ref: refs/heads/main\n",
				"repo.git/refs/heads/main": hashA + "\n",
			},
			path: "repo.git", want: hashA,
		},
		{
			name: "packed ref only, with header and peeled lines",
			files: map[string]string{
				".git/HEAD": "ref: refs/heads/main\n",
				".git/packed-refs": packedHeader +
					hashC + " refs/heads/develop\n" +
					hashB + " refs/tags/v1\n" +
					"^" + hashC + "\n" +
					hashA + " refs/heads/main\n",
				".git/refs/heads/": "",
			},
			path: ".git", want: hashA,
		},
		{
			name: "packed ref without trailing newline",
			files: map[string]string{
				".git/HEAD":        "ref: refs/heads/main\n",
				".git/packed-refs": hashA + " refs/heads/main",
			},
			path: ".git", want: hashA,
		},
		{
			name: "packed ref with CRLF line ends",
			files: map[string]string{
				".git/HEAD":        "ref: refs/heads/main\r\n",
				".git/packed-refs": packedHeader + hashA + " refs/heads/main\r\n",
			},
			path: ".git", want: hashA,
		},
		{
			name: "packed ref is not matched by a prefix of its name",
			files: map[string]string{
				".git/HEAD":        "ref: refs/heads/main\n",
				".git/packed-refs": hashB + " refs/heads/main2\n" + hashA + " refs/heads/main\n",
			},
			path: ".git", want: hashA,
		},
		{
			name: "loose overrides packed",
			files: map[string]string{
				".git/HEAD":            "ref: refs/heads/main\n",
				".git/refs/heads/main": hashB + "\n",
				".git/packed-refs":     packedHeader + hashA + " refs/heads/main\n",
			},
			path: ".git", want: hashB,
		},
		{
			name: "directory in place of a loose ref falls back to packed",
			files: map[string]string{
				".git/HEAD":                  "ref: refs/heads/main\n",
				".git/refs/heads/main/":      "",
				".git/packed-refs":           hashA + " refs/heads/main\n",
				".git/refs/heads/main/other": hashB + "\n",
			},
			path: ".git", want: hashA,
		},
		{
			name: "detached HEAD",
			files: map[string]string{
				".git/HEAD":            hashC + "\n",
				".git/refs/heads/main": hashA + "\n",
			},
			path: ".git", want: hashC,
		},
		{
			name:  "upper-case hash is lower-cased",
			files: map[string]string{".git/HEAD": strings.ToUpper(hashC) + "\n"},
			path:  ".git", want: hashC,
		},
		{
			name:  "ref: without space after the colon",
			files: map[string]string{".git/HEAD": "ref:refs/heads/main", ".git/refs/heads/main": hashA},
			path:  ".git", want: hashA,
		},
		{
			name: "nested symbolic refs",
			files: map[string]string{
				".git/HEAD":              "ref: refs/heads/alias\n",
				".git/refs/heads/alias":  "ref: refs/heads/alias2\n",
				".git/refs/heads/alias2": "ref: refs/heads/main\n",
				".git/packed-refs":       hashB + " refs/heads/main\n",
			},
			path: ".git", want: hashB,
		},
		{
			name: "five levels of symbolic refs are followed",
			files: map[string]string{
				".git/HEAD":         "ref: refs/heads/1\n",
				".git/refs/heads/1": "ref: refs/heads/2\n",
				".git/refs/heads/2": "ref: refs/heads/3\n",
				".git/refs/heads/3": "ref: refs/heads/4\n",
				".git/refs/heads/4": "ref: refs/heads/5\n",
				".git/refs/heads/5": hashA + "\n",
			},
			path: ".git", want: hashA,
		},
		{
			name: "SHA-256 loose ref",
			files: map[string]string{
				".git/HEAD":            "ref: refs/heads/main\n",
				".git/refs/heads/main": hash256 + "\n",
			},
			path: ".git", want: hash256,
		},
		{
			name: "SHA-256 packed ref",
			files: map[string]string{
				".git/HEAD":        "ref: refs/heads/main\n",
				".git/packed-refs": packedHeader + strings.ToUpper(hash256) + " refs/heads/main\n",
			},
			path: ".git", want: hash256,
		},
		{
			name: ".git file pointing to a worktree dir with commondir",
			files: map[string]string{
				"main/.git/HEAD":                   "ref: refs/heads/main\n",
				"main/.git/refs/heads/main":        hashA + "\n",
				"main/.git/packed-refs":            hashB + " refs/heads/feature\n",
				"main/.git/worktrees/wt/HEAD":      "ref: refs/heads/feature\n",
				"main/.git/worktrees/wt/commondir": "../..\n",
				"wt/.git":                          "gitdir: ../main/.git/worktrees/wt\n",
			},
			path: "wt", want: hashB,
		},
		{
			name: ".git file given directly, with an absolute gitdir",
			files: map[string]string{
				"main/.git/HEAD":                   "ref: refs/heads/main\n",
				"main/.git/refs/heads/feature":     hashB + "\n",
				"main/.git/worktrees/wt/HEAD":      "ref: refs/heads/feature\n",
				"main/.git/worktrees/wt/commondir": "$ROOT/main/.git\n",
				"wt/.git":                          "gitdir: $ROOT/main/.git/worktrees/wt\n",
			},
			path: "wt/.git", want: hashB,
		},
		{
			name: "worktree's HEAD is its own, not the main one's",
			files: map[string]string{
				"main/.git/HEAD":                   "ref: refs/heads/main\n",
				"main/.git/refs/heads/main":        hashA + "\n",
				"main/.git/worktrees/wt/HEAD":      hashC + "\n",
				"main/.git/worktrees/wt/commondir": "../..",
				"wt/.git":                          "gitdir: ../main/.git/worktrees/wt",
			},
			path: "wt", want: hashC,
		},
		{
			name: "per-worktree ref is read from the worktree's dir",
			files: map[string]string{
				"main/.git/HEAD":                            "ref: refs/heads/main\n",
				"main/.git/refs/worktree/mark":              hashA + "\n",
				"main/.git/worktrees/wt/HEAD":               "ref: refs/worktree/mark\n",
				"main/.git/worktrees/wt/refs/worktree/mark": hashB + "\n",
				"main/.git/worktrees/wt/commondir":          "../..",
				"wt/.git":                                   "gitdir: ../main/.git/worktrees/wt",
			},
			path: "wt", want: hashB,
		},
		{
			name: "submodule .git file without commondir",
			files: map[string]string{
				".git/modules/sub/HEAD":            "ref: refs/heads/main\n",
				".git/modules/sub/refs/heads/main": hashC + "\n",
				"sub/.git":                         "gitdir: ../.git/modules/sub\n",
			},
			path: "sub", want: hashC,
		},

		// Errors.
		{
			name: "unborn branch",
			files: map[string]string{
				".git/HEAD":        "ref: refs/heads/main\n",
				".git/refs/heads/": "",
				".git/packed-refs": packedHeader + hashA + " refs/heads/other\n",
			},
			path:    ".git",
			wantErr: []string{`dashboard: GIT $GIT: HEAD names refs/heads/main, which is neither a loose ref nor in packed-refs (unborn branch?)`},
		},
		{
			name: "unborn branch at the end of a chain names the last link",
			files: map[string]string{
				".git/HEAD":             "ref: refs/heads/alias\n",
				".git/refs/heads/alias": "ref: refs/heads/gone\n",
			},
			path:    ".git",
			wantErr: []string{"refs/heads/alias names refs/heads/gone, which is neither"},
		},
		{
			name:    "missing path",
			files:   map[string]string{},
			path:    "nowhere",
			wantErr: []string{`dashboard: GIT $GIT: `, "no such file or directory"},
		},
		{
			name:    "missing HEAD",
			files:   map[string]string{".git/refs/heads/main": hashA},
			path:    ".git",
			wantErr: []string{"is not a git repository", "neither HEAD nor .git"},
		},
		{
			name: "missing HEAD in a worktree dir",
			files: map[string]string{
				"gitdir/commondir": "..",
				"wt/.git":          "gitdir: ../gitdir",
			},
			path:    "wt",
			wantErr: []string{"has no HEAD file"},
		},
		{
			name:    "directory that is no repository",
			files:   map[string]string{"plain/README": "hi"},
			path:    "plain",
			wantErr: []string{"is not a git repository"},
		},
		{
			name:    "bad content in HEAD",
			files:   map[string]string{".git/HEAD": "hello world\n"},
			path:    ".git",
			wantErr: []string{`HEAD holds "hello world", which is neither "ref: <name>" nor a 40- or 64-digit hex object name`},
		},
		{
			name:    "hash of the wrong length",
			files:   map[string]string{".git/HEAD": hashA[:39] + "\n"},
			path:    ".git",
			wantErr: []string{"HEAD holds", "40- or 64-digit hex"},
		},
		{
			name:    "hash with a non-hex digit",
			files:   map[string]string{".git/HEAD": "g" + hashA[1:]},
			path:    ".git",
			wantErr: []string{"HEAD holds", "40- or 64-digit hex"},
		},
		{
			name:    "hash followed by garbage",
			files:   map[string]string{".git/HEAD": hashA + " extra\n"},
			path:    ".git",
			wantErr: []string{"HEAD holds"},
		},
		{
			name:    "empty HEAD",
			files:   map[string]string{".git/HEAD": ""},
			path:    ".git",
			wantErr: []string{`HEAD holds "", which is neither`},
		},
		{
			name:    "ref: with no name",
			files:   map[string]string{".git/HEAD": "ref: \n"},
			path:    ".git",
			wantErr: []string{`HEAD holds "ref:" without a ref name`},
		},
		{
			name: "bad content in a loose ref",
			files: map[string]string{
				".git/HEAD":            "ref: refs/heads/main\n",
				".git/refs/heads/main": "not a hash\n",
			},
			path:    ".git",
			wantErr: []string{`refs/heads/main holds "not a hash"`},
		},
		{
			name: "bad hash in packed-refs",
			files: map[string]string{
				".git/HEAD":        "ref: refs/heads/main\n",
				".git/packed-refs": packedHeader + "xyz refs/heads/main\n",
			},
			path:    ".git",
			wantErr: []string{`packed-refs line 2 gives "xyz" for refs/heads/main, which is not a 40- or 64-digit hex object name`},
		},
		{
			name: "malformed packed-refs line",
			files: map[string]string{
				".git/HEAD":        "ref: refs/heads/main\n",
				".git/packed-refs": packedHeader + hashA + "\n" + hashA + " refs/heads/main\n",
			},
			path:    ".git",
			wantErr: []string{`packed-refs line 2 holds "` + hashA, `which is not "<hash> <ref>"`},
		},
		{
			name: "too long a packed-refs line",
			files: map[string]string{
				".git/HEAD":        "ref: refs/heads/main\n",
				".git/packed-refs": hashA + " refs/heads/" + strings.Repeat("x", maxPackedLine) + "\n",
			},
			path:    ".git",
			wantErr: []string{"packed-refs has a line longer than 65536 bytes"},
		},
		{
			name: "symbolic ref loop",
			files: map[string]string{
				".git/HEAD":         "ref: refs/heads/a\n",
				".git/refs/heads/a": "ref: refs/heads/b\n",
				".git/refs/heads/b": "ref: refs/heads/a\n",
			},
			path:    ".git",
			wantErr: []string{"symbolic refs nest more than 5 deep (a loop?): HEAD -> refs/heads/a -> refs/heads/b -> refs/heads/a"},
		},
		{
			name: "six levels of symbolic refs are too many",
			files: map[string]string{
				".git/HEAD":         "ref: refs/heads/1\n",
				".git/refs/heads/1": "ref: refs/heads/2\n",
				".git/refs/heads/2": "ref: refs/heads/3\n",
				".git/refs/heads/3": "ref: refs/heads/4\n",
				".git/refs/heads/4": "ref: refs/heads/5\n",
				".git/refs/heads/5": "ref: refs/heads/6\n",
				".git/refs/heads/6": hashA + "\n",
			},
			path:    ".git",
			wantErr: []string{"nest more than 5 deep"},
		},
		{
			name: "ref name escaping the git directory",
			files: map[string]string{
				".git/HEAD":  "ref: refs/../../secret\n",
				"secret":     hashA,
				".git/refs/": "",
			},
			path:    ".git",
			wantErr: []string{`HEAD names "refs/../../secret", which is not a valid ref name: it has an empty, "." or ".." component`},
		},
		{
			name:    "ref name outside refs/",
			files:   map[string]string{".git/HEAD": "ref: config\n", ".git/config": hashA},
			path:    ".git",
			wantErr: []string{`HEAD names "config", which is not a valid ref name: it is not under refs/`},
		},
		{
			name:    "absolute ref name",
			files:   map[string]string{".git/HEAD": "ref: /etc/passwd\n"},
			path:    ".git",
			wantErr: []string{"it is not under refs/"},
		},
		{
			name:    "ref name with a control character",
			files:   map[string]string{".git/HEAD": "ref: refs/heads/a\x00b\n"},
			path:    ".git",
			wantErr: []string{"a control character"},
		},
		{
			name:    "ref name ending in .lock",
			files:   map[string]string{".git/HEAD": "ref: refs/heads/main.lock\n"},
			path:    ".git",
			wantErr: []string{`ends with ".lock"`},
		},
		{
			name:    "HEAD larger than 4 KiB",
			files:   map[string]string{".git/HEAD": hashA + strings.Repeat("\n", maxSmallFile)},
			path:    ".git",
			wantErr: []string{"HEAD is larger than 4096 bytes"},
		},
		{
			name:    "HEAD is a directory",
			files:   map[string]string{".git/HEAD/": "", ".git/refs/": ""},
			path:    ".git",
			wantErr: []string{"HEAD is not a regular file"},
		},
		{
			name:    ".git file without gitdir",
			files:   map[string]string{"wt/.git": "hello\n"},
			path:    "wt",
			wantErr: []string{`.git is a file that does not hold "gitdir: <path>"`},
		},
		{
			name:    ".git file pointing nowhere",
			files:   map[string]string{"wt/.git": "gitdir: ../gone\n"},
			path:    "wt",
			wantErr: []string{"points to", "gone, which does not exist"},
		},
		{
			name: "commondir pointing nowhere",
			files: map[string]string{
				"gitdir/HEAD":      hashA,
				"gitdir/commondir": "../gone",
				"wt/.git":          "gitdir: ../gitdir",
			},
			path:    "wt",
			wantErr: []string{"commondir points to", "which does not exist"},
		},
		{
			name: "empty commondir",
			files: map[string]string{
				"gitdir/HEAD":      hashA,
				"gitdir/commondir": "\n",
				"wt/.git":          "gitdir: ../gitdir",
			},
			path:    "wt",
			wantErr: []string{"commondir is empty"},
		},
		{
			name: "reftable repository",
			files: map[string]string{
				".git/HEAD":                 "ref: refs/heads/.invalid\n",
				".git/reftable/tables.list": "",
				".git/refs/heads":           "this repository uses the reftable format\n",
			},
			path:    ".git",
			wantErr: []string{"reftable format, which the dashboard cannot read (set APP_VERSION instead)"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			mustWriteFiles(t, root, tt.files)
			gitDir := filepath.Join(root, filepath.FromSlash(tt.path))
			got, err := FromGit(gitDir)
			if tt.wantErr != nil {
				if err == nil {
					t.Fatalf("FromGit() = %q, want an error", got)
				}
				for _, part := range tt.wantErr {
					part = strings.ReplaceAll(part, "$GIT", `"`+gitDir+`"`)
					if !strings.Contains(err.Error(), part) {
						t.Errorf("FromGit() error = %q\nwant it to contain %q", err, part)
					}
				}
				if prefix := `dashboard: GIT "` + gitDir + `": `; !strings.HasPrefix(err.Error(), prefix) {
					t.Errorf("FromGit() error = %q\nwant prefix %q", err, prefix)
				}
				return
			}
			if err != nil {
				t.Fatalf("FromGit() error = %v", err)
			}
			if got != tt.want {
				t.Errorf("FromGit() = %q, want %q", got, tt.want)
			}
		})
	}
}

// A packed-refs file above the limit is refused before it is read. The file is sparse, so the
// test stays cheap.
func TestFromGitRefusesHugePackedRefs(t *testing.T) {
	root := t.TempDir()
	mustWriteFiles(t, root, map[string]string{".git/HEAD": "ref: refs/heads/main\n"})
	f, err := os.Create(filepath.Join(root, ".git", "packed-refs"))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(maxPackedRefs + 1); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	_, err = FromGit(filepath.Join(root, ".git"))
	if err == nil || !strings.Contains(err.Error(), "packed-refs is larger than 67108864 bytes") {
		t.Fatalf("FromGit() error = %v, want packed-refs too large", err)
	}
}
