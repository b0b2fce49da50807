// Package reply is how the dashboard's HTTP handlers answer: one error
// type that keeps the message meant for the client apart from the cause
// meant for the log, and one JSON writer.
//
// A handler returns an *Error for an answer the client should read (a bad
// parameter, a missing login, too many attempts); any other error is the
// dashboard's own fault, which the caller logs and answers with a 500
// whose body says nothing of the cause.
package reply

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
)

// Error is an answer with a status and a message for the client. Err, when
// set, is the cause: it is logged, never shown.
type Error struct {
	Status int
	Msg    string
	Err    error
	// RetryAfter, in seconds, is sent as Retry-After when above 0.
	RetryAfter int
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Msg + ": " + e.Err.Error()
	}
	return e.Msg
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error whose message is format with args.
func Errorf(status int, format string, args ...any) *Error {
	return &Error{Status: status, Msg: fmt.Sprintf(format, args...)}
}

// Internal is the client's message for an error it has no part in.
const Internal = "internal error; the service's log has the details"

// As returns err as an *Error: its own when it has one, else a 500 with
// the generic message and err as the cause (the caller logs it).
func As(err error) (e *Error, own bool) {
	if errors.As(err, &e) {
		return e, true
	}
	return &Error{Status: http.StatusInternalServerError, Msg: Internal, Err: err}, false
}

// Headers sets the headers e asks for.
func (e *Error) Headers(h http.Header) {
	if e.RetryAfter > 0 {
		h.Set("Retry-After", strconv.Itoa(e.RetryAfter))
	}
}

// JSON writes v as the JSON body of an answer with status. It is never
// cached and never sniffed as anything but JSON.
func JSON(w http.ResponseWriter, status int, v any) { writeJSON(w, status, v, "") }

func writeJSON(w http.ResponseWriter, status int, v any, indent string) {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", indent)
	enc.Encode(v)
}

// Problem is the JSON body of an error: {"error": "..."}, with the JSON
// path of the bad field for an upload.
type Problem struct {
	Error string `json:"error"`
	Field string `json:"field,omitempty"`
}

// JSONError writes e as a JSON Problem, with its headers.
func JSONError(w http.ResponseWriter, e *Error) {
	e.Headers(w.Header())
	JSON(w, e.Status, Problem{Error: e.Msg})
}

// JSONIndent is JSON, indented for people reading it (the version
// report, which CI logs show).
func JSONIndent(w http.ResponseWriter, status int, v any) {
	writeJSON(w, status, v, "  ")
}
