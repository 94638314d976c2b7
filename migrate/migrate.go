// Package migrate applies the versioned SQL migrations embedded in the binary: one folder per
// dialect (postgres/, sqlite/), written by `go run ./cmd/migdiff <name>` from the ent schema
// and applied in order by golang-migrate. Applying is idempotent, and on PostgreSQL an
// advisory lock lets several replicas start together.
package migrate

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"

	"entgo.io/ent/dialect"
	gomigrate "github.com/golang-migrate/migrate/v4"
	"github.com/golang-migrate/migrate/v4/database"
	"github.com/golang-migrate/migrate/v4/database/postgres"
	"github.com/golang-migrate/migrate/v4/database/sqlite"
	"github.com/golang-migrate/migrate/v4/source"
	"github.com/golang-migrate/migrate/v4/source/iofs"
)

//go:embed postgres/*.sql sqlite/*.sql
var files embed.FS

// OutsideEnt marks a migration written by hand that creates only what the ent schema does
// not describe (triggers and the tables they feed): the drift check cannot see it.
const OutsideEnt = "-- Outside the ent schema:"

// Folders maps each supported dialect to its migration folder under migrate/.
var Folders = map[string]string{dialect.Postgres: "postgres", dialect.SQLite: "sqlite"}

// Dir returns the migration files of a dialect (dialect.Postgres or dialect.SQLite).
func Dir(dia string) (fs.FS, error) {
	folder, ok := Folders[dia]
	if !ok {
		return nil, fmt.Errorf("no migrations for dialect %q", dia)
	}
	return fs.Sub(files, folder)
}

// Status is where a database stands against the embedded migrations.
type Status struct {
	Current uint // 0 when nothing was applied
	Latest  uint
	Pending int
	Dirty   bool // a migration failed half-way; fix the database, then force the version
}

// Up applies every pending migration and reports how many ran (0 when up to date).
func Up(ctx context.Context, db *sql.DB, dia string) (int, error) {
	m, closeFn, err := open(ctx, db, dia)
	if err != nil {
		return 0, err
	}
	defer closeFn()
	before, err := status(m, dia)
	if err != nil {
		return 0, err
	}
	if before.Dirty {
		return 0, fmt.Errorf("database is dirty at migration %d: a migration failed half-way; repair it by hand, then record the version with golang-migrate's force command", before.Current)
	}
	if err := m.Up(); err != nil && !errors.Is(err, gomigrate.ErrNoChange) {
		return 0, fmt.Errorf("applying %s migrations: %w", dia, err)
	}
	return before.Pending, nil
}

// UpTo applies the migrations up to and including version (for tests of data upgrades).
func UpTo(ctx context.Context, db *sql.DB, dia string, version uint) error {
	m, closeFn, err := open(ctx, db, dia)
	if err != nil {
		return err
	}
	defer closeFn()
	if err := m.Migrate(version); err != nil && !errors.Is(err, gomigrate.ErrNoChange) {
		return fmt.Errorf("migrating %s to %d: %w", dia, version, err)
	}
	return nil
}

// Versions lists the embedded migration versions of a dialect, oldest first.
func Versions(dia string) ([]uint, error) { return versions(dia) }

// CurrentStatus reports the applied and pending migrations without changing anything.
func CurrentStatus(ctx context.Context, db *sql.DB, dia string) (Status, error) {
	m, closeFn, err := open(ctx, db, dia)
	if err != nil {
		return Status{}, err
	}
	defer closeFn()
	return status(m, dia)
}

func status(m *gomigrate.Migrate, dia string) (Status, error) {
	var st Status
	v, dirty, err := m.Version()
	switch {
	case errors.Is(err, gomigrate.ErrNilVersion):
	case err != nil:
		return st, fmt.Errorf("reading the migration version: %w", err)
	default:
		st.Current, st.Dirty = v, dirty
	}
	versions, err := versions(dia)
	if err != nil {
		return st, err
	}
	for _, v := range versions {
		st.Latest = v
		if v > st.Current {
			st.Pending++
		}
	}
	return st, nil
}

// versions lists the embedded migration versions in order.
func versions(dia string) ([]uint, error) {
	src, err := sourceFor(dia)
	if err != nil {
		return nil, err
	}
	defer func() { _ = src.Close() }()
	var out []uint
	v, err := src.First()
	for err == nil {
		out = append(out, v)
		v, err = src.Next(v)
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("listing %s migrations: %w", dia, err)
	}
	return out, nil
}

func sourceFor(dia string) (source.Driver, error) {
	sub, err := Dir(dia)
	if err != nil {
		return nil, err
	}
	src, err := iofs.New(sub, ".")
	if err != nil {
		return nil, fmt.Errorf("reading embedded %s migrations: %w", dia, err)
	}
	return src, nil
}

// open builds a golang-migrate instance on db without letting it close db: on PostgreSQL it
// works on one dedicated connection; SQLite's driver would close the pool, so it is never
// closed here.
func open(ctx context.Context, db *sql.DB, dia string) (*gomigrate.Migrate, func(), error) {
	src, err := sourceFor(dia)
	if err != nil {
		return nil, nil, err
	}
	var (
		drv     database.Driver
		closeFn = func() { _ = src.Close() }
	)
	switch dia {
	case dialect.Postgres:
		conn, err := db.Conn(ctx)
		if err != nil {
			return nil, nil, fmt.Errorf("getting a connection for migrations: %w", err)
		}
		drv, err = postgres.WithConnection(ctx, conn, &postgres.Config{})
		if err != nil {
			_ = conn.Close()
			return nil, nil, fmt.Errorf("preparing postgres migrations: %w", err)
		}
		closeFn = func() { _ = drv.Close(); _ = src.Close() }
	case dialect.SQLite:
		// Each SQLite migration file carries its own transaction (see schemadiff.WrapSQLite).
		drv, err = sqlite.WithInstance(db, &sqlite.Config{NoTxWrap: true})
		if err != nil {
			return nil, nil, fmt.Errorf("preparing sqlite migrations: %w", err)
		}
	}
	m, err := gomigrate.NewWithInstance("iofs", src, dia, drv)
	if err != nil {
		closeFn()
		return nil, nil, fmt.Errorf("preparing %s migrations: %w", dia, err)
	}
	return m, closeFn, nil
}
