package ciupload

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Client sends payloads to a dashboard.
type Client struct {
	// URL is the dashboard's address, e.g. https://books.example.com/dashboard
	// (the upload goes to URL/api/upload), or the upload address itself.
	URL   string
	Token string
	// HTTP is the client to use; nil: one with a 60-second timeout.
	HTTP *http.Client
	// Attempts is how many times to try; 0 means 5. Only network errors
	// and answers 429, 502, 503 and 504 are tried again: the run id makes
	// a repeated upload harmless.
	Attempts int
	// Backoff is the wait before the second attempt, doubled for each
	// next one; 0 means one second. A Retry-After answer sets it.
	Backoff time.Duration
	// Logf, when set, is told about each failed attempt.
	Logf func(format string, args ...any)
}

// Endpoint returns the upload address for a dashboard address.
func Endpoint(dashboard string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(dashboard))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("--url %q: want the dashboard's address, such as https://service.example.com/dashboard", redactURL(dashboard))
	}
	if u.User != nil {
		return "", fmt.Errorf("--url %q: put the token in --token or DASHBOARD_SECURITY_TOKEN, not in the URL", redactURL(dashboard))
	}
	if !strings.HasSuffix(u.Path, "/api/upload") {
		u.Path = strings.TrimSuffix(u.Path, "/") + "/api/upload"
	}
	return u.String(), nil
}

// Upload sends p and returns the dashboard's answer. Errors never
// contain the token.
func (c *Client) Upload(ctx context.Context, p *Payload) (*Answer, error) {
	endpoint, err := Endpoint(c.URL)
	if err != nil {
		return nil, err
	}
	body, err := json.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("encoding the upload: %w", err)
	}
	if limit := DefaultLimits().Bytes; int64(len(body)) > limit {
		return nil, fmt.Errorf("the upload is %d MiB, over the dashboard's limit of %d MiB: upload fewer packages per run", len(body)>>20, limit>>20)
	}
	hc := c.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 60 * time.Second}
	}
	attempts := c.Attempts
	if attempts <= 0 {
		attempts = 5
	}
	wait := c.Backoff
	if wait <= 0 {
		wait = time.Second
	}
	var last error
	for i := 0; i < attempts; i++ {
		if i > 0 {
			if c.Logf != nil {
				c.Logf("upload attempt %d of %d failed: %v; trying again in %v", i, attempts, last, wait)
			}
			select {
			case <-ctx.Done():
				return nil, fmt.Errorf("%w (last error: %v)", ctx.Err(), last)
			case <-time.After(wait):
			}
			wait *= 2
		}
		ans, retryAfter, err := c.try(ctx, hc, endpoint, body)
		if err == nil {
			return ans, nil
		}
		var fatal *fatalError
		if errors.As(err, &fatal) {
			return nil, fatal.err
		}
		last = err
		if retryAfter > 0 {
			wait = retryAfter
		}
	}
	return nil, fmt.Errorf("upload to %s failed %d times: %w", endpoint, attempts, last)
}

// fatalError is an answer that trying again cannot change.
type fatalError struct{ err error }

func (e *fatalError) Error() string { return e.err.Error() }

func (c *Client) try(ctx context.Context, hc *http.Client, endpoint string, body []byte) (*Answer, time.Duration, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, bytes.NewReader(body))
	if err != nil {
		return nil, 0, &fatalError{err}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+c.Token)
	resp, err := hc.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, 0, &fatalError{ctx.Err()}
		}
		// *url.Error names the URL, which holds no secret (Endpoint
		// refuses user info).
		return nil, 0, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, 0, fmt.Errorf("reading the answer: %w", err)
	}
	switch resp.StatusCode {
	case http.StatusOK, http.StatusCreated:
		var a Answer
		if err := json.Unmarshal(raw, &a); err != nil {
			return nil, 0, &fatalError{fmt.Errorf("%s answered %s with something other than an upload answer; is --url the dashboard's address?", endpoint, resp.Status)}
		}
		return &a, 0, nil
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return nil, retryAfter(resp.Header.Get("Retry-After")), fmt.Errorf("%s: %s", resp.Status, problem(raw))
	}
	err = fmt.Errorf("the dashboard refused the upload: %s: %s", resp.Status, problem(raw))
	if resp.StatusCode == http.StatusNotFound {
		err = fmt.Errorf("%s: %s: is --url the dashboard's address (with its link, e.g. /dashboard)?", endpoint, resp.Status)
	}
	return nil, 0, &fatalError{err}
}

func problem(raw []byte) string {
	var p Problem
	if json.Unmarshal(raw, &p) == nil && p.Error != "" {
		return p.Error
	}
	s := strings.TrimSpace(string(raw))
	if len(s) > 200 {
		s = s[:200] + "..."
	}
	return strconv.Quote(s)
}

func retryAfter(v string) time.Duration {
	if s, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && s > 0 && s <= 300 {
		return time.Duration(s) * time.Second
	}
	return 0
}

func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		if strings.Contains(s, "@") {
			return "(a URL that cannot be read)"
		}
		return s
	}
	if u.User == nil {
		return s
	}
	u.User = url.User("xxxxx")
	return u.String()
}
