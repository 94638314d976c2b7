// Package commentaire is the discussion of an intervention or of a work request: who may
// write, change and delete a comment, and who hears of a new one. Who reads which comment is
// the rule of internal/access (Commentaires): staff read them all, the others the comments of
// the interventions and of the requests they see that are not internal.
package commentaire

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"unicode/utf8"

	"github.com/mifmaroc/erp/ent"
	entcommentaire "github.com/mifmaroc/erp/ent/commentaire"
	"github.com/mifmaroc/erp/ent/user"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/i18n"
	"github.com/mifmaroc/erp/internal/intervention"
	"github.com/mifmaroc/erp/internal/notify"
	"github.com/mifmaroc/erp/internal/pubsub"
	"github.com/mifmaroc/erp/internal/viewer"
)

// Service writes comments. Every method reads with the caller's context, so an intervention
// or a comment the caller may not read is NOT_FOUND.
type Service struct {
	Client *ent.Client
	Log    *slog.Logger
	Events *pubsub.Bus // live events, published after commit (nil: none)
}

// extrait is how much of a comment a notification quotes.
const extrait = 200

// Texte is a comment's text as stored: trimmed, from 1 to domain.MaxTexteCommentaire
// characters; BAD_USER_INPUT otherwise.
func Texte(s string) (string, error) {
	s = strings.TrimSpace(s)
	switch n := utf8.RuneCountInString(s); {
	case n == 0:
		return "", domain.Errorf(domain.CodeBadUserInput, "texte: a comment cannot be empty")
	case n > domain.MaxTexteCommentaire:
		return "", domain.Errorf(domain.CodeBadUserInput, "texte: at most %d characters, got %d", domain.MaxTexteCommentaire, n)
	}
	return s, nil
}

// Ajouter writes a comment on an intervention the viewer reads, and notifies the other
// participants in the same transaction. interne (staff only, FORBIDDEN otherwise) keeps it
// among staff. Archived work takes no comment (LOCKED): its record is closed. Errors:
// NOT_FOUND, FORBIDDEN, LOCKED, BAD_USER_INPUT.
func (s *Service) Ajouter(ctx context.Context, interventionID int, texte string, interne bool) (*ent.Commentaire, error) {
	v, texte, err := s.check(ctx, texte, interne)
	if err != nil {
		return nil, err
	}
	iv, err := s.Client.Intervention.Get(ctx, interventionID)
	if ent.IsNotFound(err) {
		return nil, domain.Errorf(domain.CodeNotFound, "intervention %d not found", interventionID)
	} else if err != nil {
		return nil, fmt.Errorf("reading intervention %d: %w", interventionID, err)
	}
	if iv.Statut == domain.StatutArchivee {
		return nil, domain.Errorf(domain.CodeLocked, "the intervention is %s: it takes no more comments", iv.Statut)
	}
	c, err := s.write(ctx, v, func(tx *ent.Client) (*ent.Commentaire, []pubsub.Event, error) {
		c, err := tx.Commentaire.Create().
			SetInterventionID(iv.ID).SetAuteurID(v.UserID).SetTexte(texte).SetInterne(interne).
			Save(ctx)
		if err != nil {
			return nil, nil, fmt.Errorf("writing the comment: %w", err)
		}
		events, err := s.notifyNew(ctx, tx, iv, c, v)
		if err != nil {
			return nil, nil, err
		}
		// Who worked on it reads it too (access.EventKeys): read as the server, whatever
		// part of the history the author reads.
		intervenants, err := intervention.Intervenants(viewer.SystemContext(ctx), tx, iv.ID)
		if err != nil {
			return nil, nil, err
		}
		return c, append(events, pubsub.Event{Commentaire: &pubsub.CommentaireAjoute{
			CommentaireID: c.ID, InterventionID: iv.ID, Interne: interne,
			TechnicienID: iv.TechnicienID, ClientID: iv.ClientID, DemandeurID: iv.DemandeurID,
			Intervenants: intervenants,
		}}), nil
	})
	if err != nil {
		return nil, err
	}
	s.Log.InfoContext(ctx, "comment added", "event", "commentaire_ajoute", "commentaire_id", c.ID,
		"intervention_id", iv.ID, "interne", interne, "user_id", v.UserID)
	return c, nil
}

// CommenterDemande writes a comment on a work request the viewer reads (its submitter, his
// company's clients, staff), at any status: the requester and the triager may still have to
// talk once it is triaged. The other participants are notified in the same transaction.
// interne as for Ajouter. Errors: NOT_FOUND, FORBIDDEN, BAD_USER_INPUT.
func (s *Service) CommenterDemande(ctx context.Context, demandeID int, texte string, interne bool) (*ent.Commentaire, error) {
	v, texte, err := s.check(ctx, texte, interne)
	if err != nil {
		return nil, err
	}
	d, err := s.Client.DemandeIntervention.Get(ctx, demandeID)
	if ent.IsNotFound(err) {
		return nil, domain.Errorf(domain.CodeNotFound, "demande %d not found", demandeID)
	} else if err != nil {
		return nil, fmt.Errorf("reading request %d: %w", demandeID, err)
	}
	c, err := s.write(ctx, v, func(tx *ent.Client) (*ent.Commentaire, []pubsub.Event, error) {
		c, err := tx.Commentaire.Create().
			SetDemandeID(d.ID).SetAuteurID(v.UserID).SetTexte(texte).SetInterne(interne).
			Save(ctx)
		if err != nil {
			return nil, nil, fmt.Errorf("writing the comment: %w", err)
		}
		events, err := s.notifyNewOnDemande(ctx, tx, d, c, v)
		if err != nil {
			return nil, nil, err
		}
		return c, append(events, pubsub.Event{Commentaire: &pubsub.CommentaireAjoute{
			CommentaireID: c.ID, DemandeID: d.ID, Interne: interne,
			DemandeurID: &d.DemandeurID, SocieteID: d.SocieteID,
		}}), nil
	})
	if err != nil {
		return nil, err
	}
	s.Log.InfoContext(ctx, "comment added", "event", "commentaire_ajoute", "commentaire_id", c.ID,
		"demande_id", d.ID, "interne", interne, "user_id", v.UserID)
	return c, nil
}

// check is what every new comment needs: a viewer, interne from staff only, a valid text
// (returned as stored).
func (s *Service) check(ctx context.Context, texte string, interne bool) (*viewer.Viewer, string, error) {
	v := viewer.FromContext(ctx)
	if v == nil {
		return nil, "", domain.Errorf(domain.CodeUnauthenticated, "authentication required")
	}
	if interne && !v.Staff() {
		return nil, "", domain.Errorf(domain.CodeForbidden, "only ADMIN and RESPONSABLE write internal comments")
	}
	texte, err := Texte(texte)
	return v, texte, err
}

// write runs create (the comment, its notifications and its live event) in one transaction,
// the events included.
func (s *Service) write(ctx context.Context, v *viewer.Viewer, create func(tx *ent.Client) (*ent.Commentaire, []pubsub.Event, error)) (*ent.Commentaire, error) {
	var (
		c      *ent.Commentaire
		events []pubsub.Event
	)
	err := s.Events.Collect(ctx, s.Client, &events, func(tx *ent.Client) error {
		var err error
		c, events, err = create(tx)
		return err
	})
	if err != nil {
		return nil, err
	}
	return c.Unwrap(), nil
}

// notifyNew notifies the participants of iv of its new comment c, its author excepted: the
// assigned technician, the requester and the responsables. Each hears only of a comment he
// may read: an internal one reaches staff only.
func (s *Service) notifyNew(ctx context.Context, tx *ent.Client, iv *ent.Intervention, c *ent.Commentaire, author *viewer.Viewer) ([]pubsub.Event, error) {
	sys := viewer.SystemContext(ctx)
	candidates, err := notify.Responsables(ctx, tx)
	if err != nil {
		return nil, fmt.Errorf("reading the responsables: %w", err)
	}
	if iv.DemandeurID != nil {
		candidates = append(candidates, *iv.DemandeurID)
	}
	if iv.TechnicienID != nil {
		t, err := tx.Technicien.Get(sys, *iv.TechnicienID)
		if err != nil {
			return nil, fmt.Errorf("reading the technician of intervention %d: %w", iv.ID, err)
		}
		candidates = append(candidates, t.UserID)
	}
	id := iv.ID
	return s.send(ctx, tx, c, author, candidates, i18n.M("on intervention %s", notify.Ref(iv)), iv.Titre, &id)
}

// notifyNewOnDemande notifies the participants of request d of its new comment c, its author
// excepted: the submitter, and for a comment from the requester's side (anyone but staff)
// the staff who answer it: the one who triaged it, or before triage the responsables. Each
// hears only of a comment he may read: an internal one reaches staff only.
func (s *Service) notifyNewOnDemande(ctx context.Context, tx *ent.Client, d *ent.DemandeIntervention, c *ent.Commentaire, author *viewer.Viewer) ([]pubsub.Event, error) {
	candidates := []int{d.DemandeurID}
	if !author.Staff() {
		if d.TraiteParID != nil {
			candidates = append(candidates, *d.TraiteParID)
		} else {
			to, err := notify.Responsables(ctx, tx)
			if err != nil {
				return nil, fmt.Errorf("reading the responsables: %w", err)
			}
			candidates = append(candidates, to...)
		}
	}
	return s.send(ctx, tx, c, author, candidates, i18n.M("on request #%d « %s »", d.ID, d.Titre), d.Titre, d.InterventionID)
}

// send writes the notifications of the new comment c to candidates, its author excepted,
// and for an internal comment staff only. sur says what was commented, in the message.
func (s *Service) send(ctx context.Context, tx *ent.Client, c *ent.Commentaire, author *viewer.Viewer, candidates []int, sur i18n.Message, titre string, interventionID *int) ([]pubsub.Event, error) {
	sys := viewer.SystemContext(ctx)
	q := tx.User.Query().Where(user.IDIn(candidates...), user.IDNEQ(author.UserID))
	if c.Interne {
		q.Where(user.RoleIn(domain.RoleAdmin, domain.RoleResponsable))
	}
	to, err := q.IDs(sys)
	if err != nil {
		return nil, fmt.Errorf("reading the recipients: %w", err)
	}
	name, err := tx.User.Query().Where(user.ID(author.UserID)).Select(user.FieldNomComplet).String(sys)
	if err != nil {
		return nil, fmt.Errorf("reading the author: %w", err)
	}
	cite := c.Texte
	if r := []rune(cite); len(r) > extrait {
		cite = string(r[:extrait]) + "…"
	}
	sujet, msg := i18n.M("New comment: %s", titre), i18n.M("%s wrote a comment %s: « %s »", name, sur, cite)
	if c.Interne {
		sujet, msg = i18n.M("New internal comment: %s", titre), i18n.M("%s wrote an internal comment %s: « %s »", name, sur, cite)
	}
	return notify.Send(ctx, tx, notify.Notice{
		Type:           domain.NotificationInformation,
		Sujet:          sujet,
		Message:        msg,
		InterventionID: interventionID,
	}, to...)
}

// Modifier changes the text of a comment; only its author may, while the intervention is
// open (a request's comments stay open). Errors: NOT_FOUND, FORBIDDEN (not the author), LOCKED (CLOTUREE, ARCHIVEE, ANNULEE),
// BAD_USER_INPUT.
func (s *Service) Modifier(ctx context.Context, id int, texte string) (*ent.Commentaire, error) {
	v := viewer.FromContext(ctx)
	c, err := s.editable(ctx, id)
	if err != nil {
		return nil, err
	}
	if c.AuteurID != v.UserID {
		return nil, domain.Errorf(domain.CodeForbidden, "only its author changes a comment")
	}
	if texte, err = Texte(texte); err != nil {
		return nil, err
	}
	c, err = s.Client.Commentaire.UpdateOne(c).SetTexte(texte).Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("changing comment %d: %w", id, err)
	}
	return c, nil
}

// Supprimer deletes a comment: its author, or staff, while the intervention is open (a
// request's comments stay open).
// Errors: NOT_FOUND, FORBIDDEN, LOCKED (CLOTUREE, ARCHIVEE, ANNULEE).
func (s *Service) Supprimer(ctx context.Context, id int) error {
	v := viewer.FromContext(ctx)
	c, err := s.editable(ctx, id)
	if err != nil {
		return err
	}
	if c.AuteurID != v.UserID && !v.Staff() {
		return domain.Errorf(domain.CodeForbidden, "only its author or ADMIN and RESPONSABLE delete a comment")
	}
	if err := s.Client.Commentaire.DeleteOneID(id).Exec(ctx); err != nil {
		return fmt.Errorf("deleting comment %d: %w", id, err)
	}
	return nil
}

// editable reads a comment the viewer reads, on an intervention still open (the thread of
// closed work is part of its record) or on a request.
func (s *Service) editable(ctx context.Context, id int) (*ent.Commentaire, error) {
	if viewer.FromContext(ctx) == nil {
		return nil, domain.Errorf(domain.CodeUnauthenticated, "authentication required")
	}
	c, err := s.Client.Commentaire.Query().Where(entcommentaire.ID(id)).WithIntervention().Only(ctx)
	if ent.IsNotFound(err) {
		return nil, domain.Errorf(domain.CodeNotFound, "commentaire %d not found", id)
	} else if err != nil {
		return nil, fmt.Errorf("reading comment %d: %w", id, err)
	}
	if iv := c.Edges.Intervention; iv != nil && intervention.Locked(iv.Statut) {
		return nil, domain.Errorf(domain.CodeLocked, "the intervention is %s: its comments can no longer be changed", iv.Statut)
	}
	return c, nil
}
