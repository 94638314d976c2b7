// Package schemadiff compares the versioned migrations with the ent schema. It writes the
// next migration (cmd/migdiff) and proves there is no drift (the migrate tests). Both replay
// the migration folder on an empty development database and diff the result with ent.
package schemadiff

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	atlas "ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/sqltool"
	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql/schema"
	"modernc.org/sqlite"

	entmigrate "github.com/mifmaroc/erp/ent/migrate"
)

func init() {
	// Atlas opens sqlite:// URLs with the driver name "sqlite3"; modernc registers "sqlite".
	if !slices.Contains(sql.Drivers(), "sqlite3") {
		sql.Register("sqlite3", &sqlite.Driver{})
	}
}

// SQLiteDevURL is an empty in-memory SQLite database for diffing.
const SQLiteDevURL = "sqlite://dev?mode=memory&_pragma=foreign_keys(1)"

// ErrDrift is returned by Check when the migrations do not produce the ent schema.
var ErrDrift = errors.New("the migrations do not match the ent schema")

// Write adds to dir the migration named name that brings the schema the folder produces to
// the ent schema. devURL must point at an empty database of the dialect. It returns false
// when there was nothing to write.
func Write(ctx context.Context, dia, devURL, dir, name string) (bool, error) {
	d, err := sqltool.NewGolangMigrateDir(dir)
	if err != nil {
		return false, fmt.Errorf("opening migration folder %s: %w", dir, err)
	}
	err = entmigrate.NamedDiff(ctx, devURL, name, options(dia, d, true)...)
	if errors.Is(err, atlas.ErrNoPlan) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("diffing %s migrations with the ent schema: %w", dia, err)
	}
	return true, nil
}

// Check returns nil when replaying dir on the empty database at devURL gives exactly the ent
// schema, and an error wrapping ErrDrift with the missing statements otherwise. dir is left
// untouched: the diff runs on a temporary copy.
func Check(ctx context.Context, dia, devURL, dir string) error {
	tmp, err := os.MkdirTemp("", "schemadiff-*")
	if err != nil {
		return fmt.Errorf("creating a scratch folder: %w", err)
	}
	defer func() { _ = os.RemoveAll(tmp) }()
	if err := os.CopyFS(tmp, os.DirFS(dir)); err != nil {
		return fmt.Errorf("copying %s: %w", dir, err)
	}
	before, err := os.ReadDir(tmp)
	if err != nil {
		return err
	}
	wrote, err := Write(ctx, dia, devURL, tmp, "drift")
	if err != nil || !wrote {
		return err
	}
	after, err := os.ReadDir(tmp)
	if err != nil {
		return err
	}
	var missing []byte
	for _, e := range after {
		if !slices.ContainsFunc(before, func(b os.DirEntry) bool { return b.Name() == e.Name() }) &&
			filepath.Ext(e.Name()) == ".sql" && filepath.Ext(trimExt(e.Name())) == ".up" {
			b, _ := os.ReadFile(filepath.Join(tmp, e.Name()))
			missing = append(missing, b...)
		}
	}
	return fmt.Errorf("%w (%s); write a migration with `go run ./cmd/migdiff <name>`; missing:\n%s", ErrDrift, dia, missing)
}

func trimExt(name string) string { return name[:len(name)-len(filepath.Ext(name))] }

func options(dia string, d atlas.Dir, errNoPlan bool) []schema.MigrateOption {
	return []schema.MigrateOption{
		schema.WithDir(d),
		schema.WithMigrationMode(schema.ModeReplay),
		schema.WithDialect(dia),
		schema.WithFormatter(sqltool.GolangMigrateFormatter),
		schema.WithErrNoPlan(errNoPlan),
		schema.WithDropColumn(true),
		schema.WithDropIndex(true),
	}
}

// Dialects lists the dialects that have a migration folder.
var Dialects = []string{dialect.Postgres, dialect.SQLite}

// txBegin marks a SQLite migration already made atomic by WrapSQLite.
const txBegin = "BEGIN;\n"

// WrapSQLite makes every SQLite up-migration of dir atomic on its own, and rewrites atlas.sum.
// SQLite migrations run outside a driver transaction because `PRAGMA foreign_keys = off`,
// which atlas puts before a table rebuild, is ignored inside one: with foreign keys still on,
// dropping the old table would cascade into the rows that reference it. So the file carries
// its own transaction, inside the pragmas, as SQLite's documented rebuild procedure does.
func WrapSQLite(dir string) error {
	ups, err := filepath.Glob(filepath.Join(dir, "*.up.sql"))
	if err != nil {
		return err
	}
	for _, f := range ups {
		b, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		s := string(b)
		if strings.Contains(s, txBegin) {
			continue
		}
		const off, on = "PRAGMA foreign_keys = off;\n", "PRAGMA foreign_keys = on;\n"
		head, tail := "", ""
		if strings.HasPrefix(s, "-- disable the enforcement of foreign-keys constraints\n"+off) {
			head = "-- disable the enforcement of foreign-keys constraints\n" + off
			s = strings.TrimPrefix(s, head)
		}
		if i := strings.LastIndex(s, "-- enable back the enforcement of foreign-keys constraints\n"+on); i >= 0 {
			tail = s[i:]
			s = s[:i]
			// The rebuilt tables must still satisfy every foreign key before the commit.
			s += "PRAGMA foreign_key_check;\n"
		}
		out := head + txBegin + s + "COMMIT;\n" + tail
		if err := os.WriteFile(f, []byte(out), 0o644); err != nil {
			return err
		}
	}
	return Rehash(dir)
}

// Rehash rewrites dir's atlas.sum after its files were edited by hand (data statements
// added to a generated migration).
func Rehash(dir string) error {
	d, err := sqltool.NewGolangMigrateDir(dir)
	if err != nil {
		return err
	}
	sum, err := d.Checksum()
	if err != nil {
		return err
	}
	return atlas.WriteSumFile(d, sum)
}
