package intervention

import (
	"context"
	"fmt"
	"time"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/ent/intervention"
	"github.com/mifmaroc/erp/internal/arret"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/i18n"
	"github.com/mifmaroc/erp/internal/notify"
	"github.com/mifmaroc/erp/internal/pubsub"
)

// The writes of an intervention's life, each inside the caller's transaction: opening it,
// moving it (assignment included), announcing work that waits for a technician. The service
// methods and the preventive scheduler both call them, so that an intervention is opened,
// assigned and notified in one way whoever asks.

// Written is an intervention as a write left it, and the live events to publish once the
// transaction commits.
type Written struct {
	Intervention *ent.Intervention
	Events       []pubsub.Event
}

// Open saves c as a new OUVERTE intervention created at now, with its first history line
// (remarque) by user by, and its own copy of its checklist template (modeleOf).
func Open(ctx context.Context, tx *ent.Client, c *ent.InterventionCreate, by int, now time.Time, remarque string) (*ent.Intervention, error) {
	modele, err := modeleOf(ctx, tx, c.Mutation())
	if err != nil {
		return nil, err
	}
	if modele != 0 {
		c.SetChecklistModeleID(modele)
	}
	iv, err := c.SetStatut(domain.StatutOuverte).SetDateCreation(now).Save(ctx)
	if err != nil {
		return nil, err
	}
	if modele != 0 {
		if err := copyChecklist(ctx, tx, iv, modele); err != nil {
			return nil, err
		}
	}
	err = tx.HistoriqueIntervention.Create().
		SetInterventionID(iv.ID).
		SetUserID(by).
		SetNouveauStatut(domain.StatutOuverte).
		SetHorodatage(now).
		SetRemarque(remarque).
		Exec(ctx)
	if err != nil {
		return nil, fmt.Errorf("writing the creation line of intervention %d: %w", iv.ID, err)
	}
	if err := arret.Follow(ctx, tx, nil, iv, by, now); err != nil {
		return nil, err
	}
	return iv, nil
}

// Opened is the live event of an intervention Open wrote.
func Opened(iv *ent.Intervention, by int) pubsub.Event {
	return StatutEvent(iv, nil, iv.DateCreation, by)
}

// AssignTx gives iv to technician tech (whom the caller has checked with CanTakeWork): OUVERTE
// becomes AFFECTEE, work under way changes hands.
func (s *Service) AssignTx(ctx context.Context, tx *ent.Client, iv *ent.Intervention, tech *ent.Technicien, by int, now time.Time, remarque string) (Written, error) {
	to := iv.Statut
	if iv.Statut == domain.StatutOuverte {
		to = domain.StatutAffectee
	}
	return s.moveTx(ctx, tx, iv, to, by, now, remarque, func(u *ent.InterventionUpdateOne) {
		u.SetTechnicienID(tech.ID).SetDateAffectation(now)
	})
}

// moveTx writes the new status (guarded by the old one), the changes of set, the status line,
// the audit lines and the notifications the move calls for.
func (s *Service) moveTx(ctx context.Context, tx *ent.Client, iv *ent.Intervention, to domain.InterventionStatut, by int, now time.Time,
	remarque string, set func(*ent.InterventionUpdateOne)) (Written, error) {
	u := tx.Intervention.UpdateOne(iv).
		Where(intervention.StatutEQ(iv.Statut)).
		SetStatut(to)
	set(u)
	cs, err := changes(ctx, u.Mutation())
	if err != nil {
		return Written{}, err
	}
	out, err := u.Save(ctx)
	if ent.IsNotFound(err) {
		return Written{}, domain.Errorf(domain.CodeConflict, "the intervention changed status meanwhile (it is no longer %s): reload it and try again", iv.Statut)
	}
	if err != nil {
		return Written{}, err
	}
	h := tx.HistoriqueIntervention.Create().
		SetInterventionID(iv.ID).
		SetUserID(by).
		SetAncienStatut(iv.Statut).
		SetNouveauStatut(to).
		SetHorodatage(now).
		SetNillableTechnicienID(out.TechnicienID)
	if remarque != "" {
		h.SetRemarque(remarque)
	}
	if err := h.Exec(ctx); err != nil {
		return Written{}, err
	}
	if err := writeChanges(ctx, tx, out, by, now, cs); err != nil {
		return Written{}, err
	}
	if err := arret.Follow(ctx, tx, iv, out, by, now); err != nil {
		return Written{}, err
	}
	if s.AfterMove != nil {
		if err := s.AfterMove(ctx, tx, out); err != nil {
			return Written{}, err
		}
	}
	intervenants, err := Intervenants(ctx, tx, iv.ID)
	if err != nil {
		return Written{}, err
	}
	notices, err := s.notifyMove(ctx, tx, iv, out)
	if err != nil {
		return Written{}, err
	}
	from := iv.Statut
	ev := StatutEvent(out, &from, now, by)
	ev.Statut.Intervenants = intervenants
	return Written{Intervention: out, Events: append([]pubsub.Event{ev}, notices...)}, nil
}

// AnnounceTx tells the responsables that iv waits for a technician.
func (s *Service) AnnounceTx(ctx context.Context, tx *ent.Client, iv *ent.Intervention) ([]pubsub.Event, error) {
	to, err := notify.Responsables(ctx, tx)
	if err != nil {
		return nil, err
	}
	n := notify.Notice{
		Type:           domain.NotificationInformation,
		Sujet:          i18n.M("Intervention created: %s", iv.Titre),
		Message:        i18n.M("Intervention %s is waiting for a technician.", notify.Ref(iv)),
		InterventionID: &iv.ID,
	}
	if due, ok := s.occurrence(iv); ok {
		n.Sujet = i18n.M("Preventive intervention created: %s", iv.Titre)
		n.Message = i18n.M("Preventive intervention %s, due %s, is waiting for a technician.", notify.Ref(iv), due)
	}
	return notify.Send(ctx, tx, n, to...)
}

// occurrence is the due date of work of a planning occurrence, in local time; false for
// other work.
func (s *Service) occurrence(iv *ent.Intervention) (i18n.Localizer, bool) {
	if iv.Type != domain.TypePreventive || iv.DateEcheance == nil {
		return nil, false
	}
	return s.Zone.At(*iv.DateEcheance), true
}
