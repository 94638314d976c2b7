package database

import (
	"context"
	"database/sql"
	"errors"
	"sync/atomic"

	"entgo.io/ent/dialect"
)

// countingDriver counts the statements ent sends, so that tests can prove a request's
// statement count does not grow with list sizes (no N+1), and operators can watch it.
type countingDriver struct {
	dialect.Driver
	n *atomic.Int64
}

type rawExecQuerier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// rawExecer runs raw statements that return no rows: what a transaction needs to serve
// ExecContext, whether or not it also serves QueryContext.
type rawExecer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

var errNoRaw = errors.New("database driver does not run raw statements")

type housekeepingKey struct{}

// Housekeeping marks ctx as the server's own background work (the live events reader's
// polls): its statements are not counted, so that a request's count does not depend on
// when a poll happens to fall.
func Housekeeping(ctx context.Context) context.Context {
	return context.WithValue(ctx, housekeepingKey{}, true)
}

// count adds one statement unless ctx is housekeeping.
func count(ctx context.Context, n *atomic.Int64) {
	if ctx.Value(housekeepingKey{}) == nil {
		n.Add(1)
	}
}

func (d countingDriver) Exec(ctx context.Context, query string, args, v any) error {
	count(ctx, d.n)
	return d.Driver.Exec(ctx, query, args, v)
}

func (d countingDriver) Query(ctx context.Context, query string, args, v any) error {
	count(ctx, d.n)
	return d.Driver.Query(ctx, query, args, v)
}

// ExecContext and QueryContext serve ent's sql/execquery feature (raw statements).
func (d countingDriver) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	raw, ok := d.Driver.(rawExecQuerier)
	if !ok {
		return nil, errNoRaw
	}
	count(ctx, d.n)
	return raw.ExecContext(ctx, query, args...)
}

func (d countingDriver) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	raw, ok := d.Driver.(rawExecQuerier)
	if !ok {
		return nil, errNoRaw
	}
	count(ctx, d.n)
	return raw.QueryContext(ctx, query, args...)
}

func (d countingDriver) Tx(ctx context.Context) (dialect.Tx, error) {
	tx, err := d.Driver.Tx(ctx)
	if err != nil {
		return nil, err
	}
	return countingTx{Tx: tx, n: d.n}, nil
}

// BeginTx serves ent's client.BeginTx.
func (d countingDriver) BeginTx(ctx context.Context, opts *sql.TxOptions) (dialect.Tx, error) {
	b, ok := d.Driver.(interface {
		BeginTx(context.Context, *sql.TxOptions) (dialect.Tx, error)
	})
	if !ok {
		return d.Tx(ctx)
	}
	tx, err := b.BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	return countingTx{Tx: tx, n: d.n}, nil
}

type countingTx struct {
	dialect.Tx
	n *atomic.Int64
}

func (t countingTx) Exec(ctx context.Context, query string, args, v any) error {
	count(ctx, t.n)
	return t.Tx.Exec(ctx, query, args, v)
}

func (t countingTx) Query(ctx context.Context, query string, args, v any) error {
	count(ctx, t.n)
	return t.Tx.Query(ctx, query, args, v)
}

// ExecContext serves raw statements in a transaction (ent's sql/execquery feature).
func (t countingTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	raw, ok := t.Tx.(rawExecer)
	if !ok {
		return nil, errNoRaw
	}
	count(ctx, t.n)
	return raw.ExecContext(ctx, query, args...)
}
