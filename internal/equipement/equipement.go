// Package equipement manages the maintained assets.
package equipement

import (
	"context"
	"fmt"
	"time"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/ent/contrat"
	"github.com/mifmaroc/erp/ent/equipement"
	"github.com/mifmaroc/erp/ent/planning"
	"github.com/mifmaroc/erp/internal/arret"
	"github.com/mifmaroc/erp/internal/database"
	"github.com/mifmaroc/erp/internal/domain"
	places "github.com/mifmaroc/erp/internal/emplacement"
	"github.com/mifmaroc/erp/internal/viewer"
)

// Service manages equipements; only staff write them. A statut set by hand records the
// equipment's stops (internal/arret).
type Service struct {
	Client *ent.Client
	Now    func() time.Time
}

// Create adds an equipement, as a part of in.ParentID when set. A taken code is CONFLICT; an
// unknown place or parent is NOT_FOUND.
func (s *Service) Create(ctx context.Context, in ent.CreateEquipementInput) (*ent.Equipement, error) {
	if err := viewer.Require(ctx, "create equipements", domain.RoleAdmin, domain.RoleResponsable); err != nil {
		return nil, err
	}
	var e *ent.Equipement
	err := database.WithTx(ctx, s.Client, func(tx *ent.Client) error {
		if err := placeOf(ctx, tx, in.EmplacementID, true); err != nil {
			return err
		}
		if in.ParentID != nil {
			if err := checkParent(ctx, tx, nil, *in.ParentID); err != nil {
				return err
			}
		}
		var err error
		if e, err = tx.Equipement.Create().SetInput(in).Save(ctx); err != nil {
			return err
		}
		// Created broken down: its stop starts now.
		return arret.Manual(ctx, tx, e.ID, domain.EquipementOperationnel, e.Statut, viewer.FromContext(ctx).UserID, s.Now())
	})
	if ent.IsConstraintError(err) {
		return nil, domain.Errorf(domain.CodeConflict, "an equipement with code %s already exists", in.Code)
	}
	if err != nil {
		return nil, err
	}
	return e.Unwrap(), nil
}

// Update changes an equipement (NOT_FOUND, CONFLICT on a taken code, or on a change of client
// while a contract of its client covers it). A new parent (parentID) that is the equipement
// itself or one of its parts is BAD_USER_INPUT naming them; an unknown one NOT_FOUND.
// Retiring it (statut
// RETIRE) suspends its active plannings in the same transaction: a retired machine gets no
// more preventive work.
func (s *Service) Update(ctx context.Context, id int, in ent.UpdateEquipementInput) (*ent.Equipement, error) {
	if err := viewer.Require(ctx, "change equipements", domain.RoleAdmin, domain.RoleResponsable); err != nil {
		return nil, err
	}
	var out *ent.Equipement
	err := database.WithTx(ctx, s.Client, func(tx *ent.Client) error {
		if err := placeOf(ctx, tx, in.EmplacementID, in.ClearEmplacement); err != nil {
			return err
		}
		// Read as the caller first: an update by id alone would reach equipment he does not
		// see (a scoped responsable's, outside his sites).
		e, err := tx.Equipement.Get(ctx, id)
		if ent.IsNotFound(err) {
			return domain.Errorf(domain.CodeNotFound, "equipement %d not found", id)
		} else if err != nil {
			return err
		}
		if in.ParentID != nil {
			if err := checkParent(ctx, tx, e, *in.ParentID); err != nil {
				return err
			}
		}
		before := e.Statut
		out, err = tx.Equipement.UpdateOneID(id).SetInput(in).Save(ctx)
		switch {
		case ent.IsNotFound(err):
			return domain.Errorf(domain.CodeNotFound, "equipement %d not found", id)
		case ent.IsConstraintError(err):
			return domain.Errorf(domain.CodeConflict, "another equipement already has this code")
		case err != nil:
			return err
		}
		if in.ClientID != nil || in.ClearClient {
			if err := keepsCoverage(ctx, tx, out); err != nil {
				return err
			}
		}
		if in.Statut != nil {
			if err := arret.Manual(ctx, tx, id, before, out.Statut, viewer.FromContext(ctx).UserID, s.Now()); err != nil {
				return err
			}
		}
		if out.Statut != domain.EquipementRetire {
			return nil
		}
		return tx.Planning.Update().
			Where(planning.EquipementID(id), planning.StatutEQ(domain.PlanningActif)).
			SetStatut(domain.PlanningSuspendu).
			Exec(ctx)
	})
	if err != nil {
		return nil, err
	}
	return out.Unwrap(), nil
}

// placeOf checks the place an equipement is put in (id; none when nil and required or
// cleared): one that does not exist is NOT_FOUND, before the foreign key would refuse it as
// a CONFLICT that names the code; a scoped responsable puts equipment under his sites only,
// so never nowhere, which would hide it from him.
func placeOf(ctx context.Context, tx *ent.Client, id *int, required bool) error {
	if id == nil {
		if required && viewer.FromContext(ctx).Scoped() {
			return domain.Errorf(domain.CodeBadUserInput, "emplacementID: you work under your sites: the equipement sits in one of their places")
		}
		return nil
	}
	e, err := tx.Emplacement.Get(ctx, *id)
	switch {
	case ent.IsNotFound(err):
		return domain.Errorf(domain.CodeNotFound, "place %d not found", *id)
	case err != nil:
		return fmt.Errorf("reading place %d: %w", *id, err)
	}
	return places.CheckWritable(ctx, tx, e)
}

// keepsCoverage refuses a change of client of an equipment that contracts of another client
// cover (CONFLICT): covered equipment is its contract's client's (internal/clientele).
func keepsCoverage(ctx context.Context, tx *ent.Client, e *ent.Equipement) error {
	q := tx.Contrat.Query().Where(contrat.HasEquipementsWith(equipement.ID(e.ID)))
	if e.ClientID != nil {
		q.Where(contrat.ClientIDNEQ(*e.ClientID))
	}
	c, err := q.First(viewer.SystemContext(ctx))
	switch {
	case ent.IsNotFound(err):
		return nil
	case err != nil:
		return fmt.Errorf("reading the contracts covering equipement %d: %w", e.ID, err)
	}
	return domain.Errorf(domain.CodeConflict,
		"equipement %s is covered by contract %s of its client: take it out of the contract before changing its client", e.Code, c.Reference)
}

// TakesWork checks that equipement id exists for the caller (NOT_FOUND) and may get new
// work or plannings: a retired one is EQUIPMENT_RETIRED.
func TakesWork(ctx context.Context, c *ent.Client, id int) error {
	e, err := c.Equipement.Get(ctx, id)
	if ent.IsNotFound(err) {
		return domain.Errorf(domain.CodeNotFound, "equipement %d not found", id)
	} else if err != nil {
		return err
	}
	if e.Statut == domain.EquipementRetire {
		return domain.Errorf(domain.CodeEquipmentRetired, "equipement %s is RETIRE: it takes no new work", e.Code)
	}
	return nil
}

// Delete removes an equipement that no intervention, planning, stop, part, document or meter
// refers to; otherwise CONFLICT and nothing is deleted (set its statut to RETIRE instead, or
// detach its parts first).
func (s *Service) Delete(ctx context.Context, id int) error {
	if err := viewer.Require(ctx, "delete equipements", domain.RoleAdmin, domain.RoleResponsable); err != nil {
		return err
	}
	e, err := s.Client.Equipement.Get(ctx, id)
	if ent.IsNotFound(err) {
		return domain.Errorf(domain.CodeNotFound, "equipement %d not found", id)
	} else if err != nil {
		return err
	}
	sys := viewer.SystemContext(ctx)
	used, err := s.Client.Equipement.Query().
		Where(equipement.ID(id), equipement.Or(equipement.HasInterventions(), equipement.HasPlannings(), equipement.HasArrets(),
			equipement.HasEnfants(), equipement.HasDocuments(), equipement.HasCompteurs())).
		Exist(sys)
	if err != nil {
		return fmt.Errorf("checking uses of equipement %d: %w", id, err)
	}
	if used {
		return domain.Errorf(domain.CodeConflict,
			"equipement %s has interventions, plannings, recorded stops, parts, documents or meters: it cannot be deleted (set its statut to RETIRE instead)", e.Code)
	}
	return s.Client.Equipement.DeleteOneID(id).Exec(ctx)
}
