// Package demande holds work requests (DemandeIntervention) and their triage: anyone
// reports a problem on an equipement; a RESPONSABLE or an ADMIN approves it (an intervention
// opens, through internal/intervention), rejects it with a reason, or marks it as a
// duplicate of existing work. A request is triaged once; each step writes the requester's
// notification in its own transaction (the outbox of internal/notify).
package demande

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/ent/demandeintervention"
	"github.com/mifmaroc/erp/ent/document"
	"github.com/mifmaroc/erp/ent/technicien"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/i18n"
	"github.com/mifmaroc/erp/internal/intervention"
	"github.com/mifmaroc/erp/internal/notify"
	"github.com/mifmaroc/erp/internal/pubsub"
	"github.com/mifmaroc/erp/internal/viewer"
)

// MaxMotif bounds the reason of a rejection, in characters.
const MaxMotif = 2000

// Service submits and triages work requests. Every read goes through the caller's context,
// so a request or a row the caller may not see is NOT_FOUND.
type Service struct {
	Client *ent.Client
	// Interventions opens the work an approval creates: one way to open an intervention,
	// whoever asks.
	Interventions *intervention.Service
	Now           func() time.Time
	Log           *slog.Logger
	Events        *pubsub.Bus // live events, published after commit (nil: none)
}

// Soumettre records a NOUVELLE request from the viewer and tells the responsables. Any
// authenticated user; a CLIENT only for his company's equipment (NOT_FOUND otherwise, as for
// equipment he cannot see). Errors: UNAUTHENTICATED, NOT_FOUND, EQUIPMENT_RETIRED,
// BAD_USER_INPUT.
func (s *Service) Soumettre(ctx context.Context, in ent.CreateDemandeInterventionInput) (*ent.DemandeIntervention, error) {
	v := viewer.FromContext(ctx)
	if v == nil {
		return nil, domain.Errorf(domain.CodeUnauthenticated, "authentication required")
	}
	in.Titre, in.Description = strings.TrimSpace(in.Titre), strings.TrimSpace(in.Description)
	switch {
	case in.Titre == "":
		return nil, domain.Errorf(domain.CodeBadUserInput, "titre is required")
	case in.Description == "":
		return nil, domain.Errorf(domain.CodeBadUserInput, "description is required: say what is wrong")
	}
	e, err := s.Client.Equipement.Get(ctx, in.EquipementID)
	if ent.IsNotFound(err) || err == nil && v.Is(domain.RoleClient) && (e.ClientID == nil || *e.ClientID != v.SocieteID) {
		return nil, domain.Errorf(domain.CodeNotFound, "equipement %d not found", in.EquipementID)
	} else if err != nil {
		return nil, fmt.Errorf("reading equipement %d: %w", in.EquipementID, err)
	}
	if e.Statut == domain.EquipementRetire {
		return nil, domain.Errorf(domain.CodeEquipmentRetired, "equipement %s is RETIRE: it takes no new work", e.Code)
	}
	var (
		d      *ent.DemandeIntervention
		events []pubsub.Event
	)
	err = s.Events.Collect(ctx, s.Client, &events, func(tx *ent.Client) error {
		var err error
		d, events, err = SubmitTx(ctx, tx, v, in, e, s.Now())
		return err
	})
	if err != nil {
		return nil, err
	}
	s.Log.InfoContext(ctx, "work request submitted", "event", "demande_soumise", "demande_id", d.ID, "user_id", v.UserID)
	return d.Unwrap(), nil
}

// SubmitTx writes, inside tx, request in by v on equipement e at now, and the responsables'
// notification; it returns the live events to publish once tx commits. Whoever submits a
// request (Soumettre, a checklist measure out of bounds) goes through it.
func SubmitTx(ctx context.Context, tx *ent.Client, v *viewer.Viewer, in ent.CreateDemandeInterventionInput, e *ent.Equipement,
	now time.Time) (*ent.DemandeIntervention, []pubsub.Event, error) {
	c := tx.DemandeIntervention.Create().SetInput(in).SetDemandeurID(v.UserID).SetCreatedAt(now)
	if v.Is(domain.RoleClient) && v.SocieteID != 0 {
		c.SetSocieteID(v.SocieteID)
	}
	d, err := c.Save(ctx)
	if err != nil {
		return nil, nil, err
	}
	to, err := notify.Responsables(ctx, tx)
	if err != nil {
		return nil, nil, err
	}
	events, err := notify.Send(ctx, tx, notify.Notice{
		Type:  domain.NotificationInformation,
		Sujet: i18n.M("New work request: %s", d.Titre),
		Message: i18n.M("Request %s on equipement %s is waiting to be handled (suggested urgency: %s).",
			ref(d), e.Code, d.UrgenceSuggeree),
	}, to...)
	if err != nil {
		return nil, nil, err
	}
	return d, append(events, changed(d.ID, d.Statut)), nil
}

// Approbation is what the triager decides when he approves a request.
type Approbation struct {
	Priorite     domain.Priorite
	DateLimite   *time.Time               // nil: the SLA of Priorite
	Type         *domain.InterventionType // nil: CORRECTIVE
	TechnicienID *int                     // assigned at once when set
}

// Approuver turns a NOUVELLE request into an OUVERTE intervention on its equipement, for its
// requester and his company, at the priority and deadline of a, assigned when a names a
// technician; the request, the intervention, its history, its photos (the request's, which it
// holds too) and the requester's notification are written in one transaction. Errors: FORBIDDEN, NOT_FOUND, CONFLICT (already triaged),
// EQUIPMENT_RETIRED, TECHNICIAN_INACTIVE, TECHNICIAN_UNAVAILABLE, BAD_USER_INPUT.
func (s *Service) Approuver(ctx context.Context, id int, a Approbation) (*ent.DemandeIntervention, error) {
	d, err := s.nouvelle(ctx, id)
	if err != nil {
		return nil, err
	}
	typ := domain.TypeCorrective
	if a.Type != nil {
		typ = *a.Type
	}
	in := ent.CreateInterventionInput{
		Titre: d.Titre, Description: &d.Description, Type: &typ, Priorite: &a.Priorite,
		DateLimite: a.DateLimite, EquipementID: &d.EquipementID, ClientID: d.SocieteID,
	}
	now := s.Now()
	manual, err := s.Interventions.Prepare(ctx, &in, now)
	if err != nil {
		return nil, err
	}
	var tech *ent.Technicien
	if a.TechnicienID != nil {
		tech, err = s.Client.Technicien.Query().Where(technicien.ID(*a.TechnicienID)).WithUser().Only(ctx)
		if ent.IsNotFound(err) {
			return nil, domain.Errorf(domain.CodeNotFound, "technicien %d not found", *a.TechnicienID)
		} else if err != nil {
			return nil, err
		}
		if err := intervention.CanTakeWork(tech, false); err != nil {
			return nil, err
		}
	}
	return s.triage(ctx, d, domain.DemandeApprouvee, now, func(tx *ent.Client, by int) (notify.Notice, []pubsub.Event, error) {
		iv, err := intervention.Open(ctx, tx, tx.Intervention.Create().
			SetInput(in).
			SetDateLimiteManuelle(manual).
			SetDemandeurID(d.DemandeurID), by, now, fmt.Sprintf("création depuis la demande #%d", d.ID))
		if err != nil {
			return notify.Notice{}, nil, err
		}
		events := []pubsub.Event{intervention.Opened(iv, by)}
		if tech != nil {
			w, err := s.Interventions.AssignTx(ctx, tx, iv, tech, by, now, fmt.Sprintf("affectée au technicien %d", tech.ID))
			if err != nil {
				return notify.Notice{}, nil, err
			}
			iv, events = w.Intervention, append(events, w.Events...)
		}
		if err := tx.DemandeIntervention.UpdateOneID(d.ID).SetInterventionID(iv.ID).Exec(ctx); err != nil {
			return notify.Notice{}, nil, fmt.Errorf("linking request %d to intervention %d: %w", d.ID, iv.ID, err)
		}
		// The photos of the problem are the work's too; they stay the request's, so that its
		// readers keep them.
		if err := tx.Document.Update().Where(document.DemandeID(d.ID)).SetInterventionID(iv.ID).Exec(ctx); err != nil {
			return notify.Notice{}, nil, fmt.Errorf("attaching the photos of request %d to intervention %d: %w", d.ID, iv.ID, err)
		}
		msg := i18n.M("Your request %s is approved: intervention %s is open, priority %s.", ref(d), notify.Ref(iv), iv.Priorite)
		if iv.DateLimite != nil {
			msg = i18n.M("Your request %s is approved: intervention %s is open, priority %s, to be handled before %s.",
				ref(d), notify.Ref(iv), iv.Priorite, s.Interventions.Zone.At(*iv.DateLimite))
		}
		return notify.Notice{
			Type:           domain.NotificationInformation,
			Sujet:          i18n.M("Request approved: %s", d.Titre),
			Message:        msg,
			InterventionID: &iv.ID,
		}, events, nil
	})
}

// Rejeter refuses a NOUVELLE request for motif (required), which the requester is told.
// Errors: FORBIDDEN, NOT_FOUND, CONFLICT (already triaged), BAD_USER_INPUT.
func (s *Service) Rejeter(ctx context.Context, id int, motif string) (*ent.DemandeIntervention, error) {
	motif = strings.TrimSpace(motif)
	switch {
	case motif == "":
		return nil, domain.Errorf(domain.CodeBadUserInput, "motif is required: tell the requester why")
	case len([]rune(motif)) > MaxMotif:
		return nil, domain.Errorf(domain.CodeBadUserInput, "motif holds at most %d characters", MaxMotif)
	}
	d, err := s.nouvelle(ctx, id)
	if err != nil {
		return nil, err
	}
	return s.triage(ctx, d, domain.DemandeRejetee, s.Now(), func(tx *ent.Client, _ int) (notify.Notice, []pubsub.Event, error) {
		if err := tx.DemandeIntervention.UpdateOneID(d.ID).SetMotifRejet(motif).Exec(ctx); err != nil {
			return notify.Notice{}, nil, err
		}
		return notify.Notice{
			Type:    domain.NotificationInformation,
			Sujet:   i18n.M("Request rejected: %s", d.Titre),
			Message: i18n.M("Your request %s is rejected. Reason: %s", ref(d), motif),
		}, nil, nil
	})
}

// MarquerDoublon closes a NOUVELLE request as a duplicate of intervention interventionID,
// which already covers the problem. Errors: FORBIDDEN, NOT_FOUND (request or intervention),
// CONFLICT (already triaged).
func (s *Service) MarquerDoublon(ctx context.Context, id, interventionID int) (*ent.DemandeIntervention, error) {
	d, err := s.nouvelle(ctx, id)
	if err != nil {
		return nil, err
	}
	iv, err := s.Client.Intervention.Get(ctx, interventionID)
	if ent.IsNotFound(err) {
		return nil, domain.Errorf(domain.CodeNotFound, "intervention %d not found", interventionID)
	} else if err != nil {
		return nil, err
	}
	return s.triage(ctx, d, domain.DemandeDoublon, s.Now(), func(tx *ent.Client, _ int) (notify.Notice, []pubsub.Event, error) {
		if err := tx.DemandeIntervention.UpdateOneID(d.ID).SetDoublonDeID(iv.ID).Exec(ctx); err != nil {
			return notify.Notice{}, nil, err
		}
		// Only the number: the requester may not be allowed to read that intervention.
		return notify.Notice{
			Type:  domain.NotificationInformation,
			Sujet: i18n.M("Request already handled: %s", d.Titre),
			Message: i18n.M("Your request %s reports a problem already handled by intervention #%d: it is attached to it.",
				ref(d), iv.ID),
		}, nil, nil
	})
}

// nouvelle reads request id for a triage: staff only (FORBIDDEN), a request the viewer sees
// (NOT_FOUND), still NOUVELLE (CONFLICT).
func (s *Service) nouvelle(ctx context.Context, id int) (*ent.DemandeIntervention, error) {
	if err := viewer.Require(ctx, "triage work requests", domain.RoleAdmin, domain.RoleResponsable); err != nil {
		return nil, err
	}
	d, err := s.Client.DemandeIntervention.Get(ctx, id)
	if ent.IsNotFound(err) {
		return nil, domain.Errorf(domain.CodeNotFound, "demande %d not found", id)
	} else if err != nil {
		return nil, err
	}
	if d.Statut != domain.DemandeNouvelle {
		return nil, errTriaged(d.Statut)
	}
	return d, nil
}

func errTriaged(s domain.StatutDemande) error {
	return domain.Errorf(domain.CodeConflict, "the request is already %s: it is triaged once", s)
}

// triage moves d from NOUVELLE to statut in one transaction: the move first, guarded by the
// status, so that of two triagers only one goes on (the other gets CONFLICT and writes
// nothing); then what write adds, and the requester's notification it returns.
func (s *Service) triage(ctx context.Context, d *ent.DemandeIntervention, statut domain.StatutDemande, now time.Time,
	write func(tx *ent.Client, by int) (notify.Notice, []pubsub.Event, error)) (*ent.DemandeIntervention, error) {
	v := viewer.FromContext(ctx)
	var events []pubsub.Event
	err := s.Events.Collect(ctx, s.Client, &events, func(tx *ent.Client) error {
		n, err := tx.DemandeIntervention.Update().
			Where(demandeintervention.ID(d.ID), demandeintervention.StatutEQ(domain.DemandeNouvelle)).
			SetStatut(statut).
			SetDateTraitement(now).
			SetTraiteParID(v.UserID).
			Save(ctx)
		if err != nil {
			return fmt.Errorf("triaging request %d: %w", d.ID, err)
		}
		if n == 0 {
			return domain.Errorf(domain.CodeConflict, "the request was triaged meanwhile: reload it")
		}
		notice, evs, err := write(tx, v.UserID)
		if err != nil {
			return err
		}
		sent, err := notify.Send(ctx, tx, notice, d.DemandeurID)
		if err != nil {
			return err
		}
		events = append(append(evs, sent...), changed(d.ID, statut))
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.Log.InfoContext(ctx, "work request triaged", "event", "demande_traitee", "demande_id", d.ID, "statut", statut, "user_id", v.UserID)
	return s.Client.DemandeIntervention.Get(ctx, d.ID)
}

// changed is the live event of request id entering statut.
func changed(id int, statut domain.StatutDemande) pubsub.Event {
	return pubsub.Event{Demande: &pubsub.DemandeChange{DemandeID: id, Statut: statut}}
}

// ref names a request in texts.
func ref(d *ent.DemandeIntervention) string { return fmt.Sprintf("#%d « %s »", d.ID, d.Titre) }
