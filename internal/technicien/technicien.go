// Package technicien manages technicians' profiles and the skills catalogue.
package technicien

import (
	"context"
	"strings"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/ent/competence"
	"github.com/mifmaroc/erp/ent/technicien"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/search"
	"github.com/mifmaroc/erp/internal/viewer"
)

// Service manages technicians and skills.
type Service struct {
	Client *ent.Client
}

// Create gives a TECHNICIEN user his profile: BAD_USER_INPUT for another role, NOT_FOUND
// for an unknown user, CONFLICT when he already has one.
func (s *Service) Create(ctx context.Context, in ent.CreateTechnicienInput) (*ent.Technicien, error) {
	if err := viewer.Require(ctx, "create technician profiles", domain.RoleAdmin, domain.RoleResponsable); err != nil {
		return nil, err
	}
	u, err := s.Client.User.Get(ctx, in.UserID)
	if ent.IsNotFound(err) {
		return nil, domain.Errorf(domain.CodeNotFound, "user %d not found", in.UserID)
	} else if err != nil {
		return nil, err
	}
	if u.Role != domain.RoleTechnicien {
		return nil, domain.Errorf(domain.CodeBadUserInput, "user %s has role %s: only a TECHNICIEN user gets a technician profile", u.Email, u.Role)
	}
	exists, err := s.Client.Technicien.Query().Where(technicien.UserID(u.ID)).Exist(viewer.SystemContext(ctx))
	if err != nil {
		return nil, err
	}
	if exists {
		return nil, domain.Errorf(domain.CodeConflict, "user %s already has a technician profile", u.Email)
	}
	t, err := s.Client.Technicien.Create().SetInput(in).Save(ctx)
	if ent.IsConstraintError(err) {
		return nil, domain.Errorf(domain.CodeConflict, "user %s already has a technician profile", u.Email)
	}
	return t, err
}

// Update changes a profile. A technician may change only his own availability; staff change
// everything. Adding a skill the technician already has is CONFLICT.
func (s *Service) Update(ctx context.Context, id int, in ent.UpdateTechnicienInput) (*ent.Technicien, error) {
	v := viewer.FromContext(ctx)
	t, err := s.Client.Technicien.Get(ctx, id)
	if ent.IsNotFound(err) {
		return nil, domain.Errorf(domain.CodeNotFound, "technicien %d not found", id)
	} else if err != nil {
		return nil, err
	}
	if !v.Staff() {
		if t.UserID != v.UserID {
			return nil, domain.Errorf(domain.CodeForbidden, "a technician may only change his own profile")
		}
		if in.Equipe != nil || in.ClearEquipe || in.TauxHoraireCentimes != nil ||
			len(in.AddCompetenceIDs) > 0 || len(in.RemoveCompetenceIDs) > 0 || in.ClearCompetences {
			return nil, domain.Errorf(domain.CodeForbidden, "a technician may only change his availability")
		}
	}
	if len(in.AddCompetenceIDs) > 0 {
		dup, err := t.QueryCompetences().Where(competence.IDIn(in.AddCompetenceIDs...)).First(viewer.SystemContext(ctx))
		if err == nil {
			return nil, domain.Errorf(domain.CodeConflict, "the technician already has competence %s", dup.Nom)
		} else if !ent.IsNotFound(err) {
			return nil, err
		}
	}
	out, err := s.Client.Technicien.UpdateOneID(id).SetInput(in).Save(ctx)
	if ent.IsConstraintError(err) {
		return nil, domain.Errorf(domain.CodeConflict, "this change conflicts with existing data (unknown or duplicate competence)")
	}
	return out, err
}

// CreateCompetence adds a skill; names are unique whatever their case and accents
// (CONFLICT): "electricite" and "Électricité" are one skill.
func (s *Service) CreateCompetence(ctx context.Context, in ent.CreateCompetenceInput) (*ent.Competence, error) {
	if err := viewer.Require(ctx, "create competences", domain.RoleAdmin, domain.RoleResponsable); err != nil {
		return nil, err
	}
	in.Nom = strings.TrimSpace(in.Nom)
	// The catalogue is small; comparing in Go folds accents the same way on every database.
	names, err := s.Client.Competence.Query().Select(competence.FieldNom).Strings(ctx)
	if err != nil {
		return nil, err
	}
	key := search.Normalize(in.Nom)
	for _, n := range names {
		if search.Normalize(n) == key {
			return nil, domain.Errorf(domain.CodeConflict, "competence %q already exists (as %q)", in.Nom, n)
		}
	}
	c, err := s.Client.Competence.Create().SetInput(in).Save(ctx)
	if ent.IsConstraintError(err) {
		return nil, domain.Errorf(domain.CodeConflict, "competence %q already exists", in.Nom)
	}
	return c, err
}
