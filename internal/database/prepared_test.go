package database_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"

	"github.com/mifmaroc/erp/internal/database"
	"github.com/mifmaroc/erp/internal/testdb"
)

// prepared is a PreparedDriver over a fresh test database of the dialect under test, and a
// function that writes the n-th parameter of a statement in that dialect.
func prepared(t *testing.T) (database.PreparedDriver, *database.DB, func(n int) string) {
	t.Helper()
	db := testdb.Open(t)
	param := func(int) string { return "?" }
	if db.Dialect == dialect.Postgres {
		param = func(n int) string { return fmt.Sprintf("$%d::int", n) }
	}
	return database.NewPreparedDriver(db.SQL, db.Dialect), db, param
}

// TestPreparedDriver: the queries of a marked context go through kept statements, one per
// text, at most MaxPrepared of them, and give the same rows, even for a request that is
// gone; the others are sent as before.
func TestPreparedDriver(t *testing.T) {
	ctx := context.Background()
	d, _, p := prepared(t)

	value := func(ctx context.Context, query string, arg int) int {
		t.Helper()
		var rows entsql.Rows
		if err := d.Query(ctx, query, []any{arg}, &rows); err != nil {
			t.Fatal(err)
		}
		defer func() { _ = rows.Close() }()
		n, err := entsql.ScanInt(rows)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}

	if got := value(ctx, "SELECT "+p(1)+" + 1", 41); got != 42 || d.Kept() != 0 {
		t.Fatalf("unmarked: got %d with %d kept statements, want 42 and none", got, d.Kept())
	}
	marked := database.Prepared(ctx)
	double := "SELECT " + p(1) + " * 2"
	for i := range 5 {
		if got := value(marked, double, i); got != 2*i {
			t.Fatalf("SELECT %d * 2 = %d", i, got)
		}
	}
	if n := d.Kept(); n != 1 {
		t.Fatalf("%d kept statements after one text run 5 times, want 1", n)
	}
	// Kept statements run to the end even when their request is gone (see stmtCache.query).
	gone, cancel := context.WithCancel(marked)
	cancel()
	if got := value(gone, double, 4); got != 8 {
		t.Fatalf("for a request gone, SELECT 4 * 2 = %d", got)
	}

	// A request holds the least recently used statement while the others push it out.
	first, release, err := d.Take(marked, double) //nolint:sqlclosecheck // the cache closes it, which is what is checked
	if err != nil {
		t.Fatal(err)
	}
	for i := range database.MaxPrepared {
		value(marked, fmt.Sprintf("SELECT %s + %d", p(1), i), 0)
	}
	if n := d.Kept(); n != database.MaxPrepared {
		t.Fatalf("%d kept statements, want at most %d", n, database.MaxPrepared)
	}
	// Evicted, it still serves the request that took it...
	var got int
	if err := first.QueryRowContext(ctx, 5).Scan(&got); err != nil || got != 10 {
		t.Fatalf("the evicted statement, still in use: %d, %v; want 10", got, err)
	}
	// ...and is closed once that request is done with it.
	release()
	if _, err := first.ExecContext(ctx, 1); err == nil {
		t.Error("the evicted statement still runs after its last use")
	} else if !strings.Contains(err.Error(), "closed") {
		t.Errorf("the evicted statement fails with %v, want it closed", err)
	}
	if got := value(marked, double, 21); got != 42 {
		t.Errorf("after eviction, SELECT 21 * 2 = %d", got)
	}
}

// TestTypedRows: the rows of the driver describe their columns as database/sql does, built
// once per result set rather than at every call.
func TestTypedRows(t *testing.T) {
	ctx := context.Background()
	d, _, p := prepared(t)
	for _, c := range []context.Context{ctx, database.Prepared(ctx)} {
		var rows entsql.Rows
		if err := d.Query(c, "SELECT 1 AS one, 'x' AS two UNION ALL SELECT "+p(1)+", 'y'", []any{2}, &rows); err != nil {
			t.Fatal(err)
		}
		n := 0
		var first []*sql.ColumnType
		for rows.Next() {
			types, err := rows.ColumnTypes()
			if err != nil {
				t.Fatal(err)
			}
			if len(types) != 2 || types[0].Name() != "one" || types[1].Name() != "two" {
				t.Fatalf("column types %v", types)
			}
			if first == nil {
				first = types
			} else if &first[0] != &types[0] {
				t.Error("the column types were built again for the next row")
			}
			n++
		}
		if err := rows.Close(); err != nil || n != 2 {
			t.Fatalf("%d rows, close: %v; want 2 rows", n, err)
		}
	}
}

// TestCountRows: only a count of one table's own ids becomes a count of its rows.
func TestCountRows(t *testing.T) {
	tests := []struct{ query, want string }{
		{`SELECT COUNT("interventions"."id") FROM "interventions" WHERE "interventions"."statut" IN ($1, $2)`,
			`SELECT COUNT(*) FROM "interventions" WHERE "interventions"."statut" IN ($1, $2)`},
		{`SELECT COUNT("users"."id") FROM "users"`, `SELECT COUNT(*) FROM "users"`},
		// A count of distinct ids, of another column, or of another table's ids is kept.
		{`SELECT COUNT(DISTINCT "interventions"."id") FROM "interventions"`, `SELECT COUNT(DISTINCT "interventions"."id") FROM "interventions"`},
		{`SELECT COUNT("interventions"."technicien_id") FROM "interventions"`, `SELECT COUNT("interventions"."technicien_id") FROM "interventions"`},
		{`SELECT COUNT("t1"."id") FROM "interventions" AS "t1"`, `SELECT COUNT("t1"."id") FROM "interventions" AS "t1"`},
		{`SELECT "interventions"."id" FROM "interventions"`, `SELECT "interventions"."id" FROM "interventions"`},
	}
	for _, tt := range tests {
		if got := database.CountRows(tt.query); got != tt.want {
			t.Errorf("countRows(%s)\n got %s\nwant %s", tt.query, got, tt.want)
		}
	}
}
