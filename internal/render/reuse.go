package render

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	entsql "entgo.io/ent/dialect/sql"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/internal/access"
	"github.com/mifmaroc/erp/internal/viewer"
)

// A node read again while the database has not changed is rendered again for nothing: most
// of a work order's statement is writing its JSON. So the statement that renders a node also
// returns the snapshot it read under, and the server keeps the rendering with it; the next
// request for the same rendering first reads the row alone with its snapshot (the access
// rules apply as ever) and, when the snapshot is the same, writes what it kept. Otherwise
// it runs the statement, and keeps what it reads.
//
// Two statements under the same snapshot (its xmin, its xmax and the transactions in
// progress) see the same committed transactions, hence the same rows of every table: no
// list of tables to watch, no trigger, no write added to anybody. Any commit, to any table,
// changes the snapshot, so a rendering is never reused across a write, wherever it came
// from (another replica, the seed, psql); a streaming replica replays the primary's
// transaction ids, so its snapshots mean the same. What a rendering holds that depends on
// the clock (the KPIs) the server computes at each request, from the kept facts. Inside a
// transaction that wrote, a statement sees changes nobody else does: it returns no
// snapshot, and nothing it renders is kept.

// snapshotColumn is the column holding the snapshot a statement read under.
const snapshotColumn = "rendered_snapshot"

// SnapshotExpr is the snapshot of the statement, NULL when its transaction wrote.
const SnapshotExpr = "CASE WHEN pg_current_xact_id_if_assigned() IS NULL THEN pg_current_snapshot()::text END"

// AddSnapshot adds to a query of interventions the snapshot it reads under.
func AddSnapshot(s *entsql.Selector) { s.AppendSelectExprAs(entsql.Expr(SnapshotExpr), snapshotColumn) }

// Snapshot is the snapshot iv was read under (AddSnapshot); "" when unknown or when its
// transaction wrote.
func Snapshot(iv *ent.Intervention) string {
	s, _ := text(iv, snapshotColumn)
	return s
}

// Kept is a node's rendering and the snapshot it was read under.
type Kept struct {
	Snapshot string
	Columns  []string
}

// Bytes is what k holds.
func (k Kept) Bytes() int {
	n := len(k.Snapshot)
	for _, c := range k.Columns {
		n += len(c) + 16
	}
	return n
}

// Key is what the plan renders of intervention id for the viewer of ctx: the plan's SQL
// and, for each hole whose rule keeps some rows only, the viewer the rule is made from
// (rules are functions of him alone: access.Restrict). Viewers whose rules keep every row
// share their renderings; the others keep their own. An error when a rule refuses him.
func (p Plan) Key(ctx context.Context, id int) (string, error) {
	var k strings.Builder
	k.WriteString(p.digest)
	k.WriteString(strconv.Itoa(id))
	for i, h := range p.holes {
		all, err := access.Unrestricted(ctx, h.typ)
		if err != nil {
			return "", fmt.Errorf("%s: %w", h.typ, err)
		}
		if !all {
			fmt.Fprintf(&k, "\x00%d\x00%+v", i, *viewer.FromContext(ctx))
		}
	}
	return k.String(), nil
}

// Keeping adds the bound column to a query of one intervention, with the snapshot it reads
// under (AddSnapshot).
func (b Bound) Keeping() func(*entsql.Selector) {
	add := b.modifier()
	return func(s *entsql.Selector) {
		add(s)
		AddSnapshot(s)
	}
}

// Kept are the columns of iv, read with Keeping (Columns), and what to keep of them for the
// next request (nil when nothing may be kept).
func (b Bound) Kept(iv *ent.Intervention) ([]string, *Kept, error) {
	cols, err := b.p.Columns(iv)
	if err != nil {
		return nil, nil, err
	}
	if s := Snapshot(iv); s != "" {
		return cols, &Kept{Snapshot: s, Columns: cols}, nil
	}
	return cols, nil, nil
}

// text is the text of column of iv; false when it is NULL or was not read.
func text(iv *ent.Intervention, column string) (string, bool) {
	v, err := iv.Value(column)
	if err != nil {
		return "", false
	}
	if u, ok := v.(*entsql.UnknownType); ok {
		v = *u
	}
	switch v := v.(type) {
	case string:
		return v, true
	case []byte:
		return string(v), true
	}
	return "", false
}
