package database

import (
	"context"
	"database/sql"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
)

// utcDriver hands every time to the database in UTC. SQLite stores times as text and
// compares them as text, so the same instant written as 10:00+01:00 and as 09:00Z would
// sort apart and date filters would miss rows. Converting at this one place covers the API's
// inputs and the server's own clock alike.
type utcDriver struct {
	*entsql.Driver
}

func (d utcDriver) Exec(ctx context.Context, query string, args, v any) error {
	return d.Driver.Exec(ctx, query, toUTC(args), v)
}

func (d utcDriver) Query(ctx context.Context, query string, args, v any) error {
	return d.Driver.Query(ctx, query, toUTC(args), v)
}

// ExecContext and QueryContext serve ent's sql/execquery feature (raw statements).
func (d utcDriver) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return d.Driver.ExecContext(ctx, query, toUTCList(args)...)
}

func (d utcDriver) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return d.Driver.QueryContext(ctx, query, toUTCList(args)...)
}

func (d utcDriver) Tx(ctx context.Context) (dialect.Tx, error) {
	return d.BeginTx(ctx, nil)
}

func (d utcDriver) BeginTx(ctx context.Context, opts *sql.TxOptions) (dialect.Tx, error) {
	tx, err := d.Driver.BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	return utcTx{tx}, nil
}

type utcTx struct{ dialect.Tx }

func (t utcTx) Exec(ctx context.Context, query string, args, v any) error {
	return t.Tx.Exec(ctx, query, toUTC(args), v)
}

func (t utcTx) Query(ctx context.Context, query string, args, v any) error {
	return t.Tx.Query(ctx, query, toUTC(args), v)
}

func toUTC(args any) any {
	if list, ok := args.([]any); ok {
		return toUTCList(list)
	}
	return args
}

func toUTCList(args []any) []any {
	for i, a := range args {
		switch t := a.(type) {
		case time.Time:
			args[i] = t.UTC()
		case *time.Time:
			if t != nil {
				u := t.UTC()
				args[i] = &u
			}
		}
	}
	return args
}

// ExecContext serves raw statements in a transaction (ent's sql/execquery feature).
func (t utcTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	raw, ok := t.Tx.(rawExecQuerier)
	if !ok {
		return nil, errNoRaw
	}
	return raw.ExecContext(ctx, query, toUTCList(args)...)
}
