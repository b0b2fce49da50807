package version

import (
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
)

func TestDetect(t *testing.T) {
	repo := t.TempDir()
	mustWriteFiles(t, repo, map[string]string{
		".git/HEAD":            "ref: refs/heads/main\n",
		".git/refs/heads/main": hashB + "\n",
	})
	missing := filepath.Join(t.TempDir(), "nowhere")

	buildInfo := func(kv ...string) func() (*debug.BuildInfo, bool) {
		return func() (*debug.BuildInfo, bool) {
			bi := &debug.BuildInfo{}
			for i := 0; i < len(kv); i += 2 {
				bi.Settings = append(bi.Settings, debug.BuildSetting{Key: kv[i], Value: kv[i+1]})
			}
			return bi, true
		}
	}
	noBuildInfo := func() (*debug.BuildInfo, bool) { return nil, false }

	tests := []struct {
		name       string
		appVersion string
		gitDir     string
		info       func() (*debug.BuildInfo, bool)
		want       string
		wantSource Source
		wantErr    string
	}{
		{
			name:       "APP_VERSION wins over everything",
			appVersion: "v1.2.3", gitDir: repo, info: buildInfo("vcs.revision", hashC),
			want: "v1.2.3", wantSource: SourceAppVersion,
		},
		{
			name:       "APP_VERSION wins over a broken GIT",
			appVersion: "v1.2.3", gitDir: missing, info: noBuildInfo,
			want: "v1.2.3", wantSource: SourceAppVersion,
		},
		{
			name:       "APP_VERSION loses its surrounding white space",
			appVersion: "  v2\t\n", info: noBuildInfo,
			want: "v2", wantSource: SourceAppVersion,
		},
		{
			name:       "blank APP_VERSION counts as unset",
			appVersion: " \t", gitDir: repo, info: noBuildInfo,
			want: hashB, wantSource: SourceGit,
		},
		{
			name:   "GIT wins over build info",
			gitDir: repo, info: buildInfo("vcs.revision", hashC),
			want: hashB, wantSource: SourceGit,
		},
		{
			name:   "broken GIT is an error, not a fallback",
			gitDir: missing, info: buildInfo("vcs.revision", hashC),
			wantErr: `dashboard: GIT "` + missing + `": `,
		},
		{
			name: "build info when nothing is configured",
			info: buildInfo("vcs.revision", hashC, "vcs.modified", "false"),
			want: hashC, wantSource: SourceBuildInfo,
		},
		{
			name: "modified build is dirty",
			info: buildInfo("vcs.revision", hashC, "vcs.modified", "true"),
			want: hashC + "-dirty", wantSource: SourceBuildInfo,
		},
		{
			name: "build info without a revision is unknown",
			info: buildInfo("-compiler", "gc"),
			want: Unknown, wantSource: SourceUnknown,
		},
		{
			name: "no build info is unknown",
			info: noBuildInfo,
			want: Unknown, wantSource: SourceUnknown,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, source, err := Detect(tt.appVersion, tt.gitDir, tt.info)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Detect() error = %v, want one containing %q", err, tt.wantErr)
				}
				if got != "" || source != "" {
					t.Errorf("Detect() = %q, %q with an error, want empty", got, source)
				}
				return
			}
			if err != nil {
				t.Fatalf("Detect() error = %v", err)
			}
			if got != tt.want || source != tt.wantSource {
				t.Errorf("Detect() = %q, %q, want %q, %q", got, source, tt.want, tt.wantSource)
			}
		})
	}
}

// A nil info reads the running binary's own build info; a test binary may or may not carry
// a revision, so only the outcome's shape is checked.
func TestDetectNilInfoReadsOwnBuildInfo(t *testing.T) {
	got, source, err := Detect("", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	switch source {
	case SourceBuildInfo:
		if got == "" {
			t.Errorf("Detect() = %q from build info, want a revision", got)
		}
	case SourceUnknown:
		if got != Unknown {
			t.Errorf("Detect() = %q, want %q", got, Unknown)
		}
	default:
		t.Errorf("Detect() source = %q, want build info or unknown", source)
	}
}
