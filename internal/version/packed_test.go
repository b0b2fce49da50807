package version

import (
	"bytes"
	"io/fs"
	"testing"
	"testing/fstest"
)

// understatedFS reports every file as empty, like a packed-refs that grows after it was checked,
// so the read limit itself is what must stop the read.
type understatedFS struct{ fstest.MapFS }

func (u understatedFS) Stat(name string) (fs.FileInfo, error) {
	fi, err := u.MapFS.Stat(name)
	if err != nil {
		return nil, err
	}
	return emptyInfo{fi}, nil
}

type emptyInfo struct{ fs.FileInfo }

func (emptyInfo) Size() int64 { return 0 }

func TestPackedRefStopsAtTheLimitWhateverStatSays(t *testing.T) {
	if testing.Short() {
		t.Skip("builds 64 MiB packed-refs files in memory")
	}
	mainLine := []byte(hashB + " refs/heads/main\n")
	// filler is just over the limit; each case builds its own, so only one is in memory at a time.
	filler := func() []byte {
		line := []byte(hashA + " refs/tags/filler\n")
		return bytes.Repeat(line, maxPackedRefs/len(line)+1)
	}
	tests := []struct {
		name      string
		data      func() []byte
		wantFound bool
		wantErr   bool
	}{
		{"ref within the limit is found", func() []byte { return append(mainLine, filler()...) }, true, false},
		{"ref beyond the limit is refused", func() []byte { return append(filler(), mainLine...) }, false, true},
		{"file beyond the limit without the ref is refused", filler, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := understatedFS{fstest.MapFS{"packed-refs": {Data: tt.data()}}}
			hash, found, err := packedRef(fsys, "refs/heads/main")
			if (err != nil) != tt.wantErr || found != tt.wantFound {
				t.Fatalf("packedRef() = %q, %v, %v; want found %v, error %v", hash, found, err, tt.wantFound, tt.wantErr)
			}
			if err != nil && err != errPackedTooLarge {
				t.Errorf("packedRef() error = %v, want %v", err, errPackedTooLarge)
			}
			if found && hash != hashB {
				t.Errorf("packedRef() = %q, want %q", hash, hashB)
			}
		})
	}
}
