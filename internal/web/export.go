package web

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/internal/reply"
	"github.com/go-monitoring-dashboard/dashboard/store"
)

// exportChunk is how many rows a download reads in one query.
const exportChunk = 5000

// flushEvery is how many rows an export writes between flushes, so that
// the download advances steadily.
const flushEvery = 5000

// maxPage is the largest page of the JSON API's cursor paging.
const maxPage = 10000

// apiRow is one raw request in exports.
type apiRow struct {
	ID         int64   `json:"id"`
	Time       apiTime `json:"time"`
	Endpoint   string  `json:"endpoint"`
	Method     string  `json:"method"`
	Status     int     `json:"status"`
	DurationMS float64 `json:"duration_ms"`
	Version    string  `json:"version"`
	Group      string  `json:"group"`
	IP         string  `json:"ip"`
	Instance   string  `json:"instance"`
}

var csvHeader = []string{"id", "time", "endpoint", "method", "status", "duration_ms", "version", "group", "ip", "instance"}

// apiRequests streams raw rows as JSON or CSV.
//
// Without limit it answers every selected row, read in pages of
// exportChunk rows by ID (the store walks an index in ID order, so a page
// costs its rows, whatever the filter) and written as they are read:
// memory stays flat, no read stays open while a slow client downloads
// (an open read keeps SQLite from checkpointing its log), and without
// until the listing ends at the moment it started, so the download ends
// however busy the service is. With limit (JSON only) it answers one page
// and, when more rows may follow, a Link header to the next (after=<last
// id>).
func (s *Server) apiRequests(w http.ResponseWriter, r *http.Request, u *login) error {
	q := r.URL.Query()
	format := q.Get("format")
	if format == "" {
		format = "json"
	}
	if format != "json" && format != "csv" {
		return reply.Errorf(http.StatusBadRequest, "parameter format: %q is not json or csv", clipParam(format))
	}
	win, err := s.windowParams(q)
	if err != nil {
		return err
	}
	after, err := intParam(q, "after", 0, 0, math.MaxInt64)
	if err != nil {
		return err
	}
	limit, err := intParam(q, "limit", 0, 1, maxPage)
	if err != nil {
		return err
	}
	if limit > 0 && format != "json" {
		return reply.Errorf(http.StatusBadRequest, "parameter limit: paging is for format=json; CSV downloads are whole")
	}
	sv := s.shownOf(r)
	out, err := s.sampledOut(r, sv.Name)
	if err != nil {
		return err
	}
	if out > 0 {
		// Raw rows are a sample (RAW_SAMPLE_RATE): say so beside them.
		w.Header().Set("X-Raw-Rows-Sampled-Out", strconv.FormatInt(out, 10))
	}
	f := store.RequestFilter{Service: sv.Name, Endpoint: q.Get("endpoint"), Since: win.Since, Until: win.Until, AfterID: after}
	if f.Endpoint != "" {
		if err := s.knownEndpoint(r, sv, f.Endpoint); err != nil {
			return err
		}
	}
	if limit > 0 {
		if f.Until.IsZero() {
			f.Until = s.now().Add(time.Microsecond)
		}
		return s.requestsPage(w, r, f, int(limit))
	}
	name := "requests-" + s.now().In(s.loc()).Format("20060102-150405") + "." + format
	h := w.Header()
	h.Set("Content-Disposition", `attachment; filename="`+name+`"`)
	bw := bufio.NewWriterSize(w, 32<<10)
	var emit func(*store.Request) error
	var finish func() error
	if format == "csv" {
		h.Set("Content-Type", "text/csv; charset=utf-8")
		cw := csv.NewWriter(bw)
		cw.Write(csvHeader)
		rec := make([]string, len(csvHeader))
		emit = func(x *store.Request) error {
			rec[0] = strconv.FormatInt(x.ID, 10)
			rec[1] = x.Start.UTC().Format("2006-01-02T15:04:05.000000Z07:00")
			rec[2], rec[3] = csvSafe(x.Endpoint), csvSafe(x.Method)
			rec[4] = strconv.Itoa(x.Status)
			rec[5] = strconv.FormatFloat(millis(x.Duration), 'f', -1, 64)
			rec[6], rec[7], rec[8], rec[9] = csvSafe(x.Version), csvSafe(x.Group), csvSafe(x.IP), csvSafe(x.Instance)
			return cw.Write(rec)
		}
		finish = func() error { cw.Flush(); return cw.Error() }
	} else {
		h.Set("Content-Type", "application/json; charset=utf-8")
		enc := json.NewEncoder(bw)
		n := 0
		bw.WriteString("[")
		emit = func(x *store.Request) error {
			if n > 0 {
				bw.WriteString(",")
			}
			n++
			return enc.Encode(rowOf(x))
		}
		finish = func() error { _, err := bw.WriteString("]\n"); return err }
	}
	w.WriteHeader(http.StatusOK)
	flusher := http.NewResponseController(w)
	if f.Until.IsZero() {
		f.Until = s.now().Add(time.Microsecond)
	}
	f.Limit = exportChunk
	n := 0
	for {
		got := 0
		err = s.store.Requests(r.Context(), f, func(x *store.Request) error {
			got++
			f.AfterID = x.ID
			if n++; n%flushEvery == 0 {
				bw.Flush()
				flusher.Flush()
			}
			return emit(x)
		})
		if err != nil || got < exportChunk {
			break
		}
	}
	if err != nil {
		// The status is sent: cut the body short so the client
		// sees a broken download rather than a complete-looking one.
		if r.Context().Err() == nil {
			s.log.Error("dashboard: export stopped", "err", err)
		}
		panic(http.ErrAbortHandler)
	}
	if err := finish(); err != nil {
		panic(http.ErrAbortHandler)
	}
	if err := bw.Flush(); err != nil {
		panic(http.ErrAbortHandler)
	}
	return nil
}

func rowOf(x *store.Request) apiRow {
	return apiRow{ID: x.ID, Time: apiTime(x.Start), Endpoint: x.Endpoint, Method: x.Method, Status: x.Status,
		DurationMS: millis(x.Duration), Version: x.Version, Group: x.Group, IP: x.IP, Instance: x.Instance}
}

// csvSafe keeps a spreadsheet from reading a recorded value as a formula
// (a user name such as =HYPERLINK(...)): such a value gets a leading '.
func csvSafe(v string) string {
	if v != "" {
		switch v[0] {
		case '=', '+', '-', '@', '\t', '\r':
			return "'" + v
		}
	}
	return v
}

// requestsPage answers one page of JSON rows with a Link to the next.
func (s *Server) requestsPage(w http.ResponseWriter, r *http.Request, f store.RequestFilter, limit int) error {
	f.Limit = limit
	out := make([]apiRow, 0, min(limit, 1024))
	if err := s.store.Requests(r.Context(), f, func(x *store.Request) error {
		out = append(out, rowOf(x))
		return nil
	}); err != nil {
		return err
	}
	if len(out) == limit {
		q := r.URL.Query()
		q.Set("after", strconv.FormatInt(out[len(out)-1].ID, 10))
		if q.Get("until") == "" {
			// Fix the end of the listing where the first page put it.
			q.Set("until", strconv.FormatInt(f.Until.Unix()+1, 10))
		}
		next := url.URL{Path: r.URL.Path, RawQuery: q.Encode()}
		w.Header().Set("Link", "<"+next.String()+`>; rel="next"`)
	}
	reply.JSON(w, http.StatusOK, out)
	return nil
}

// sampledOut is how many requests of the service were written without a
// raw row (RAW_SAMPLE_RATE, on any of its instances): raw rows are then a
// sample of the level-1 requests.
func (s *Server) sampledOut(r *http.Request, service string) (int64, error) {
	cs, err := s.store.Counters(r.Context(), service)
	if err != nil {
		return 0, err
	}
	var n int64
	for _, c := range cs {
		if c.Name == store.CounterRawSampledOut {
			n += c.Value
		}
	}
	return n, nil
}
