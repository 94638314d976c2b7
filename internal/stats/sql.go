package stats

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/ent/arretequipement"
	"github.com/mifmaroc/erp/ent/equipement"
	"github.com/mifmaroc/erp/ent/intervention"
	"github.com/mifmaroc/erp/internal/access"
	"github.com/mifmaroc/erp/internal/domain"
)

// The statements compute with instants as seconds since 1970 (a float), the one form both
// databases do arithmetic on alike: ep converts a column, and the instants Go computes (the
// periods' bounds, now) are written into the statement as numbers. The only parameters are
// those of the access rules and the where-inputs, which ent's builder writes first.

// ep is the column expression x in seconds since 1970 (NULL stays NULL).
func ep(d, x string) string {
	if d == dialect.Postgres {
		return "date_part('epoch', " + x + ")"
	}
	// modernc's SQLite driver stores a time as Go's Time.String: "2006-01-02 15:04:05[.frac]
	// -0700 MST": the seconds, the fraction up to the space, then the offset.
	sp := "instr(substr(" + x + ", 20), ' ')"
	return fmt.Sprintf(`((julianday(substr(%[1]s, 1, 19)) - 2440587.5) * 86400.0
 + COALESCE(CAST(NULLIF(substr(%[1]s, 20, %[2]s - 1), '') AS REAL), 0)
 - (CASE substr(%[1]s, 20 + %[2]s, 1) WHEN '-' THEN -1 ELSE 1 END)
 * (CAST(substr(%[1]s, 21 + %[2]s, 2) AS INTEGER) * 3600 + CAST(substr(%[1]s, 23 + %[2]s, 2) AS INTEGER) * 60))`, x, sp)
}

// at is column x as the statements compare instants: the timestamp itself on PostgreSQL,
// seconds since 1970 on SQLite, whose text times do not compare in order across offsets.
func at(d, x string) string {
	if d == dialect.Postgres {
		return x
	}
	return ep(d, x)
}

// lit is the instant t written as at writes columns.
func lit(d string, t time.Time) string {
	if d == dialect.Postgres {
		return "TIMESTAMPTZ '" + t.UTC().Format("2006-01-02 15:04:05.999999") + "+00'"
	}
	return num(t)
}

// secs is a − b in seconds, of two instants written by at.
func secs(d, a, b string) string {
	if d == dialect.Postgres {
		return "EXTRACT(EPOCH FROM (" + a + " - " + b + "))"
	}
	return "(" + a + " - " + b + ")"
}

func num(t time.Time) string {
	return strconv.FormatFloat(float64(t.UnixMicro())/1e6, 'f', -1, 64)
}

func least(d string, a, b string) string {
	if d == dialect.Postgres {
		return "LEAST(" + a + ", " + b + ")"
	}
	return "MIN(" + a + ", " + b + ")"
}

func greatest(d string, a, b string) string {
	if d == dialect.Postgres {
		return "GREATEST(" + a + ", " + b + ")"
	}
	return "MAX(" + a + ", " + b + ")"
}

// periodOf is the index of the period holding instant x (seconds), NULL outside the window;
// with before, instants before the window count in the first period (running sums).
func periodOf(d, x string, w window, before bool) string {
	if d == dialect.Postgres {
		// width_bucket finds the bucket by bisection: a chain of 53 weeks' comparisons, in
		// each of the branches, was most of the time of a year by week.
		bounds := make([]string, 0, len(w.periods)+1)
		bounds = append(bounds, lit(d, w.from))
		for _, p := range w.periods {
			bounds = append(bounds, lit(d, p.hi))
		}
		// 0: before the window; n+1: after it; k: the period k-1.
		wb := fmt.Sprintf("width_bucket(%s, ARRAY[%s])", x, strings.Join(bounds, ", "))
		if before {
			return fmt.Sprintf("(NULLIF(GREATEST(%s, 1), %d) - 1)", wb, len(w.periods)+1)
		}
		return fmt.Sprintf("(NULLIF(NULLIF(%s, 0), %d) - 1)", wb, len(w.periods)+1)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "CASE WHEN %s IS NULL THEN NULL WHEN %s < %s THEN ", x, x, lit(d, w.from))
	if before {
		b.WriteString("0")
	} else {
		b.WriteString("NULL")
	}
	for i, p := range w.periods {
		fmt.Fprintf(&b, " WHEN %s < %s THEN %d", x, lit(d, p.hi), i)
	}
	b.WriteString(" ELSE NULL END")
	return b.String()
}

// selector is ent's SELECT of columns of table, restricted to what the viewer reads of typ
// and by p (nil: no filter).
func (s *Service) selector(ctx context.Context, table, typ string, p func(*entsql.Selector), columns ...string) (*entsql.Selector, error) {
	t := entsql.Table(table)
	sel := entsql.Dialect(s.Dialect).Select().From(t)
	cols := make([]string, len(columns))
	for i, c := range columns {
		cols[i] = t.C(c)
	}
	sel.Select(cols...)
	sel.WithContext(ctx)
	if err := access.Restrict(ctx, typ, sel); err != nil {
		return nil, err
	}
	if p != nil {
		p(sel)
	}
	return sel, nil
}

// interventions is the SELECT of the interventions q counts.
func (s *Service) interventions(ctx context.Context, q Query) (*entsql.Selector, error) {
	var p func(*entsql.Selector)
	if q.Where != nil {
		wp, err := q.Where.P()
		if err != nil && !errEmpty(err) {
			return nil, domain.Errorf(domain.CodeBadUserInput, "where: %v", err)
		}
		p = wp
	}
	return s.selector(ctx, intervention.Table, ent.TypeIntervention, p,
		intervention.FieldID, intervention.FieldType, intervention.FieldStatut, intervention.FieldEquipementID,
		intervention.FieldTechnicienID, intervention.FieldClientID, intervention.FieldDateCreation,
		intervention.FieldDateDebut, intervention.FieldDateCloture, intervention.FieldDateLimite,
		intervention.FieldDateEcheance, intervention.FieldUpdatedAt, intervention.FieldDateAnnulation,
		intervention.FieldPremiereFois, intervention.FieldMainOeuvreMinutesTaux, intervention.FieldPiecesCentimes)
}

// equipements is the SELECT of the equipment whose stops q counts.
func (s *Service) equipements(ctx context.Context, q Query, columns ...string) (*entsql.Selector, error) {
	var p func(*entsql.Selector)
	if q.Equipements != nil {
		wp, err := q.Equipements.P()
		if err != nil && !errEmpty(err) {
			return nil, domain.Errorf(domain.CodeBadUserInput, "equipements: %v", err)
		}
		p = wp
	}
	return s.selector(ctx, equipement.Table, ent.TypeEquipement, p, columns...)
}

// work adds the figures of the interventions q counts to groups (workSQL).
func (s *Service) work(ctx context.Context, q Query, dm dims, w window, groups map[key]*Group) error {
	iv, err := s.interventions(ctx, q)
	if err != nil {
		return err
	}
	base, args := iv.Query()
	return s.query(ctx, s.workSQL(base, dm, w), args, scanWork(s, groups, w))
}

// branch is one kind of figure of the work statement: it puts the rows its where keeps in
// the period of the instant at and aggregates them by the group's keys, the period and two
// labels: a kind, a count and two sums.
type branch struct {
	at     string // the instant, a column of g
	before bool   // instants before the window count in its first period (running sums)
	// clock: at is compared with the end of what is known (asOf) or now, so that the row's
	// outcome changes when the clock passes it (the rollup's validity, rollup.go).
	clock                     bool
	kind, lab1, lab2, n, x, y string
	where                     string
}

// branches are the kinds of figure, their one home: the statement of the figures and the
// rollup's cells are both written from them. from, asOf and now are the window's instants as
// the statement writes them.
func branches(d, from, asOf, now string) []branch {
	return []branch{
		// Opened before the end of the window: kind 2 when in it (the period's work, by status
		// and type, with its costs), 1 before it; both open the backlog (running sums).
		{at: "g.c", before: true, clock: true, kind: "CASE WHEN g.c >= " + from + " THEN 2 ELSE 1 END", lab1: "g.statut", lab2: "g.type", n: "COUNT(*)",
			x: "SUM(CAST(g.main_oeuvre AS DOUBLE PRECISION))", y: "SUM(CAST(g.pieces AS DOUBLE PRECISION))", where: "g.c < " + asOf},
		// Closed or cancelled before the end of the window: out of the backlog.
		{at: "g.fini", before: true, clock: true, kind: "4", lab1: "''", lab2: "''", n: "COUNT(*)", x: "0", y: "0", where: "g.fini < " + asOf},
		// Repairs closed in the period: their time and first-time fixes.
		{at: "g.cloture", kind: "5", lab1: "''", lab2: "''", n: "COUNT(*)", x: "SUM(" + secs(d, "g.cloture", "COALESCE(g.d, g.c)") + ")", y: "SUM(g.premiere)",
			where: "g.type = 'CORRECTIVE' AND g.cloture IS NOT NULL AND g.cloture >= " + from},
		// Deadlines in the period whose outcome is known.
		{at: "g.lim", clock: true, kind: "6", lab1: "''", lab2: "''", n: "COUNT(*)", x: "SUM(CASE WHEN g.cloture IS NOT NULL AND g.cloture <= g.lim THEN 1 ELSE 0 END)", y: "0",
			where: "g.lim >= " + from + " AND g.annulee = 0 AND (g.cloture IS NOT NULL OR g.lim < " + now + ")"},
		// Preventive work due in the period whose outcome is known.
		{at: "g.ech", clock: true, kind: "7", lab1: "''", lab2: "''", n: "COUNT(*)", x: "SUM(CASE WHEN g.cloture IS NOT NULL AND g.cloture <= g.ech THEN 1 ELSE 0 END)", y: "0",
			where: "g.type = 'PREVENTIVE' AND g.ech >= " + from + " AND g.annulee = 0 AND (g.cloture IS NOT NULL OR g.ech < " + now + ")"},
	}
}

// rowsCTE is the head of the statements over the interventions of base: i, base itself, and
// g, each row read once with its facts (no look-up per row) and its instants as the
// statements compare them, keyed by dm's keys k0 to k3. The branches each aggregate g:
// cheaper than each reading and computing the rows again with its own condition
// (BENCHMARKS.md).
func (s *Service) rowsCTE(base string, dm dims) string {
	d := s.Dialect
	var keys []string
	for _, c := range []struct {
		on  bool
		col string
	}{{dm.equipement, "equipement_id"}, {dm.technicien, "technicien_id"}, {dm.client, "client_id"}} {
		if c.on {
			keys = append(keys, "COALESCE(i."+c.col+", -1)")
		} else {
			keys = append(keys, "-1")
		}
	}
	if dm.typ {
		keys = append(keys, "i.type")
	} else {
		keys = append(keys, "''")
	}
	for i := range keys {
		keys[i] = fmt.Sprintf("%s AS k%d", keys[i], i)
	}
	return fmt.Sprintf(`WITH i AS NOT MATERIALIZED (%s),
g AS MATERIALIZED (
  SELECT %[15]s, i.%[2]s AS type, i.%[3]s AS statut,
    %[4]s AS c, %[5]s AS d, %[6]s AS cloture, %[7]s AS lim, %[8]s AS ech,
    CASE WHEN i.%[9]s IS NOT NULL THEN %[6]s
      WHEN i.%[3]s IN ('ANNULEE', 'ARCHIVEE') THEN COALESCE(%[10]s, %[11]s)
    END AS fini,
    CASE WHEN i.%[9]s IS NULL AND i.%[3]s IN ('ANNULEE', 'ARCHIVEE') THEN 1 ELSE 0 END AS annulee,
    CASE WHEN i.%[12]s THEN 1 ELSE 0 END AS premiere, i.%[13]s AS main_oeuvre, i.%[14]s AS pieces
  FROM i
)`, base,
		intervention.FieldType, intervention.FieldStatut, at(d, "i."+intervention.FieldDateCreation), at(d, "i."+intervention.FieldDateDebut),
		at(d, "i."+intervention.FieldDateCloture), at(d, "i."+intervention.FieldDateLimite), at(d, "i."+intervention.FieldDateEcheance),
		intervention.FieldDateCloture, at(d, "i."+intervention.FieldDateAnnulation), at(d, "i."+intervention.FieldUpdatedAt),
		intervention.FieldPremiereFois, intervention.FieldMainOeuvreMinutesTaux, intervention.FieldPiecesCentimes,
		strings.Join(keys, ", "))
}

// workSQL is the statement of the figures of the interventions of base over w, grouped by
// dm: one branch per kind of figure, each row of the answer k0 to k3 (the keys), k (the
// period), kind, lab1, lab2, n, x and y (scanWork).
func (s *Service) workSQL(base string, dm dims, w window) string {
	d := s.Dialect
	var b strings.Builder
	b.WriteString(s.rowsCTE(base, dm) + "\n")
	for i, x := range branches(d, lit(d, w.from), lit(d, w.asOf), lit(d, w.now)) {
		if i > 0 {
			b.WriteString("UNION ALL\n")
		}
		fmt.Fprintf(&b, `SELECT k0, k1, k2, k3, k, kind, lab1, lab2, %s AS n, %s AS x, %s AS y
  FROM (SELECT g.*, %s AS kind, %s AS lab1, %s AS lab2, %s AS k FROM g WHERE %s) g
  WHERE k IS NOT NULL GROUP BY k0, k1, k2, k3, k, kind, lab1, lab2
`, x.n, x.x, x.y, x.kind, x.lab1, x.lab2, periodOf(d, x.at, w, x.before), x.where)
	}
	return b.String()
}

// scanWork adds each row of a work statement to its group.
func scanWork(s *Service, groups map[key]*Group, w window) func(*sql.Rows) error {
	return func(rows *sql.Rows) error {
		var (
			kk         key
			kind, n    int
			lab1, lab2 string
			x, y       float64
		)
		if err := rows.Scan(&kk.equipement, &kk.technicien, &kk.client, &kk.typ, &kk.k, &kind, &lab1, &lab2, &n, &x, &y); err != nil {
			return err
		}
		s.group(groups, kk, w).add(kind, n, x, y)
		if kind == 2 {
			g := s.group(groups, kk, w)
			g.ParStatut = addStatut(g.ParStatut, domain.InterventionStatut(lab1), n)
			g.ParType = addType(g.ParType, domain.InterventionType(lab2), n)
		}
		return nil
	}
}

// add adds to g a row of a branch of kind: its count and two sums (the work by status and
// type is the caller's).
func (g *Group) add(kind, n int, x, y float64) {
	switch kind {
	case 1:
		g.Backlog += n
	case 2:
		g.Backlog += n
		g.Interventions += n
		g.labourMinRate += int64(x)
		g.CoutPiecesCentimes += int64(y)
	case 4:
		g.Backlog -= n
	case 5:
		g.Reparations += n
		g.repairSecs += x
		g.firstTime += int(y)
	case 6:
		g.SlaConcernees += n
		g.slaOK += int(x)
	case 7:
		g.PreventivesConcernees += n
		g.prevOK += int(x)
	}
}

func addStatut(cs []StatutCount, s domain.InterventionStatut, n int) []StatutCount {
	for i := range cs {
		if cs[i].Statut == s {
			cs[i].Nombre += n
			return cs
		}
	}
	return append(cs, StatutCount{Statut: s, Nombre: n})
}

func addType(cs []TypeCount, t domain.InterventionType, n int) []TypeCount {
	for i := range cs {
		if cs[i].Type == t {
			cs[i].Nombre += n
			return cs
		}
	}
	return append(cs, TypeCount{Type: t, Nombre: n})
}

// query runs stmt and hands each row to scan, in a read-only transaction of its own.
func (s *Service) query(ctx context.Context, stmt string, args []any, scan func(*sql.Rows) error) error {
	return s.inTx(ctx, &sql.TxOptions{ReadOnly: true}, func(tx *sql.Tx) error {
		return queryIn(ctx, tx, stmt, args, scan)
	})
}

// inTx runs fn in a transaction of opts. On PostgreSQL its statements run without JIT
// compilation (compiling the expressions of these statements takes longer than running
// them), prefer hashing to sorting and give their hash tables the memory of a year by
// equipment and month without spilling to disk (see BENCHMARKS.md).
func (s *Service) inTx(ctx context.Context, opts *sql.TxOptions, fn func(*sql.Tx) error) error {
	tx, err := s.SQL.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("starting the statistics' transaction: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	if s.Dialect == dialect.Postgres {
		// The planner underestimates the groups of computed periods and sorts where hashing
		// is cheaper.
		if _, err := tx.ExecContext(ctx, "SET LOCAL jit = off; SET LOCAL enable_sort = off; SET LOCAL work_mem = '32MB'"); err != nil {
			return fmt.Errorf("setting the statistics' planner options: %w", err)
		}
	}
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// querier is a transaction or the pool.
type querier interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}

// queryIn runs stmt in tx (or the pool) and hands each row to scan.
func queryIn(ctx context.Context, tx querier, stmt string, args []any, scan func(*sql.Rows) error) error {
	rows, err := tx.QueryContext(ctx, stmt, args...)
	if err != nil {
		return fmt.Errorf("computing the statistics: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return fmt.Errorf("reading the statistics: %w", err)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("reading the statistics: %w", err)
	}
	return nil
}

// downRow is the downtime of a group: seconds stopped and stops begun.
type downRow struct {
	kk   key
	secs float64
	n    int
}

// downtime returns the downtime figures of the groups: the stops of the equipment counted,
// merged where they overlap (gaps and islands: a stop that begins after every earlier stop
// of its equipment has ended begins an island), cut to each period.
func (s *Service) downtime(ctx context.Context, q Query, dm dims, w window) ([]downRow, error) {
	eq, err := s.equipements(ctx, q, equipement.FieldID)
	if err != nil {
		return nil, err
	}
	st, err := s.selector(ctx, arretequipement.Table, ent.TypeArretEquipement, nil,
		arretequipement.FieldEquipementID, arretequipement.FieldDebut, arretequipement.FieldFin)
	if err != nil {
		return nil, err
	}
	st.Where(entsql.In(st.C(arretequipement.FieldEquipementID), eq))
	base, args := st.Query()
	d := s.Dialect
	var values []string
	for i, p := range w.periods {
		values = append(values, fmt.Sprintf("(%d, %s, %s)", i, num(p.lo), num(minTime(p.hi, w.asOf))))
	}
	eqKey, clientKey := "-1", "-1"
	if dm.equipement {
		eqKey = "m.eq"
	}
	if dm.client {
		clientKey = "COALESCE(q." + equipement.FieldClientID + ", -1)"
	}
	stmt := fmt.Sprintf(`WITH s AS (%s),
t AS (SELECT s.%s AS eq, %s AS d, COALESCE(%s, %s) AS f FROM s),
o AS (SELECT eq, d, f, MAX(f) OVER (PARTITION BY eq ORDER BY d, f ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS pf
  FROM t WHERE d < %s AND f > %s),
n AS (SELECT eq, d, f, SUM(CASE WHEN pf IS NULL OR d > pf THEN 1 ELSE 0 END) OVER (PARTITION BY eq ORDER BY d, f ROWS UNBOUNDED PRECEDING) AS island FROM o),
m AS (SELECT eq, MIN(d) AS d, MAX(f) AS f FROM n GROUP BY eq, island),
b(k, lo, hi) AS (VALUES %s)
SELECT %s, %s, b.k, SUM(%s - %s), SUM(CASE WHEN m.d >= b.lo THEN 1 ELSE 0 END)
FROM m JOIN b ON m.d < b.hi AND m.f > b.lo JOIN %s q ON q.%s = m.eq
GROUP BY 1, 2, 3`,
		base, arretequipement.FieldEquipementID, ep(d, "s."+arretequipement.FieldDebut), ep(d, "s."+arretequipement.FieldFin), num(w.now),
		num(w.asOf), num(w.from), strings.Join(values, ", "),
		eqKey, clientKey, least(d, "m.f", "b.hi"), greatest(d, "m.d", "b.lo"),
		equipement.Table, equipement.FieldID)
	var out []downRow
	err = s.query(ctx, stmt, args, func(rows *sql.Rows) error {
		r := downRow{kk: key{technicien: -1}}
		if err := rows.Scan(&r.kk.equipement, &r.kk.client, &r.kk.k, &r.secs, &r.n); err != nil {
			return err
		}
		out = append(out, r)
		return nil
	})
	return out, err
}

// fleet is how many equipment each group's downtime is spread over: one per equipment
// grouped by EQUIPEMENT (none for work on equipment not counted), the client's otherwise.
type fleet struct {
	counted   map[int]bool // by EQUIPEMENT: those counted
	perClient map[int]int  // by client (-1: none)
	total     int
}

// fleet counts the equipment q counts.
func (s *Service) fleet(ctx context.Context, q Query, dm dims) (*fleet, error) {
	eq, err := s.equipements(ctx, q, equipement.FieldID, equipement.FieldClientID)
	if err != nil {
		return nil, err
	}
	base, args := eq.Query()
	stmt := fmt.Sprintf(`SELECT COALESCE(e.%s, -1), COUNT(*) FROM (%s) e GROUP BY COALESCE(e.%s, -1)`,
		equipement.FieldClientID, base, equipement.FieldClientID)
	if dm.equipement {
		stmt = fmt.Sprintf(`SELECT e.%s, 1 FROM (%s) e`, equipement.FieldID, base)
	}
	f := &fleet{counted: map[int]bool{}, perClient: map[int]int{}}
	err = s.query(ctx, stmt, args, func(rows *sql.Rows) error {
		var id, n int
		if err := rows.Scan(&id, &n); err != nil {
			return err
		}
		if dm.equipement {
			f.counted[id] = true
		} else {
			f.perClient[id] += n
			f.total += n
		}
		return nil
	})
	return f, err
}

// addDowntime adds the downtime and the fleet to groups: every group gets the equipment
// its downtime is spread over.
func (s *Service) addDowntime(groups map[key]*Group, rows []downRow, f *fleet, dm dims, w window) {
	for _, r := range rows {
		g := s.group(groups, r.kk, w)
		g.downSecs += r.secs
		g.failures += r.n
	}
	for _, g := range groups {
		var n int
		switch {
		case dm.equipement:
			if g.EquipementID == nil || !f.counted[*g.EquipementID] {
				continue
			}
			n = 1
		case dm.client:
			c := -1
			if g.ClientID != nil {
				c = *g.ClientID
			}
			n = f.perClient[c]
		default:
			n = f.total
		}
		g.hasDowntime = true
		g.Equipements = &n
	}
}
