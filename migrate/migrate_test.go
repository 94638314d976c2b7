package migrate_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	atlas "ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/sqltool"

	"github.com/mifmaroc/erp/internal/schemadiff"
	"github.com/mifmaroc/erp/internal/testdb"
	"github.com/mifmaroc/erp/migrate"
)

func TestUp(t *testing.T) {
	ctx := context.Background()
	dia := testdb.Dialect()
	db, _ := testdb.OpenEmpty(t)

	st, err := migrate.CurrentStatus(ctx, db.SQL, dia)
	if err != nil {
		t.Fatal(err)
	}
	if st.Current != 0 || st.Pending == 0 || st.Latest == 0 {
		t.Fatalf("status of an empty database = %+v, want nothing applied and some pending", st)
	}

	t.Run("AppliesEveryMigration", func(t *testing.T) {
		n, err := migrate.Up(ctx, db.SQL, dia)
		if err != nil {
			t.Fatal(err)
		}
		if n != st.Pending {
			t.Errorf("Up applied %d migrations, want %d", n, st.Pending)
		}
		var count int
		if err := db.SQL.QueryRowContext(ctx, "SELECT COUNT(*) FROM interventions").Scan(&count); err != nil {
			t.Fatalf("interventions table after migrating: %v", err)
		}
	})
	t.Run("SecondRunIsNoop", func(t *testing.T) {
		n, err := migrate.Up(ctx, db.SQL, dia)
		if err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("second Up applied %d migrations, want 0", n)
		}
		after, err := migrate.CurrentStatus(ctx, db.SQL, dia)
		if err != nil {
			t.Fatal(err)
		}
		if after.Pending != 0 || after.Current != st.Latest || after.Dirty {
			t.Errorf("status after Up = %+v, want current = latest = %d, nothing pending", after, st.Latest)
		}
	})
	t.Run("PoolStillUsable", func(t *testing.T) {
		// golang-migrate closes the database it is given when closed; ours must survive.
		if err := db.SQL.PingContext(ctx); err != nil {
			t.Fatalf("pool closed by migrations: %v", err)
		}
	})
}

// TestNoDrift proves the migrations produce exactly the ent schema: a field added to
// ent/schema without `go run ./cmd/migdiff <name>` makes it fail.
func TestNoDrift(t *testing.T) {
	dia := testdb.Dialect()
	_, devURL := testdb.OpenEmpty(t)
	dir := filepath.Join(".", migrate.Folders[dia])
	if err := schemadiff.Check(context.Background(), dia, devURL, dir); err != nil {
		t.Fatal(err)
	}
}

// TestDriftDetected shows the check is not vacuous: without its newest migration, the
// folder no longer produces the ent schema and Check says so.
func TestDriftDetected(t *testing.T) {
	dia := testdb.Dialect()
	_, devURL := testdb.OpenEmpty(t)
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(filepath.Join(".", migrate.Folders[dia]))); err != nil {
		t.Fatal(err)
	}
	entries, err := filepath.Glob(filepath.Join(dir, "*.up.sql"))
	if err != nil || len(entries) == 0 {
		t.Fatalf("no migration found: %v", err)
	}
	newest := entries[len(entries)-1]
	for _, f := range []string{newest, strings.Replace(newest, ".up.sql", ".down.sql", 1)} {
		if err := os.Remove(f); err != nil {
			t.Fatal(err)
		}
	}
	d, err := sqltool.NewGolangMigrateDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	sum, err := d.Checksum()
	if err != nil {
		t.Fatal(err)
	}
	if err := atlas.WriteSumFile(d, sum); err != nil {
		t.Fatal(err)
	}

	err = schemadiff.Check(context.Background(), dia, devURL, dir)
	if !errors.Is(err, schemadiff.ErrDrift) {
		t.Fatalf("Check without %s = %v, want ErrDrift", filepath.Base(newest), err)
	}
}
