package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
	"golang.org/x/crypto/bcrypt"

	"github.com/mifmaroc/erp/internal/app"
	"github.com/mifmaroc/erp/internal/config"
	"github.com/mifmaroc/erp/internal/database"
	"github.com/mifmaroc/erp/internal/gqltest"
	"github.com/mifmaroc/erp/internal/testdb"
	"github.com/mifmaroc/erp/internal/viewer"
)

const (
	adminEmail    = "admin@example.com"
	adminPassword = "mot de passe administrateur"
)

// server is `erp serve` (app.Serve) running in the test on a loopback listener.
type server struct {
	URL    string
	cancel context.CancelFunc // what SIGTERM does
	done   chan error         // Serve's result
}

// testConfig is the default configuration with the first admin's password set, cheap
// hashing, and the background jobs ticking fast.
func testConfig(t *testing.T) config.Config {
	t.Helper()
	env := map[string]string{"ADMIN_EMAIL": adminEmail, "ADMIN_PASSWORD": adminPassword}
	cfg, err := config.Load(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	if err != nil {
		t.Fatal(err)
	}
	cfg.Host = "127.0.0.1"
	cfg.BcryptCost = bcrypt.MinCost
	cfg.UploadDirectory = t.TempDir()
	cfg.EnableScheduler = true
	cfg.SchedulerInterval = time.Second
	cfg.NotifyInterval = 100 * time.Millisecond
	return cfg
}

// serve runs app.Serve on db until the returned server is cancelled (or the test ends).
func serve(t *testing.T, db *database.DB, cfg config.Config) *server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	a := &app.App{Config: cfg, DB: db, Log: gqltest.Logger(t), Out: io.Discard, Listener: ln}
	ctx, cancel := context.WithCancel(context.Background())
	s := &server{URL: "http://" + ln.Addr().String(), cancel: cancel, done: make(chan error, 1)}
	go func() { s.done <- a.Serve(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-s.done:
			if err != nil {
				t.Logf("Serve at the end of the test: %v", err)
			}
		case <-time.After(15 * time.Second):
			t.Error("Serve did not return at the end of the test")
		}
	})
	waitReady(t, s.URL, 10*time.Second)
	return s
}

func waitReady(t *testing.T, base string, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		if status, _ := getStatus(base + "/ready"); status == http.StatusOK {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s/ready not 200 within %s", base, within)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// getStatus is the status of GET url (0 when no answer within 5 s).
func getStatus(url string) (int, error) {
	c := http.Client{Timeout: 5 * time.Second}
	res, err := c.Get(url)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, res.Body)
	_ = res.Body.Close()
	return res.StatusCode, nil
}

// login returns an access token of the first admin, through POST /auth/token.
func login(t *testing.T, base string) string {
	t.Helper()
	res, err := http.PostForm(base+"/auth/token", url.Values{"username": {adminEmail}, "password": {adminPassword}})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = res.Body.Close() }()
	var out struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil || out.AccessToken == "" {
		t.Fatalf("login = %d, %v", res.StatusCode, err)
	}
	return out.AccessToken
}

// gqlResult is what one GraphQL request over HTTP gave.
type gqlResult struct {
	Status   int
	Code     string // extensions.code of the first error
	Message  string
	Data     json.RawMessage
	Accepted bool // the server answered (a status line came back)
	Err      error
}

func (r gqlResult) ok() bool {
	return r.Err == nil && r.Status == http.StatusOK && r.Code == "" && len(r.Data) > 0
}

func (r gqlResult) String() string {
	return fmt.Sprintf("status %d code %q message %q data %s err %v", r.Status, r.Code, r.Message, r.Data, r.Err)
}

func postGraphQL(c *http.Client, base, token, query string, body io.Reader) gqlResult {
	if body == nil {
		b, _ := json.Marshal(map[string]any{"query": query})
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequest(http.MethodPost, base+"/graphql", body)
	if err != nil {
		return gqlResult{Err: err}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	if _, slow := body.(*io.PipeReader); slow {
		// The client sends the body only once the handler reads it: when the write of its
		// first bytes returns, the request is in the server's hands.
		req.Header.Set("Expect", "100-continue")
	}
	res, err := c.Do(req)
	if err != nil {
		return gqlResult{Err: err}
	}
	defer func() { _ = res.Body.Close() }()
	out := gqlResult{Status: res.StatusCode, Accepted: true}
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		out.Err = fmt.Errorf("reading the answer: %w", err)
		return out
	}
	var doc struct {
		Data   json.RawMessage `json:"data"`
		Errors []gqltest.Error `json:"errors"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		out.Err = fmt.Errorf("decoding %q: %w", raw, err)
		return out
	}
	if string(doc.Data) != "null" {
		out.Data = doc.Data
	}
	if len(doc.Errors) > 0 {
		out.Code, out.Message = doc.Errors[0].Code(), doc.Errors[0].Message
	}
	return out
}

// load fires the same query from several goroutines until stop is closed and an attempt
// fails to connect, and counts what happened.
type load struct {
	ok, failed, refused atomic.Int64
	mu                  sync.Mutex
	failures            []string
	wg                  sync.WaitGroup
}

func startLoad(c *http.Client, base, token, query string, workers int, stop <-chan struct{}) *load {
	l := &load{}
	for range workers {
		l.wg.Go(func() {
			for {
				r := postGraphQL(c, base, token, query, nil)
				switch {
				case r.ok():
					l.ok.Add(1)
				case !r.Accepted:
					l.refused.Add(1)
					select {
					case <-stop:
						return
					default:
					}
				default:
					l.failed.Add(1)
					l.mu.Lock()
					l.failures = append(l.failures, r.String())
					l.mu.Unlock()
				}
			}
		})
	}
	return l
}

// goroutines lists the goroutines whose stack mentions any of names.
func goroutines(names ...string) []string {
	buf := make([]byte, 1<<22)
	buf = buf[:runtime.Stack(buf, true)]
	var out []string
	for g := range strings.SplitSeq(string(buf), "\n\n") {
		for _, n := range names {
			if strings.Contains(g, n) {
				out = append(out, g)
				break
			}
		}
	}
	return out
}

// background are the goroutines of the scheduler, the email worker and the websockets.
var background = []string{"internal/notify.(*Worker).Start", "go-co-op/gocron", "transport.(*wsConnection)"}

// TestGracefulShutdown cancels Serve's context (what SIGTERM does) while requests stream in,
// one of them half sent, and a subscription is open: every request the server accepted
// completes, the websocket is closed with 1001 (going away), Serve returns within
// SHUTDOWN_TIMEOUT, and the scheduler and email worker are gone.
func TestGracefulShutdown(t *testing.T) {
	db := testdb.Open(t)
	cfg := testConfig(t)
	srv := serve(t, db, cfg)
	token := login(t, srv.URL)

	// A live subscription.
	ctx, cancelWS := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancelWS()
	ws := dialWS(t, ctx, srv.URL)
	wsSend := func(m map[string]any) {
		t.Helper()
		if err := wsjson.Write(ctx, ws, m); err != nil {
			t.Fatal(err)
		}
	}
	wsRead := func() map[string]any {
		t.Helper()
		var m map[string]any
		if err := wsjson.Read(ctx, ws, &m); err != nil {
			t.Fatalf("websocket read: %v", err)
		}
		return m
	}
	wsSend(map[string]any{"type": "connection_init", "payload": map[string]any{"Authorization": "Bearer " + token}})
	if m := wsRead(); m["type"] != "connection_ack" {
		t.Fatalf("connection_init answered %v", m)
	}
	wsSend(map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{"query": "subscription { notificationReceived { id } }"}})
	// Messages are handled in order: the pong comes after the subscription started.
	wsSend(map[string]any{"type": "ping"})
	if m := wsRead(); m["type"] != "pong" {
		t.Fatalf("ping answered %v", m)
	}

	// The scheduler and the worker run (so that their absence afterwards means something).
	if g := goroutines(background[:2]...); len(g) < 2 {
		t.Fatalf("scheduler and worker goroutines not found before shutdown:\n%s", strings.Join(g, "\n\n"))
	}

	// A stream of requests, and one whose body is still on its way when shutdown begins.
	client := &http.Client{Transport: &http.Transport{ExpectContinueTimeout: 10 * time.Second, MaxIdleConnsPerHost: 16}}
	defer client.CloseIdleConnections()
	stop := make(chan struct{})
	l := startLoad(client, srv.URL, token, "{ me { email } }", 4, stop)
	pr, pw := io.Pipe()
	slow := make(chan gqlResult, 1)
	go func() { slow <- postGraphQL(client, srv.URL, token, "", pr) }()
	if _, err := io.WriteString(pw, `{"query": "{ me `); err != nil {
		t.Fatal(err)
	}
	for l.ok.Load() < 20 {
		runtime.Gosched()
	}

	start := time.Now()
	srv.cancel()
	close(stop)
	if _, err := io.WriteString(pw, `{ email } }"}`); err != nil {
		t.Fatalf("the half-sent request was cut: %v", err)
	}
	_ = pw.Close()
	if r := <-slow; !r.ok() || !strings.Contains(string(r.Data), adminEmail) {
		t.Errorf("request in flight at shutdown: %s; want it answered", r)
	}

	var closeErr websocket.CloseError
	for {
		var m map[string]any
		err := wsjson.Read(ctx, ws, &m)
		if err == nil {
			continue // a message sent before the close
		}
		if !errors.As(err, &closeErr) {
			t.Fatalf("websocket ended with %v, want a close frame", err)
		}
		break
	}
	if closeErr.Code != websocket.StatusGoingAway {
		t.Errorf("websocket close = %d %q, want 1001 (going away)", closeErr.Code, closeErr.Reason)
	}

	select {
	case err := <-srv.done:
		if err != nil {
			t.Errorf("Serve returned %v, want nil after a clean shutdown", err)
		}
		srv.done <- err // for the cleanup
	case <-time.After(cfg.ShutdownTimeout):
		t.Fatalf("Serve still running %s after the cancel", cfg.ShutdownTimeout)
	}
	t.Logf("shutdown took %s", time.Since(start).Round(time.Millisecond))
	l.wg.Wait()
	t.Logf("requests: %d answered, %d failed after being accepted, %d refused after shutdown began",
		l.ok.Load(), l.failed.Load(), l.refused.Load())
	if l.failed.Load() != 0 {
		t.Errorf("accepted requests failed:\n%s", strings.Join(l.failures, "\n"))
	}

	deadline := time.Now().Add(3 * time.Second)
	for g := goroutines(background...); len(g) > 0; g = goroutines(background...) {
		if time.Now().After(deadline) {
			t.Fatalf("goroutines left after Serve returned:\n%s", strings.Join(g, "\n\n"))
		}
		time.Sleep(10 * time.Millisecond)
	}
	if n := db.Ent.SchedulerRun.Query().CountX(viewer.SystemContext(context.Background())); n == 0 {
		t.Error("the scheduler never ran")
	}
}

// dialWS opens a graphql-transport-ws connection to the server at base, closed when the test
// ends.
func dialWS(t *testing.T, ctx context.Context, base string) *websocket.Conn {
	t.Helper()
	ws, res, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(base, "http")+"/graphql",
		&websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if res != nil && res.Body != nil {
		_ = res.Body.Close()
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ws.CloseNow() })
	return ws
}
