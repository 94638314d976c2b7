package technicien

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/ent/intervention"
	"github.com/mifmaroc/erp/ent/technicien"
	"github.com/mifmaroc/erp/ent/techniciencompetence"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/viewer"
)

// Candidat is a technician who could take a piece of work, with what ranks him.
type Candidat struct {
	Technicien *ent.Technicien
	// Niveau is his level in the skill asked; empty when no skill was asked.
	Niveau domain.NiveauCompetence
	// Disponible: his disponibilite is DISPONIBLE.
	Disponible bool
	// Charge counts his open work: interventions assigned to him and not yet closed.
	Charge int
}

// chargeStatuts are the statuses of work a technician has on his hands.
var chargeStatuts = []domain.InterventionStatut{domain.StatutAffectee, domain.StatutEnCours, domain.StatutEnAttente}

// MaxCandidats bounds the answer of Candidats.
const MaxCandidats = 100

// Candidats ranks the active technicians who could take intervention interventionID: with
// a skill, only those who hold it (at niveauMin or above); available ones first, then the
// higher level, then the lighter load, then the older profile. The skill is competenceID,
// else the one the intervention requires, at its required level unless niveauMin is given.
// Staff only (FORBIDDEN); NOT_FOUND (intervention, competence); BAD_USER_INPUT (niveauMin
// without a skill, first out of 1..MaxCandidats).
func (s *Service) Candidats(ctx context.Context, interventionID int, competenceID *int, niveauMin *domain.NiveauCompetence, first int) ([]Candidat, error) {
	if err := viewer.Require(ctx, "rank candidates for an intervention", domain.RoleAdmin, domain.RoleResponsable); err != nil {
		return nil, err
	}
	if first < 1 || first > MaxCandidats {
		return nil, domain.Errorf(domain.CodeBadUserInput, "first must be between 1 and %d (got %d)", MaxCandidats, first)
	}
	iv, err := s.Client.Intervention.Get(ctx, interventionID)
	if ent.IsNotFound(err) {
		return nil, domain.Errorf(domain.CodeNotFound, "intervention %d not found", interventionID)
	} else if err != nil {
		return nil, fmt.Errorf("reading intervention %d: %w", interventionID, err)
	}
	if competenceID == nil && iv.CompetenceRequiseID != nil {
		competenceID = iv.CompetenceRequiseID
		if niveauMin == nil {
			niveauMin = iv.NiveauRequis
		}
	}
	if niveauMin != nil && competenceID == nil {
		return nil, domain.Errorf(domain.CodeBadUserInput, "niveauMin needs competenceId (the intervention requires no skill)")
	}
	q := s.Client.Technicien.Query().Where(technicien.Actif(true))
	niveaux := map[int]domain.NiveauCompetence{}
	if competenceID != nil {
		if _, err := s.competence(ctx, *competenceID); err != nil {
			return nil, err
		}
		q.Where(Holds(*competenceID, niveauMin))
		held, err := s.Client.TechnicienCompetence.Query().
			Where(techniciencompetence.CompetenceID(*competenceID)).
			Select(techniciencompetence.FieldTechnicienID, techniciencompetence.FieldNiveau).All(ctx)
		if err != nil {
			return nil, fmt.Errorf("reading the holders of competence %d: %w", *competenceID, err)
		}
		for _, h := range held {
			niveaux[h.TechnicienID] = h.Niveau
		}
	}
	// The answer shows the technicians with their account and skills: loaded here in a
	// statement each, rather than one per candidate by the edges' resolvers.
	techs, err := q.WithUser().
		WithCompetencesDetenues(func(q *ent.TechnicienCompetenceQuery) { q.WithCompetence() }).
		All(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading technicians: %w", err)
	}
	var loads []struct {
		TechnicienID int `json:"technicien_id"`
		Count        int `json:"count"`
	}
	err = s.Client.Intervention.Query().
		Where(intervention.StatutIn(chargeStatuts...), intervention.TechnicienIDNotNil()).
		GroupBy(intervention.FieldTechnicienID).Aggregate(ent.Count()).Scan(ctx, &loads)
	if err != nil {
		return nil, fmt.Errorf("counting technicians' open work: %w", err)
	}
	charge := make(map[int]int, len(loads))
	for _, l := range loads {
		charge[l.TechnicienID] = l.Count
	}
	out := make([]Candidat, len(techs))
	for i, t := range techs {
		out[i] = Candidat{Technicien: t, Niveau: niveaux[t.ID], Disponible: t.Disponibilite == domain.DisponibiliteDisponible, Charge: charge[t.ID]}
	}
	slices.SortFunc(out, compareCandidats)
	return out[:min(first, len(out))], nil
}

// compareCandidats is the order of Candidats.
func compareCandidats(a, b Candidat) int {
	if a.Disponible != b.Disponible {
		if a.Disponible {
			return -1
		}
		return 1
	}
	return cmp.Or(
		cmp.Compare(b.Niveau.Rank(), a.Niveau.Rank()),
		cmp.Compare(a.Charge, b.Charge),
		cmp.Compare(a.Technicien.ID, b.Technicien.ID),
	)
}
