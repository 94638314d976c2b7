// Command migdiff writes the next versioned migration, for PostgreSQL and SQLite, from the
// difference between the ent schema and what migrate/ already produces.
//
//	go run ./cmd/migdiff add_reference_to_piece
//	go run ./cmd/migdiff --rehash    after adding data statements to a new migration by hand
//
// It needs an empty scratch PostgreSQL database: it creates and drops one on the server at
// MIGDIFF_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres).
package main

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"time"

	"entgo.io/ent/dialect"
	_ "github.com/lib/pq"

	"github.com/mifmaroc/erp/internal/schemadiff"
	"github.com/mifmaroc/erp/migrate"
)

var validName = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "migdiff:", err)
		os.Exit(1)
	}
}

func run() error {
	if len(os.Args) == 2 && os.Args[1] == "--rehash" {
		for _, folder := range migrate.Folders {
			if err := schemadiff.Rehash(filepath.Join("migrate", folder)); err != nil {
				return err
			}
		}
		fmt.Println("atlas.sum rewritten in migrate/postgres and migrate/sqlite")
		return nil
	}
	if len(os.Args) != 2 || !validName.MatchString(os.Args[1]) {
		return fmt.Errorf("usage: go run ./cmd/migdiff <name in snake_case> (e.g. add_reference_to_piece) | --rehash")
	}
	name := os.Args[1]
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	server := os.Getenv("MIGDIFF_POSTGRES_URL")
	if server == "" {
		server = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
	}
	devURL, drop, err := scratchPostgres(ctx, server)
	if err != nil {
		return err
	}
	defer drop()

	for dia, dev := range map[string]string{dialect.Postgres: devURL, dialect.SQLite: schemadiff.SQLiteDevURL} {
		dir := filepath.Join("migrate", migrate.Folders[dia])
		wrote, err := schemadiff.Write(ctx, dia, dev, dir, name)
		if err != nil {
			return err
		}
		if wrote && dia == dialect.SQLite {
			if err := schemadiff.WrapSQLite(dir); err != nil {
				return fmt.Errorf("making the sqlite migration atomic: %w", err)
			}
		}
		if wrote {
			fmt.Printf("%s: wrote migration %q in %s\n", dia, name, dir)
		} else {
			fmt.Printf("%s: no change, nothing written\n", dia)
		}
	}
	return nil
}

// scratchPostgres creates an empty database on the server and returns its URL and a function
// that drops it.
func scratchPostgres(ctx context.Context, server string) (string, func(), error) {
	admin, err := sql.Open("postgres", server)
	if err != nil {
		return "", nil, fmt.Errorf("MIGDIFF_POSTGRES_URL: %w", err)
	}
	name := fmt.Sprintf("migdiff_%d", time.Now().UnixNano())
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		_ = admin.Close()
		return "", nil, fmt.Errorf("creating scratch database on %s (is PostgreSQL running? set MIGDIFF_POSTGRES_URL): %w", server, err)
	}
	u, err := url.Parse(server)
	if err != nil {
		_ = admin.Close()
		return "", nil, err
	}
	u.Path = "/" + name
	drop := func() {
		_, _ = admin.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
		_ = admin.Close()
	}
	return u.String(), drop, nil
}
