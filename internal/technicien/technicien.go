// Package technicien manages technicians' profiles, the skills catalogue, the levels at
// which technicians hold skills, and who can take a piece of work.
package technicien

import (
	"context"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/ent/technicien"
	"github.com/mifmaroc/erp/internal/domain"
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
// everything. Skills are set one at a time (SetCompetence).
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
		if in.Equipe != nil || in.ClearEquipe || in.TauxHoraireCentimes != nil {
			return nil, domain.Errorf(domain.CodeForbidden, "a technician may only change his availability")
		}
	}
	return s.Client.Technicien.UpdateOneID(id).SetInput(in).Save(ctx)
}
