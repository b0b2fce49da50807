package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/internal/chart"
)

//go:embed static
var embedded embed.FS

// staticFiles serves the embedded CSS and JavaScript. Each file gets an
// ETag from its content, so browsers revalidate cheaply and pick up a new
// version of the dashboard at once.
type staticFiles struct {
	fsys  fs.FS
	files http.Handler
	etags map[string]string
	// extra are files made in code: the chart package's stylesheet and
	// script.
	extra map[string]extraFile
}

type extraFile struct {
	body        []byte
	contentType string
}

func newStaticFiles() (*staticFiles, error) {
	sub, err := fs.Sub(embedded, "static")
	if err != nil {
		return nil, err
	}
	st := &staticFiles{fsys: sub, files: http.FileServerFS(sub), etags: map[string]string{}, extra: map[string]extraFile{
		"chart.css": {[]byte(chart.CSS), "text/css; charset=utf-8"},
		"chart.js":  {[]byte(chart.Script), "text/javascript; charset=utf-8"},
	}}
	for name, f := range st.extra {
		sum := sha256.Sum256(f.body)
		st.etags[name] = `"` + hex.EncodeToString(sum[:8]) + `"`
	}
	err = fs.WalkDir(sub, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(sub, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		st.etags[p] = `"` + hex.EncodeToString(sum[:8]) + `"`
		return nil
	})
	return st, err
}

// serve answers a file by its name under static/; directories and
// unknown names are 404, without listing anything.
func (st *staticFiles) serve(w http.ResponseWriter, r *http.Request, name string) {
	etag, ok := st.etags[name]
	if !ok || (r.Method != http.MethodGet && r.Method != http.MethodHead) {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("ETag", etag)
	w.Header().Set("Cache-Control", "no-cache")
	if f, ok := st.extra[name]; ok {
		w.Header().Set("Content-Type", f.contentType)
		http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(f.body))
		return
	}
	r2 := r.Clone(r.Context())
	r2.URL.Path = "/" + name
	r2.URL.RawPath = ""
	st.files.ServeHTTP(w, r2)
}

// version is a short hash of a file, added to its URL.
func (st *staticFiles) version(name string) string {
	e := st.etags[name]
	if len(e) > 2 {
		return e[1 : len(e)-1]
	}
	return ""
}
