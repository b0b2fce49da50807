package reply

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestAsKeepsTheMessageApartFromTheCause(t *testing.T) {
	cause := errors.New("disk I/O error at /var/lib/secret.db")
	own := &Error{Status: http.StatusTooManyRequests, Msg: "too many failed logins", RetryAfter: 7, Err: cause}
	e, ok := As(fmt.Errorf("wrapped: %w", own))
	if !ok || e != own || !errors.Is(e, cause) {
		t.Fatalf("As of a wrapped *Error: %v %v", e, ok)
	}
	e, ok = As(cause)
	if ok || e.Status != http.StatusInternalServerError || e.Msg != Internal || e.Err != cause {
		t.Fatalf("As of another error: %+v %v", e, ok)
	}
	rec := httptest.NewRecorder()
	JSONError(rec, e)
	if strings.Contains(rec.Body.String(), "secret.db") {
		t.Errorf("the cause reached the client: %s", rec.Body)
	}
	rec = httptest.NewRecorder()
	JSONError(rec, own)
	var p Problem
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || p.Error != "too many failed logins" || rec.Code != 429 {
		t.Errorf("answer %d %s", rec.Code, rec.Body)
	}
	h := rec.Header()
	if h.Get("Retry-After") != "7" || h.Get("Content-Type") != "application/json; charset=utf-8" ||
		h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Cache-Control") != "no-store" {
		t.Errorf("headers %v", h)
	}
}

func TestJSONEscapesMarkup(t *testing.T) {
	rec := httptest.NewRecorder()
	JSON(rec, 200, map[string]string{"x": "<script>"})
	if strings.Contains(rec.Body.String(), "<script>") {
		t.Errorf("body %s", rec.Body)
	}
	rec = httptest.NewRecorder()
	JSONIndent(rec, 200, map[string]int{"a": 1})
	if rec.Body.String() != "{\n  \"a\": 1\n}\n" {
		t.Errorf("indented %q", rec.Body)
	}
}
