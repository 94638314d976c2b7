package technicien

import (
	"context"
	"fmt"
	"strings"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/ent/competence"
	"github.com/mifmaroc/erp/ent/intervention"
	"github.com/mifmaroc/erp/ent/predicate"
	"github.com/mifmaroc/erp/ent/technicien"
	"github.com/mifmaroc/erp/ent/techniciencompetence"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/search"
	"github.com/mifmaroc/erp/internal/viewer"
)

// CreateCompetence adds a skill to the catalogue; names are unique whatever their case and
// accents (CONFLICT): "electricite" and "Électricité" are one skill.
func (s *Service) CreateCompetence(ctx context.Context, in ent.CreateCompetenceInput) (*ent.Competence, error) {
	if err := viewer.Require(ctx, "create competences", domain.RoleAdmin, domain.RoleResponsable); err != nil {
		return nil, err
	}
	in.Nom = strings.TrimSpace(in.Nom)
	if err := s.nameFree(ctx, in.Nom, 0); err != nil {
		return nil, err
	}
	c, err := s.Client.Competence.Create().SetInput(in).Save(ctx)
	if ent.IsConstraintError(err) {
		return nil, domain.Errorf(domain.CodeConflict, "competence %q already exists", in.Nom)
	}
	return c, err
}

// UpdateCompetence renames or redescribes a skill: NOT_FOUND, CONFLICT when the new name is
// another skill's (whatever the case and accents).
func (s *Service) UpdateCompetence(ctx context.Context, id int, in ent.UpdateCompetenceInput) (*ent.Competence, error) {
	if err := viewer.Require(ctx, "change competences", domain.RoleAdmin, domain.RoleResponsable); err != nil {
		return nil, err
	}
	if _, err := s.competence(ctx, id); err != nil {
		return nil, err
	}
	if in.Nom != nil {
		nom := strings.TrimSpace(*in.Nom)
		in.Nom = &nom
		if err := s.nameFree(ctx, nom, id); err != nil {
			return nil, err
		}
	}
	c, err := s.Client.Competence.UpdateOneID(id).SetInput(in).Save(ctx)
	if ent.IsConstraintError(err) {
		return nil, domain.Errorf(domain.CodeConflict, "competence %q already exists", *in.Nom)
	}
	return c, err
}

// DeleteCompetence removes a skill nobody holds and no intervention requires: NOT_FOUND,
// CONFLICT otherwise (remove it from the technicians, or from the interventions, first). The
// foreign key of the held skills refuses the delete too, should one be set meanwhile.
func (s *Service) DeleteCompetence(ctx context.Context, id int) (int, error) {
	if err := viewer.Require(ctx, "delete competences", domain.RoleAdmin, domain.RoleResponsable); err != nil {
		return 0, err
	}
	c, err := s.competence(ctx, id)
	if err != nil {
		return 0, err
	}
	held, err := s.Client.TechnicienCompetence.Query().Where(techniciencompetence.CompetenceID(id)).Count(viewer.SystemContext(ctx))
	if err != nil {
		return 0, fmt.Errorf("counting holders of competence %d: %w", id, err)
	}
	if held > 0 {
		return 0, domain.Errorf(domain.CodeConflict, "competence %q is held by %d technician(s): remove it from them first", c.Nom, held)
	}
	required, err := s.Client.Intervention.Query().Where(intervention.CompetenceRequiseID(id)).Count(viewer.SystemContext(ctx))
	if err != nil {
		return 0, fmt.Errorf("counting interventions requiring competence %d: %w", id, err)
	}
	if required > 0 {
		return 0, domain.Errorf(domain.CodeConflict, "competence %q is required by %d intervention(s)", c.Nom, required)
	}
	err = s.Client.Competence.DeleteOneID(id).Exec(ctx)
	if ent.IsConstraintError(err) {
		return 0, domain.Errorf(domain.CodeConflict, "competence %q is in use", c.Nom)
	}
	if err != nil {
		return 0, fmt.Errorf("deleting competence %d: %w", id, err)
	}
	return id, nil
}

// SetCompetence makes a technician hold a skill at niveau, whether he held it before or
// not: NOT_FOUND (technician, competence).
func (s *Service) SetCompetence(ctx context.Context, technicienID, competenceID int, niveau domain.NiveauCompetence) (*ent.TechnicienCompetence, error) {
	if err := viewer.Require(ctx, "set technicians' skills", domain.RoleAdmin, domain.RoleResponsable); err != nil {
		return nil, err
	}
	if niveau.Rank() == 0 {
		return nil, domain.Errorf(domain.CodeBadUserInput, "niveau %q is not a level", niveau)
	}
	if _, err := s.technicien(ctx, technicienID); err != nil {
		return nil, err
	}
	if _, err := s.competence(ctx, competenceID); err != nil {
		return nil, err
	}
	pair := techniciencompetence.And(techniciencompetence.TechnicienID(technicienID), techniciencompetence.CompetenceID(competenceID))
	// Two writers may set the same pair at once: the one whose insert loses to the unique
	// index updates the row the other wrote.
	for range 2 {
		n, err := s.Client.TechnicienCompetence.Update().Where(pair).SetNiveau(niveau).Save(ctx)
		if err != nil {
			return nil, fmt.Errorf("setting the level of competence %d of technicien %d: %w", competenceID, technicienID, err)
		}
		if n == 0 {
			_, err = s.Client.TechnicienCompetence.Create().SetTechnicienID(technicienID).SetCompetenceID(competenceID).SetNiveau(niveau).Save(ctx)
			if ent.IsConstraintError(err) {
				continue
			}
			if err != nil {
				return nil, fmt.Errorf("giving competence %d to technicien %d: %w", competenceID, technicienID, err)
			}
		}
		return s.Client.TechnicienCompetence.Query().Where(pair).Only(ctx)
	}
	return nil, domain.Errorf(domain.CodeConflict, "the skill was changed meanwhile: try again")
}

// RemoveCompetence takes a skill away from a technician and returns him: NOT_FOUND
// (technician, or a skill he does not hold).
func (s *Service) RemoveCompetence(ctx context.Context, technicienID, competenceID int) (*ent.Technicien, error) {
	if err := viewer.Require(ctx, "remove technicians' skills", domain.RoleAdmin, domain.RoleResponsable); err != nil {
		return nil, err
	}
	t, err := s.technicien(ctx, technicienID)
	if err != nil {
		return nil, err
	}
	n, err := s.Client.TechnicienCompetence.Delete().
		Where(techniciencompetence.TechnicienID(technicienID), techniciencompetence.CompetenceID(competenceID)).Exec(ctx)
	if err != nil {
		return nil, fmt.Errorf("removing competence %d from technicien %d: %w", competenceID, technicienID, err)
	}
	if n == 0 {
		return nil, domain.Errorf(domain.CodeNotFound, "technicien %d does not hold competence %d", technicienID, competenceID)
	}
	return t, nil
}

// Holds is the filter of the technicians who hold competence competenceID at niveauMin or
// above (any level when nil). It reads the held skills through their access rule, like
// every edge of a where filter: a technician learns nothing of his colleagues' skills.
func Holds(competenceID int, niveauMin *domain.NiveauCompetence) predicate.Technicien {
	ps := []predicate.TechnicienCompetence{techniciencompetence.CompetenceID(competenceID)}
	if niveauMin != nil {
		ps = append(ps, techniciencompetence.NiveauRangGTE(niveauMin.Rank()))
	}
	return technicien.HasCompetencesDetenuesWith(ps...)
}

// nameFree refuses a name that another skill than id already has, folding case and accents.
// The catalogue is small; comparing in Go folds accents the same way on every database.
func (s *Service) nameFree(ctx context.Context, nom string, id int) error {
	rows, err := s.Client.Competence.Query().Where(competence.IDNEQ(id)).Select(competence.FieldNom).Strings(ctx)
	if err != nil {
		return fmt.Errorf("reading competence names: %w", err)
	}
	key := search.Normalize(nom)
	for _, n := range rows {
		if search.Normalize(n) == key {
			return domain.Errorf(domain.CodeConflict, "competence %q already exists (as %q)", nom, n)
		}
	}
	return nil
}

func (s *Service) competence(ctx context.Context, id int) (*ent.Competence, error) {
	c, err := s.Client.Competence.Get(ctx, id)
	if ent.IsNotFound(err) {
		return nil, domain.Errorf(domain.CodeNotFound, "competence %d not found", id)
	}
	return c, err
}

func (s *Service) technicien(ctx context.Context, id int) (*ent.Technicien, error) {
	t, err := s.Client.Technicien.Get(ctx, id)
	if ent.IsNotFound(err) {
		return nil, domain.Errorf(domain.CodeNotFound, "technicien %d not found", id)
	}
	return t, err
}
