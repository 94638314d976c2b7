// Package apptest starts the whole HTTP stack on a fresh test database (internal/testdb) and
// gives tests users, tokens and GraphQL clients. It is the one way HTTP-level tests set up.
package apptest

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"entgo.io/ent/dialect"
	"go.opentelemetry.io/otel/trace"
	"golang.org/x/crypto/bcrypt"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/internal/app"
	"github.com/mifmaroc/erp/internal/auth"
	"github.com/mifmaroc/erp/internal/config"
	"github.com/mifmaroc/erp/internal/database"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/gqltest"
	"github.com/mifmaroc/erp/internal/httpserver"
	"github.com/mifmaroc/erp/internal/testdb"
	"github.com/mifmaroc/erp/internal/tracing"
	"github.com/mifmaroc/erp/internal/viewer"
)

// Password is the password of every user Env creates.
const Password = "mot de passe de test"

// Clock is a settable clock shared by the services of an Env. It stands still unless Run
// makes it follow real time.
type Clock struct {
	mu    sync.Mutex
	t     time.Time
	since time.Time // when it started running from t; zero: stopped
}

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.since.IsZero() {
		return c.t.Add(time.Since(c.since))
	}
	return c.t
}

// Run makes the clock move with real time from its current reading on: for what a frozen
// clock would hide (expiry against timers and tickers). Set and Advance still move it.
func (c *Clock) Run() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.since.IsZero() {
		c.since = time.Now()
	}
}

// Set puts the clock at t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
	if !c.since.IsZero() {
		c.since = time.Now()
	}
}

// Advance moves the clock forward.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// Env is a running server on a fresh database.
type Env struct {
	DB     *database.DB
	Client *ent.Client
	Deps   httpserver.Deps
	Clock  *Clock
	URL    string          // base URL of the server
	Sys    context.Context // acts as the server itself: bypasses the access rules
}

// New starts the full handler (the one `erp serve` runs) on a fresh database, with the
// default configuration but for what configure changes.
func New(tb testing.TB, configure ...func(*config.Config)) *Env {
	tb.Helper()
	db := testdb.Open(tb)
	cfg := testConfig(tb, configure...)
	return start(tb, db, cfg, &Clock{t: time.Now().UTC().Truncate(time.Second)})
}

// testConfig is the default configuration (no environment) with a cheap password hash and
// a scratch upload folder, but for what configure changes.
func testConfig(tb testing.TB, configure ...func(*config.Config)) config.Config {
	tb.Helper()
	cfg, err := config.Load(func(string) (string, bool) { return "", false })
	if err != nil {
		tb.Fatal(err)
	}
	cfg.BcryptCost = bcrypt.MinCost
	cfg.UploadDirectory = tb.TempDir()
	for _, c := range configure {
		c(&cfg)
	}
	return cfg
}

// Replica starts a second server instance on e's database, with the same configuration
// (but for what configure changes) and clock but its own services (and, on PostgreSQL, its own live-events listener): what
// another replica behind a load balancer would be.
func (e *Env) Replica(tb testing.TB, configure ...func(*config.Config)) *Env {
	tb.Helper()
	cfg := e.Deps.Config
	for _, c := range configure {
		c(&cfg)
	}
	db, err := reopen(e.DB)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = db.Close() })
	return start(tb, db, cfg, e.Clock)
}

// NewWithReplica starts the full handler on primary (already migrated), its ReadOnly reads
// going to the database at r.URL: a streaming replica, or a stand-in with other rows that
// shows which one served. r's windows follow the Env's clock unless r.Now is set.
func NewWithReplica(tb testing.TB, primary *database.DB, r database.Replica, configure ...func(*config.Config)) *Env {
	tb.Helper()
	clock := &Clock{t: time.Now().UTC().Truncate(time.Second)}
	if r.Now == nil {
		r.Now = clock.Now
	}
	if r.Log == nil {
		r.Log = gqltest.Logger(tb)
	}
	db, err := database.OpenPostgresWithReplica(context.Background(), primary.URL, testdb.Pool, r)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = db.Close() })
	cfg := testConfig(tb, configure...)
	return start(tb, db, cfg, clock)
}

// NewTraced is New with tracing on: spans go to tp, and the server's log, as JSON with the
// trace ids, to log as well as to the test's.
func NewTraced(tb testing.TB, tp trace.TracerProvider, log io.Writer) *Env {
	tb.Helper()
	tr := tracing.New(tp)
	db, err := reopenWith(testdb.Open(tb), tp)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = db.Close() })
	cfg := testConfig(tb)
	logger := slog.New(tr.LogHandler(slog.NewJSONHandler(io.MultiWriter(log, gqltest.LogWriter(tb)), nil)))
	return startWith(tb, db, cfg, &Clock{t: time.Now().UTC().Truncate(time.Second)}, logger, tr)
}

func reopen(db *database.DB) (*database.DB, error) { return reopenWith(db, nil) }

// reopenWith opens db's database again, its statements traced by tp when set.
func reopenWith(db *database.DB, tp trace.TracerProvider) (*database.DB, error) {
	pool := testdb.Pool
	pool.Tracer = tp
	if db.Dialect == dialect.Postgres {
		// Behind TEST_DATABASE_POOLER_URL as the first: the listener direct, nothing prepared.
		pool.DirectURL, pool.Unprepared = db.DirectURL, testdb.PoolerURL() != ""
		return database.OpenPostgres(context.Background(), db.URL, pool)
	}
	return database.OpenSQLite(context.Background(), strings.TrimPrefix(db.URL, "sqlite://"), pool)
}

func start(tb testing.TB, db *database.DB, cfg config.Config, clock *Clock) *Env {
	tb.Helper()
	return startWith(tb, db, cfg, clock, gqltest.Logger(tb), nil)
}

func startWith(tb testing.TB, db *database.DB, cfg config.Config, clock *Clock, log *slog.Logger, tr *tracing.Tracing) *Env {
	tb.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	tb.Cleanup(cancel)
	deps, err := app.NewDeps(ctx, cfg, db, clock.Now, log)
	if err != nil {
		tb.Fatal(err)
	}
	deps = app.Traced(deps, tr)
	srv := httptest.NewServer(httpserver.NewHandler(deps))
	tb.Cleanup(srv.Close)
	return &Env{DB: db, Client: db.Ent, Deps: deps, Clock: clock, URL: srv.URL, Sys: viewer.SystemContext(context.Background())}
}

// User creates an active user with Password; the email is derived from name.
func (e *Env) User(tb testing.TB, name string, role domain.Role) *ent.User {
	tb.Helper()
	hash, err := auth.HashPassword(Password, bcrypt.MinCost)
	if err != nil {
		tb.Fatal(err)
	}
	u, err := e.Client.User.Create().
		SetEmail(strings.ToLower(name) + "@example.com").
		SetNomComplet(name).
		SetPasswordHash(hash).
		SetRole(role).
		Save(e.Sys)
	if err != nil {
		tb.Fatalf("creating user %s: %v", name, err)
	}
	return u
}

// Token opens a session for u (as a login would, without the password) and returns its
// access token.
func (e *Env) Token(tb testing.TB, u *ent.User) string {
	tb.Helper()
	return e.Session(tb, u).AccessToken
}

// Session opens a session for u (as a login would, without the password): its refresh token
// lets a test refresh or log out.
func (e *Env) Session(tb testing.TB, u *ent.User) *auth.TokenPair {
	tb.Helper()
	pair, err := e.Deps.Auth.OpenSession(e.Sys, u.ID)
	if err != nil {
		tb.Fatal(err)
	}
	return pair
}

// GraphQL returns a client of /graphql sending token (none when empty).
func (e *Env) GraphQL(tb testing.TB, token string) *gqltest.Client {
	tb.Helper()
	c := gqltest.NewClient(tb, e.URL+"/graphql")
	c.Token = token
	return c
}

// As returns a GraphQL client authenticated as u.
func (e *Env) As(tb testing.TB, u *ent.User) *gqltest.Client {
	tb.Helper()
	return e.GraphQL(tb, e.Token(tb, u))
}

// HTTP is the client tests use for the REST routes. It asks for English unless the
// request names a language: tests assert English messages, the API's default is French.
var HTTP = &http.Client{Transport: english{http.DefaultTransport}}

type english struct{ next http.RoundTripper }

func (e english) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Header.Get("Accept-Language") == "" {
		r = r.Clone(r.Context())
		r.Header.Set("Accept-Language", "en")
	}
	return e.next.RoundTrip(r)
}
