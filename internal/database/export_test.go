package database

import (
	"context"
	"database/sql"

	entsql "entgo.io/ent/dialect/sql"
)

// What the tests of package database_test reach inside; they run on the test database of
// either dialect (internal/testdb), which this package's own tests cannot import.

// PreparedDriver is the PostgreSQL driver of marked contexts, over any database.
type PreparedDriver = preparedDriver

// NewPreparedDriver builds it over db of dialect dia, with an empty statement cache.
func NewPreparedDriver(db *sql.DB, dia string) PreparedDriver {
	return preparedDriver{Driver: entsql.OpenDB(dia, db), db: db, cache: newStmtCache()}
}

// Kept is how many statements the driver keeps.
func (d preparedDriver) Kept() int {
	d.cache.mu.Lock()
	defer d.cache.mu.Unlock()
	return d.cache.order.Len()
}

// Take takes the kept statement of query as a request does between asking for it and having
// its rows; release ends that use.
func (d preparedDriver) Take(ctx context.Context, query string) (stmt *sql.Stmt, release func(), err error) {
	cs, err := d.cache.take(ctx, d.db, query)
	if err != nil {
		return nil, nil, err
	}
	return cs.stmt, func() { d.cache.release(cs) }, nil
}

// MaxPrepared bounds the kept statements.
const MaxPrepared = maxPrepared

// CountRows is the driver's rewrite of ent's counts.
var CountRows = countRows
