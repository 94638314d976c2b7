package intervention

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/ent/contrat"
	"github.com/mifmaroc/erp/ent/historiqueintervention"
	"github.com/mifmaroc/erp/ent/intervention"
	"github.com/mifmaroc/erp/ent/interventionpiece"
	"github.com/mifmaroc/erp/ent/technicien"
	"github.com/mifmaroc/erp/ent/user"
	"github.com/mifmaroc/erp/internal/arret"
	"github.com/mifmaroc/erp/internal/clientele"
	"github.com/mifmaroc/erp/internal/database"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/equipement"
	"github.com/mifmaroc/erp/internal/i18n"
	"github.com/mifmaroc/erp/internal/localtime"
	"github.com/mifmaroc/erp/internal/notify"
	"github.com/mifmaroc/erp/internal/pubsub"
	"github.com/mifmaroc/erp/internal/stock"
	"github.com/mifmaroc/erp/internal/viewer"
)

// Service applies the rules to stored interventions. Every method reads the intervention
// with the caller's context, so a row the caller may not see is NOT_FOUND; the rules of this
// package then decide what the caller may do, and the change is written, with its history
// line, in one transaction.
type Service struct {
	Client *ent.Client
	SLA    SLA
	Now    func() time.Time
	Log    *slog.Logger
	Events *pubsub.Bus // live events, published after commit (nil: none)
	// Zone writes the times of texts (due dates) in local time.
	Zone localtime.Zone
	// RapportRequis refuses to close work whose rapport is empty (Incomplete).
	RapportRequis bool
	// AfterMove runs in the transaction of every status change, once it is written: a
	// floating planning follows the closure of its occurrence there (planning.FollowClosure,
	// which this package cannot import: planning creates interventions through it).
	AfterMove func(ctx context.Context, tx *ent.Client, after *ent.Intervention) error
}

// StatutEvent is the live event of iv entering its current status from ancien (nil: created).
func StatutEvent(iv *ent.Intervention, ancien *domain.InterventionStatut, at time.Time, by int) pubsub.Event {
	return pubsub.Event{Statut: &pubsub.StatutChange{
		InterventionID: iv.ID, EquipementID: iv.EquipementID, TechnicienID: iv.TechnicienID,
		ClientID: iv.ClientID, DemandeurID: iv.DemandeurID,
		Ancien: ancien, Nouveau: iv.Statut, At: at, UserID: by,
	}}
}

// errLocked is the refusal to edit a closed intervention.
func errLocked(s domain.InterventionStatut) error {
	return domain.Errorf(domain.CodeLocked, "the intervention is %s: it can no longer be changed", s)
}

func actorOf(v *viewer.Viewer, iv *ent.Intervention) Actor {
	return Actor{Role: v.Role, Assigned: v.TechnicienID != 0 && iv.TechnicienID != nil && *iv.TechnicienID == v.TechnicienID}
}

// AvailableTransitions lists the moves the viewer may make now on iv.
func AvailableTransitions(ctx context.Context, iv *ent.Intervention) []domain.InterventionStatut {
	v := viewer.FromContext(ctx)
	if v == nil {
		return nil
	}
	moves := MovesFor(actorOf(v, iv), iv.Statut)
	if iv.TechnicienID == nil {
		// AFFECTEE needs a technician: it is reached through assignIntervention.
		for i, m := range moves {
			if m == domain.StatutAffectee {
				moves = append(moves[:i], moves[i+1:]...)
				break
			}
		}
	}
	if moves == nil {
		moves = []domain.InterventionStatut{}
	}
	return moves
}

// Create records a new intervention, OUVERTE, with its first history line. A CLIENT creates
// only CORRECTIVE requests, for his own company. Linked rows must exist and be visible:
// NOT_FOUND otherwise.
func (s *Service) Create(ctx context.Context, in ent.CreateInterventionInput) (*ent.Intervention, error) {
	v := viewer.FromContext(ctx)
	switch {
	case v.Staff():
	case v.Is(domain.RoleClient):
		if in.Type != nil && *in.Type != domain.TypeCorrective {
			return nil, domain.Errorf(domain.CodeForbidden, "a client may only request CORRECTIVE interventions")
		}
		if in.ClientID != nil && *in.ClientID != v.SocieteID {
			return nil, domain.Errorf(domain.CodeForbidden, "a client may only request interventions for his own company")
		}
		if v.SocieteID != 0 {
			in.ClientID = &v.SocieteID
		}
		// What a client may not decide for himself.
		in.Rapport, in.DateLimite, in.ChecklistModeleID = nil, nil, nil
	default:
		return nil, domain.Errorf(domain.CodeForbidden, "your role may not create interventions")
	}
	now := s.Now()
	manual, err := s.Prepare(ctx, &in, now)
	if err != nil {
		return nil, err
	}
	var created *ent.Intervention
	err = s.Events.WithTx(ctx, s.Client, func(tx *ent.Client) ([]pubsub.Event, error) {
		var err error
		created, err = Open(ctx, tx, tx.Intervention.Create().
			SetInput(in).
			SetDateLimiteManuelle(manual).
			SetDemandeurID(v.UserID), v.UserID, now, "création")
		if err != nil {
			return nil, err
		}
		return []pubsub.Event{Opened(created, v.UserID)}, nil
	})
	if err != nil {
		return nil, err
	}
	created = created.Unwrap() // further queries go through the client, not the closed transaction
	s.Log.InfoContext(ctx, "intervention created", "event", "intervention_created", "intervention_id", created.ID, "user_id", v.UserID)
	return created, nil
}

// Prepare checks and completes a new intervention before the transaction that opens it
// (Open): its links (createLinks), and its deadline, the SLA of its priority under its
// contract unless given (manual reports that it was given). Whoever creates an intervention
// (this service, the triage of work requests) goes through it.
func (s *Service) Prepare(ctx context.Context, in *ent.CreateInterventionInput, now time.Time) (manual bool, err error) {
	c, err := s.createLinks(ctx, in, now)
	if err != nil {
		return false, err
	}
	if in.ChecklistModeleID != nil {
		t, err := s.Client.ChecklistModele.Get(ctx, *in.ChecklistModeleID)
		if ent.IsNotFound(err) {
			return false, domain.Errorf(domain.CodeNotFound, "checklist template %d not found", *in.ChecklistModeleID)
		} else if err != nil {
			return false, fmt.Errorf("reading checklist template %d: %w", *in.ChecklistModeleID, err)
		}
		if !t.Actif {
			return false, domain.Errorf(domain.CodeBadUserInput, "checklist template %q is archived: choose another one", t.Nom)
		}
	}
	manual = in.DateLimite != nil
	if !manual {
		p := domain.PrioriteNormale
		if in.Priorite != nil {
			p = *in.Priorite
		}
		in.DateLimite = s.SLA.Under(c, now, p)
	}
	return manual, nil
}

// createLinks checks the rows a new intervention links to (checkLinks; its client must be
// active) and completes them: a contract given without a client brings its client, and
// work for a client on an equipment without a contract given falls under the client's
// single contract covering that equipment now (clientele.Covering). It returns the contract,
// whose terms give the deadline.
func (s *Service) createLinks(ctx context.Context, in *ent.CreateInterventionInput, now time.Time) (*ent.Contrat, error) {
	if in.ContratID != nil && in.ClientID == nil {
		c, err := s.contrat(ctx, *in.ContratID)
		if err != nil {
			return nil, err
		}
		in.ClientID = &c.ClientID
	}
	c, err := s.checkLinks(ctx, in.EquipementID, in.ClientID, in.ContratID, true)
	if err != nil || c != nil || in.ClientID == nil || in.EquipementID == nil {
		return c, err
	}
	c, err = clientele.Covering(ctx, s.Client, *in.ClientID, *in.EquipementID, now)
	if c != nil {
		in.ContratID = &c.ID
	}
	return c, err
}

// checkLinks verifies that linked rows exist and are visible to the caller, that an
// equipement is not retired, that a client given anew (newClient) is not archived, and that a
// contract belongs to the intervention's client; it returns the contract, if any.
func (s *Service) checkLinks(ctx context.Context, equipementID, clientID, contratID *int, newClient bool) (*ent.Contrat, error) {
	if equipementID != nil {
		if err := equipement.TakesWork(ctx, s.Client, *equipementID); err != nil {
			return nil, err
		}
	}
	if clientID != nil && newClient {
		if _, err := clientele.TakesWork(ctx, s.Client, *clientID); err != nil {
			return nil, err
		}
	}
	if clientID != nil && !newClient {
		if _, err := s.Client.Societe.Get(ctx, *clientID); ent.IsNotFound(err) {
			return nil, domain.Errorf(domain.CodeNotFound, "client %d not found", *clientID)
		} else if err != nil {
			return nil, err
		}
	}
	if contratID == nil {
		return nil, nil
	}
	c, err := s.contrat(ctx, *contratID)
	if err != nil {
		return nil, err
	}
	if clientID != nil && c.ClientID != *clientID {
		return nil, domain.Errorf(domain.CodeBadUserInput, "contrat %s belongs to another client", c.Reference)
	}
	return c, nil
}

// contrat reads a contract as the caller may see it.
func (s *Service) contrat(ctx context.Context, id int) (*ent.Contrat, error) {
	c, err := s.Client.Contrat.Query().Where(contrat.ID(id)).Only(ctx)
	if ent.IsNotFound(err) {
		return nil, domain.Errorf(domain.CodeNotFound, "contrat %d not found", id)
	}
	return c, err
}

// load reads an intervention as the caller may see it.
func (s *Service) load(ctx context.Context, id int) (*ent.Intervention, error) {
	iv, err := s.Client.Intervention.Get(ctx, id)
	if ent.IsNotFound(err) {
		return nil, domain.Errorf(domain.CodeNotFound, "intervention %d not found", id)
	}
	return iv, err
}

// Update changes the fields of an open intervention: staff change anything; the assigned
// technician only his report and estimate. A closed one is LOCKED.
func (s *Service) Update(ctx context.Context, id int, in ent.UpdateInterventionInput) (*ent.Intervention, error) {
	v := viewer.FromContext(ctx)
	iv, err := s.load(ctx, id)
	if err != nil {
		return nil, err
	}
	if Locked(iv.Statut) {
		return nil, errLocked(iv.Statut)
	}
	switch {
	case v.Staff():
	case actorOf(v, iv).Assigned:
		if onlyReport := (ent.UpdateInterventionInput{Rapport: in.Rapport, ClearRapport: in.ClearRapport,
			DureeEstimee: in.DureeEstimee, ClearDureeEstimee: in.ClearDureeEstimee}); in != onlyReport {
			return nil, domain.Errorf(domain.CodeForbidden, "a technician may only change the report and the estimated duration")
		}
	default:
		return nil, domain.Errorf(domain.CodeForbidden, "your role may not change this intervention")
	}
	clientID := in.ClientID
	if clientID == nil && !in.ClearClient {
		clientID = iv.ClientID
	}
	contratID := in.ContratID
	if contratID == nil && !in.ClearContrat && in.ClientID != nil {
		contratID = iv.ContratID // a new client must still match the kept contract
	}
	if _, err := s.checkLinks(ctx, in.EquipementID, clientID, contratID, in.ClientID != nil); err != nil {
		return nil, err
	}
	// The deadline follows the priority and the contract unless it was set by hand.
	var terms *ent.Contrat
	rederive := !iv.DateLimiteManuelle && (in.Priorite != nil && *in.Priorite != iv.Priorite ||
		in.ContratID != nil && (iv.ContratID == nil || *in.ContratID != *iv.ContratID) ||
		in.ClearContrat && iv.ContratID != nil)
	if rederive && !in.ClearContrat {
		if id := in.ContratID; id != nil || iv.ContratID != nil {
			if id == nil {
				id = iv.ContratID
			}
			// The intervention's own contract, whether the caller may read it or not.
			if terms, err = s.Client.Contrat.Get(viewer.SystemContext(ctx), *id); err != nil {
				return nil, fmt.Errorf("reading the contract of intervention %d: %w", iv.ID, err)
			}
		}
	}
	now := s.Now()
	var out *ent.Intervention
	err = database.WithTx(ctx, s.Client, func(tx *ent.Client) error {
		upd := tx.Intervention.UpdateOne(iv).SetInput(in).Where(intervention.StatutEQ(iv.Statut))
		switch {
		case in.DateLimite != nil || in.ClearDateLimite:
			upd.SetDateLimiteManuelle(true)
		case rederive:
			p := iv.Priorite
			if in.Priorite != nil {
				p = *in.Priorite
			}
			if d := s.SLA.Under(terms, iv.DateCreation, p); d != nil {
				upd.SetDateLimite(*d)
			} else {
				upd.ClearDateLimite()
			}
		}
		var err error
		if out, err = saveAudited(ctx, tx, upd, v.UserID, now); err != nil {
			return err
		}
		return arret.Follow(ctx, tx, iv, out, v.UserID, now)
	})
	if err != nil {
		return nil, err
	}
	return out.Unwrap(), nil
}

// Assign gives the intervention to a technician: OUVERTE becomes AFFECTEE; an intervention
// already under way changes hands and keeps its status. Both write a history line. A
// technician whose account is no longer an active TECHNICIEN is refused (TECHNICIAN_INACTIVE);
// one on leave, in training or unavailable too (TECHNICIAN_UNAVAILABLE), unless forcer is set
// with a reason in remarque, for emergencies: the reason goes into the history.
func (s *Service) Assign(ctx context.Context, id, technicienID int, remarque *string, forcer bool) (*ent.Intervention, error) {
	v := viewer.FromContext(ctx)
	if !v.Staff() {
		return nil, domain.Errorf(domain.CodeForbidden, "only ADMIN and RESPONSABLE assign interventions")
	}
	reason := ""
	if remarque != nil {
		reason = strings.TrimSpace(*remarque)
	}
	if forcer && reason == "" {
		return nil, domain.Errorf(domain.CodeBadUserInput, "forcer needs the reason of the emergency in remarque")
	}
	iv, err := s.load(ctx, id)
	if err != nil {
		return nil, err
	}
	if Locked(iv.Statut) {
		return nil, errLocked(iv.Statut)
	}
	tech, err := s.Client.Technicien.Query().Where(technicien.ID(technicienID)).WithUser().Only(ctx)
	if ent.IsNotFound(err) {
		return nil, domain.Errorf(domain.CodeNotFound, "technicien %d not found", technicienID)
	} else if err != nil {
		return nil, err
	}
	if err := CanTakeWork(tech, forcer); err != nil {
		return nil, err
	}
	note := fmt.Sprintf("affectée au technicien %d", tech.ID)
	switch {
	case forcer && !Available(tech.Disponibilite):
		note = fmt.Sprintf("affectation forcée (technicien %s) : %s", tech.Disponibilite, reason)
	case reason != "":
		note = reason
	}
	return s.inTx(ctx, func(ctx context.Context, tx *ent.Client, by int, now time.Time) (Written, error) {
		return s.AssignTx(ctx, tx, iv, tech, by, now, note)
	})
}

// Available reports whether a technician with this availability takes work in the normal
// course: DISPONIBLE or OCCUPE (busy is a load, not an absence).
func Available(d domain.Disponibilite) bool {
	return d == domain.DisponibiliteDisponible || d == domain.DisponibiliteOccupe
}

// CanTakeWork is the dispatch rule: an inactive profile (its user loaded with it) never takes
// work, an absent technician only when forced.
func CanTakeWork(t *ent.Technicien, forcer bool) error {
	if !t.Actif || t.Edges.User == nil || !t.Edges.User.IsActive || t.Edges.User.DeletedAt != nil {
		return domain.Errorf(domain.CodeTechnicianInactive, "technicien %d is no longer an active technician: he takes no work", t.ID)
	}
	if !Available(t.Disponibilite) && !forcer {
		return domain.Errorf(domain.CodeTechnicianUnavailable,
			"technicien %d is %s: choose another one, or set forcer with the reason of the emergency", t.ID, t.Disponibilite)
	}
	return nil
}

// ChangeStatut moves the intervention through the state machine (INVALID_TRANSITION
// otherwise) if the caller's role allows that move (FORBIDDEN otherwise). Two concurrent moves
// from the same status never both succeed: the second gets CONFLICT.
func (s *Service) ChangeStatut(ctx context.Context, id int, to domain.InterventionStatut, remarque *string) (*ent.Intervention, error) {
	v := viewer.FromContext(ctx)
	iv, err := s.load(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := CheckMove(actorOf(v, iv), iv.Statut, to); err != nil {
		return nil, err
	}
	if to == domain.StatutAffectee && iv.TechnicienID == nil {
		return nil, domain.Errorf(domain.CodeBadUserInput, "AFFECTEE needs a technician: use assignIntervention")
	}
	note := ""
	if remarque != nil {
		note = *remarque
	}
	return s.inTx(ctx, func(ctx context.Context, tx *ent.Client, by int, now time.Time) (Written, error) {
		if to == domain.StatutCloturee {
			// In the move's transaction: an answer cleared meanwhile is seen.
			if err := s.Incomplete(ctx, tx, iv); err != nil {
				return Written{}, err
			}
		}
		return s.moveTx(ctx, tx, iv, to, by, now, note, set(to, iv, now))
	})
}

// set is what a move to status to changes besides the status: the dates of its steps.
func set(to domain.InterventionStatut, iv *ent.Intervention, now time.Time) func(*ent.InterventionUpdateOne) {
	return func(u *ent.InterventionUpdateOne) {
		switch to {
		case domain.StatutOuverte:
			u.ClearTechnicienID().ClearDateAffectation()
		case domain.StatutEnCours:
			if iv.DateDebut == nil {
				u.SetDateDebut(now)
			}
		case domain.StatutCloturee:
			u.SetDateFin(now).SetDateCloture(now)
		case domain.StatutArchivee:
			u.SetDateArchivage(now)
		}
	}
}

// inTx runs write in a transaction of its own, by the viewer, now, and publishes its events
// once it commits.
func (s *Service) inTx(ctx context.Context, write func(context.Context, *ent.Client, int, time.Time) (Written, error)) (*ent.Intervention, error) {
	v := viewer.FromContext(ctx)
	var w Written
	err := s.Events.WithTx(ctx, s.Client, func(tx *ent.Client) ([]pubsub.Event, error) {
		var err error
		w, err = write(ctx, tx, v.UserID, s.Now())
		return w.Events, err
	})
	if err != nil {
		return nil, err
	}
	out := w.Intervention.Unwrap() // further queries go through the client, not the closed transaction
	s.Log.InfoContext(ctx, "intervention status changed", "event", "intervention_statut", "intervention_id", out.ID,
		"to", out.Statut, "user_id", v.UserID)
	return out, nil
}

// Intervenants are the technicians the history of intervention id names in charge, for the
// live events (access.EventKeys).
func Intervenants(ctx context.Context, c *ent.Client, id int) ([]int, error) {
	ids, err := c.HistoriqueIntervention.Query().
		Where(historiqueintervention.InterventionID(id), historiqueintervention.TechnicienIDNotNil()).
		Unique(true).
		Select(historiqueintervention.FieldTechnicienID).
		Ints(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading who worked on intervention %d: %w", id, err)
	}
	return ids, nil
}

// notifyMove writes the notifications of a move: the technician hears of an assignment (or
// a change of hands), the requester, the client and the responsables of a closure.
func (s *Service) notifyMove(ctx context.Context, tx *ent.Client, before, after *ent.Intervention) ([]pubsub.Event, error) {
	id := after.ID
	switch {
	case after.TechnicienID != nil && (before.TechnicienID == nil || *before.TechnicienID != *after.TechnicienID):
		t, err := tx.Technicien.Get(ctx, *after.TechnicienID)
		if err != nil {
			return nil, err
		}
		n := notify.Notice{
			Type:           domain.NotificationAffectation,
			Sujet:          i18n.M("Intervention assigned: %s", after.Titre),
			Message:        i18n.M("Intervention %s is assigned to you.", notify.Ref(after)),
			InterventionID: &id,
		}
		if due, ok := s.occurrence(after); ok {
			n.Sujet = i18n.M("Preventive intervention assigned: %s", after.Titre)
			n.Message = i18n.M("Preventive intervention %s, due %s, is assigned to you.", notify.Ref(after), due)
		}
		return notify.Send(ctx, tx, n, t.UserID)
	case after.Statut == domain.StatutCloturee:
		to, err := notify.Responsables(ctx, tx)
		if err != nil {
			return nil, err
		}
		if after.DemandeurID != nil {
			to = append(to, *after.DemandeurID)
		}
		if after.ClientID != nil {
			// Every active account of the client company hears of it.
			ids, err := tx.User.Query().
				Where(user.SocieteID(*after.ClientID), user.IsActive(true), user.DeletedAtIsNil()).
				IDs(ctx)
			if err != nil {
				return nil, fmt.Errorf("reading the accounts of client %d: %w", *after.ClientID, err)
			}
			for _, id := range ids {
				if !slices.Contains(to, id) {
					to = append(to, id)
				}
			}
		}
		return notify.Send(ctx, tx, notify.Notice{
			Type:           domain.NotificationCloture,
			Sujet:          i18n.M("Intervention closed: %s", after.Titre),
			Message:        i18n.M("Intervention %s is closed.", notify.Ref(after)),
			InterventionID: &id,
		}, to...)
	}
	return nil, nil
}

// AddPiece records parts used and takes them out of stock, as a SORTIE of the stock ledger,
// in one transaction: with too few in stock, CONFLICT and nothing changes. Staff or the
// assigned technician, on an open intervention (LOCKED otherwise). The intervention's line
// keeps the part's price at its first use.
func (s *Service) AddPiece(ctx context.Context, id, pieceID, quantite int, motif *string) (*ent.Intervention, error) {
	return s.moveParts(ctx, id, pieceID, quantite, motif, domain.MouvementSortie, func(tx *ent.Client, p *ent.Piece) (Change, error) {
		before, err := tx.InterventionPiece.Query().
			Where(interventionpiece.InterventionID(id), interventionpiece.PieceID(pieceID)).
			Only(ctx)
		if err != nil && !ent.IsNotFound(err) {
			return Change{}, err
		}
		// One line per part: using it again adds to the quantity at the first price.
		err = tx.InterventionPiece.Create().
			SetInterventionID(id).
			SetPieceID(pieceID).
			SetQuantite(quantite).
			SetPrixUnitaireCentimes(p.PrixUnitaireCentimes).
			OnConflictColumns(interventionpiece.FieldInterventionID, interventionpiece.FieldPieceID).
			AddQuantite(quantite).
			Exec(ctx)
		if err != nil {
			return Change{}, err
		}
		c := Change{Champ: "pieces", Nouvelle: used(p.Reference, quantite)}
		if before != nil {
			c.Ancienne, c.Nouvelle = used(p.Reference, before.Quantite), used(p.Reference, before.Quantite+quantite)
		}
		return c, nil
	})
}

// ReturnPiece gives back to stock quantite units of a part used on the intervention, as a
// RETOUR of the stock ledger: the intervention's line (and so its parts' cost) goes down, and
// goes away once nothing of the part is left on it. Staff or the assigned technician, on an
// open intervention. Errors: BAD_USER_INPUT (quantite), CONFLICT (more than the intervention
// used), LOCKED, NOT_FOUND, FORBIDDEN.
func (s *Service) ReturnPiece(ctx context.Context, id, pieceID, quantite int, motif *string) (*ent.Intervention, error) {
	return s.moveParts(ctx, id, pieceID, quantite, motif, domain.MouvementRetour, func(tx *ent.Client, p *ent.Piece) (Change, error) {
		ref := p.Reference
		line := interventionpiece.And(interventionpiece.InterventionID(id), interventionpiece.PieceID(pieceID))
		before, err := tx.InterventionPiece.Query().Where(line).Only(ctx)
		if ent.IsNotFound(err) {
			return Change{}, domain.Errorf(domain.CodeConflict, "%s was not used on this intervention: nothing to return", ref)
		} else if err != nil {
			return Change{}, err
		}
		n, err := tx.InterventionPiece.Update().
			Where(line, interventionpiece.QuantiteGTE(quantite)).
			AddQuantite(-quantite).
			Save(ctx)
		if err != nil {
			return Change{}, err
		}
		if n == 0 {
			return Change{}, domain.Errorf(domain.CodeConflict, "%d of %s were used on this intervention: %d cannot be returned", before.Quantite, ref, quantite)
		}
		c := Change{Champ: "pieces", Ancienne: used(ref, before.Quantite)}
		if left := before.Quantite - quantite; left > 0 {
			c.Nouvelle = used(ref, left)
		} else if _, err := tx.InterventionPiece.Delete().Where(line, interventionpiece.Quantite(0)).Exec(ctx); err != nil {
			return Change{}, err
		}
		return c, nil
	})
}

// moveParts is the frame of AddPiece and ReturnPiece: it checks the viewer may work the
// intervention's parts, then in one transaction reads the intervention again, writes the
// movement of the ledger (locking the part's row), lets line change the intervention's line
// of the part, and writes the audit line that change returns. The intervention, then the
// part's row, then its line: every path locks in this order.
func (s *Service) moveParts(ctx context.Context, id, pieceID, quantite int, motif *string, typ domain.TypeMouvement,
	line func(tx *ent.Client, p *ent.Piece) (Change, error)) (*ent.Intervention, error) {
	v := viewer.FromContext(ctx)
	if quantite < 1 || quantite > domain.MaxQuantite {
		return nil, domain.Errorf(domain.CodeBadUserInput, "quantite must be between 1 and %d", domain.MaxQuantite)
	}
	if err := s.partsOf(ctx, id); err != nil {
		return nil, err
	}
	now := s.Now()
	err := s.Events.WithTx(ctx, s.Client, func(tx *ent.Client) ([]pubsub.Event, error) {
		iv, err := OpenFor(ctx, tx, v, id, "record and return parts")
		if err != nil {
			return nil, err
		}
		w, err := stock.Apply(ctx, tx, stock.Mouvement{Type: typ, PieceID: pieceID, Quantite: quantite,
			InterventionID: &id, UserID: v.UserID, Motif: stock.Motif(motif), At: now})
		if err != nil {
			return nil, err
		}
		c, err := line(tx, w.Piece)
		if err != nil {
			return nil, err
		}
		return w.Events, writeChanges(ctx, tx, iv, v.UserID, now, []Change{c})
	})
	if err != nil {
		return nil, err
	}
	return s.Client.Intervention.Get(ctx, id)
}

// partsOf checks, before any write, that the viewer sees the intervention and may record or
// return its parts (CanWork).
func (s *Service) partsOf(ctx context.Context, id int) error {
	iv, err := s.load(ctx, id)
	if err != nil {
		return err
	}
	return CanWork(viewer.FromContext(ctx), iv, "record and return parts")
}

// CanWork is the rule of the work recorded on an intervention (parts used and returned,
// checklist answers): on open work (LOCKED otherwise), by staff or the technician it is
// assigned to (FORBIDDEN otherwise); what names the work in the refusal.
func CanWork(v *viewer.Viewer, iv *ent.Intervention, what string) error {
	if Locked(iv.Statut) {
		return errLocked(iv.Statut)
	}
	if !v.Staff() && !actorOf(v, iv).Assigned {
		return domain.Errorf(domain.CodeForbidden, "only staff and the assigned technician %s", i18n.Text(what))
	}
	return nil
}

// OpenFor reads the intervention again inside tx, where no move can change it until tx ends
// (FOR NO KEY UPDATE on PostgreSQL; SQLite runs one writing transaction at a time), and
// checks again that it is open and the viewer's to work on: a closure or a change of hands
// that committed since partsOf read it is seen, and none can slip in before the parts are
// written. The lock is the one the intervention's facts (internal/facts) take when the
// parts change: two writers that both held a shared lock would each wait for the other to
// let go of it.
func OpenFor(ctx context.Context, tx *ent.Client, v *viewer.Viewer, id int, what string) (*ent.Intervention, error) {
	// As the server: partsOf has checked that the viewer sees it; the rule that follows
	// decides on the row as it now is.
	iv, err := tx.Intervention.Query().
		Where(intervention.ID(id)).
		Modify(func(s *entsql.Selector) {
			if s.Dialect() == dialect.Postgres {
				s.For(entsql.LockNoKeyUpdate)
			}
		}).
		Only(viewer.SystemContext(ctx))
	if ent.IsNotFound(err) {
		return nil, domain.Errorf(domain.CodeNotFound, "intervention %d not found", id)
	} else if err != nil {
		return nil, fmt.Errorf("locking intervention %d: %w", id, err)
	}
	return iv, CanWork(v, iv, what)
}

// used is how an audit line shows a part's quantity on the intervention.
func used(reference string, n int) *string {
	t := fmt.Sprintf("%s × %d", reference, n)
	return &t
}

// Validate records the client's acceptance of closed work: validationClient, with an optional
// satisfaction from 1 to 5 and a comment. Staff, or a CLIENT who may read the intervention
// (his company's, or one he asked for), once, while it is CLOTUREE (not yet archived).
func (s *Service) Validate(ctx context.Context, id int, satisfaction *int, commentaire *string) (*ent.Intervention, error) {
	v := viewer.FromContext(ctx)
	if !v.Staff() && !v.Is(domain.RoleClient) {
		return nil, domain.Errorf(domain.CodeForbidden, "only the client and staff validate an intervention")
	}
	if satisfaction != nil && (*satisfaction < 1 || *satisfaction > 5) {
		return nil, domain.Errorf(domain.CodeBadUserInput, "satisfaction must be between 1 and 5")
	}
	if commentaire != nil {
		if t := strings.TrimSpace(*commentaire); t == "" {
			commentaire = nil
		} else if len([]rune(t)) > MaxCommentaireClient {
			return nil, domain.Errorf(domain.CodeBadUserInput, "commentaire holds at most %d characters", MaxCommentaireClient)
		} else {
			commentaire = &t
		}
	}
	iv, err := s.load(ctx, id)
	if err != nil {
		return nil, err
	}
	switch {
	case iv.ValidationClient:
		return nil, domain.Errorf(domain.CodeConflict, "the intervention was already validated on %s",
			iv.DateValidationClient.UTC().Format(time.RFC3339))
	case iv.Statut != domain.StatutCloturee:
		return nil, domain.Errorf(domain.CodeLocked, "the intervention is %s: only CLOTUREE work is validated", iv.Statut)
	}
	now := s.Now()
	var out *ent.Intervention
	err = database.WithTx(ctx, s.Client, func(tx *ent.Client) error {
		upd := tx.Intervention.UpdateOne(iv).
			Where(intervention.StatutEQ(domain.StatutCloturee), intervention.ValidationClient(false)).
			SetValidationClient(true).
			SetDateValidationClient(now).
			SetNillableSatisfactionClient(satisfaction).
			SetNillableCommentaireClient(commentaire)
		var err error
		out, err = saveAudited(ctx, tx, upd, v.UserID, now)
		return err
	})
	if err != nil {
		return nil, err
	}
	s.Log.InfoContext(ctx, "intervention validated", "event", "intervention_validated", "intervention_id", id, "user_id", v.UserID)
	return out.Unwrap(), nil
}

// MaxCommentaireClient bounds the client's comment, in characters.
const MaxCommentaireClient = 2000
