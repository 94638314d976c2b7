// Package gqltest is a tiny GraphQL client for tests: it posts real GraphQL documents over
// HTTP to a real handler (through httptest.Server) and decodes the answer.
package gqltest

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// Client posts GraphQL requests to one server.
type Client struct {
	tb    testing.TB
	URL   string // the GraphQL endpoint
	Token string // sent as a bearer token when set
	// Header is added to every request (an Idempotency-Key, say).
	Header http.Header
}

// NewServer starts h on a loopback port for the test's duration and returns a client for
// path on it (usually /graphql).
func NewServer(tb testing.TB, h http.Handler, path string) *Client {
	tb.Helper()
	srv := httptest.NewServer(h)
	tb.Cleanup(srv.Close)
	return &Client{tb: tb, URL: srv.URL + path}
}

// NewClient returns a client for the GraphQL endpoint at url.
func NewClient(tb testing.TB, url string) *Client { return &Client{tb: tb, URL: url} }

// Error is one GraphQL error as the client sees it.
type Error struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

// Code is extensions.code.
func (e Error) Code() string {
	c, _ := e.Extensions["code"].(string)
	return c
}

// Response is a decoded GraphQL response.
type Response struct {
	Status int
	Header http.Header     `json:"-"`
	Data   json.RawMessage `json:"data"`
	Errors []Error         `json:"errors"`
}

// Do sends query with variables and decodes the response; transport failures end the test.
func (c *Client) Do(query string, vars map[string]any) Response {
	c.tb.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		c.tb.Fatalf("encoding request: %v", err)
	}
	req, err := http.NewRequest(http.MethodPost, c.URL, bytes.NewReader(body))
	if err != nil {
		c.tb.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	// Tests assert English messages; the API's default is French. c.Header may ask otherwise.
	req.Header.Set("Accept-Language", "en")
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	for k, vs := range c.Header {
		req.Header[k] = vs
	}
	if req.Header.Get("Accept-Language") == "" {
		req.Header.Del("Accept-Language") // as a client that names no language
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		c.tb.Fatalf("POST %s: %v", c.URL, err)
	}
	defer func() { _ = res.Body.Close() }()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		c.tb.Fatalf("reading response: %v", err)
	}
	out := Response{Status: res.StatusCode, Header: res.Header}
	if err := json.Unmarshal(raw, &out); err != nil {
		c.tb.Fatalf("decoding response (status %d): %v\n%s", res.StatusCode, err, raw)
	}
	return out
}

// MustData sends the query, fails the test on any GraphQL error, and decodes data into out.
func (c *Client) MustData(query string, vars map[string]any, out any) {
	c.tb.Helper()
	res := c.Do(query, vars)
	if len(res.Errors) > 0 {
		c.tb.Fatalf("unexpected GraphQL errors: %+v", res.Errors)
	}
	if err := json.Unmarshal(res.Data, out); err != nil {
		c.tb.Fatalf("decoding data: %v\n%s", err, res.Data)
	}
}

// MustFail sends the query and returns its first error, failing the test when there is none.
func (c *Client) MustFail(query string, vars map[string]any) Error {
	c.tb.Helper()
	res := c.Do(query, vars)
	if len(res.Errors) == 0 {
		c.tb.Fatalf("expected a GraphQL error, got data %s", res.Data)
	}
	return res.Errors[0]
}

// LogWriter writes into the test's log.
func LogWriter(tb testing.TB) io.Writer { return testWriter{tb} }

// Logger returns a logger that writes into the test's log, so failures show what the
// server logged.
func Logger(tb testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(testWriter{tb}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type testWriter struct{ tb testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.tb.Helper()
	w.tb.Log(string(bytes.TrimRight(p, "\n")))
	return len(p), nil
}

// SharedLog is a log destination that the server's goroutines write while the test reads it.
type SharedLog struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *SharedLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// String is what was written so far.
func (l *SharedLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
