// Package database opens the configured database: PostgreSQL through lib/pq when a URL is
// given, otherwise the embedded SQLite file (modernc.org/sqlite, no cgo). It returns both the
// *sql.DB (migrations, health checks) and the ent client built on it.
package database

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
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
	// Tracer, when set, opens a span per statement inside a traced request or job.
	Tracer trace.TracerProvider
}

// DB is an open database.
type DB struct {
	SQL     *sql.DB
	Dialect string // dialect.Postgres or dialect.SQLite
	Ent     *ent.Client
	URL     string // what was opened, for tools that connect on their own (password kept)

	statements *atomic.Int64
	// base is the driver under the statement count, the primary's (replica.go).
	base    dialect.Driver
	replica *replicaState // nil: every statement goes to the primary
}

// Statements is how many SQL statements went through the ent client so far.
func (db *DB) Statements() int64 { return db.statements.Load() }

// Close closes the ent client and the pool under it.
func (db *DB) Close() error { return db.Ent.Close() }

// Ping checks that the database answers, within ctx.
func (db *DB) Ping(ctx context.Context) error { return db.SQL.PingContext(ctx) }

// OpenPostgres connects to the PostgreSQL database at rawURL and checks it answers.
func OpenPostgres(ctx context.Context, rawURL string, p Pool) (*DB, error) {
	sqlDB, u, err := postgresPool(rawURL, p, "DATABASE_URL")
	if err != nil {
		return nil, err
	}
	db, err := finish(ctx, sqlDB, dialect.Postgres, p, u.Redacted())
	if err != nil {
		return nil, err
	}
	db.URL = u.String()
	return db, nil
}

// postgresPool builds the pool of the PostgreSQL database at rawURL (named by variable in
// errors) with the connection settings every pool of the server shares, without connecting.
func postgresPool(rawURL string, p Pool, variable string) (*sql.DB, *url.URL, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, nil, fmt.Errorf("%s is not a valid URL: %w", variable, err)
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
	if q.Get("binary_parameters") == "" {
		// lib/pq then sends a statement with its parameters in one round trip instead of
		// preparing it first: half the round trips for every query with arguments.
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
	var sqlDB *sql.DB
	if p.Tracer != nil {
		sqlDB = otelsql.OpenDB(connector, traced(p.Tracer, semconv.DBSystemNamePostgreSQL)...)
	} else {
		sqlDB = sql.OpenDB(connector)
	}
	setPool(sqlDB, p)
	return sqlDB, u, nil
}

func setPool(sqlDB *sql.DB, p Pool) {
	sqlDB.SetMaxOpenConns(p.MaxOpenConns)
	sqlDB.SetMaxIdleConns(p.MaxIdleConns)
	sqlDB.SetConnMaxLifetime(p.ConnMaxLifetime)
	sqlDB.SetConnMaxIdleTime(p.ConnMaxIdleTime)
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
	return db, nil
}

func finish(ctx context.Context, sqlDB *sql.DB, dia string, p Pool, name string) (*DB, error) {
	setPool(sqlDB, p)
	pingCtx := ctx
	if p.ConnectTimeout > 0 {
		var cancel context.CancelFunc
		pingCtx, cancel = context.WithTimeout(ctx, p.ConnectTimeout)
		defer cancel()
	}
	if err := sqlDB.PingContext(pingCtx); err != nil {
		_ = sqlDB.Close()
		return nil, fmt.Errorf("connecting to %s %s: %w", dia, name, err)
	}
	var drv dialect.Driver = entsql.OpenDB(dia, sqlDB)
	switch dia {
	case dialect.SQLite:
		drv = utcDriver{entsql.OpenDB(dia, sqlDB)}
	case dialect.Postgres:
		drv = preparedDriver{Driver: drv, db: sqlDB, cache: newStmtCache()}
	}
	n := new(atomic.Int64)
	return &DB{SQL: sqlDB, Dialect: dia, Ent: ent.NewClient(ent.Driver(countingDriver{Driver: drv, n: n})), statements: n, base: drv}, nil
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
