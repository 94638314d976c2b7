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

// refresh is the UPDATE that recomputes the facts of the interventions its WHERE keeps, the
// same text on PostgreSQL and SQLite.
var refresh = fmt.Sprintf(`UPDATE %[1]s SET
  %[2]s = (SELECT MIN(h.%[3]s) FROM %[4]s h WHERE h.%[5]s = %[1]s.%[6]s AND h.%[7]s = 'ANNULEE'),
  %[8]s = NOT EXISTS (SELECT 1 FROM %[4]s h WHERE h.%[5]s = %[1]s.%[6]s
    AND (h.%[7]s = 'EN_ATTENTE' OR (h.%[9]s IS NOT NULL AND (%[1]s.%[10]s IS NULL OR h.%[9]s <> %[1]s.%[10]s)))),
  %[11]s = COALESCE((SELECT SUM(CAST(x.%[12]s AS BIGINT) * x.%[13]s) FROM %[14]s x WHERE x.%[15]s = %[1]s.%[6]s AND x.%[12]s IS NOT NULL), 0),
  %[16]s = COALESCE((SELECT SUM(CAST(x.%[17]s AS BIGINT) * x.%[18]s) FROM %[19]s x WHERE x.%[20]s = %[1]s.%[6]s), 0)`,
	intervention.Table, intervention.FieldDateAnnulation, historiqueintervention.FieldHorodatage, historiqueintervention.Table,
	historiqueintervention.FieldInterventionID, intervention.FieldID, historiqueintervention.FieldNouveauStatut,
	intervention.FieldPremiereFois, historiqueintervention.FieldTechnicienID, intervention.FieldTechnicienID,
	intervention.FieldMainOeuvreMinutesTaux, tempspasse.FieldDureeMinutes, tempspasse.FieldTauxHoraireCentimes, tempspasse.Table,
	tempspasse.FieldInterventionID,
	intervention.FieldPiecesCentimes, interventionpiece.FieldQuantite, interventionpiece.FieldPrixUnitaireCentimes,
	interventionpiece.Table, interventionpiece.FieldInterventionID)

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
	stmt := refresh + " WHERE " + intervention.FieldID + " IN (" + strings.Join(list, ", ") + ")"
	if _, err := client.ExecContext(ctx, stmt); err != nil {
		return fmt.Errorf("recomputing the facts of interventions %v: %w", ids, err)
	}
	return nil
}

// RefreshAll recomputes the facts of every intervention: after writes made with Deferred,
// or by hand.
func RefreshAll(ctx context.Context, client *ent.Client) error {
	if _, err := client.ExecContext(ctx, refresh); err != nil {
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
