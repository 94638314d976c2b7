package clientele

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/ent/contrat"
	"github.com/mifmaroc/erp/ent/equipement"
	"github.com/mifmaroc/erp/ent/intervention"
	"github.com/mifmaroc/erp/internal/database"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/viewer"
)

// CreateContrat adds a contract to an active company. The equipment it covers must be the
// company's; equipment of no company becomes the company's (a contract covering a machine
// says where it is), equipment of another company is BAD_USER_INPUT. Errors: NOT_FOUND
// (client, equipement), CONFLICT (reference taken, client archived), BAD_USER_INPUT (dates,
// SLA hours, equipment), FORBIDDEN.
func (s *Service) CreateContrat(ctx context.Context, in ent.CreateContratInput) (*ent.Contrat, error) {
	if err := viewer.Require(ctx, "create contracts", staff...); err != nil {
		return nil, err
	}
	in.Reference = strings.TrimSpace(in.Reference)
	in.EquipementIDs = distinct(in.EquipementIDs)
	if err := checkDates(in.DateDebut, in.DateFin); err != nil {
		return nil, err
	}
	if _, err := TakesWork(ctx, s.Client, in.ClientID); err != nil {
		return nil, err
	}
	var out *ent.Contrat
	err := database.WithTx(ctx, s.Client, func(tx *ent.Client) error {
		if err := cover(ctx, tx, in.ClientID, in.EquipementIDs); err != nil {
			return err
		}
		var err error
		out, err = tx.Contrat.Create().SetInput(in).Save(ctx)
		if ent.IsConstraintError(err) {
			return domain.Errorf(domain.CodeConflict, "a contract with reference %s already exists", in.Reference)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	s.audit(ctx, "contract created", "contrat_created", "contrat_id", out.ID, "societe_id", in.ClientID)
	return out.Unwrap(), nil
}

// UpdateContrat changes a contract; its client stays. Setting statut SUSPENDU, RESILIE or
// EXPIRE archives it: it no longer gives its SLA to new work. Errors: NOT_FOUND, CONFLICT
// (reference taken), BAD_USER_INPUT (dates, SLA hours, equipment), FORBIDDEN.
func (s *Service) UpdateContrat(ctx context.Context, id int, in ent.UpdateContratInput) (*ent.Contrat, error) {
	if err := viewer.Require(ctx, "change contracts", staff...); err != nil {
		return nil, err
	}
	if in.Reference != nil {
		t := strings.TrimSpace(*in.Reference)
		in.Reference = &t
	}
	var out *ent.Contrat
	err := database.WithTx(ctx, s.Client, func(tx *ent.Client) error {
		c, err := tx.Contrat.Get(ctx, id)
		if ent.IsNotFound(err) {
			return domain.Errorf(domain.CodeNotFound, "contrat %d not found", id)
		} else if err != nil {
			return err
		}
		debut, fin := c.DateDebut, c.DateFin
		if in.DateDebut != nil {
			debut = *in.DateDebut
		}
		if in.DateFin != nil {
			fin = in.DateFin
		} else if in.ClearDateFin {
			fin = nil
		}
		if err := checkDates(debut, fin); err != nil {
			return err
		}
		// Covering again what it covers changes nothing.
		covered, err := c.QueryEquipements().IDs(ctx)
		if err != nil {
			return fmt.Errorf("reading the equipment of contract %d: %w", id, err)
		}
		in.AddEquipementIDs = slices.DeleteFunc(distinct(in.AddEquipementIDs), func(e int) bool { return slices.Contains(covered, e) })
		if err := cover(ctx, tx, c.ClientID, in.AddEquipementIDs); err != nil {
			return err
		}
		out, err = tx.Contrat.UpdateOneID(id).SetInput(in).Save(ctx)
		if ent.IsConstraintError(err) {
			return domain.Errorf(domain.CodeConflict, "another contract already has this reference")
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	if in.Statut != nil {
		s.audit(ctx, "contract status changed", "contrat_statut", "contrat_id", id, "statut", *in.Statut)
	}
	return out.Unwrap(), nil
}

// DeleteContrat removes a contract no intervention refers to; otherwise CONFLICT and nothing
// is deleted (set its statut to RESILIE instead). Its coverage goes with it.
func (s *Service) DeleteContrat(ctx context.Context, id int) error {
	if err := viewer.Require(ctx, "delete contracts", staff...); err != nil {
		return err
	}
	return database.WithTx(ctx, s.Client, func(tx *ent.Client) error {
		c, err := tx.Contrat.Get(ctx, id)
		if ent.IsNotFound(err) {
			return domain.Errorf(domain.CodeNotFound, "contrat %d not found", id)
		} else if err != nil {
			return err
		}
		n, err := tx.Intervention.Query().Where(intervention.ContratID(id)).Count(viewer.SystemContext(ctx))
		if err != nil {
			return fmt.Errorf("counting the interventions of contract %d: %w", id, err)
		}
		if n > 0 {
			return domain.Errorf(domain.CodeConflict,
				"contrat %s is referred to by %d interventions: it cannot be deleted (set its statut to RESILIE instead)", c.Reference, n)
		}
		if err := tx.Contrat.DeleteOneID(id).Exec(ctx); err != nil {
			return fmt.Errorf("deleting contract %d: %w", id, err)
		}
		s.audit(ctx, "contract deleted", "contrat_deleted", "contrat_id", id)
		return nil
	})
}

// distinct is ids without repeats.
func distinct(ids []int) []int {
	out := slices.Clone(ids)
	slices.Sort(out)
	return slices.Compact(out)
}

// checkDates refuses a contract that ends before it starts.
func checkDates(debut time.Time, fin *time.Time) error {
	if fin != nil && fin.Before(debut) {
		return domain.Errorf(domain.CodeBadUserInput, "dateFin (%s) is before dateDebut (%s)",
			fin.UTC().Format(time.RFC3339), debut.UTC().Format(time.RFC3339))
	}
	return nil
}

// cover checks that the equipment ids may be covered by a contract of client: each exists
// (NOT_FOUND) and belongs to that client (BAD_USER_INPUT for another's); those of no client
// become the client's, in the caller's transaction.
func cover(ctx context.Context, tx *ent.Client, client int, ids []int) error {
	if len(ids) == 0 {
		return nil
	}
	found, err := tx.Equipement.Query().Where(equipement.IDIn(ids...)).All(ctx)
	if err != nil {
		return fmt.Errorf("reading the equipment to cover: %w", err)
	}
	byID := make(map[int]*ent.Equipement, len(found))
	for _, e := range found {
		byID[e.ID] = e
	}
	var adopt []int
	for _, id := range ids {
		e, ok := byID[id]
		switch {
		case !ok:
			return domain.Errorf(domain.CodeNotFound, "equipement %d not found", id)
		case e.ClientID == nil:
			adopt = append(adopt, id)
		case *e.ClientID != client:
			return domain.Errorf(domain.CodeBadUserInput, "equipement %s belongs to another client: a contract covers only its client's equipment", e.Code)
		}
	}
	if len(adopt) == 0 {
		return nil
	}
	err = tx.Equipement.Update().Where(equipement.IDIn(adopt...), equipement.ClientIDIsNil()).SetClientID(client).Exec(ctx)
	if err != nil {
		return fmt.Errorf("giving the covered equipment to client %d: %w", client, err)
	}
	return nil
}

// Applies reports whether contract c gives its terms to work created at t: it is ACTIF and t
// lies within its dates (dateFin included; none: open-ended).
func Applies(c *ent.Contrat, t time.Time) bool {
	return c != nil && c.Statut == domain.ContratActif && !t.Before(c.DateDebut) && (c.DateFin == nil || !t.After(*c.DateFin))
}

// Hours is the contract's SLA for priority p, and false when it sets none (the server's
// default applies).
func Hours(c *ent.Contrat, p domain.Priorite) (time.Duration, bool) {
	var h *int
	switch p {
	case domain.PrioriteUrgente:
		h = c.SLAUrgenteHeures
	case domain.PrioriteHaute:
		h = c.SLAHauteHeures
	case domain.PrioriteNormale:
		h = c.SLANormaleHeures
	case domain.PrioriteBasse:
		h = c.SLABasseHeures
	}
	if h == nil {
		return 0, false
	}
	return time.Duration(*h) * time.Hour, true
}

// Covering is the contract work on an equipment of client takes when none is given: the
// client's single contract that applies at t (Applies) and covers the equipment. With none,
// or several (which one the work falls under is then for a person to say), nil. It reads as
// the server: the caller has already checked the client and the equipment.
func Covering(ctx context.Context, c *ent.Client, client, equipementID int, t time.Time) (*ent.Contrat, error) {
	found, err := c.Contrat.Query().
		Where(
			contrat.ClientID(client),
			contrat.StatutEQ(domain.ContratActif),
			contrat.DateDebutLTE(t),
			contrat.Or(contrat.DateFinIsNil(), contrat.DateFinGTE(t)),
			contrat.HasEquipementsWith(equipement.ID(equipementID)),
		).
		Limit(2).
		All(viewer.SystemContext(ctx))
	if err != nil {
		return nil, fmt.Errorf("finding the contract covering equipement %d: %w", equipementID, err)
	}
	if len(found) != 1 {
		return nil, nil
	}
	return found[0], nil
}
