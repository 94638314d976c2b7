package graph_test

import (
	"encoding/json"
	"fmt"
	"strconv"
	"testing"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/ent/competence"
	"github.com/mifmaroc/erp/ent/techniciencompetence"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/gqltest"
)

// TestSkillsNonInterference: the skills company B's technician holds are rows company A's
// client and technician may not read, though both read his profile (he took over company
// A's work). Changing them (a level, a skill given, one taken away) changes nothing they
// get, through the where filters that reach skills, node(id:), the skills of the
// technicians they read and the techniciens filter by skill; ADMIN sees the change.
func TestSkillsNonInterference(t *testing.T) {
	// The questions that reach skills: a filter or a path that names no skill cannot
	// depend on who holds which.
	probes := probesThrough(t, "ompetence")
	cases := []struct {
		role   domain.Role
		viewer func(*world) *ent.User
	}{
		{domain.RoleClient, func(w *world) *ent.User { return w.clientA }},
		{domain.RoleTechnicien, func(w *world) *ent.User { return w.techUserA }},
	}
	for _, tc := range cases {
		t.Run(string(tc.role), func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			ctx, c := w.env.Sys, w.env.Client
			froid := c.Competence.Query().Where(competence.Nom("Froid")).OnlyX(ctx)
			hydro := c.Competence.Create().SetNom("Hydraulique").SaveX(ctx)
			soudure := c.Competence.Create().SetNom("Soudure").SaveX(ctx)
			c.TechnicienCompetence.Create().SetTechnicien(w.techA).SetCompetence(froid).SetNiveau(domain.NiveauAvance).ExecX(ctx)
			heldB := c.TechnicienCompetence.Create().SetTechnicien(w.techB).SetCompetence(froid).SetNiveau(domain.NiveauExpert).SaveX(ctx)
			hydroB := c.TechnicienCompetence.Create().SetTechnicien(w.techB).SetCompetence(hydro).SetNiveau(domain.NiveauDebutant).SaveX(ctx)
			// Company B's technician took over company A's work, which its client and
			// technician (who worked on it) read: both read his profile.
			relais := c.Intervention.Create().SetTitre("Relais").SetEquipement(w.eqA).SetClient(w.socA).
				SetDemandeur(w.clientA).SetTechnicien(w.techB).SetStatut(domain.StatutAffectee).SaveX(ctx)
			c.HistoriqueIntervention.Create().SetIntervention(relais).SetUser(w.techUserA).SetTechnicienID(w.techA.ID).
				SetNouveauStatut(domain.StatutEnCours).ExecX(ctx)

			all := append(w.nodeProbes(), probes...)
			for _, h := range []*ent.TechnicienCompetence{heldB, hydroB} {
				all = append(all, probe{node: strconv.Itoa(h.ID)})
			}
			var queries []string
			for _, comp := range []*ent.Competence{froid, hydro, soudure} {
				for _, min := range []string{"null", "DEBUTANT", "AVANCE", "EXPERT"} {
					queries = append(queries, fmt.Sprintf(`{ techniciens(first: 50, where: {competence: {competenceId: %d, niveauMin: %s}}) { totalCount edges { node { id } } } }`, comp.ID, min))
					queries = append(queries, fmt.Sprintf(`{ techniciens(first: 50, where: {not: {competence: {competenceId: %d, niveauMin: %s}}}) { totalCount edges { node { id } } } }`, comp.ID, min))
				}
			}
			queries = append(queries,
				`{ techniciens(first: 50) { edges { node { id competencesDetenues { id niveau competence { nom } } } } } }`,
				`{ techniciens(first: 50, where: {hasCompetencesDetenuesWith: [{niveau: EXPERT}]}) { totalCount } }`,
				`{ interventions(first: 50) { edges { node { id technicien { id competencesDetenues { id niveau } } } } } }`,
				`{ competences { id nom } }`,
			)
			as, admin := w.env.As(t, tc.viewer(w)), w.env.As(t, w.admin)
			before, adminBefore := ask(t, as, all), ask(t, admin, all)
			qBefore, qAdminBefore := askAll(t, as, queries), askAll(t, admin, queries)

			c.TechnicienCompetence.UpdateOne(heldB).SetNiveau(domain.NiveauDebutant).ExecX(ctx)
			c.TechnicienCompetence.DeleteOne(hydroB).ExecX(ctx)
			c.TechnicienCompetence.Create().SetTechnicien(w.techB).SetCompetence(soudure).SetNiveau(domain.NiveauExpert).ExecX(ctx)

			after, adminAfter := ask(t, as, all), ask(t, admin, all)
			qAfter, qAdminAfter := askAll(t, as, queries), askAll(t, admin, queries)
			seen := 0
			for i := range all {
				if before[i] != after[i] {
					t.Errorf("%s learns about skills he may not read through %+v:\nbefore: %s\nafter:  %s", tc.role, all[i], before[i], after[i])
				}
				if adminBefore[i] != adminAfter[i] {
					seen++
				}
			}
			for i, q := range queries {
				if qBefore[i] != qAfter[i] {
					t.Errorf("%s learns about skills he may not read through %s:\nbefore: %s\nafter:  %s", tc.role, q, qBefore[i], qAfter[i])
				}
				if qAdminBefore[i] != qAdminAfter[i] {
					seen++
				}
			}
			if seen == 0 {
				t.Fatal("no question shows ADMIN the change: the questions test nothing")
			}
			// The viewer does read company B's technician, and the technician his own skills.
			if n := c.TechnicienCompetence.Query().Where(techniciencompetence.TechnicienID(w.techB.ID)).CountX(ctx); n != 2 {
				t.Fatalf("company B's technician holds %d skills after the change, want 2", n)
			}
		})
	}
}

// askAll sends each query alone and returns what its answer says: data, codes and messages.
func askAll(t *testing.T, c *gqltest.Client, queries []string) []string {
	t.Helper()
	out := make([]string, len(queries))
	for i, q := range queries {
		res := c.Do(q, nil)
		errs, err := json.Marshal(res.Errors)
		if err != nil {
			t.Fatal(err)
		}
		out[i] = string(res.Data) + " " + string(errs)
	}
	return out
}
