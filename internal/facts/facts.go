// Package facts keeps, on each intervention, the facts maintenanceStats sums that live in
// other tables: when it was cancelled and whether it was fixed the first time (its history),
// its labour (its time sheet) and its parts. Hooks on those tables recompute them from the
// rows in the transaction that changed them, so that the figures of a year read one table
// instead of looking up each intervention's history, time entries and parts (BENCHMARKS.md).
// The formulas are those of docs/stats.md; this is their one home.
package facts

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/ent/historiqueintervention"
	"github.com/mifmaroc/erp/ent/hook"
	"github.com/mifmaroc/erp/ent/intervention"
	"github.com/mifmaroc/erp/ent/interventionpiece"
	"github.com/mifmaroc/erp/ent/tempspasse"
	"github.com/mifmaroc/erp/internal/viewer"
)

// facts are the columns and the expressions that compute them from the intervention's rows
// (in a statement on its table), the same text on PostgreSQL and SQLite.
var facts = []struct{ column, expr string }{
	{intervention.FieldDateAnnulation, fmt.Sprintf("(SELECT MIN(h.%s) FROM %s h WHERE h.%s = %s.%s AND h.%s = 'ANNULEE')",
		historiqueintervention.FieldHorodatage, historiqueintervention.Table, historiqueintervention.FieldInterventionID,
		intervention.Table, intervention.FieldID, historiqueintervention.FieldNouveauStatut)},
	{intervention.FieldPremiereFois, fmt.Sprintf("NOT EXISTS (SELECT 1 FROM %[1]s h WHERE h.%[2]s = %[3]s.%[4]s"+
		" AND (h.%[5]s = 'EN_ATTENTE' OR (h.%[6]s IS NOT NULL AND (%[3]s.%[7]s IS NULL OR h.%[6]s <> %[3]s.%[7]s))))",
		historiqueintervention.Table, historiqueintervention.FieldInterventionID, intervention.Table, intervention.FieldID,
		historiqueintervention.FieldNouveauStatut, historiqueintervention.FieldTechnicienID, intervention.FieldTechnicienID)},
	{intervention.FieldMainOeuvreMinutesTaux, fmt.Sprintf("COALESCE((SELECT SUM(CAST(x.%[1]s AS BIGINT) * x.%[2]s) FROM %[3]s x WHERE x.%[4]s = %[5]s.%[6]s AND x.%[1]s IS NOT NULL), 0)",
		tempspasse.FieldDureeMinutes, tempspasse.FieldTauxHoraireCentimes, tempspasse.Table, tempspasse.FieldInterventionID,
		intervention.Table, intervention.FieldID)},
	{intervention.FieldPiecesCentimes, fmt.Sprintf("COALESCE((SELECT SUM(CAST(x.%s AS BIGINT) * x.%s) FROM %s x WHERE x.%s = %s.%s), 0)",
		interventionpiece.FieldQuantite, interventionpiece.FieldPrixUnitaireCentimes, interventionpiece.Table,
		interventionpiece.FieldInterventionID, intervention.Table, intervention.FieldID)},
}

// refresh is the UPDATE that recomputes the facts of the interventions where keeps, writing
// only the rows whose facts changed: most history lines change none, and an unchanged row
// rewritten would cost PostgreSQL a new row version all the same.
func refresh(where string) string {
	set := make([]string, len(facts))
	changed := make([]string, len(facts))
	for i, f := range facts {
		set[i] = f.column + " = " + f.expr
		changed[i] = f.column + " IS DISTINCT FROM " + f.expr
	}
	if where != "" {
		where += " AND "
	}
	return "UPDATE " + intervention.Table + " SET " + strings.Join(set, ", ") +
		" WHERE " + where + "(" + strings.Join(changed, " OR ") + ")"
}

// Refresh recomputes the facts of the interventions ids in client (a transaction's client
// inside one).
func Refresh(ctx context.Context, client *ent.Client, ids ...int) error {
	if len(ids) == 0 {
		return nil
	}
	// The ids are integers written as literals: the one statement serves both databases,
	// whose placeholders differ.
	list := make([]string, len(ids))
	for i, id := range ids {
		list[i] = strconv.Itoa(id)
	}
	stmt := refresh(intervention.FieldID + " IN (" + strings.Join(list, ", ") + ")")
	if _, err := client.ExecContext(ctx, stmt); err != nil {
		return fmt.Errorf("recomputing the facts of interventions %v: %w", ids, err)
	}
	return nil
}

// RefreshAll recomputes the facts of every intervention: after writes made with Deferred,
// or by hand.
func RefreshAll(ctx context.Context, client *ent.Client) error {
	if _, err := client.ExecContext(ctx, refresh("")); err != nil {
		return fmt.Errorf("recomputing the facts of the interventions: %w", err)
	}
	return nil
}

type deferredKey struct{}

// Deferred marks ctx for bulk writes (the seed): the hooks leave the facts alone and the
// caller runs RefreshAll once it is done.
func Deferred(ctx context.Context) context.Context {
	return context.WithValue(ctx, deferredKey{}, true)
}

func deferred(ctx context.Context) bool {
	v, _ := ctx.Value(deferredKey{}).(bool)
	return v
}

// mutation is what the hooks need of the mutations of rows that belong to an intervention.
type mutation interface {
	ent.Mutation
	Client() *ent.Client
	IDs(context.Context) ([]int, error)
	InterventionID() (int, bool)
}

// watch refreshes the facts of the interventions whose rows a mutation writes: the
// intervention it names, and for updates and deletes those of the rows it touches (read
// before the change by owners).
func watch[M mutation](owners func(ctx context.Context, c *ent.Client, ids []int) ([]int, error)) ent.Hook {
	return func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			mm, ok := m.(M)
			if !ok || deferred(ctx) {
				return next.Mutate(ctx, m)
			}
			sys := viewer.SystemContext(ctx)
			var ids []int
			if !m.Op().Is(ent.OpCreate) {
				rows, err := mm.IDs(sys)
				if err != nil {
					return nil, fmt.Errorf("reading the rows a change touches: %w", err)
				}
				if ids, err = owners(sys, mm.Client(), rows); err != nil {
					return nil, fmt.Errorf("reading the interventions of the rows a change touches: %w", err)
				}
			}
			v, err := next.Mutate(ctx, m)
			if err != nil {
				return nil, err
			}
			if id, ok := mm.InterventionID(); ok {
				ids = append(ids, id)
			}
			return v, Refresh(sys, mm.Client(), ids...)
		})
	}
}

// Hooks of the tables the facts come from.

// HistoryHook keeps the facts of the history: history lines are only ever added.
func HistoryHook() ent.Hook {
	return hook.On(watch[*ent.HistoriqueInterventionMutation](nil), ent.OpCreate)
}

// TimeHook keeps the labour of the time sheet.
func TimeHook() ent.Hook {
	return watch[*ent.TempsPasseMutation](func(ctx context.Context, c *ent.Client, ids []int) ([]int, error) {
		return c.TempsPasse.Query().Where(tempspasse.IDIn(ids...)).Unique(true).Select(tempspasse.FieldInterventionID).Ints(ctx)
	})
}

// PartsHook keeps the cost of the parts.
func PartsHook() ent.Hook {
	return watch[*ent.InterventionPieceMutation](func(ctx context.Context, c *ent.Client, ids []int) ([]int, error) {
		return c.InterventionPiece.Query().Where(interventionpiece.IDIn(ids...)).Unique(true).Select(interventionpiece.FieldInterventionID).Ints(ctx)
	})
}
