package planning

import (
	"context"
	"fmt"
	"time"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/ent/intervention"
	entplanning "github.com/mifmaroc/erp/ent/planning"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/localtime"
	"github.com/mifmaroc/erp/internal/viewer"
)

// A floating planning (flottant) counts from the work actually done instead of the calendar:
// the scheduler creates its occurrence at prochaine_date as for any planning, then moves
// prochaine_date one interval past the run as a provisional date and creates nothing more
// while that occurrence is open; when the occurrence is closed, prochaine_date becomes its
// closing date plus one interval (FollowClosure). A cancelled occurrence was not done, so it
// restarts nothing: the provisional date stands (docs/decisions.md).

// floatingDates are the occurrence a due floating planning p creates at now, and the
// provisional next date it moves to: the first date one interval after the occurrence that
// is past now, so that an occurrence missed for long is created once.
func floatingDates(p *ent.Planning, zone localtime.Zone, now time.Time) (occ, next time.Time) {
	occ = p.ProchaineDate
	return occ, Next(zone.In(occ), p.Frequence, p.Intervalle, now)
}

// hasOpenOccurrence reports whether planning id has an intervention still to be done.
func hasOpenOccurrence(ctx context.Context, tx *ent.Client, id int) (bool, error) {
	return tx.Intervention.Query().
		Where(intervention.PlanningID(id), intervention.StatutIn(domain.OpenStatuts()...)).
		Exist(ctx)
}

// FollowClosure moves a floating planning on when after, one of its interventions, has just
// been closed: its next date becomes the closing date plus one interval (on zone's wall
// clock), and the calendar restarts there. Only the planning's latest occurrence moves it, so
// closing an older one late never pulls the plan back; other plannings, other moves and
// other interventions change nothing. It runs in the move's transaction tx, as the system:
// whoever closes the work (a technician) moves the plan he may not read.
func FollowClosure(ctx context.Context, tx *ent.Client, zone localtime.Zone, after *ent.Intervention) error {
	if after.Statut != domain.StatutCloturee || after.PlanningID == nil || after.DateEcheance == nil || after.DateCloture == nil {
		return nil
	}
	sys := viewer.SystemContext(ctx)
	p, err := tx.Planning.Query().
		Where(entplanning.ID(*after.PlanningID), entplanning.Flottant(true), entplanning.DerniereDate(*after.DateEcheance)).
		Only(sys)
	if ent.IsNotFound(err) {
		return nil
	} else if err != nil {
		return fmt.Errorf("reading the planning of intervention %d: %w", after.ID, err)
	}
	if !InBounds(p.Frequence, p.Intervalle) {
		return nil // the scheduler reports it at each run
	}
	next := Occurrence(zone.In(*after.DateCloture), p.Frequence, p.Intervalle, 1)
	// Guarded by the occurrence: a run that created a newer one meanwhile keeps its dates.
	_, err = tx.Planning.Update().
		Where(entplanning.ID(p.ID), entplanning.DerniereDate(*after.DateEcheance)).
		SetProchaineDate(next).
		SetDateDebut(next).
		Save(sys)
	if err != nil {
		return fmt.Errorf("moving floating planning %d after its closure: %w", p.ID, err)
	}
	return nil
}
