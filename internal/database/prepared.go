package database

import (
	"container/list"
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
)

// Statements sent without preparing are parsed and planned by PostgreSQL at every
// execution. For the few statements a server runs hundreds of times a second (a detail,
// a page of the list, a token check) that is most of their cost. A context marked with
// Prepared has its statements prepared once per connection and reused; PostgreSQL then
// plans them once (or keeps a generic plan). The figures are in docs/decisions.md.

type preparedKey struct{}

// Prepared marks ctx so that the queries run with it are prepared and kept.
func Prepared(ctx context.Context) context.Context {
	return context.WithValue(ctx, preparedKey{}, true)
}

func isPrepared(ctx context.Context) bool {
	v, _ := ctx.Value(preparedKey{}).(bool)
	return v
}

// maxPrepared bounds the statements kept: the marked shapes are few, but a selection is
// the client's to choose.
const maxPrepared = 256

// preparedDriver is the PostgreSQL driver under ent: it runs the queries of marked contexts
// through kept statements, counts rows rather than ids, and describes result columns once.
type preparedDriver struct {
	dialect.Driver
	db    *sql.DB
	cache *stmtCache // nil: statements are never prepared (Pool.Unprepared)
}

// prepared says whether the statements of ctx go through kept statements.
func (d preparedDriver) prepared(ctx context.Context) bool { return d.cache != nil && isPrepared(ctx) }

func (d preparedDriver) Query(ctx context.Context, query string, args, v any) error {
	query = countRows(query)
	rows, ok := v.(*entsql.Rows)
	argv, argsOK := args.([]any)
	if d.prepared(ctx) && ok && argsOK {
		r, err := d.cache.query(ctx, d.db, query, argv) //nolint:rowserrcheck // ent reads the rows, closes them and checks Err
		if err != nil {
			return err
		}
		*rows = entsql.Rows{ColumnScanner: r}
	} else if err := d.Driver.Query(ctx, query, args, v); err != nil {
		return err
	}
	if ok {
		rows.ColumnScanner = &typedRows{ColumnScanner: rows.ColumnScanner}
	}
	return nil
}

// countRows has a count of a table's ids count its rows instead. ent counts a query's
// results as COUNT("table"."id"), and PostgreSQL then reads every counted row from the table
// for its id, though ids are never NULL; COUNT(*) it answers from an index alone when the
// filter's index covers the condition and the table's pages are all-visible (docs/decisions.md,
// "Counts count rows"). TestCountRowsOfEntQueries holds it to the SQL ent emits.
func countRows(query string) string {
	rest, ok := strings.CutPrefix(query, `SELECT COUNT("`)
	if !ok {
		return query
	}
	table, rest, ok := strings.Cut(rest, `"."id") FROM "`)
	if !ok || !strings.HasPrefix(rest, table+`"`) || strings.ContainsAny(table, `"(`) {
		return query
	}
	return `SELECT COUNT(*) FROM "` + rest
}

// typedRows describes its columns once per result set. ent asks for the column types at
// every row that has a column it does not know (the rendered JSON of direct rendering),
// and database/sql builds them anew at each call, so once per row of a page (see
// docs/decisions.md, "Hot reads run to the end; PostgreSQL is read in large chunks").
type typedRows struct {
	entsql.ColumnScanner
	types []*sql.ColumnType
	err   error
}

func (r *typedRows) ColumnTypes() ([]*sql.ColumnType, error) {
	if r.types == nil && r.err == nil {
		r.types, r.err = r.ColumnScanner.ColumnTypes()
	}
	return r.types, r.err
}

func (r *typedRows) NextResultSet() bool {
	r.types, r.err = nil, nil
	return r.ColumnScanner.NextResultSet()
}

// QueryContext and ExecContext serve raw statements (ent's sql/execquery feature).
func (d preparedDriver) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if !d.prepared(ctx) {
		raw, ok := d.Driver.(rawExecQuerier)
		if !ok {
			return nil, errNoRaw
		}
		return raw.QueryContext(ctx, query, args...)
	}
	return d.cache.query(ctx, d.db, query, args)
}

func (d preparedDriver) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	raw, ok := d.Driver.(rawExecQuerier)
	if !ok {
		return nil, errNoRaw
	}
	return raw.ExecContext(ctx, query, args...)
}

// BeginTx keeps the transaction options (isolation) of ent's client.BeginTx.
func (d preparedDriver) BeginTx(ctx context.Context, opts *sql.TxOptions) (dialect.Tx, error) {
	b, ok := d.Driver.(interface {
		BeginTx(context.Context, *sql.TxOptions) (dialect.Tx, error)
	})
	if !ok {
		return d.Tx(ctx)
	}
	return b.BeginTx(ctx, opts)
}

// stmtCache keeps the most recently used statements by text.
type stmtCache struct {
	mu    sync.Mutex
	order *list.List // of *cachedStmt, most recent first
	byKey map[string]*list.Element
}

// cachedStmt is a kept statement. users counts the requests between taking it and having
// their rows (database/sql then holds the statement open until the rows are closed); an
// evicted statement is closed when the last of them is done, never under one.
type cachedStmt struct {
	query   string
	stmt    *sql.Stmt
	users   int
	evicted bool
}

func newStmtCache() *stmtCache {
	return &stmtCache{order: list.New(), byKey: map[string]*list.Element{}}
}

// query runs query through its kept statement; the caller (ent) closes the rows and
// checks their error.
//
// The statement does not follow the request's cancellation. With a cancellable context
// lib/pq and database/sql each start a goroutine per statement to watch it, and a cancel
// costs lib/pq a new connection to the server and the pooled one; the kept statements
// are reads of a few milliseconds, which the statement timeout bounds anyway (the CPU this
// saves is in docs/decisions.md).
func (c *stmtCache) query(ctx context.Context, db *sql.DB, query string, args []any) (*sql.Rows, error) {
	ctx = context.WithoutCancel(ctx)
	cs, err := c.take(ctx, db, query)
	if err != nil {
		return nil, err
	}
	defer c.release(cs)
	return cs.stmt.QueryContext(ctx, args...) //nolint:sqlclosecheck // ent closes the rows; the statement is kept
}

// take returns the kept statement of query, prepared on first use, counted as in use until
// release.
func (c *stmtCache) take(ctx context.Context, db *sql.DB, query string) (*cachedStmt, error) {
	c.mu.Lock()
	if e, ok := c.byKey[query]; ok {
		c.order.MoveToFront(e)
		cs := e.Value.(*cachedStmt)
		cs.users++
		c.mu.Unlock()
		return cs, nil
	}
	c.mu.Unlock()
	stmt, err := db.PrepareContext(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("preparing a statement: %w", err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.byKey[query]; ok { // prepared meanwhile by another request
		_ = stmt.Close() //nolint:sqlclosecheck // the duplicate is dropped here, not at return
		cs := e.Value.(*cachedStmt)
		cs.users++
		return cs, nil
	}
	cs := &cachedStmt{query: query, stmt: stmt, users: 1}
	c.byKey[query] = c.order.PushFront(cs)
	if c.order.Len() > maxPrepared {
		old := c.order.Remove(c.order.Back()).(*cachedStmt)
		delete(c.byKey, old.query)
		old.evicted = true
		if old.users == 0 {
			_ = old.stmt.Close()
		}
	}
	return cs, nil
}

// release ends a use of cs; the last use of an evicted statement closes it.
func (c *stmtCache) release(cs *cachedStmt) {
	c.mu.Lock()
	defer c.mu.Unlock()
	cs.users--
	if cs.evicted && cs.users == 0 {
		_ = cs.stmt.Close()
	}
}
