package version

import (
	"testing"
	"testing/fstest"
)

// FuzzReadRef feeds arbitrary HEAD, loose ref and packed-refs contents to the resolver. Whatever
// the input, it must not panic, and what it returns must be an object name git could have written.
// The files live in memory so the fuzzer runs fast; the os-backed path shares the same code.
func FuzzReadRef(f *testing.F) {
	f.Add("ref: refs/heads/main\n", hashA+"\n", "")
	f.Add("ref: refs/heads/main\n", "", packedHeader+hashB+" refs/tags/v1\n^"+hashC+"\n"+hashA+" refs/heads/main\n")
	f.Add("ref: refs/heads/main\n", hashB, hashA+" refs/heads/main\n")
	f.Add(hashC+"\n", "", "")
	f.Add(hash256, "", "")
	f.Add("ref: refs/heads/main", "ref: refs/heads/other\n", hash256+" refs/heads/other")
	f.Add("ref: refs/heads/main\n", "ref: refs/heads/main\n", "")
	f.Add("ref: ../../etc/passwd\n", "", "")
	f.Add("ref: refs/heads/main\n", "", "# only a header\n")
	f.Add("ref: refs/heads/main\n", "", "garbage\n")
	f.Add("ref:\n", "\x00\xff", "\n\n\r\n")
	f.Add("", "", "")

	f.Fuzz(func(t *testing.T, head, loose, packed string) {
		fsys := fstest.MapFS{"HEAD": {Data: []byte(head)}}
		if loose != "" {
			fsys["refs/heads/main"] = &fstest.MapFile{Data: []byte(loose)}
		}
		if packed != "" {
			fsys["packed-refs"] = &fstest.MapFile{Data: []byte(packed)}
		}
		hash, err := refStore{head: fsys, common: fsys}.resolveHead()
		if err != nil {
			if hash != "" {
				t.Fatalf("resolveHead() = %q with error %v", hash, err)
			}
			return
		}
		if len(hash) != 40 && len(hash) != 64 {
			t.Fatalf("resolveHead() = %q, want 40 or 64 hex digits", hash)
		}
		for _, c := range []byte(hash) {
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
				t.Fatalf("resolveHead() = %q, want lower-case hex", hash)
			}
		}
	})
}
