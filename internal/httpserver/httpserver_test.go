package httpserver_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/mifmaroc/erp/internal/apptest"
	"github.com/mifmaroc/erp/internal/config"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/gqltest"
	"github.com/mifmaroc/erp/internal/graphiql"
	"github.com/mifmaroc/erp/internal/httpserver"
)

func get(t *testing.T, base, path string) (int, string, http.Header) {
	t.Helper()
	res, err := http.Get(base + path)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = res.Body.Close() }()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b), res.Header
}

func TestRoutes(t *testing.T) {
	env := apptest.New(t)

	tests := []struct {
		name       string
		path       string
		wantStatus int
		wantBody   string
	}{
		{"Health", "/health", http.StatusOK, `"status":"ok"`},
		{"Ready", "/ready", http.StatusOK, `"status":"ready"`},
		{"GraphiQL", "/", http.StatusOK, "graphiql"},
		{"GraphiQLScript", "/graphiql/init.js", http.StatusOK, "graphqlWs.createClient"},
		{"GraphQLOverGET", "/graphql?query=%7B__typename%7D", http.StatusOK, `"__typename":"Query"`},
		{"Unknown", "/nothing-here", http.StatusNotFound, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body, _ := get(t, env.URL, tt.path)
			if status != tt.wantStatus {
				t.Errorf("GET %s = %d, want %d; body %s", tt.path, status, tt.wantStatus, body)
			}
			if !strings.Contains(strings.ToLower(body), strings.ToLower(tt.wantBody)) {
				t.Errorf("GET %s body does not contain %q:\n%.300s", tt.path, tt.wantBody, body)
			}
		})
	}
}

func TestGraphQLThroughRoutes(t *testing.T) {
	env := apptest.New(t)
	api := env.As(t, env.User(t, "Admin", domain.RoleAdmin))
	var got struct{ Equipements struct{ TotalCount int } }
	api.MustData(`{ equipements { totalCount } }`, nil, &got)
	if got.Equipements.TotalCount != 0 {
		t.Errorf("totalCount on an empty database = %d", got.Equipements.TotalCount)
	}
}

func TestReadyWhenDatabaseDown(t *testing.T) {
	env := apptest.New(t)
	if err := env.DB.SQL.Close(); err != nil {
		t.Fatal(err)
	}
	if status, body, _ := get(t, env.URL, "/ready"); status != http.StatusServiceUnavailable {
		t.Errorf("/ready with the database down = %d %s, want 503", status, body)
	}
	if status, _, _ := get(t, env.URL, "/health"); status != http.StatusOK {
		t.Errorf("/health with the database down = %d, want 200 (liveness never touches the database)", status)
	}
}

// TestRunDrainsInFlightRequests cancels the server's context (what SIGTERM does) while a
// request is in progress: the request still completes and Run returns cleanly.
func TestRunDrainsInFlightRequests(t *testing.T) {
	started := make(chan struct{})
	release := make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		close(started)
		<-release
		_, _ = io.WriteString(w, "finished")
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- httpserver.Run(ctx, ln, h, 5*time.Second, gqltest.Logger(t)) }()

	type result struct {
		body string
		err  error
	}
	got := make(chan result, 1)
	go func() {
		res, err := http.Get("http://" + ln.Addr().String() + "/")
		if err != nil {
			got <- result{err: err}
			return
		}
		defer func() { _ = res.Body.Close() }()
		b, err := io.ReadAll(res.Body)
		got <- result{string(b), err}
	}()

	<-started
	cancel()
	// New connections are refused once shutdown began, while the open request goes on.
	deadline := time.Now().Add(2 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", ln.Addr().String(), 100*time.Millisecond)
		if err != nil {
			break
		}
		_ = c.Close()
		if time.Now().After(deadline) {
			t.Fatal("listener still accepts connections after shutdown began")
		}
		time.Sleep(10 * time.Millisecond)
	}
	close(release)

	r := <-got
	if r.err != nil || r.body != "finished" {
		t.Errorf("in-flight request: body %q, err %v; want it to finish", r.body, r.err)
	}
	if err := <-done; err != nil {
		t.Errorf("Run returned %v, want nil after a clean drain", err)
	}
}

func TestProductionServesNoGraphiQL(t *testing.T) {
	env := apptest.New(t)
	cfg := env.Deps.Config
	cfg.Env = config.EnvProduction
	deps := env.Deps
	deps.Config = cfg
	srv := httptest.NewServer(httpserver.NewHandler(deps))
	t.Cleanup(srv.Close)
	for _, path := range append([]string{"/"}, graphiql.Assets()...) {
		if status, _, _ := get(t, srv.URL, path); status != http.StatusNotFound {
			t.Errorf("GET %s in production = %d, want 404", path, status)
		}
	}
	if status, _, h := get(t, srv.URL, "/health"); status != http.StatusOK || h.Get("X-Frame-Options") != "DENY" || h.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("/health = %d with headers %v", status, h)
	}
}

func TestCORS(t *testing.T) {
	env := apptest.New(t) // allows http://localhost:3000 and http://localhost:5173 by default
	preflight := func(origin string) http.Header {
		req, _ := http.NewRequest(http.MethodOptions, env.URL+"/graphql", nil)
		req.Header.Set("Origin", origin)
		req.Header.Set("Access-Control-Request-Method", "POST")
		req.Header.Set("Access-Control-Request-Headers", "authorization, content-type")
		res, err := apptest.HTTP.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = res.Body.Close()
		return res.Header
	}
	if h := preflight("http://localhost:3000"); h.Get("Access-Control-Allow-Origin") != "http://localhost:3000" ||
		!strings.Contains(h.Get("Access-Control-Allow-Headers"), "Authorization") ||
		!strings.Contains(h.Get("Access-Control-Allow-Headers"), "Idempotency-Key") {
		t.Errorf("allowed origin: headers %v", h)
	}
	if h := preflight("https://evil.example"); h.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("disallowed origin got Access-Control-Allow-Origin %q", h.Get("Access-Control-Allow-Origin"))
	}
}

func TestRequestID(t *testing.T) {
	env := apptest.New(t)
	req, _ := http.NewRequest(http.MethodGet, env.URL+"/health", nil)
	req.Header.Set("X-Request-ID", "abc-123")
	res, err := apptest.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = res.Body.Close()
	if got := res.Header.Get("X-Request-ID"); got != "abc-123" {
		t.Errorf("X-Request-ID = %q, want the client's", got)
	}
	_, _, h := get(t, env.URL, "/health")
	if len(h.Get("X-Request-ID")) < 16 {
		t.Errorf("generated X-Request-ID = %q", h.Get("X-Request-ID"))
	}
}

func TestMetrics(t *testing.T) {
	env := apptest.New(t)
	env.GraphQL(t, "").MustFail(`{ me { email } }`, nil)
	api := env.As(t, env.User(t, "Admin", domain.RoleAdmin))
	api.MustData(`{ interventions { totalCount } }`, nil, &struct{}{})
	env.Client.Notification.Create().SetUserID(env.Client.User.Query().FirstIDX(env.Sys)).
		SetType(domain.NotificationInformation).SetSujet("s").SetMessage("m").ExecX(env.Sys)

	srv := httptest.NewServer(env.Deps.Metrics.Handler())
	t.Cleanup(srv.Close)
	status, body, _ := get(t, srv.URL, "")
	if status != http.StatusOK {
		t.Fatalf("metrics = %d", status)
	}
	for _, want := range []string{
		`erp_http_request_duration_seconds_count{method="POST",route="/graphql",status="2xx"} 2`,
		`erp_graphql_errors_total{code="UNAUTHENTICATED"} 1`,
		`erp_graphql_operation_duration_seconds_count{operation="query"} 2`,
		`erp_notifications_pending 1`,
		`erp_live_subscribers 0`,
		`erp_scheduler_runs 0`,
		`go_goroutines`,
		`go_sql_max_open_connections{db_name="erp"}`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}

// requestLine is the JSON log line of the request with id in logs, if written.
func requestLine(logs *gqltest.SharedLog, id string) (map[string]any, bool) {
	for line := range strings.SplitSeq(logs.String(), "\n") {
		var m map[string]any
		if json.Unmarshal([]byte(line), &m) == nil && m["msg"] == "request" && m["request_id"] == id {
			return m, true
		}
	}
	return nil, false
}

// TestRequestIDInResponseAndLog: whatever the route and outcome, the response carries
// X-Request-ID and the JSON log line of that request carries the same id, with its path and
// status, so that a user's report leads to the server's record.
func TestRequestIDInResponseAndLog(t *testing.T) {
	env := apptest.New(t)
	token := env.Token(t, env.User(t, "Admin", domain.RoleAdmin))
	logs := &gqltest.SharedLog{}
	deps := env.Deps
	deps.Logger = slog.New(slog.NewJSONHandler(logs, nil))
	srv := httptest.NewServer(httpserver.NewHandler(deps))
	t.Cleanup(srv.Close)

	gql := func(q, token string) *http.Request {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/graphql", strings.NewReader(`{"query":"`+q+`"}`))
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		return req
	}
	tests := []struct {
		name   string
		req    func() *http.Request
		status int
		id     string // sent by the client, kept; otherwise generated
		op     string // "name type" of the GraphQL operation in the log line
	}{
		{"Health", func() *http.Request { r, _ := http.NewRequest(http.MethodGet, srv.URL+"/health", nil); return r }, 200, "", ""},
		{"Ready", func() *http.Request { r, _ := http.NewRequest(http.MethodGet, srv.URL+"/ready", nil); return r }, 200, "", ""},
		{"GraphQL", func() *http.Request { return gql("{ me { email } }", token) }, 200, "", " query"},
		{"GraphQLNamed", func() *http.Request { return gql("query MonProfil { me { email } }", token) }, 200, "", "MonProfil query"},
		{"GraphQLMutation", func() *http.Request {
			return gql(`mutation Renommer { updateMe(input: {nomComplet: \"A\"}) { email } }`, token)
		}, 200, "", "Renommer mutation"},
		{"GraphQLError", func() *http.Request { return gql("{ me { email } }", "") }, 200, "", ""},
		{"GraphQLBadToken", func() *http.Request { return gql("{ me { email } }", "pas.un.jeton") }, 200, "", ""},
		{"NotFound", func() *http.Request { r, _ := http.NewRequest(http.MethodGet, srv.URL+"/nothing-here", nil); return r }, 404, "", ""},
		{"LoginRefused", func() *http.Request {
			r, _ := http.NewRequest(http.MethodPost, srv.URL+"/auth/token", strings.NewReader("username=x@example.com&password=mauvais"))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			return r
		}, 401, "", ""},
		{"Preflight", func() *http.Request {
			r, _ := http.NewRequest(http.MethodOptions, srv.URL+"/graphql", nil)
			r.Header.Set("Origin", "http://localhost:3000")
			r.Header.Set("Access-Control-Request-Method", "POST")
			return r
		}, 204, "", ""},
		{"UnsignedDocument", func() *http.Request {
			r, _ := http.NewRequest(http.MethodGet, srv.URL+"/static/uploads/ab/x.pdf", nil)
			return r
		}, 403, "", ""},
		{"ClientID", func() *http.Request {
			r, _ := http.NewRequest(http.MethodGet, srv.URL+"/health", nil)
			r.Header.Set("X-Request-ID", "client-chosen-42")
			return r
		}, 200, "client-chosen-42", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := tt.req()
			res, err := apptest.HTTP.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, res.Body)
			_ = res.Body.Close()
			id := res.Header.Get("X-Request-ID")
			if res.StatusCode != tt.status || id == "" || (tt.id != "" && id != tt.id) {
				t.Fatalf("%s %s = %d with X-Request-ID %q; want %d and an id (%q if set)", req.Method, req.URL.Path, res.StatusCode, id, tt.status, tt.id)
			}
			// The line is written once the handler returns, which may be after the client
			// has its answer.
			deadline := time.Now().Add(5 * time.Second)
			line, ok := requestLine(logs, id)
			for ; !ok && time.Now().Before(deadline); line, ok = requestLine(logs, id) {
				time.Sleep(5 * time.Millisecond)
			}
			if !ok {
				t.Fatalf("no JSON log line with request_id %q", id)
			}
			if line["path"] != req.URL.Path || line["status"] != float64(tt.status) || line["method"] != req.Method {
				t.Errorf("log line %v, want path %s, status %d, method %s", line, req.URL.Path, tt.status, req.Method)
			}
			if op, _ := line["operation_type"].(string); tt.op != "" && fmt.Sprintf("%v %v", line["operation"], op) != tt.op {
				t.Errorf("log line %v, want the operation %q", line, tt.op)
			}
		})
	}
}

// TestOverloadSheds holds the one slot of MAX_INFLIGHT_REQUESTS=1 with a request whose body
// has not arrived: the next GraphQL request waits INFLIGHT_QUEUE_WAIT, then is refused with
// 503, Retry-After and SERVICE_UNAVAILABLE, while websockets and the probes still get in;
// once the held request is done, requests are served again.
func TestOverloadSheds(t *testing.T) {
	env := apptest.New(t, func(c *config.Config) {
		c.MaxInflight = 1
		// Long enough that the held request, should it arrive while a probe below holds the
		// slot, gets it rather than a refusal.
		c.InflightQueueWait = time.Second
	})
	// answer is what a probe needs of a response, its body already read and closed.
	type answer struct {
		StatusCode int
		Header     http.Header
	}
	post := func(body io.Reader) (answer, string) {
		t.Helper()
		res, err := http.Post(env.URL+"/graphql", "application/json", body)
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = res.Body.Close() }()
		b, _ := io.ReadAll(res.Body)
		return answer{res.StatusCode, res.Header}, string(b)
	}
	const query = `{"query":"{ __typename }"}`

	pr, pw := io.Pipe()
	held := make(chan int, 1)
	go func() {
		res, err := http.Post(env.URL+"/graphql", "application/json", pr)
		if err != nil {
			held <- 0
			return
		}
		_, _ = io.Copy(io.Discard, res.Body)
		_ = res.Body.Close()
		held <- res.StatusCode
	}()
	if _, err := io.WriteString(pw, `{"query":`); err != nil {
		t.Fatal(err)
	}

	// Until the held request has the slot, a probe may pass; then every one is refused.
	var (
		res  answer
		body string
	)
	for deadline := time.Now().Add(10 * time.Second); ; {
		if res, body = post(strings.NewReader(query)); res.StatusCode != http.StatusOK || time.Now().After(deadline) {
			break
		}
	}
	if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") == "" ||
		!strings.Contains(body, `"code":"SERVICE_UNAVAILABLE"`) || res.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("with the slot held: %d, Retry-After %q, Cache-Control %q, body %s; want 503 with Retry-After and SERVICE_UNAVAILABLE",
			res.StatusCode, res.Header.Get("Retry-After"), res.Header.Get("Cache-Control"), body)
	}
	if status, _, _ := get(t, env.URL, "/health"); status != http.StatusOK {
		t.Errorf("/health with the slot held = %d, want 200", status)
	}
	//nolint:bodyclose // the websocket library closes the handshake response's body itself
	ws, _, err := websocket.Dial(context.Background(), strings.Replace(env.URL, "http", "ws", 1)+"/graphql",
		&websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		t.Errorf("websocket upgrade with the slot held: %v, want it accepted", err)
	} else {
		_ = ws.CloseNow()
	}

	if _, err := io.WriteString(pw, `"{ __typename }"}`); err != nil {
		t.Fatal(err)
	}
	_ = pw.Close()
	if status := <-held; status != http.StatusOK {
		t.Fatalf("held request = %d, want 200", status)
	}
	if res, body := post(strings.NewReader(query)); res.StatusCode != http.StatusOK {
		t.Errorf("after the held request: %d %s, want 200", res.StatusCode, body)
	}
}

// TestGraphQLNoStore: every answer of /graphql, whatever made it, tells caches not to keep
// it: it depends on the token.
func TestGraphQLNoStore(t *testing.T) {
	env := apptest.New(t)
	token := env.Token(t, env.User(t, "Admin", domain.RoleAdmin))
	tests := []struct {
		name, method, query, contentType, body string
		status                                 int
	}{
		{"POST", http.MethodPost, "", "application/json", `{"query":"{ me { email } }"}`, http.StatusOK},
		{"GET", http.MethodGet, "query=" + url.QueryEscape(`{ me { email } }`), "", "", http.StatusOK},
		{"ValidationError", http.MethodPost, "", "application/json", `{"query":"{ nothing }"}`, http.StatusOK},
		{"MalformedBody", http.MethodPost, "", "application/json", `{"query":`, http.StatusBadRequest},
		{"MutationOverGET", http.MethodGet, "query=" + url.QueryEscape(`mutation { updateMe(input: {nomComplet: "A"}) { email } }`), "", "", http.StatusMethodNotAllowed},
		{"UnsupportedMedia", http.MethodPost, "", "text/plain", `{}`, http.StatusUnsupportedMediaType},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(tt.method, env.URL+"/graphql?"+tt.query, strings.NewReader(tt.body))
			if tt.contentType != "" {
				req.Header.Set("Content-Type", tt.contentType)
			}
			req.Header.Set("Authorization", "Bearer "+token)
			res, err := apptest.HTTP.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, res.Body)
			_ = res.Body.Close()
			if res.StatusCode != tt.status || res.Header.Get("Cache-Control") != "no-store" {
				t.Errorf("%s = %d with Cache-Control %q, want %d with no-store", tt.name, res.StatusCode, res.Header.Get("Cache-Control"), tt.status)
			}
		})
	}
}
