package seed

import (
	"context"
	"fmt"
	"math/rand/v2"

	"entgo.io/ent/dialect/sql"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/ent/competence"
	"github.com/mifmaroc/erp/ent/intervention"
	"github.com/mifmaroc/erp/internal/domain"
)

// catalogue is the seeded skills catalogue, by team: a technician's first skill is his
// team's.
var catalogue = []struct{ nom, description string }{
	{"Froid", "groupes froids, climatisation, fluides frigorigènes"},
	{"Électricité", "armoires, moteurs, habilitation basse tension"},
	{"Mécanique", "roulements, alignement, transmissions"},
	{"Hydraulique", "pompes, vérins, circuits"},
	{"Automatisme", "automates, capteurs, variateurs"},
	{"Soudure", "acier, inox, TIG et MIG"},
	{"Pneumatique", "compresseurs, réseaux d'air"},
	{"Chaudronnerie", "réservoirs, tuyauterie"},
}

// seedSkills fills the catalogue and gives each technician one to four skills, his team's
// first, at levels drawn from their own generator so that the rows the main generator
// draws stay what they were before skills existed.
func seedSkills(ctx context.Context, client *ent.Client, s Size, techs []*ent.Technicien, equipes []string) (held int, err error) {
	comps, err := bulk(ctx, len(catalogue), func(i int) *ent.CompetenceCreate {
		return client.Competence.Create().SetNom(catalogue[i].nom).SetDescription(catalogue[i].description)
	}, client.Competence.CreateBulk)
	if err != nil {
		return 0, err
	}
	byName := make(map[string]*ent.Competence, len(comps))
	for _, c := range comps {
		byName[c.Nom] = c
	}
	rng := rand.New(rand.NewPCG(23, uint64(len(s.Name))))
	niveaux := domain.NiveauCompetence("").Values()
	var creates []*ent.TechnicienCompetenceCreate
	for i, t := range techs {
		first := byName[equipes[i%len(equipes)]]
		picked := []*ent.Competence{first}
		for _, k := range rng.Perm(len(comps))[:rng.IntN(4)] {
			if comps[k].ID != first.ID && len(picked) < 4 {
				picked = append(picked, comps[k])
			}
		}
		for j, c := range picked {
			// His team's skill is his strongest: AVANCE or EXPERT.
			n := niveaux[rng.IntN(len(niveaux))]
			if j == 0 {
				n = niveaux[2+rng.IntN(2)]
			}
			creates = append(creates, client.TechnicienCompetence.Create().
				SetTechnicienID(t.ID).SetCompetenceID(c.ID).SetNiveau(domain.NiveauCompetence(n)))
		}
	}
	if err := insertAll(ctx, creates, client.TechnicienCompetence.CreateBulk); err != nil {
		return 0, err
	}
	return len(creates), nil
}

// requireSkills makes a quarter of the interventions require a skill of the catalogue, one
// in five of those at no particular level, chosen from the ids alone (a few UPDATEs, however
// many interventions, and no draw from any generator).
func requireSkills(ctx context.Context, client *ent.Client) (int, error) {
	comps, err := client.Competence.Query().Order(ent.Asc(competence.FieldID)).All(ctx)
	if err != nil {
		return 0, err
	}
	const spread = 32 // ids modulo spread pick the skill: one in len(comps) of them
	niveaux := domain.NiveauCompetence("").Values()
	total := 0
	for k, c := range comps[:min(len(comps), spread/4)] {
		for j := range len(niveaux) + 1 {
			upd := client.Intervention.Update().
				Where(func(s *sql.Selector) {
					id := s.C(intervention.FieldID)
					s.Where(sql.ExprP(fmt.Sprintf("(%s %% %d) = %d AND ((%s / %d) %% %d) = %d", id, spread, k, id, spread, len(niveaux)+1, j)))
				}).
				SetCompetenceRequiseID(c.ID)
			if j > 0 {
				upd.SetNiveauRequis(domain.NiveauCompetence(niveaux[j-1]))
			}
			n, err := upd.Save(ctx)
			if err != nil {
				return 0, err
			}
			total += n
		}
	}
	return total, nil
}
