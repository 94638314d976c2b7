package stats

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/ent/arretequipement"
	"github.com/mifmaroc/erp/ent/equipement"
	"github.com/mifmaroc/erp/ent/historiqueintervention"
	"github.com/mifmaroc/erp/ent/intervention"
	"github.com/mifmaroc/erp/ent/interventionpiece"
	"github.com/mifmaroc/erp/ent/tempspasse"
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
func periodOf(x string, w window, before bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "CASE WHEN %s IS NULL THEN NULL WHEN %s < %s THEN ", x, x, num(w.from))
	if before {
		b.WriteString("0")
	} else {
		b.WriteString("NULL")
	}
	for i, p := range w.periods {
		fmt.Fprintf(&b, " WHEN %s < %s THEN %d", x, num(p.hi), i)
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
		intervention.FieldDateEcheance, intervention.FieldUpdatedAt)
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

// work adds the figures of the interventions to groups, in one statement: each kind of
// figure is a branch that puts an intervention in the period of its own instant (creation,
// closure, deadline, due date), aggregated by the group's keys, period and a label.
func (s *Service) work(ctx context.Context, q Query, dm dims, w window, groups map[key]*Group) error {
	iv, err := s.interventions(ctx, q)
	if err != nil {
		return err
	}
	base, args := iv.Query()
	d := s.Dialect
	var keys []string
	for _, c := range []struct {
		on  bool
		col string
	}{{dm.equipement, "equipement_id"}, {dm.technicien, "technicien_id"}, {dm.client, "client_id"}} {
		if c.on {
			keys = append(keys, "COALESCE(f."+c.col+", -1)")
		} else {
			keys = append(keys, "-1")
		}
	}
	if dm.typ {
		keys = append(keys, "f.type")
	} else {
		keys = append(keys, "''")
	}
	for i := range keys {
		keys[i] = fmt.Sprintf("%s AS k%d", keys[i], i)
	}
	asOf, now := num(w.asOf), num(w.now)
	cancelled := "f.cloture IS NULL AND f.statut IN ('ANNULEE', 'ARCHIVEE')"
	var b strings.Builder
	fmt.Fprintf(&b, `WITH i AS (%s),
f AS (
  SELECT i.%[2]s AS id, i.%[3]s AS type, i.%[4]s AS statut, i.%[5]s AS equipement_id, i.%[6]s AS technicien_id,
    i.%[7]s AS client_id, %[8]s AS c, %[9]s AS d, %[10]s AS cloture, %[11]s AS lim, %[12]s AS ech,
    CASE WHEN i.%[13]s IS NOT NULL THEN %[10]s
      WHEN i.%[4]s IN ('ANNULEE', 'ARCHIVEE') THEN COALESCE((SELECT MIN(%[14]s) FROM %[15]s h WHERE h.%[16]s = i.%[2]s AND h.%[17]s = 'ANNULEE'), %[18]s)
    END AS fini
  FROM i
),
g AS (SELECT %[19]s, f.* FROM f)
`, base,
		intervention.FieldID, intervention.FieldType, intervention.FieldStatut, intervention.FieldEquipementID, intervention.FieldTechnicienID,
		intervention.FieldClientID, ep(d, "i."+intervention.FieldDateCreation), ep(d, "i."+intervention.FieldDateDebut),
		ep(d, "i."+intervention.FieldDateCloture), ep(d, "i."+intervention.FieldDateLimite), ep(d, "i."+intervention.FieldDateEcheance),
		intervention.FieldDateCloture, ep(d, "h."+historiqueintervention.FieldHorodatage), historiqueintervention.Table,
		historiqueintervention.FieldInterventionID, historiqueintervention.FieldNouveauStatut, ep(d, "i."+intervention.FieldUpdatedAt),
		strings.Join(keys, ", "))
	// The costs of an intervention, read only for those created in the window.
	labour := fmt.Sprintf(`COALESCE((SELECT SUM(CAST(t.%[1]s AS BIGINT) * t.%[2]s) FROM %[3]s t WHERE t.%[4]s = g.id AND t.%[1]s IS NOT NULL), 0)`,
		tempspasse.FieldDureeMinutes, tempspasse.FieldTauxHoraireCentimes, tempspasse.Table, tempspasse.FieldInterventionID)
	parts := fmt.Sprintf(`COALESCE((SELECT SUM(CAST(p.%[1]s AS BIGINT) * p.%[2]s) FROM %[3]s p WHERE p.%[4]s = g.id), 0)`,
		interventionpiece.FieldQuantite, interventionpiece.FieldPrixUnitaireCentimes, interventionpiece.Table, interventionpiece.FieldInterventionID)
	// Each branch puts the rows its where keeps in the period of one instant and aggregates
	// them by the group's keys, period and label: a kind, a count and two sums.
	type br struct{ period, kind, label, n, x, y, where string }
	firstTime := fmt.Sprintf(`CASE WHEN NOT EXISTS (SELECT 1 FROM %s h WHERE h.%s = g.id AND (h.%s = 'EN_ATTENTE' OR (h.%s IS NOT NULL AND (g.technicien_id IS NULL OR h.%s <> g.technicien_id)))) THEN 1 ELSE 0 END`,
		historiqueintervention.Table, historiqueintervention.FieldInterventionID, historiqueintervention.FieldNouveauStatut,
		historiqueintervention.FieldTechnicienID, historiqueintervention.FieldTechnicienID)
	branches := []br{
		// Created in the period, by status.
		{periodOf("g.c", w, false), "1", "g.statut", "COUNT(*)", "0", "0", "TRUE"},
		// Created in the period, by type, with their costs.
		{periodOf("g.c", w, false), "2", "g.type", "COUNT(*)", "SUM(" + labour + ")", "SUM(" + parts + ")", "TRUE"},
		// Backlog: opened before the period's end, less closed before it (running sums).
		{periodOf("g.c", w, true), "3", "''", "COUNT(*)", "0", "0", "g.c < " + asOf},
		{periodOf("g.fini", w, true), "4", "''", "COUNT(*)", "0", "0", "g.fini < " + asOf},
		// Repairs closed in the period: their time and first-time fixes.
		{periodOf("g.cloture", w, false), "5", "''", "COUNT(*)", "SUM(g.cloture - COALESCE(g.d, g.c))", "SUM(" + firstTime + ")",
			"g.type = 'CORRECTIVE' AND g.cloture IS NOT NULL"},
		// Deadlines in the period whose outcome is known.
		{periodOf("g.lim", w, false), "6", "''", "COUNT(*)", "SUM(CASE WHEN g.cloture IS NOT NULL AND g.cloture <= g.lim THEN 1 ELSE 0 END)", "0",
			"g.lim IS NOT NULL AND NOT (" + strings.ReplaceAll(cancelled, "f.", "g.") + ") AND (g.cloture IS NOT NULL OR g.lim < " + now + ")"},
		// Preventive work due in the period whose outcome is known.
		{periodOf("g.ech", w, false), "7", "''", "COUNT(*)", "SUM(CASE WHEN g.cloture IS NOT NULL AND g.cloture <= g.ech THEN 1 ELSE 0 END)", "0",
			"g.type = 'PREVENTIVE' AND g.ech IS NOT NULL AND NOT (" + strings.ReplaceAll(cancelled, "f.", "g.") + ") AND (g.cloture IS NOT NULL OR g.ech < " + now + ")"},
	}
	for i, x := range branches {
		if i > 0 {
			b.WriteString("UNION ALL\n")
		}
		fmt.Fprintf(&b, `SELECT k0, k1, k2, k3, k, %s AS kind, lbl AS label, %s AS n, %s AS x, %s AS y
  FROM (SELECT g.*, %s AS lbl, %s AS k FROM g WHERE %s) g WHERE k IS NOT NULL GROUP BY k0, k1, k2, k3, k, lbl
`, x.kind, x.n, x.x, x.y, x.label, x.period, x.where)
	}
	stmt := b.String()
	rows, err := s.SQL.QueryContext(ctx, stmt, args...)
	if err != nil {
		return wrap("the work figures", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			kk    key
			kind  int
			label string
			n     int
			x, y  float64
		)
		if err := rows.Scan(&kk.equipement, &kk.technicien, &kk.client, &kk.typ, &kk.k, &kind, &label, &n, &x, &y); err != nil {
			return wrap("the work figures", err)
		}
		g := s.group(groups, kk, w)
		switch kind {
		case 1:
			g.ParStatut = append(g.ParStatut, StatutCount{Statut: domain.InterventionStatut(label), Nombre: n})
		case 2:
			g.ParType = append(g.ParType, TypeCount{Type: domain.InterventionType(label), Nombre: n})
			g.Interventions += n
			g.labourMinRate += int64(x)
			g.CoutPiecesCentimes += int64(y)
		case 3:
			g.Backlog += n
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
	return rows.Err()
}

// downtime adds the downtime figures to groups: the stops of the equipment counted, merged
// where they overlap (gaps and islands: a stop that begins after every earlier stop of its
// equipment has ended begins an island), cut to each period.
func (s *Service) downtime(ctx context.Context, q Query, dm dims, w window, groups map[key]*Group) error {
	eq, err := s.equipements(ctx, q, equipement.FieldID)
	if err != nil {
		return err
	}
	st, err := s.selector(ctx, arretequipement.Table, ent.TypeArretEquipement, nil,
		arretequipement.FieldEquipementID, arretequipement.FieldDebut, arretequipement.FieldFin)
	if err != nil {
		return err
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
	rows, err := s.SQL.QueryContext(ctx, stmt, args...)
	if err != nil {
		return wrap("the downtime", err)
	}
	for rows.Next() {
		var kk key
		var secs float64
		var n int
		if err := rows.Scan(&kk.equipement, &kk.client, &kk.k, &secs, &n); err != nil {
			rows.Close()
			return wrap("the downtime", err)
		}
		kk.technicien = -1
		g := s.group(groups, kk, w)
		g.downSecs += secs
		g.failures += n
	}
	if err := rows.Close(); err != nil {
		return wrap("the downtime", err)
	}
	if err := rows.Err(); err != nil {
		return wrap("the downtime", err)
	}
	return s.fleet(ctx, q, dm, groups)
}

// fleet sets how many equipment each group's downtime is spread over: one per equipment
// grouped by EQUIPEMENT (none for work on equipment not counted), the client's otherwise.
func (s *Service) fleet(ctx context.Context, q Query, dm dims, groups map[key]*Group) error {
	eq, err := s.equipements(ctx, q, equipement.FieldID, equipement.FieldClientID)
	if err != nil {
		return err
	}
	base, args := eq.Query()
	stmt := fmt.Sprintf(`SELECT COALESCE(e.%s, -1), COUNT(*) FROM (%s) e GROUP BY COALESCE(e.%s, -1)`,
		equipement.FieldClientID, base, equipement.FieldClientID)
	counted := map[int]bool{}
	if dm.equipement {
		stmt = fmt.Sprintf(`SELECT e.%s, 1 FROM (%s) e`, equipement.FieldID, base)
	}
	rows, err := s.SQL.QueryContext(ctx, stmt, args...)
	if err != nil {
		return wrap("the equipment counted", err)
	}
	defer rows.Close()
	perClient, total := map[int]int{}, 0
	for rows.Next() {
		var id, n int
		if err := rows.Scan(&id, &n); err != nil {
			return wrap("the equipment counted", err)
		}
		if dm.equipement {
			counted[id] = true
		} else {
			perClient[id] += n
			total += n
		}
	}
	if err := rows.Err(); err != nil {
		return wrap("the equipment counted", err)
	}
	for _, g := range groups {
		var n int
		switch {
		case dm.equipement:
			if g.EquipementID == nil || !counted[*g.EquipementID] {
				continue
			}
			n = 1
		case dm.client:
			c := -1
			if g.ClientID != nil {
				c = *g.ClientID
			}
			n = perClient[c]
		default:
			n = total
		}
		g.hasDowntime = true
		g.Equipements = &n
	}
	return nil
}
