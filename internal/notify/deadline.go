package notify

import (
	"context"

	"entgo.io/ent/dialect"
	"fmt"
	"time"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/ent/intervention"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/i18n"
	"github.com/mifmaroc/erp/internal/localtime"
	"github.com/mifmaroc/erp/internal/pubsub"
	"github.com/mifmaroc/erp/internal/viewer"
)

// CheckDeadlines writes, once per intervention, a RETARD notification to its technician and
// the responsables when it is still open and its deadline is within ahead of now (or past).
// It returns how many interventions were warned about. Several replicas may check at once:
// on PostgreSQL the intervention's row is locked while it is checked (dia names the
// dialect); SQLite serializes write transactions by itself. The message gives the deadline
// in zone.
func CheckDeadlines(ctx context.Context, client *ent.Client, dia string, bus *pubsub.Bus, zone localtime.Zone, now time.Time, ahead time.Duration) (int, error) {
	sys := viewer.SystemContext(ctx)
	ivs, err := dueForWarning(sys, client, now.Add(ahead), maxWarningsPerPass)
	if err != nil {
		return 0, err
	}
	for _, iv := range ivs {
		var events []pubsub.Event
		err := bus.Collect(sys, client, &events, func(tx *ent.Client) error {
			q := tx.Intervention.Query().Where(intervention.ID(iv.ID)).Select(intervention.FieldDateAlerteEcheance)
			if dia == dialect.Postgres {
				// Holds a concurrent check of the same intervention until this one commits.
				q.ForUpdate()
			}
			// Another pass (another replica) may have warned meanwhile.
			cur, err := q.Only(sys)
			if err != nil || cur.DateAlerteEcheance != nil {
				return err
			}
			if err := tx.Intervention.UpdateOneID(iv.ID).SetDateAlerteEcheance(now).Exec(sys); err != nil {
				return err
			}
			to, err := Responsables(sys, tx)
			if err != nil {
				return err
			}
			if t := iv.Edges.Technicien; t != nil {
				to = append(to, t.UserID)
			}
			msg := i18n.M("Intervention %s is due on %s.", Ref(iv), zone.At(*iv.DateLimite))
			if iv.DateLimite.Before(now) {
				msg = i18n.M("Intervention %s is past its deadline of %s.", Ref(iv), zone.At(*iv.DateLimite))
			}
			events, err = Send(sys, tx, Notice{
				Type:           domain.NotificationRetard,
				Sujet:          i18n.M("Deadline: intervention %s", Ref(iv)),
				Message:        msg,
				InterventionID: &iv.ID,
			}, to...)
			return err
		})
		if err != nil {
			return 0, err
		}
	}
	return len(ivs), nil
}

// maxWarningsPerPass bounds a pass; the next pass goes on with the rest.
const maxWarningsPerPass = 500

// dueForWarning returns at most limit open interventions not warned yet whose deadline is at
// or before until, the oldest deadlines first. It asks one status at a time, in the order of
// the index (date_alerte_echeance, statut, date_limite): the planner then reads the range
// itself. With the open statuses as one IN list it would estimate its rows from each
// column alone (most rows have no warning date, a third are open, most deadlines are past),
// expect a quarter of the table and scan all of it.
func dueForWarning(ctx context.Context, client *ent.Client, until time.Time, limit int) ([]*ent.Intervention, error) {
	var due []*ent.Intervention
	for _, st := range domain.OpenStatuts() {
		if len(due) >= limit {
			break
		}
		ivs, err := client.Intervention.Query().
			Where(
				intervention.DateAlerteEcheanceIsNil(),
				intervention.StatutEQ(st),
				intervention.DateLimiteLTE(until),
			).
			Order(ent.Asc(intervention.FieldDateAlerteEcheance), ent.Asc(intervention.FieldDateLimite)).
			WithTechnicien().
			Limit(limit - len(due)).
			All(ctx)
		if err != nil {
			return nil, fmt.Errorf("finding %s interventions near their deadline: %w", st, err)
		}
		due = append(due, ivs...)
	}
	return due, nil
}
