package outlier

import (
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/go-monitoring-dashboard/dashboard/store"
)

// Bounds of what is kept of a request, so that a request with a huge
// query or thousands of headers cannot fill the database.
const (
	maxURL        = 2048
	maxValue      = 512
	maxPairs      = 64
	maxPairsBytes = 8192
)

// requestHalf fills in what an outlier records of its request. It runs on
// the request's goroutine after the handler returned, so reading r races
// with nothing. Form values are those the handler parsed; the body is
// never read here.
func requestHalf(o *store.Outlier, r *http.Request, red *Redactor) {
	o.Method = clipString(r.Method, 32)
	o.URL = clipString(redactURL(r.URL, red), maxURL)
	var hs []store.KeyValue
	if r.Host != "" {
		hs = append(hs, store.KeyValue{Key: "Host", Value: r.Host})
	}
	hs = appendPairs(hs, r.Header, red)
	o.Headers = bound(hs)
	var vs []store.KeyValue
	if r.URL != nil {
		vs = appendPairs(vs, r.URL.Query(), red)
	}
	if r.PostForm != nil {
		vs = appendPairs(vs, r.PostForm, red)
	}
	if r.MultipartForm != nil {
		vs = appendPairs(vs, r.MultipartForm.Value, red)
		for name, files := range r.MultipartForm.File {
			for _, f := range files {
				vs = append(vs, store.KeyValue{Key: name, Value: "(file " + f.Filename + ")"})
			}
		}
	}
	o.Values = bound(vs)
}

func appendPairs(out []store.KeyValue, m map[string][]string, red *Redactor) []store.KeyValue {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		secret := red.Secret(k)
		for _, v := range m[k] {
			if secret {
				v = Redacted
			}
			out = append(out, store.KeyValue{Key: clipString(k, 128), Value: clipString(v, maxValue)})
		}
	}
	return out
}

// bound keeps at most maxPairs pairs and maxPairsBytes bytes, and says
// how many were left out.
func bound(kvs []store.KeyValue) []store.KeyValue {
	size := 0
	for i, kv := range kvs {
		size += len(kv.Key) + len(kv.Value)
		if i == maxPairs || size > maxPairsBytes {
			return append(kvs[:i:i], store.KeyValue{Key: "…", Value: strconv.Itoa(len(kvs)-i) + " more not kept"})
		}
	}
	return kvs
}

// redactURL returns the path and query with secret values replaced.
func redactURL(u *url.URL, red *Redactor) string {
	if u == nil {
		return ""
	}
	s := u.EscapedPath()
	if u.RawQuery == "" {
		return s
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		// Unparsable: keep only the names we can see, never the values.
		return s + "?" + Redacted
	}
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		for _, v := range q[k] {
			if b.Len() > 0 {
				b.WriteByte('&')
			}
			b.WriteString(url.QueryEscape(k))
			b.WriteByte('=')
			if red.Secret(k) {
				b.WriteString(Redacted)
			} else {
				b.WriteString(url.QueryEscape(v))
			}
		}
	}
	return s + "?" + b.String()
}

// clipString shortens s to at most n bytes without splitting a character.
func clipString(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
