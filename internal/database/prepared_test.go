package database

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
)

// sqlitePrepared is a preparedDriver over a new SQLite database.
func sqlitePrepared(t *testing.T) (preparedDriver, *DB) {
	t.Helper()
	db, err := OpenSQLite(context.Background(), filepath.Join(t.TempDir(), "p.db"), Pool{MaxOpenConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.SQL.Close() })
	return preparedDriver{Driver: entsql.OpenDB(dialect.SQLite, db.SQL), db: db.SQL, cache: newStmtCache()}, db
}

// TestPreparedDriver: on a real (SQLite) database, the queries of a marked context go through
// kept statements, one per text, at most maxPrepared of them, and give the same rows, even
// for a request that is gone; the others are sent as before.
func TestPreparedDriver(t *testing.T) {
	ctx := context.Background()
	d, db := sqlitePrepared(t)

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

	if got := value(ctx, "SELECT ? + 1", 41); got != 42 || d.cache.order.Len() != 0 {
		t.Fatalf("unmarked: got %d with %d kept statements, want 42 and none", got, d.cache.order.Len())
	}
	marked := Prepared(ctx)
	for i := range 5 {
		if got := value(marked, "SELECT ? * 2", i); got != 2*i {
			t.Fatalf("SELECT %d * 2 = %d", i, got)
		}
	}
	if n := d.cache.order.Len(); n != 1 {
		t.Fatalf("%d kept statements after one text run 5 times, want 1", n)
	}
	// Kept statements run to the end even when their request is gone (see stmtCache.query).
	gone, cancel := context.WithCancel(marked)
	cancel()
	if got := value(gone, "SELECT ? * 2", 4); got != 8 {
		t.Fatalf("for a request gone, SELECT 4 * 2 = %d", got)
	}
	first, err := d.cache.get(marked, db.SQL, "SELECT ? * 2") //nolint:sqlclosecheck // the cache closes it, which is what is checked
	if err != nil {
		t.Fatal(err)
	}
	for i := range maxPrepared {
		value(marked, fmt.Sprintf("SELECT ? + %d", i), 0)
	}
	if n := d.cache.order.Len(); n != maxPrepared {
		t.Fatalf("%d kept statements, want at most %d", n, maxPrepared)
	}
	// The least recently used went, and was closed.
	if _, err := first.ExecContext(ctx, 1); err == nil {
		t.Error("the evicted statement still runs")
	} else if !strings.Contains(err.Error(), "closed") {
		t.Errorf("the evicted statement fails with %v, want it closed", err)
	}
	if got := value(marked, "SELECT ? * 2", 21); got != 42 {
		t.Errorf("after eviction, SELECT 21 * 2 = %d", got)
	}
}

// TestTypedRows: the rows of the driver describe their columns as database/sql does, built
// once per result set rather than at every call.
func TestTypedRows(t *testing.T) {
	ctx := context.Background()
	d, _ := sqlitePrepared(t)
	for _, c := range []context.Context{ctx, Prepared(ctx)} {
		var rows entsql.Rows
		if err := d.Query(c, "SELECT 1 AS one, 'x' AS two UNION ALL SELECT ?, 'y'", []any{2}, &rows); err != nil {
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
		if got := countRows(tt.query); got != tt.want {
			t.Errorf("countRows(%s)\n got %s\nwant %s", tt.query, got, tt.want)
		}
	}
}
