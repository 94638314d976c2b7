// Package database opens the configured database: PostgreSQL through lib/pq when a URL is
// given, otherwise the embedded SQLite file (modernc.org/sqlite, no cgo). It returns both the
// *sql.DB (migrations, health checks) and the ent client built on it.
package database

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	"github.com/XSAM/otelsql"
	"github.com/lib/pq"
	"go.opentelemetry.io/otel/attribute"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	semconv "go.opentelemetry.io/otel/semconv/v1.40.0"
	"go.opentelemetry.io/otel/trace"
	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/mifmaroc/erp/ent"
	_ "github.com/mifmaroc/erp/ent/runtime" // hooks, defaults and privacy policies of the schema
)

// Pool holds the connection pool settings.
type Pool struct {
	MaxOpenConns     int
	MaxIdleConns     int
	ConnMaxLifetime  time.Duration
	ConnMaxIdleTime  time.Duration
	ConnectTimeout   time.Duration
	StatementTimeout time.Duration
	// DirectURL is the database's own address when the URL given to OpenPostgres goes
	// through a transaction pooler (DATABASE_DIRECT_URL): what needs a session of its own
	// (LISTEN, session advisory locks, migrations) connects there. Empty: the same URL.
	DirectURL string
	// Unprepared sends every statement unnamed, as a transaction pooler without prepared
	// statement support needs (DATABASE_PREPARED_STATEMENTS=off).
	Unprepared bool
	// Tracer, when set, opens a span per statement inside a traced request or job.
	Tracer trace.TracerProvider
}

// DB is an open database.
type DB struct {
	SQL     *sql.DB
	Dialect string // dialect.Postgres or dialect.SQLite
	Ent     *ent.Client
	URL     string // what was opened, for tools that connect on their own (password kept)
	// DirectURL and Direct reach the database without a transaction pooler: LISTEN,
	// session advisory locks and migrations need a session that stays theirs. They are
	// URL and SQL when no DirectURL was given.
	DirectURL string
	Direct    *sql.DB

	statements *atomic.Int64
	// base is the driver under the statement count, the primary's (replica.go).
	base    dialect.Driver
	replica *replicaState // nil: every statement goes to the primary
}

// Statements is how many SQL statements went through the ent client so far.
func (db *DB) Statements() int64 { return db.statements.Load() }

// Close closes the ent client and the pools under it.
func (db *DB) Close() error {
	err := db.Ent.Close()
	if db.Direct != nil && db.Direct != db.SQL {
		err = errors.Join(err, db.Direct.Close())
	}
	return err
}

// Ping checks that the database answers, within ctx.
func (db *DB) Ping(ctx context.Context) error { return db.SQL.PingContext(ctx) }

// OpenPostgres connects to the PostgreSQL database at rawURL and checks it answers, and that
// the statement timeout and the UTC time zone it asks for hold there: a pooler such as
// PgBouncer drops the first from the connection's parameters (docs/deployment.md, "Behind
// PgBouncer"). With p.DirectURL it opens a small second pool there for session work.
func OpenPostgres(ctx context.Context, rawURL string, p Pool) (*DB, error) {
	const name = "DATABASE_URL"
	sqlDB, u, err := openPostgres(rawURL, p, name)
	if err != nil {
		return nil, err
	}
	db, err := finish(ctx, sqlDB, dialect.Postgres, p, u.Redacted())
	if err != nil {
		return nil, err
	}
	db.URL = u.String()
	if err := checkSettings(ctx, sqlDB, u, p, name); err != nil {
		_ = db.Close()
		return nil, err
	}
	db.DirectURL, db.Direct = db.URL, db.SQL
	if p.DirectURL == "" || p.DirectURL == rawURL {
		return db, nil
	}
	direct, du, err := openPostgres(p.DirectURL, p, "DATABASE_DIRECT_URL")
	if err == nil {
		// Sessions here are few and held: the scheduler's lock, migrations at start.
		direct.SetMaxOpenConns(directConns)
		direct.SetMaxIdleConns(1)
		direct.SetConnMaxLifetime(p.ConnMaxLifetime)
		err = ping(ctx, direct, p.ConnectTimeout)
		if err != nil {
			_ = direct.Close()
			err = fmt.Errorf("connecting to DATABASE_DIRECT_URL %s: %w", du.Redacted(), err)
		}
	}
	if err != nil {
		_ = db.Close()
		return nil, err
	}
	db.DirectURL, db.Direct = du.String(), direct
	return db, nil
}

// directConns bounds the direct pool: a held scheduler lock, a migration, and room to spare.
const directConns = 4

// openPostgres builds the pool of rawURL (the variable name) with the run-time settings of p.
func openPostgres(rawURL string, p Pool, name string) (*sql.DB, *url.URL, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, nil, fmt.Errorf("%s is not a valid URL: %w", name, err)
	}
	q := u.Query()
	if q.Get("connect_timeout") == "" && p.ConnectTimeout > 0 {
		q.Set("connect_timeout", strconv.Itoa(max(1, int(p.ConnectTimeout.Seconds()))))
	}
	if q.Get("statement_timeout") == "" && p.StatementTimeout > 0 {
		// lib/pq passes unknown parameters to the server as run-time settings.
		q.Set("statement_timeout", strconv.FormatInt(p.StatementTimeout.Milliseconds(), 10))
	}
	if q.Get("timezone") == "" {
		// Times come back in UTC whatever the server's zone, as the API writes them (and as
		// the statements that render JSON in the database format them).
		q.Set("timezone", "UTC")
	}
	if q.Get("jit") == "" {
		// The API's statements run in a millisecond or less, but the planner prices the read
		// rules' nested EXISTS and place walks, on default estimates, above jit_above_cost:
		// PostgreSQL then compiled each of them for about 400 ms (docs/decisions.md).
		q.Set("jit", "off")
	}
	if q.Get("random_page_cost") == "" {
		// The API reads a few rows by key from tables that stay in memory. At the default
		// of 4 the planner prices a key lookup in a table of a few pages above reading it
		// whole: each technician a job's detail names was a scan of all of them
		// (docs/decisions.md, "Key lookups in small tables").
		q.Set("random_page_cost", "1.1")
	}
	if q.Get("binary_parameters") == "" {
		// lib/pq then sends a statement with its parameters in one round trip instead of
		// preparing it first: half the round trips for every query with arguments, and the
		// only way such a query works through a transaction pooler, which may hand the
		// second round trip to another server connection.
		q.Set("binary_parameters", "yes")
	}
	if q.Get("sslmode") == "" && (u.Hostname() == "localhost" || u.Hostname() == "127.0.0.1") {
		q.Set("sslmode", "disable")
	}
	u.RawQuery = q.Encode()
	connector, err := pq.NewConnector(u.String())
	if err != nil {
		return nil, nil, fmt.Errorf("opening postgres %s: %w", u.Redacted(), err)
	}
	connector.Dialer(bufferedDialer{})
	if p.Tracer != nil {
		return otelsql.OpenDB(connector, traced(p.Tracer, semconv.DBSystemNamePostgreSQL)...), u, nil
	}
	return sql.OpenDB(connector), u, nil
}

// postgresPool is openPostgres with the pool settings every pool of the server shares, for
// a pool finish does not set up (the replica's).
func postgresPool(rawURL string, p Pool, name string) (*sql.DB, *url.URL, error) {
	db, u, err := openPostgres(rawURL, p, name)
	if err != nil {
		return nil, nil, err
	}
	setPool(db, p)
	return db, u, nil
}

func setPool(sqlDB *sql.DB, p Pool) {
	sqlDB.SetMaxOpenConns(p.MaxOpenConns)
	sqlDB.SetMaxIdleConns(p.MaxIdleConns)
	sqlDB.SetConnMaxLifetime(p.ConnMaxLifetime)
	sqlDB.SetConnMaxIdleTime(p.ConnMaxIdleTime)
}

// checkSettings reads back the statement timeout and time zone openPostgres set in u's
// parameters (not those the URL gave itself): PgBouncer refuses statement_timeout among a
// connection's parameters, or with ignore_startup_parameters drops it without a word, and
// the server would then run statements without a bound.
func checkSettings(ctx context.Context, db *sql.DB, u *url.URL, p Pool, name string) error {
	if p.ConnectTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, p.ConnectTimeout)
		defer cancel()
	}
	var timeoutMS int64
	var zone, role, dbName string
	err := db.QueryRowContext(ctx, `SELECT setting::bigint, current_setting('TimeZone'), current_user, current_database()
FROM pg_settings WHERE name = 'statement_timeout'`).Scan(&timeoutMS, &zone, &role, &dbName)
	if err != nil {
		return fmt.Errorf("reading the settings of %s: %w", name, err)
	}
	var wrong, fix []string
	q := u.Query()
	if want := p.StatementTimeout.Milliseconds(); want > 0 && q.Get("statement_timeout") == strconv.FormatInt(want, 10) && timeoutMS != want {
		wrong = append(wrong, fmt.Sprintf("statement_timeout is %dms, not DB_STATEMENT_TIMEOUT's %dms", timeoutMS, want))
		fix = append(fix, fmt.Sprintf("statement_timeout = '%dms'", want))
	}
	if q.Get("timezone") == "UTC" && zone != "UTC" && zone != "Etc/UTC" {
		wrong = append(wrong, fmt.Sprintf("TimeZone is %s, not UTC", zone))
		fix = append(fix, "timezone = 'UTC'")
	}
	if len(wrong) == 0 {
		return nil
	}
	var stmts strings.Builder
	for _, f := range fix {
		fmt.Fprintf(&stmts, " ALTER ROLE %s IN DATABASE %s SET %s;", pq.QuoteIdentifier(role), pq.QuoteIdentifier(dbName), f)
	}
	return fmt.Errorf("%s: the server runs this connection's statements with %s: a pooler in between (PgBouncer) drops these connection parameters; "+
		"set them on the role, then reconnect the pooler's server connections (docs/deployment.md, \"Behind PgBouncer\"):%s",
		name, strings.Join(wrong, " and "), stmts.String())
}

// OpenSQLite opens (creating it if needed) the SQLite file at path, with foreign keys on,
// WAL journaling so readers do not wait for the writer, and a busy timeout so concurrent
// writers wait instead of failing.
func OpenSQLite(ctx context.Context, path string, p Pool) (*DB, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, fmt.Errorf("creating the data folder for %s: %w", path, err)
	}
	busy := max(p.ConnectTimeout, 5*time.Second)
	dsn := fmt.Sprintf("file:%s?_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)&_pragma=busy_timeout(%d)&_pragma=synchronous(NORMAL)&_txlock=immediate",
		path, busy.Milliseconds())
	open := sql.Open
	if p.Tracer != nil {
		open = func(driver, dsn string) (*sql.DB, error) {
			return otelsql.Open(driver, dsn, traced(p.Tracer, semconv.DBSystemNameSQLite)...)
		}
	}
	sqlDB, err := open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("opening sqlite %s: %w", path, err)
	}
	db, err := finish(ctx, sqlDB, dialect.SQLite, p, path)
	if err != nil {
		return nil, err
	}
	db.URL = "sqlite://" + path
	db.DirectURL = db.URL
	return db, nil
}

func finish(ctx context.Context, sqlDB *sql.DB, dia string, p Pool, name string) (*DB, error) {
	setPool(sqlDB, p)
	if err := ping(ctx, sqlDB, p.ConnectTimeout); err != nil {
		_ = sqlDB.Close()
		return nil, fmt.Errorf("connecting to %s %s: %w", dia, name, err)
	}
	var drv dialect.Driver = entsql.OpenDB(dia, sqlDB)
	switch dia {
	case dialect.SQLite:
		drv = utcDriver{entsql.OpenDB(dia, sqlDB)}
	case dialect.Postgres:
		drv = postgresDriver(sqlDB, p)
	}
	n := new(atomic.Int64)
	return &DB{SQL: sqlDB, Direct: sqlDB, Dialect: dia, Ent: ent.NewClient(ent.Driver(countingDriver{Driver: drv, n: n})), statements: n, base: drv}, nil
}

// postgresDriver is the driver of a PostgreSQL pool, its hot statements prepared unless p
// says the pool goes through a pooler that cannot keep them (Pool.Unprepared).
func postgresDriver(sqlDB *sql.DB, p Pool) preparedDriver {
	d := preparedDriver{Driver: entsql.OpenDB(dialect.Postgres, sqlDB), db: sqlDB}
	if !p.Unprepared {
		d.cache = newStmtCache()
	}
	return d
}

// ping checks db answers within timeout (0: ctx's own bound).
func ping(ctx context.Context, db *sql.DB, timeout time.Duration) error {
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	return db.PingContext(ctx)
}

// traced are the options of the statement spans: the statement's text without its
// parameters (user data stays out of traces), no spans for the pool's own housekeeping, and
// none outside a traced request or job (the listener's and the metrics' reads would bury
// them).
func traced(tp trace.TracerProvider, system attribute.KeyValue) []otelsql.Option {
	return []otelsql.Option{
		otelsql.WithTracerProvider(tp),
		otelsql.WithMeterProvider(metricnoop.NewMeterProvider()),
		otelsql.WithAttributes(system),
		otelsql.WithSpanOptions(otelsql.SpanOptions{
			DisableErrSkip:       true,
			OmitConnResetSession: true,
			OmitRows:             true,
			OmitConnectorConnect: true,
			SpanFilter: func(ctx context.Context, _ otelsql.Method, _ string, _ []driver.NamedValue) bool {
				return trace.SpanContextFromContext(ctx).IsValid()
			},
		}),
	}
}
