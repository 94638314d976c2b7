package render

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"entgo.io/ent/dialect"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/ent/historiqueintervention"
	entintervention "github.com/mifmaroc/erp/ent/intervention"
	"github.com/mifmaroc/erp/ent/interventionpiece"
	"github.com/mifmaroc/erp/ent/technicien"
	"github.com/mifmaroc/erp/ent/tempspasse"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/intervention"
)

// The KPIs of an intervention (intervention.Compute) need, beyond its row, facts from other
// tables. They are read by one definition of SQL, FactColumns, and decoded by one function,
// ParseFacts: the KPI loader (graph/kpi.go) selects them for a batch of interventions by id,
// and direct rendering adds them to its own statement. Adding a fact is an edit here.
//
// The columns are text, so that both databases return them alike:
//  1. the history's steps, in the order of the historique edge (ent.Shapes), joined by ',':
//     "STATUT|time|technician|rate", the last two empty when the line names no technician,
//     the time as microseconds since 1970 on PostgreSQL and as stored on SQLite;
//  2. the parts used, "quantity|unit price" joined by ',' (summed in Go, overflow checked);
//  3. the hourly rate of the technician in charge, empty without one;
//  4. the time logged, "minutes|rate|start" joined by ',', minutes empty while the entry runs
//     (its start then counts), the start as the history's times are.
//
// Each is read only when a KPI asked for needs it (intervention.Need); the others are NULL,
// read as none.
//
// They are read without the privacy rules: the rows hang from an intervention the viewer
// already reads, and a technician who took over work is priced at his predecessor's rate
// for the predecessor's time, whoever the viewer may see.

// FactCount is the number of FactColumns.
const FactCount = 4

// FactColumns are the SQL expressions of the facts in need of the intervention row ref (the
// table's quoted name or alias) in dialect d, NULL for those not in need.
func FactColumns(d, ref string, need intervention.Need) []string {
	cols := allFactColumns(d, ref)
	for i, n := range []intervention.Need{intervention.NeedHistory, intervention.NeedParts, intervention.NeedRate, intervention.NeedTemps} {
		if need&n == 0 {
			cols[i] = "NULL"
		}
	}
	return cols
}

// allFactColumns are the SQL expressions of every fact, in FactColumns' order.
func allFactColumns(d, ref string) []string {
	at, debut := timeText(d, "h."+historiqueintervention.FieldHorodatage), timeText(d, "e."+tempspasse.FieldDebut)
	order := ent.Shapes[ent.TypeIntervention].Edges["historique"].Order
	by := make([]string, len(order))
	for i, c := range order {
		by[i] = "h." + c
	}
	return []string{
		fmt.Sprintf(`(SELECT string_agg(h.%[1]s || '|' || %[2]s || '|' || COALESCE(CAST(h.%[3]s AS TEXT), '') || '|' || COALESCE(CAST(t.%[4]s AS TEXT), ''), ',' ORDER BY %[5]s) FROM %[6]s h LEFT JOIN %[7]s t ON t.id = h.%[3]s WHERE h.%[8]s = %[9]s.id)`,
			historiqueintervention.FieldNouveauStatut, at, historiqueintervention.FieldTechnicienID,
			technicien.FieldTauxHoraireCentimes, strings.Join(by, ", "), historiqueintervention.Table, technicien.Table,
			historiqueintervention.FieldInterventionID, ref),
		fmt.Sprintf(`(SELECT string_agg(CAST(p.%s AS TEXT) || '|' || CAST(p.%s AS TEXT), ',') FROM %s p WHERE p.%s = %s.id)`,
			interventionpiece.FieldQuantite, interventionpiece.FieldPrixUnitaireCentimes, interventionpiece.Table,
			interventionpiece.FieldInterventionID, ref),
		fmt.Sprintf(`(SELECT CAST(t.%s AS TEXT) FROM %s t WHERE t.id = %s.%s)`,
			technicien.FieldTauxHoraireCentimes, technicien.Table, ref, entintervention.FieldTechnicienID),
		fmt.Sprintf(`(SELECT string_agg(COALESCE(CAST(e.%s AS TEXT), '') || '|' || CAST(e.%s AS TEXT) || '|' || %s, ',') FROM %s e WHERE e.%s = %s.id)`,
			tempspasse.FieldDureeMinutes, tempspasse.FieldTauxHoraireCentimes, debut, tempspasse.Table,
			tempspasse.FieldInterventionID, ref),
	}
}

// timeText is the SQL text of the time column col as ParseFacts reads it back.
func timeText(d, col string) string {
	if d == dialect.Postgres {
		return "CAST(CAST(extract(epoch FROM " + col + ") * 1000000 AS bigint) AS TEXT)"
	}
	return "CAST(" + col + " AS TEXT)"
}

// sqliteTimes are the layouts the SQLite driver writes times in (time.Time's String by
// default).
var sqliteTimes = []string{"2006-01-02 15:04:05.999999999 -0700 MST", "2006-01-02 15:04:05.999999999-07:00", time.RFC3339Nano}

// RowFactFields are the columns of the intervention's row RowFacts reads: a query whose
// rows only feed the KPIs selects these.
var RowFactFields = []string{entintervention.FieldStatut, entintervention.FieldDateCreation, entintervention.FieldDateLimite,
	entintervention.FieldDateCloture, entintervention.FieldDureeEstimee}

// RowFacts are the facts of the KPIs the intervention's row holds.
func RowFacts(iv *ent.Intervention) intervention.Facts {
	return intervention.Facts{Statut: iv.Statut, DateCreation: iv.DateCreation, DateLimite: iv.DateLimite,
		DateCloture: iv.DateCloture, DureeEstimeeMin: iv.DureeEstimee}
}

// ParseFacts are the facts of iv: its row and cols, the values of FactColumns as text (NULL
// as empty). A parts cost that overflows is CostErr, as intervention.Compute expects.
func ParseFacts(iv *ent.Intervention, cols []string) (intervention.Facts, error) {
	f := RowFacts(iv)
	if len(cols) != FactCount {
		return f, fmt.Errorf("%d fact columns, want %d", len(cols), FactCount)
	}
	for _, s := range split(cols[0]) {
		parts := strings.Split(s, "|")
		if len(parts) != 4 {
			return f, fmt.Errorf("history step %q: want 4 parts", s)
		}
		at, err := parseTime(parts[1])
		if err != nil {
			return f, fmt.Errorf("history step %q: %w", s, err)
		}
		step := intervention.Step{Statut: domain.InterventionStatut(parts[0]), At: at}
		if parts[2] != "" {
			tech, err := strconv.Atoi(parts[2])
			if err != nil {
				return f, fmt.Errorf("history step %q: %w", s, err)
			}
			step.TechnicienID = &tech
			if parts[3] != "" {
				rate, err := strconv.ParseInt(parts[3], 10, 64)
				if err != nil {
					return f, fmt.Errorf("history step %q: %w", s, err)
				}
				if f.Taux == nil {
					f.Taux = map[int]int64{}
				}
				f.Taux[tech] = rate
			}
		}
		f.History = append(f.History, step)
	}
	for _, l := range split(cols[1]) {
		q, p, ok := strings.Cut(l, "|")
		quantite, err1 := strconv.Atoi(q)
		prix, err2 := strconv.ParseInt(p, 10, 64)
		if !ok || err1 != nil || err2 != nil {
			return f, fmt.Errorf("part used %q: want quantity|price", l)
		}
		if f.CostErr == nil {
			line, err := intervention.LineCost(quantite, prix)
			if err == nil {
				f.CoutPieces, err = intervention.AddCost(f.CoutPieces, line)
			}
			f.CostErr = err
		}
	}
	if cols[2] != "" {
		rate, err := strconv.ParseInt(cols[2], 10, 64)
		if err != nil {
			return f, fmt.Errorf("hourly rate %q: %w", cols[2], err)
		}
		f.TauxHoraire = rate
	}
	for _, l := range split(cols[3]) {
		parts := strings.Split(l, "|")
		if len(parts) != 3 {
			return f, fmt.Errorf("time entry %q: want minutes|rate|start", l)
		}
		var e intervention.Entry
		var err error
		if e.Taux, err = strconv.ParseInt(parts[1], 10, 64); err != nil {
			return f, fmt.Errorf("time entry %q: %w", l, err)
		}
		if parts[0] == "" {
			start, err := parseTime(parts[2])
			if err != nil {
				return f, fmt.Errorf("time entry %q: %w", l, err)
			}
			e.RunningFrom = &start
		} else if e.Minutes, err = strconv.Atoi(parts[0]); err != nil {
			return f, fmt.Errorf("time entry %q: %w", l, err)
		}
		f.Temps = append(f.Temps, e)
	}
	return f, nil
}

// split is s cut at commas; nothing for the empty string.
func split(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// parseTime reads a time of a history step: microseconds since 1970 (PostgreSQL), or the
// SQLite driver's text.
func parseTime(s string) (time.Time, error) {
	if us, err := strconv.ParseInt(s, 10, 64); err == nil {
		return time.UnixMicro(us).UTC(), nil
	}
	var err error
	for _, layout := range sqliteTimes {
		var t time.Time
		if t, err = time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, err
}
