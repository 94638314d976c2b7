package stats

// The rollup: a year of figures reads every intervention of the year, which takes several
// hundred milliseconds at 100,000 (BENCHMARKS.md). So the work statement's answer is also
// kept, per equipment and local month, in stats_cellules, and a window of whole months
// adds up those cells instead.
//
// The cells are written by the work statement itself (workSQL, grouped by equipment and
// month), never by a second copy of its formulas. Triggers on interventions only note which
// equipment changed (stats_modifs), whoever writes: the API, the seed, the facts, a foreign
// key's SET NULL. An equipment's cells are current when its state (stats_etats) names the
// server's version (its zone and the schema's statuses and types, which the cells keep as
// their rank) and the clock is inside [depuis, jusqua): jusqua is the first instant after
// the cells were computed at which one of its interventions' outcome changes by itself (a
// deadline passes), the branches that compare an instant with the clock saying which.
//
// A read adds, in one snapshot, the cells of the current equipment and the work statement
// over the interventions of the others (and of none), so that its answer is the work
// statement's whatever is current: the rollup changes how long a read takes, never what it
// says (TestRollupAnswersAsTheStatement).

import (
	"context"
	"database/sql"
	"fmt"
	"hash/fnv"
	"log/slog"
	"math"
	"strconv"
	"strings"
	"time"

	"entgo.io/ent/dialect"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/ent/intervention"
	"github.com/mifmaroc/erp/internal/access"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/viewer"
)

const (
	// rollupPerRead is how many equipment a read brings up to date before it adds up the
	// cells; the refresher (KeepRollup) does the rest in the background.
	rollupPerRead = 64
	// rollupMaxStale is how many equipment out of date a read still takes from the rollup:
	// beyond, reading their interventions costs as much as reading them all.
	rollupMaxStale = 500
	// rollupChunk is how many equipment the refresher computes in one transaction.
	rollupChunk = 250
	// rollupMaxMonths bounds the months an equipment's instants span (200 years).
	rollupMaxMonths = 2400
	// forever is the validity of cells no clock will change (10000-01-01, in seconds).
	forever = 253402300800
)

// rollupLock is the transaction advisory lock of a refresh on PostgreSQL: one at a time.
var rollupLock = func() int64 {
	h := fnv.New64a()
	_, _ = h.Write([]byte("mif-erp:stats-rollup"))
	return int64(h.Sum64())
}()

// monthNumber is the month of t in loc counted from year 0: year × 12 + month − 1.
func monthNumber(t time.Time, loc *time.Location) int {
	l := t.In(loc)
	return l.Year()*12 + int(l.Month()) - 1
}

// monthStart reports whether t begins a month in loc.
func monthStart(t time.Time, loc *time.Location) bool {
	l := t.In(loc)
	return l.Equal(time.Date(l.Year(), l.Month(), 1, 0, 0, 0, 0, loc))
}

// fromRollup reports whether q may be read from the rollup: whole months, grouped by
// equipment or month only, no filter, and a viewer who reads every intervention.
func (s *Service) fromRollup(ctx context.Context, q Query, dm dims) (bool, error) {
	loc := s.Zone.Location()
	if !s.Rollup || dm.technicien || dm.client || dm.typ || dm.time == domain.StatsSemaine ||
		!monthStart(q.From, loc) || !monthStart(q.To, loc) {
		return false, nil
	}
	if q.Where != nil {
		if _, err := q.Where.P(); !errEmpty(err) {
			return false, nil // filtered, or an error the statement reports
		}
	}
	return access.Unrestricted(ctx, ent.TypeIntervention)
}

// workFromRollup adds the figures of q to groups from the rollup, and reports false when q
// is not one it answers (fromRollup) or too many equipment are out of date.
func (s *Service) workFromRollup(ctx context.Context, q Query, dm dims, w window, groups map[key]*Group) (bool, error) {
	if ok, err := s.fromRollup(ctx, q, dm); !ok || err != nil {
		return false, err
	}
	if _, err := s.refresh(ctx, w.now, rollupPerRead); err != nil {
		return false, err
	}
	opts := &sql.TxOptions{ReadOnly: true}
	if s.Dialect == dialect.Postgres {
		// The stale equipment and the sums in one snapshot (SQLite's transactions are).
		opts.Isolation = sql.LevelRepeatableRead
	}
	rolled := false
	err := s.inTx(ctx, opts, func(tx *sql.Tx) error {
		stale, err := s.stale(ctx, tx, w.now, rollupMaxStale+1)
		if err != nil || len(stale) > rollupMaxStale {
			return err
		}
		rolled = true
		// The work of the equipment out of date, and of none, from the interventions.
		iv, err := s.interventions(ctx, q)
		if err != nil {
			return err
		}
		base, args := iv.Query()
		live := fmt.Sprintf("SELECT * FROM (%s) b WHERE b.%s IS NULL", base, intervention.FieldEquipementID)
		if len(stale) > 0 {
			live += fmt.Sprintf(" OR b.%s IN (%s)", intervention.FieldEquipementID, ints(stale))
		}
		if err := queryIn(ctx, tx, s.workSQL(live, dm, w), args, scanWork(s, groups, w)); err != nil {
			return err
		}
		// The others' from the cells.
		loc := s.Zone.Location()
		return queryIn(ctx, tx, cellsSQL(dm, monthNumber(q.From, loc), monthNumber(q.To, loc), stale), nil, scanCells(s, groups, w))
	})
	return rolled && err == nil, err
}

// statuts and types are the labels of the work branch (lab1 and lab2), which the cells keep
// as their rank in these lists plus one.
var statuts, types = domain.InterventionStatut("").Values(), domain.InterventionType("").Values()

// version names what the cells depend on besides the interventions: the zone that cuts the
// months and the labels' ranks.
func (s *Service) version() string {
	h := fnv.New32a()
	_, _ = fmt.Fprint(h, statuts, types)
	return fmt.Sprintf("%s#%08x", s.Zone.Name(), h.Sum32())
}

// rank is the SQL of label column col as its rank in values plus one (0: none).
func rank(col string, values []string) string {
	var b strings.Builder
	b.WriteString("CASE " + col)
	for i, v := range values {
		fmt.Fprintf(&b, " WHEN %s THEN %d", quote(v), i+1)
	}
	b.WriteString(" ELSE 0 END")
	return b.String()
}

// cellsSQL adds up the cells of the months [from, to) of the equipment not in stale, by the
// groups' keys, the period and the kind of the work statement's branches: what was opened or
// closed before the window counts in its first period (the backlog's running sums), the
// rest in its month. Not by equipment, it starts from the totals by month, less the cells of
// the equipment in stale. The work by status and by type comes in columns after n, x and y
// (scanCells).
func cellsSQL(dm dims, from, to int, stale []int) string {
	k := "0"
	if dm.time == domain.StatsMois {
		k = fmt.Sprintf("r.mois - %d", from)
	}
	var src string
	switch {
	case dm.equipement && len(stale) > 0:
		src = "SELECT equipement_id AS k0, mois, kind, l1, l2, n, x, y FROM stats_cellules WHERE equipement_id NOT IN (" + ints(stale) + ")"
	case dm.equipement:
		src = "SELECT equipement_id AS k0, mois, kind, l1, l2, n, x, y FROM stats_cellules"
	default:
		src = "SELECT -1 AS k0, mois, kind, l1, l2, n, x, y FROM stats_totaux"
		if len(stale) > 0 {
			src += "\n  UNION ALL SELECT -1, mois, kind, l1, l2, -n, -x, -y FROM stats_cellules WHERE equipement_id IN (" + ints(stale) + ")"
		}
	}
	var cols strings.Builder
	for _, l := range []struct {
		col string
		n   int
	}{{"l1", len(statuts)}, {"l2", len(types)}} {
		for i := 1; i <= l.n; i++ {
			fmt.Fprintf(&cols, ", SUM(CASE WHEN %s = %d THEN n ELSE 0 END)", l.col, i)
		}
	}
	// Totals less cells can leave a sum of nothing, which the statement would not have
	// counted: such rows are not answers.
	return fmt.Sprintf(`SELECT k0, k, kind, SUM(n), SUM(x), SUM(y)%[5]s FROM (
  SELECT r.k0,
    CASE WHEN r.mois >= %[1]d THEN %[2]s WHEN r.kind IN (1, 2, 4) THEN 0 END AS k,
    CASE WHEN r.kind IN (1, 2) THEN (CASE WHEN r.mois >= %[1]d THEN 2 ELSE 1 END) ELSE r.kind END AS kind,
    r.l1, r.l2, r.n, r.x, r.y
  FROM (%[3]s) r WHERE r.mois < %[4]d) c
WHERE k IS NOT NULL GROUP BY k0, k, kind HAVING SUM(n) <> 0`, from, k, src, to, cols.String())
}

// scanCells adds each row of cellsSQL to its group.
func scanCells(s *Service, groups map[key]*Group, w window) func(*sql.Rows) error {
	var (
		kk      key
		kind, n int
		x, y    float64
	)
	by := make([]int, len(statuts)+len(types))
	dest := []any{&kk.equipement, &kk.k, &kind, &n, &x, &y}
	for i := range by {
		dest = append(dest, &by[i])
	}
	return func(rows *sql.Rows) error {
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		kk.technicien, kk.client = -1, -1
		g := s.group(groups, kk, w)
		g.add(kind, n, x, y)
		if kind != 2 {
			return nil
		}
		for i, v := range statuts {
			if m := by[i]; m != 0 {
				g.ParStatut = addStatut(g.ParStatut, domain.InterventionStatut(v), m)
			}
		}
		for i, v := range types {
			if m := by[len(statuts)+i]; m != 0 {
				g.ParType = addType(g.ParType, domain.InterventionType(v), m)
			}
		}
		return nil
	}
}

// stale returns up to limit (0: all) equipment whose cells are not current at now, in order:
// never computed, written since, computed by another version or at another time than now's,
// and those deleted since.
func (s *Service) stale(ctx context.Context, tx querier, now time.Time, limit int) ([]int, error) {
	t := num(now)
	stmt := fmt.Sprintf(`SELECT q.id FROM equipements q LEFT JOIN stats_etats e ON e.equipement_id = q.id
WHERE e.equipement_id IS NULL OR e.version <> %s OR e.depuis > %s OR e.jusqua <= %s
  OR EXISTS (SELECT 1 FROM stats_modifs m WHERE m.equipement_id = q.id)
UNION
SELECT e.equipement_id FROM stats_etats e WHERE NOT EXISTS (SELECT 1 FROM equipements q WHERE q.id = e.equipement_id)
ORDER BY 1`, quote(s.version()), t, t)
	if limit > 0 {
		stmt += " LIMIT " + strconv.Itoa(limit)
	}
	var ids []int
	err := queryIn(ctx, tx, stmt, nil, func(rows *sql.Rows) error {
		var id int
		err := rows.Scan(&id)
		ids = append(ids, id)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("finding the equipment whose figures changed: %w", err)
	}
	return ids, nil
}

// Refresh computes again the cells of up to limit (0: all) equipment that are not current
// and reports how many. On PostgreSQL a refresh already running elsewhere makes it return 0
// at once: reads do not wait for it, they read those equipment's interventions.
func (s *Service) Refresh(ctx context.Context, limit int) (int, error) {
	return s.refresh(ctx, s.Now().UTC(), limit)
}

// refresh is Refresh as of now: a read computes as of its own instant the cells it reads.
func (s *Service) refresh(ctx context.Context, now time.Time, limit int) (int, error) {
	if ids, err := s.stale(ctx, s.SQL, now, limit); err != nil || len(ids) == 0 {
		return 0, err
	}
	n := 0
	err := s.inTx(ctx, nil, func(tx *sql.Tx) error {
		if s.Dialect == dialect.Postgres {
			var got bool
			if err := tx.QueryRowContext(ctx, "SELECT pg_try_advisory_xact_lock($1)", rollupLock).Scan(&got); err != nil || !got {
				return err
			}
		}
		ids, err := s.stale(ctx, tx, now, limit)
		if err != nil || len(ids) == 0 {
			return err
		}
		if err := s.compute(ctx, tx, ids, now); err != nil {
			return fmt.Errorf("computing the figures of equipment %d to %d: %w", ids[0], ids[len(ids)-1], err)
		}
		n = len(ids)
		return nil
	})
	return n, err
}

// compute writes the cells and states of equipment ids as of now, in tx.
func (s *Service) compute(ctx context.Context, tx *sql.Tx, ids []int, now time.Time) error {
	list := ints(ids)
	// The totals lose the old cells here and gain the new ones at the end.
	if err := addToTotals(ctx, tx, list, "-"); err != nil {
		return err
	}
	for _, t := range []string{"stats_modifs", "stats_cellules", "stats_etats"} {
		if _, err := tx.ExecContext(ctx, "DELETE FROM "+t+" WHERE equipement_id IN ("+list+")"); err != nil {
			return err
		}
	}
	// The cells hold every intervention whoever asks; they are read for those who read all.
	sel, err := s.interventions(viewer.SystemContext(ctx), Query{Where: &ent.InterventionWhereInput{EquipementIDIn: ids}})
	if err != nil {
		return err
	}
	base, args := sel.Query()
	dm := dims{equipement: true, time: domain.StatsMois}
	lo, hi, until, err := s.bounds(ctx, tx, base, args, dm, now)
	if err != nil {
		return err
	}
	if !math.IsInf(lo, 1) {
		loc := s.Zone.Location()
		// A second's margin on each side: seconds as floats may round an instant at a month's
		// start into the month before.
		first, last := time.UnixMicro(int64(lo*1e6)).Add(-time.Second).In(loc), time.UnixMicro(int64(hi*1e6)).Add(time.Second).In(loc)
		from := time.Date(first.Year(), first.Month(), 1, 0, 0, 0, 0, loc)
		to := time.Date(last.Year(), last.Month()+1, 1, 0, 0, 0, 0, loc)
		ps, err := cut(from, to, domain.StatsMois, loc, rollupMaxMonths)
		if err != nil {
			return fmt.Errorf("their dates span more than %d months: %w", rollupMaxMonths, err)
		}
		w := window{periods: ps, from: from.UTC(), to: to.UTC(), asOf: now, now: now}
		stmt := fmt.Sprintf(`INSERT INTO stats_cellules (equipement_id, mois, kind, l1, l2, n, x, y)
SELECT k0, k + %d, kind, %s, %s, n, x, y FROM (%s) w`, monthNumber(from, loc), rank("lab1", statuts), rank("lab2", types), s.workSQL(base, dm, w))
		if _, err := tx.ExecContext(ctx, stmt, args...); err != nil {
			return err
		}
	}
	var b strings.Builder
	b.WriteString("INSERT INTO stats_etats (equipement_id, version, depuis, jusqua) VALUES ")
	version := quote(s.version())
	for i, id := range ids {
		if i > 0 {
			b.WriteString(", ")
		}
		u, ok := until[id]
		if !ok {
			u = forever
		}
		fmt.Fprintf(&b, "(%d, %s, %s, %s)", id, version, num(now), strconv.FormatFloat(u, 'f', -1, 64))
	}
	if _, err := tx.ExecContext(ctx, b.String()); err != nil {
		return err
	}
	if err := addToTotals(ctx, tx, list, ""); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, "DELETE FROM stats_totaux WHERE n = 0")
	return err
}

// addToTotals adds the cells of the equipment of list to the totals by month, or takes
// them away (sign "-").
func addToTotals(ctx context.Context, tx *sql.Tx, list, sign string) error {
	_, err := tx.ExecContext(ctx, fmt.Sprintf(`INSERT INTO stats_totaux (mois, kind, l1, l2, n, x, y)
SELECT mois, kind, l1, l2, %[1]sSUM(n), %[1]sSUM(x), %[1]sSUM(y) FROM stats_cellules WHERE equipement_id IN (%[2]s)
GROUP BY mois, kind, l1, l2
ON CONFLICT (mois, kind, l1, l2) DO UPDATE SET n = stats_totaux.n + excluded.n, x = stats_totaux.x + excluded.x, y = stats_totaux.y + excluded.y`, sign, list))
	if err != nil {
		return fmt.Errorf("adding up the totals by month: %w", err)
	}
	return nil
}

// bounds returns the first and last instant the branches put the interventions of base in
// (+Inf and −Inf when there are none), and per equipment the first instant at or after now
// that a branch compares with the clock: until then its cells stay current.
func (s *Service) bounds(ctx context.Context, tx *sql.Tx, base string, args []any, dm dims, now time.Time) (lo, hi float64, until map[int]float64, err error) {
	d := s.Dialect
	epoch := func(x string) string {
		if d == dialect.Postgres {
			return "date_part('epoch', " + x + ")"
		}
		return x
	}
	var cols []string
	var clock []bool
	for _, br := range branches(d, "0", "0", "0") {
		cols = append(cols, "MIN("+epoch(br.at)+")", "MAX("+epoch(br.at)+")",
			fmt.Sprintf("MIN(CASE WHEN %s >= %s THEN %s END)", br.at, lit(d, now), epoch(br.at)))
		clock = append(clock, br.clock)
	}
	stmt := s.rowsCTE(base, dm) + "\nSELECT k0, " + strings.Join(cols, ", ") + " FROM g GROUP BY k0"
	lo, hi, until = math.Inf(1), math.Inf(-1), map[int]float64{}
	err = queryIn(ctx, tx, stmt, args, func(rows *sql.Rows) error {
		var id int
		vs := make([]sql.NullFloat64, len(cols))
		dest := []any{&id}
		for i := range vs {
			dest = append(dest, &vs[i])
		}
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		for i, c := range clock {
			if v := vs[3*i]; v.Valid {
				lo = min(lo, v.Float64)
			}
			if v := vs[3*i+1]; v.Valid {
				hi = max(hi, v.Float64)
			}
			if v := vs[3*i+2]; c && v.Valid {
				if u, ok := until[id]; !ok || v.Float64 < u {
					until[id] = v.Float64
				}
			}
		}
		return nil
	})
	return lo, hi, until, err
}

// KeepRollup refreshes the rollup every period until the returned stop is called, so that
// reads find it current. Each server runs it; on PostgreSQL one refreshes at a time.
func (s *Service) KeepRollup(ctx context.Context, every time.Duration, log *slog.Logger) func(context.Context) error {
	ctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			start := time.Now()
			n, err := s.refreshAll(ctx)
			switch {
			case err != nil && ctx.Err() == nil:
				log.Error("refreshing the maintenance figures' rollup failed", "error", err, "equipements_done", n)
			case n > 0:
				log.Info("maintenance figures' rollup refreshed", "equipements", n, "duration", time.Since(start).String())
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	return func(sctx context.Context) error {
		cancel()
		select {
		case <-done:
			return nil
		case <-sctx.Done():
			return fmt.Errorf("maintenance figures' rollup still refreshing: %w", sctx.Err())
		}
	}
}

// refreshAll brings every equipment up to date, rollupChunk at a time: each transaction
// stays short (the statement timeout, the lock), whatever the size of the database.
func (s *Service) refreshAll(ctx context.Context) (int, error) {
	total := 0
	for {
		n, err := s.Refresh(ctx, rollupChunk)
		total += n
		if err != nil || n < rollupChunk {
			return total, err
		}
	}
}

// ints is ids written for an IN list.
func ints(ids []int) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = strconv.Itoa(id)
	}
	return strings.Join(s, ", ")
}

// quote is s as an SQL string literal.
func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
