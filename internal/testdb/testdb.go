// Package testdb gives each test a fresh database, migrated with the real migrations, on the
// dialect the suite runs on: TEST_DB=sqlite (the default) or TEST_DB=postgres, the latter on
// the server at TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres).
// A PostgreSQL suite that cannot reach its server fails; nothing is skipped.
//
// With TEST_DATABASE_POOLER_URL set (scripts/pgbouncer-check.sh), each test database's API
// pool goes through that transaction pooler, PgBouncer, as DATABASE_URL would in such a
// deployment, and its direct connection (listener, locks, migrations) to the server itself;
// every database checks at its opening that the pooler does carry its connections.
package testdb

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"entgo.io/ent/dialect"
	"github.com/lib/pq"

	"github.com/mifmaroc/erp/internal/database"
	"github.com/mifmaroc/erp/migrate"
)

// DefaultServerURL is the PostgreSQL server used when TEST_DATABASE_URL is unset.
const DefaultServerURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// Dialect is the dialect of this test run.
func Dialect() string {
	switch strings.ToLower(os.Getenv("TEST_DB")) {
	case "postgres", "postgresql":
		return dialect.Postgres
	default:
		return dialect.SQLite
	}
}

// ServerURL is the PostgreSQL server the tests create their databases on.
func ServerURL() string {
	if u := os.Getenv("TEST_DATABASE_URL"); u != "" {
		return u
	}
	return DefaultServerURL
}

// PoolerURL is the PgBouncer the test databases' API pools go through
// (TEST_DATABASE_POOLER_URL, its database part ignored), or empty. Its [databases] must
// route every name to ServerURL's server (a `*` entry) in pool_mode=transaction, and
// postgres must be one of its admin_users: the check reads its console.
func PoolerURL() string { return os.Getenv("TEST_DATABASE_POOLER_URL") }

// Pool is the connection pool of test databases.
var Pool = database.Pool{
	MaxOpenConns:    10,
	MaxIdleConns:    10,
	ConnMaxLifetime: time.Minute,
	ConnMaxIdleTime: time.Minute,
	ConnectTimeout:  5 * time.Second,
}

// Open returns a fresh database with every migration applied; it is closed (and on
// PostgreSQL dropped) when the test ends.
func Open(tb testing.TB) *database.DB {
	tb.Helper()
	if Dialect() == dialect.SQLite {
		db, _ := OpenEmpty(tb)
		if _, err := migrate.Up(context.Background(), db.SQL, dialect.SQLite); err != nil {
			tb.Fatalf("migrating the test database: %v", err)
		}
		return db
	}
	tpl := template(tb)
	db, err := createPostgres(tb, "TEMPLATE "+tpl)
	var pqErr *pq.Error
	if errors.As(err, &pqErr) && pqErr.Code == "3D000" {
		// Another checkout's test run (other migrations) took the template for stale and
		// dropped it: build it again, once.
		if tpl, err = buildTemplate(adminDB(tb)); err == nil {
			db, err = createPostgres(tb, "TEMPLATE "+tpl)
		}
	}
	if err != nil {
		tb.Fatalf("creating a test database on %s: %v", redacted(ServerURL()), err)
	}
	return db
}

// OpenEmpty returns a fresh database with no table, and the URL atlas uses to reach it.
func OpenEmpty(tb testing.TB) (*database.DB, string) {
	tb.Helper()
	if Dialect() == dialect.SQLite {
		path := filepath.Join(tb.TempDir(), "erp.db")
		db, err := database.OpenSQLite(context.Background(), path, Pool)
		if err != nil {
			tb.Fatalf("opening the test database: %v", err)
		}
		tb.Cleanup(func() { _ = db.Close() })
		return db, "sqlite://" + path + "?_pragma=foreign_keys(1)"
	}
	db, err := createPostgres(tb, "")
	if err != nil {
		tb.Fatalf("creating a test database on %s: %v", redacted(ServerURL()), err)
	}
	return db, db.DirectURL
}

var seq atomic.Int64

func createPostgres(tb testing.TB, clause string) (*database.DB, error) {
	tb.Helper()
	ctx := context.Background()
	admin := adminDB(tb)
	name := fmt.Sprintf("erp_t_%d_%d_%d", os.Getpid(), time.Now().UnixNano()%1e6, seq.Add(1))
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name+" "+clause); err != nil {
		return nil, fmt.Errorf("creating test database %s: %w", name, err)
	}
	tb.Cleanup(func() {
		if _, err := admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			tb.Errorf("dropping test database %s: %v", name, err)
		}
	})
	db, err := database.OpenPostgres(ctx, urlFor(name), PoolFor(name))
	if err != nil {
		return nil, fmt.Errorf("opening test database %s: %w", name, err)
	}
	tb.Cleanup(func() { _ = db.Close() })
	if PoolerURL() != "" {
		n, err := PoolerClients(name)
		if err != nil {
			return nil, err
		}
		if n == 0 {
			return nil, fmt.Errorf("TEST_DATABASE_POOLER_URL is set but PgBouncer has no client on %s: the API pool does not go through it", name)
		}
	}
	return db, nil
}

// urlFor is where the API pool of test database name connects: the pooler when there is one.
func urlFor(name string) string {
	if p := PoolerURL(); p != "" {
		return urlWithDatabase(p, name)
	}
	return urlWithDatabase(ServerURL(), name)
}

// PoolFor is Pool for test database name: behind the pooler, with its direct URL and no
// prepared statements, as DATABASE_DIRECT_URL sets them by default.
func PoolFor(name string) database.Pool {
	p := Pool
	if PoolerURL() != "" {
		p.DirectURL = urlWithDatabase(ServerURL(), name)
		p.Unprepared = true
	}
	return p
}

var (
	consoleOnce sync.Once
	console     *sql.DB
)

// PoolerClients is how many client connections PgBouncer (TEST_DATABASE_POOLER_URL) holds
// on database name, from SHOW CLIENTS on its admin console.
func PoolerClients(name string) (int, error) {
	rows, err := PoolerShow("CLIENTS")
	if err != nil {
		return 0, err
	}
	n := 0
	for _, r := range rows {
		if r["database"] == name {
			n++
		}
	}
	return n, nil
}

// PoolerCommand runs a command (RECONNECT, PAUSE, …) on PgBouncer's admin console.
func PoolerCommand(cmd string) error {
	if _, err := PoolerShow("VERSION"); err != nil { // opens the console
		return err
	}
	if _, err := console.ExecContext(context.Background(), cmd); err != nil {
		return fmt.Errorf("%s on PgBouncer's console: %w", cmd, err)
	}
	return nil
}

// Name is the name of db, a test database of PostgreSQL.
func Name(tb testing.TB, db *database.DB) string {
	tb.Helper()
	var name string
	if err := db.Direct.QueryRow("SELECT current_database()").Scan(&name); err != nil {
		tb.Fatal(err)
	}
	return name
}

// SetOnRole does what docs/deployment.md asks of an operator behind PgBouncer, which drops
// some connection parameters: it sets setting ("statement_timeout = '30s'") on the role in
// db, then reconnects the pooler's server connections, which keep the settings of their
// start.
func SetOnRole(tb testing.TB, db *database.DB, setting string) {
	tb.Helper()
	name := Name(tb, db)
	if _, err := db.Direct.Exec(fmt.Sprintf("ALTER ROLE CURRENT_USER IN DATABASE %s SET %s", name, setting)); err != nil {
		tb.Fatal(err)
	}
	if err := PoolerCommand("RECONNECT " + name); err != nil {
		tb.Fatal(err)
	}
}

// PoolerShow runs SHOW what on PgBouncer's admin console and returns its rows by column.
func PoolerShow(what string) ([]map[string]string, error) {
	consoleOnce.Do(func() {
		// The console speaks only the simple query protocol and knows few parameters.
		console, _ = sql.Open("postgres", urlWithDatabase(PoolerURL(), "pgbouncer"))
		console.SetMaxOpenConns(1)
	})
	rows, err := console.QueryContext(context.Background(), "SHOW "+what)
	if err != nil {
		return nil, fmt.Errorf("SHOW %s on PgBouncer's console: %w", what, err)
	}
	defer func() { _ = rows.Close() }()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var out []map[string]string
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		row := map[string]string{}
		for i, c := range cols {
			row[c] = vals[i].String
		}
		out = append(out, row)
	}
	return out, rows.Err()
}

var (
	adminOnce sync.Once
	admin     *sql.DB
	adminErr  error
)

// adminDB is the connection to the server's maintenance database, shared by the package.
func adminDB(tb testing.TB) *sql.DB {
	tb.Helper()
	adminOnce.Do(func() {
		admin, adminErr = sql.Open("postgres", ServerURL())
		if adminErr == nil {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			adminErr = admin.PingContext(ctx)
		}
	})
	if adminErr != nil {
		tb.Fatalf("TEST_DB=postgres but the server at %s does not answer (start PostgreSQL or set TEST_DATABASE_URL): %v",
			redacted(ServerURL()), adminErr)
	}
	return admin
}

var (
	tplOnce sync.Once
	tplName string
	tplErr  error
)

// template returns the name of a migrated template database for the current migrations.
// Tests copy it (CREATE DATABASE … TEMPLATE), which is much faster than migrating each time.
// The name carries a hash of the migration files, so changed migrations build a new one.
func template(tb testing.TB) string {
	tb.Helper()
	a := adminDB(tb)
	tplOnce.Do(func() { tplName, tplErr = buildTemplate(a) })
	if tplErr != nil {
		tb.Fatalf("preparing the template test database: %v", tplErr)
	}
	return tplName
}

func buildTemplate(a *sql.DB) (string, error) {
	ctx := context.Background()
	name, err := templateName()
	if err != nil {
		return "", err
	}
	conn, err := a.Conn(ctx)
	if err != nil {
		return "", err
	}
	defer func() { _ = conn.Close() }()
	// Test binaries of several packages run at once: one builds, the others wait.
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock(74201)"); err != nil {
		return "", err
	}
	defer func() { _, _ = conn.ExecContext(ctx, "SELECT pg_advisory_unlock(74201)") }()

	var exists bool
	if err := conn.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		return "", err
	}
	// The template's comment is when a test run last used it: several checkouts with
	// different migrations may test on one server, and each keeps its own template.
	used := func() error {
		_, err := conn.ExecContext(ctx, fmt.Sprintf("COMMENT ON DATABASE %s IS '%d'", name, time.Now().Unix()))
		return err
	}
	if exists {
		return name, used()
	}
	// Templates of other migrations that no run used for a while are of no further use.
	stale, err := staleTemplates(ctx, conn, time.Now().Add(-templateIdle))
	if err != nil {
		return "", err
	}
	for _, n := range stale {
		_, _ = conn.ExecContext(ctx, "DROP DATABASE IF EXISTS "+n+" WITH (FORCE)")
	}

	building := name + "_build"
	_, _ = conn.ExecContext(ctx, "DROP DATABASE IF EXISTS "+building+" WITH (FORCE)")
	if _, err := conn.ExecContext(ctx, "CREATE DATABASE "+building); err != nil {
		return "", err
	}
	db, err := database.OpenPostgres(ctx, urlWithDatabase(ServerURL(), building), Pool)
	if err != nil {
		return "", err
	}
	_, err = migrate.Up(ctx, db.SQL, dialect.Postgres)
	_ = db.Close()
	if err != nil {
		return "", fmt.Errorf("migrating the template: %w", err)
	}
	// Renamed only once complete, so a crash never leaves a half-migrated template behind.
	if _, err := conn.ExecContext(ctx, "ALTER DATABASE "+building+" RENAME TO "+name); err != nil {
		return "", err
	}
	return name, used()
}

// templateIdle is how long a template of other migrations is kept after its last use.
const templateIdle = time.Hour

// staleTemplates are the templates last used before idleSince (or never marked as used).
func staleTemplates(ctx context.Context, conn *sql.Conn, idleSince time.Time) ([]string, error) {
	rows, err := conn.QueryContext(ctx, `SELECT datname, COALESCE(shobj_description(oid, 'pg_database'), '')
FROM pg_database WHERE datname LIKE 'erp_tpl_%' AND datname NOT LIKE '%_build'`)
	if err != nil {
		return nil, err
	}
	defer func() { _ = rows.Close() }()
	var names []string
	for rows.Next() {
		var n, comment string
		if err := rows.Scan(&n, &comment); err != nil {
			return nil, err
		}
		if last, err := strconv.ParseInt(comment, 10, 64); err != nil || time.Unix(last, 0).Before(idleSince) {
			names = append(names, n)
		}
	}
	return names, rows.Err()
}

func templateName() (string, error) {
	dir, err := migrate.Dir(dialect.Postgres)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	err = fs.WalkDir(dir, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(dir, path)
		if err != nil {
			return err
		}
		_, _ = h.Write([]byte(path))
		_, _ = h.Write(b)
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("hashing migrations: %w", err)
	}
	return "erp_tpl_" + hex.EncodeToString(h.Sum(nil))[:16], nil
}

func urlWithDatabase(server, name string) string {
	u, err := url.Parse(server)
	if err != nil {
		return server
	}
	u.Path = "/" + name
	return u.String()
}

func redacted(raw string) string {
	if u, err := url.Parse(raw); err == nil {
		return u.Redacted()
	}
	return "(unparsable URL)"
}
