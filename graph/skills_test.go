package graph_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mifmaroc/erp/ent"
	entcompetence "github.com/mifmaroc/erp/ent/competence"
	"github.com/mifmaroc/erp/ent/techniciencompetence"
	"github.com/mifmaroc/erp/internal/apptest"
	"github.com/mifmaroc/erp/internal/config"
	"github.com/mifmaroc/erp/internal/domain"
)

// skillRows is every skill held, as "technicien competence NIVEAU/rank", sorted: what a
// refused request must leave as it was.
func skillRows(t *testing.T, env *apptest.Env) []string {
	t.Helper()
	rows, err := env.Client.TechnicienCompetence.Query().Order(ent.Asc(techniciencompetence.FieldID)).All(env.Sys)
	if err != nil {
		t.Fatalf("reading skills held: %v", err)
	}
	out := []string{}
	for _, r := range rows {
		out = append(out, fmt.Sprintf("%d %d %s/%d", r.TechnicienID, r.CompetenceID, r.Niveau, r.NiveauRang))
	}
	slices.Sort(out)
	return out
}

// catalogueRows is the catalogue and the skills held.
func catalogueRows(t *testing.T, env *apptest.Env) []string {
	t.Helper()
	out := skillRows(t, env)
	for _, c := range env.Client.Competence.Query().Order(ent.Asc(entcompetence.FieldID)).AllX(env.Sys) {
		out = append(out, fmt.Sprintf("%d %s (%s)", c.ID, c.Nom, c.Description))
	}
	return out
}

func newTechnicien(t *testing.T, env *apptest.Env, name string, dispo domain.Disponibilite) *ent.Technicien {
	t.Helper()
	u := env.User(t, name, domain.RoleTechnicien)
	return env.Client.Technicien.Create().SetUser(u).SetDisponibilite(dispo).SaveX(env.Sys)
}

func holds(t *testing.T, env *apptest.Env, tech *ent.Technicien, c *ent.Competence, n domain.NiveauCompetence) {
	t.Helper()
	env.Client.TechnicienCompetence.Create().SetTechnicien(tech).SetCompetence(c).SetNiveau(n).ExecX(env.Sys)
}

func TestUpdateDeleteCompetence(t *testing.T) {
	env := apptest.New(t)
	c := env.Client
	admin := env.User(t, "Admin", domain.RoleAdmin)
	resp := env.User(t, "Resp", domain.RoleResponsable)
	tech := newTechnicien(t, env, "Tech", domain.DisponibiliteDisponible)
	techUser := tech.QueryUser().OnlyX(env.Sys)
	froid := c.Competence.Create().SetNom("Froid").SaveX(env.Sys)
	elec := c.Competence.Create().SetNom("Électricité").SaveX(env.Sys)
	soudure := c.Competence.Create().SetNom("Soudure").SaveX(env.Sys)
	holds(t, env, tech, froid, domain.NiveauExpert)
	c.Intervention.Create().SetTitre("Soudage").SetDemandeur(resp).SetCompetenceRequise(soudure).ExecX(env.Sys)
	snap := func() []string { return catalogueRows(t, env) }

	const update = `mutation($id: ID!, $in: UpdateCompetenceInput!) { updateCompetence(id: $id, input: $in) { id nom description } }`
	t.Run("Update", func(t *testing.T) {
		type out struct{ ID, Nom, Description string }
		var got struct{ UpdateCompetence out }
		resOK(t, env.As(t, resp), update, map[string]any{"id": resID(soudure.ID), "in": map[string]any{"nom": "  Soudure TIG ", "description": "inox"}}, &got)
		if diff := cmp.Diff(out{resID(soudure.ID), "Soudure TIG", "inox"}, got.UpdateCompetence); diff != "" {
			t.Errorf("updateCompetence (-want +got):\n%s", diff)
		}
		// Its own name in another case is no conflict with itself.
		resOK(t, env.As(t, admin), update, map[string]any{"id": resID(soudure.ID), "in": map[string]any{"nom": "SOUDURE TIG"}}, &got)
		if got.UpdateCompetence.Nom != "SOUDURE TIG" || got.UpdateCompetence.Description != "inox" {
			t.Errorf("renamed in capitals: %+v", got.UpdateCompetence)
		}
	})
	refused := []struct {
		name string
		as   *ent.User
		id   int
		in   map[string]any
		code string
	}{
		{"NameOfAnother", admin, soudure.ID, map[string]any{"nom": "froid"}, "CONFLICT"},
		{"NameOfAnotherAccents", resp, soudure.ID, map[string]any{"nom": "electricite"}, "CONFLICT"},
		{"Empty", admin, soudure.ID, map[string]any{"nom": "  "}, "BAD_USER_INPUT"},
		{"Unknown", admin, soudure.ID + 1000, map[string]any{"nom": "Vide"}, "NOT_FOUND"},
		{"Technicien", techUser, soudure.ID, map[string]any{"nom": "Vide"}, "FORBIDDEN"},
	}
	for _, tt := range refused {
		t.Run("Update"+tt.name, func(t *testing.T) {
			resRefused(t, env.As(t, tt.as), update, map[string]any{"id": resID(tt.id), "in": tt.in}, tt.code, snap)
		})
	}

	const del = `mutation($id: ID!) { deleteCompetence(id: $id) }`
	for _, tt := range []struct {
		name string
		as   *ent.User
		id   int
		code string
	}{
		{"Held", admin, froid.ID, "CONFLICT"},
		{"Required", admin, soudure.ID, "CONFLICT"},
		{"Unknown", admin, froid.ID + 1000, "NOT_FOUND"},
		{"Technicien", techUser, elec.ID, "FORBIDDEN"},
	} {
		t.Run("Delete"+tt.name, func(t *testing.T) {
			resRefused(t, env.As(t, tt.as), del, map[string]any{"id": resID(tt.id)}, tt.code, snap)
		})
	}
	t.Run("DeleteUnused", func(t *testing.T) {
		before := snap()
		var got struct{ DeleteCompetence string }
		resOK(t, env.As(t, resp), del, map[string]any{"id": resID(elec.ID)}, &got)
		if got.DeleteCompetence != resID(elec.ID) {
			t.Errorf("deleteCompetence = %s, want %d", got.DeleteCompetence, elec.ID)
		}
		want := slices.DeleteFunc(before, func(s string) bool { return s == fmt.Sprintf("%d Électricité ()", elec.ID) })
		if diff := cmp.Diff(want, snap()); diff != "" {
			t.Errorf("after deleteCompetence (-want +got):\n%s", diff)
		}
	})
	t.Run("DeleteOnceNoLongerHeld", func(t *testing.T) {
		resOK(t, env.As(t, admin), `mutation($t: ID!, $c: ID!) { removeTechnicienCompetence(technicienId: $t, competenceId: $c) { id } }`,
			map[string]any{"t": resID(tech.ID), "c": resID(froid.ID)}, &struct{}{})
		resOK(t, env.As(t, admin), del, map[string]any{"id": resID(froid.ID)}, &struct{}{})
		if c.Competence.Query().Where(entcompetence.ID(froid.ID)).ExistX(env.Sys) {
			t.Error("the competence is still there")
		}
	})
}

func TestSetRemoveTechnicienCompetence(t *testing.T) {
	env := apptest.New(t)
	c := env.Client
	admin := env.User(t, "Admin", domain.RoleAdmin)
	resp := env.User(t, "Resp", domain.RoleResponsable)
	clientUser := env.User(t, "Client", domain.RoleClient)
	tech := newTechnicien(t, env, "Tech", domain.DisponibiliteDisponible)
	other := newTechnicien(t, env, "Autre", domain.DisponibiliteDisponible)
	techUser := tech.QueryUser().OnlyX(env.Sys)
	froid := c.Competence.Create().SetNom("Froid").SaveX(env.Sys)
	hydro := c.Competence.Create().SetNom("Hydraulique").SaveX(env.Sys)
	holds(t, env, other, hydro, domain.NiveauAvance)
	snap := func() []string { return skillRows(t, env) }
	row := func(tc *ent.Technicien, comp *ent.Competence, n domain.NiveauCompetence) string {
		return fmt.Sprintf("%d %d %s/%d", tc.ID, comp.ID, n, n.Rank())
	}

	const set = `mutation($t: ID!, $c: ID!, $n: NiveauCompetence!) {
		setTechnicienCompetence(technicienId: $t, competenceId: $c, niveau: $n) { niveau technicien { id } competence { nom } } }`
	const remove = `mutation($t: ID!, $c: ID!) { removeTechnicienCompetence(technicienId: $t, competenceId: $c) { id competencesDetenues { niveau competence { nom } } } }`
	type held struct {
		Niveau     string
		Technicien struct{ ID string }
		Competence struct{ Nom string }
	}
	// Each case starts where the previous one left.
	steps := []struct {
		name   string
		as     *ent.User
		tech   *ent.Technicien
		comp   *ent.Competence
		niveau domain.NiveauCompetence
		want   []string
	}{
		{"Give", resp, tech, froid, domain.NiveauDebutant,
			[]string{row(tech, froid, domain.NiveauDebutant), row(other, hydro, domain.NiveauAvance)}},
		{"RaiseLevel", admin, tech, froid, domain.NiveauExpert,
			[]string{row(tech, froid, domain.NiveauExpert), row(other, hydro, domain.NiveauAvance)}},
		{"SameAgain", admin, tech, froid, domain.NiveauExpert,
			[]string{row(tech, froid, domain.NiveauExpert), row(other, hydro, domain.NiveauAvance)}},
		{"Second", resp, tech, hydro, domain.NiveauIntermediaire,
			[]string{row(tech, froid, domain.NiveauExpert), row(tech, hydro, domain.NiveauIntermediaire), row(other, hydro, domain.NiveauAvance)}},
	}
	for _, st := range steps {
		t.Run("Set"+st.name, func(t *testing.T) {
			var got struct{ SetTechnicienCompetence held }
			resOK(t, env.As(t, st.as), set, map[string]any{"t": resID(st.tech.ID), "c": resID(st.comp.ID), "n": string(st.niveau)}, &got)
			want := held{Niveau: string(st.niveau)}
			want.Technicien.ID, want.Competence.Nom = resID(st.tech.ID), st.comp.Nom
			if diff := cmp.Diff(want, got.SetTechnicienCompetence); diff != "" {
				t.Errorf("setTechnicienCompetence (-want +got):\n%s", diff)
			}
			want2 := slices.Sorted(slices.Values(st.want))
			if diff := cmp.Diff(want2, snap()); diff != "" {
				t.Errorf("skills held (-want +got):\n%s", diff)
			}
		})
	}
	for _, tt := range []struct {
		name       string
		as         *ent.User
		tech, comp int
		niveau     string
		code       string
	}{
		{"UnknownTechnicien", admin, other.ID + 1000, froid.ID, "AVANCE", "NOT_FOUND"},
		{"UnknownCompetence", admin, tech.ID, hydro.ID + 1000, "AVANCE", "NOT_FOUND"},
		{"UnknownLevel", admin, tech.ID, froid.ID, "MAITRE", "BAD_USER_INPUT"},
		{"ByTechnicien", techUser, tech.ID, froid.ID, "DEBUTANT", "FORBIDDEN"},
		{"ByClient", clientUser, tech.ID, froid.ID, "DEBUTANT", "FORBIDDEN"},
	} {
		t.Run("Set"+tt.name, func(t *testing.T) {
			resRefused(t, env.As(t, tt.as), set, map[string]any{"t": resID(tt.tech), "c": resID(tt.comp), "n": tt.niveau}, tt.code, snap)
		})
	}

	// The technician reads his own skills, not his colleague's.
	t.Run("TechnicienReadsOwn", func(t *testing.T) {
		const q = `query($id: ID!) { node(id: $id) { ... on Technicien { competencesDetenues { niveau competence { nom } } } } }`
		var got struct {
			Node *struct {
				CompetencesDetenues []struct {
					Niveau     string
					Competence struct{ Nom string }
				}
			}
		}
		resOK(t, env.As(t, techUser), q, map[string]any{"id": resID(tech.ID)}, &got)
		var noms []string
		for _, h := range got.Node.CompetencesDetenues {
			noms = append(noms, h.Competence.Nom+" "+h.Niveau)
		}
		slices.Sort(noms)
		if diff := cmp.Diff([]string{"Froid EXPERT", "Hydraulique INTERMEDIAIRE"}, noms); diff != "" {
			t.Errorf("own skills (-want +got):\n%s", diff)
		}
		otherSkill := c.TechnicienCompetence.Query().Where(techniciencompetence.TechnicienID(other.ID)).OnlyX(env.Sys)
		// Invisible rows are absent: NOT_FOUND, as for a row that does not exist.
		if res := env.As(t, techUser).Do(`query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": resID(otherSkill.ID)}); len(res.Errors) == 0 || res.Errors[0].Code() != "NOT_FOUND" {
			t.Errorf("a technician reads his colleague's skill: %s %+v", res.Data, res.Errors)
		}
		var node struct{ Node *struct{ ID string } }
		resOK(t, env.As(t, resp), `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": resID(otherSkill.ID)}, &node)
		if node.Node == nil {
			t.Error("staff cannot read a skill held")
		}
	})

	t.Run("Remove", func(t *testing.T) {
		var got struct {
			RemoveTechnicienCompetence struct {
				ID                  string
				CompetencesDetenues []struct {
					Niveau     string
					Competence struct{ Nom string }
				}
			}
		}
		resOK(t, env.As(t, resp), remove, map[string]any{"t": resID(tech.ID), "c": resID(froid.ID)}, &got)
		if r := got.RemoveTechnicienCompetence; r.ID != resID(tech.ID) || len(r.CompetencesDetenues) != 1 ||
			r.CompetencesDetenues[0].Competence.Nom != "Hydraulique" {
			t.Errorf("removeTechnicienCompetence = %+v, want the technician with Hydraulique only", r)
		}
		want := []string{row(tech, hydro, domain.NiveauIntermediaire), row(other, hydro, domain.NiveauAvance)}
		if diff := cmp.Diff(slices.Sorted(slices.Values(want)), snap()); diff != "" {
			t.Errorf("skills held after remove (-want +got):\n%s", diff)
		}
	})
	for _, tt := range []struct {
		name       string
		as         *ent.User
		tech, comp int
		code       string
	}{
		{"NotHeld", admin, tech.ID, froid.ID, "NOT_FOUND"},
		{"UnknownTechnicien", admin, tech.ID + 1000, hydro.ID, "NOT_FOUND"},
		{"ByTechnicien", techUser, tech.ID, hydro.ID, "FORBIDDEN"},
	} {
		t.Run("Remove"+tt.name, func(t *testing.T) {
			resRefused(t, env.As(t, tt.as), remove, map[string]any{"t": resID(tt.tech), "c": resID(tt.comp)}, tt.code, snap)
		})
	}
}

// skillsTeam is the fixture of the filter and candidates tests: technicians holding Froid
// at every level, available or not, loaded or not, one deactivated, one without it.
type skillsTeam struct {
	env                 *apptest.Env
	admin, resp, client *ent.User
	froid, hydro        *ent.Competence
	a, b, c, d, e, f, g *ent.Technicien
	iv, ivFroid         *ent.Intervention
}

func newSkillsTeam(t *testing.T, configure ...func(*config.Config)) *skillsTeam {
	t.Helper()
	env := apptest.New(t, configure...)
	w := &skillsTeam{env: env}
	c := env.Client
	w.admin = env.User(t, "Admin", domain.RoleAdmin)
	w.resp = env.User(t, "Resp", domain.RoleResponsable)
	w.client = env.User(t, "Client", domain.RoleClient)
	w.froid = c.Competence.Create().SetNom("Froid").SaveX(env.Sys)
	w.hydro = c.Competence.Create().SetNom("Hydraulique").SaveX(env.Sys)
	dispo, conge, occupe := domain.DisponibiliteDisponible, domain.DisponibiliteConge, domain.DisponibiliteOccupe
	w.a = newTechnicien(t, env, "A", dispo)
	w.b = newTechnicien(t, env, "B", dispo)
	w.c = newTechnicien(t, env, "C", dispo)
	w.d = newTechnicien(t, env, "D", conge)
	w.e = newTechnicien(t, env, "E", dispo)
	w.f = newTechnicien(t, env, "F", dispo)
	w.g = newTechnicien(t, env, "G", occupe)
	c.Technicien.UpdateOne(w.e).SetActif(false).ExecX(env.Sys)
	holds(t, env, w.a, w.froid, domain.NiveauExpert)
	holds(t, env, w.b, w.froid, domain.NiveauExpert)
	holds(t, env, w.c, w.froid, domain.NiveauAvance)
	holds(t, env, w.d, w.froid, domain.NiveauDebutant)
	holds(t, env, w.e, w.froid, domain.NiveauExpert)
	holds(t, env, w.f, w.hydro, domain.NiveauExpert)
	holds(t, env, w.g, w.froid, domain.NiveauIntermediaire)
	holds(t, env, w.a, w.hydro, domain.NiveauDebutant)
	work := func(tech *ent.Technicien, s domain.InterventionStatut) *ent.Intervention {
		q := c.Intervention.Create().SetTitre("Travail").SetStatut(s).SetDemandeur(w.resp)
		if tech != nil {
			q.SetTechnicien(tech)
		}
		return q.SaveX(env.Sys)
	}
	// A's open work counts twice; closed, cancelled and archived work does not.
	work(w.a, domain.StatutAffectee)
	work(w.a, domain.StatutEnCours)
	work(w.a, domain.StatutCloturee)
	work(w.a, domain.StatutAnnulee)
	work(w.b, domain.StatutArchivee)
	// G's paused work counts; A worked on it before, so A reads G's profile.
	handed := work(w.g, domain.StatutEnAttente)
	c.HistoriqueIntervention.Create().SetIntervention(handed).SetUser(w.a.QueryUser().OnlyX(env.Sys)).
		SetTechnicienID(w.a.ID).SetNouveauStatut(domain.StatutAffectee).ExecX(env.Sys)
	w.iv = work(nil, domain.StatutOuverte)
	w.ivFroid = c.Intervention.Create().SetTitre("Groupe froid").SetDemandeur(w.resp).
		SetCompetenceRequise(w.froid).SetNiveauRequis(domain.NiveauAvance).SaveX(env.Sys)
	return w
}

func TestTechniciensWhereCompetence(t *testing.T) {
	w := newSkillsTeam(t)
	techUserA := w.a.QueryUser().OnlyX(w.env.Sys)
	techUserD := w.d.QueryUser().OnlyX(w.env.Sys)
	const q = `query($w: TechnicienWhereInput) { techniciens(first: 50, where: $w) { totalCount edges { node { id } } } }`
	ids := func(ts ...*ent.Technicien) []string {
		out := []string{}
		for _, t := range ts {
			out = append(out, resID(t.ID))
		}
		return out
	}
	froid, hydro := resID(w.froid.ID), resID(w.hydro.ID)
	tests := []struct {
		name  string
		as    *ent.User
		where map[string]any
		want  []string
	}{
		{"AnyLevel", w.resp, map[string]any{"competence": map[string]any{"competenceId": froid}}, ids(w.a, w.b, w.c, w.d, w.e, w.g)},
		{"AtLeastAvance", w.admin, map[string]any{"competence": map[string]any{"competenceId": froid, "niveauMin": "AVANCE"}}, ids(w.a, w.b, w.c, w.e)},
		{"Expert", w.resp, map[string]any{"competence": map[string]any{"competenceId": froid, "niveauMin": "EXPERT"}}, ids(w.a, w.b, w.e)},
		{"AtLeastIntermediaireHydro", w.resp, map[string]any{"competence": map[string]any{"competenceId": hydro, "niveauMin": "INTERMEDIAIRE"}}, ids(w.f)},
		{"WithOtherFilters", w.resp, map[string]any{"disponibilite": "DISPONIBLE", "competence": map[string]any{"competenceId": froid, "niveauMin": "INTERMEDIAIRE"}}, ids(w.a, w.b, w.c, w.e)},
		{"Negated", w.resp, map[string]any{"not": map[string]any{"competence": map[string]any{"competenceId": froid}}}, ids(w.f)},
		{"UnknownCompetence", w.resp, map[string]any{"competence": map[string]any{"competenceId": resID(w.hydro.ID + 1000)}}, ids()},
		// A technician reads G's profile (he worked on G's intervention) but not G's skills:
		// the filter sees his own only.
		{"TechnicienUnfiltered", techUserA, nil, ids(w.a, w.g)},
		{"TechnicienOwnOnly", techUserA, map[string]any{"competence": map[string]any{"competenceId": froid}}, ids(w.a)},
		{"TechnicienBelowLevel", techUserD, map[string]any{"competence": map[string]any{"competenceId": froid, "niveauMin": "AVANCE"}}, ids()},
		{"Client", w.client, map[string]any{"competence": map[string]any{"competenceId": froid}}, ids()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got struct {
				Techniciens struct {
					TotalCount int
					Edges      []struct{ Node struct{ ID string } }
				}
			}
			resOK(t, w.env.As(t, tt.as), q, map[string]any{"w": tt.where}, &got)
			gotIDs := []string{}
			for _, e := range got.Techniciens.Edges {
				gotIDs = append(gotIDs, e.Node.ID)
			}
			slices.Sort(gotIDs)
			want := append([]string{}, slices.Sorted(slices.Values(tt.want))...)
			if diff := cmp.Diff(want, gotIDs); diff != "" || got.Techniciens.TotalCount != len(want) {
				t.Errorf("techniciens (-want +got):\n%s\ntotalCount %d", diff, got.Techniciens.TotalCount)
			}
		})
	}
}

func TestCandidatsIntervention(t *testing.T) {
	w := newSkillsTeam(t)
	const q = `query($iv: ID!, $c: ID, $n: NiveauCompetence, $first: Int) {
		candidatsIntervention(interventionId: $iv, competenceId: $c, niveauMin: $n, first: $first) {
			technicien { id user { nomComplet } } niveau disponible charge } }`
	type cand struct {
		Nom        string
		Niveau     *string
		Disponible bool
		Charge     int
	}
	lvl := func(n domain.NiveauCompetence) *string { s := string(n); return &s }
	froid := resID(w.froid.ID)
	tests := []struct {
		name string
		vars map[string]any
		want []cand
	}{
		// The intervention requires Froid at AVANCE or above.
		{"Required", map[string]any{"iv": resID(w.ivFroid.ID)}, []cand{
			{"B", lvl(domain.NiveauExpert), true, 0}, {"A", lvl(domain.NiveauExpert), true, 2},
			{"C", lvl(domain.NiveauAvance), true, 0}}},
		{"RequiredSkillOtherLevel", map[string]any{"iv": resID(w.ivFroid.ID), "n": "DEBUTANT"}, []cand{
			{"B", lvl(domain.NiveauExpert), true, 0}, {"A", lvl(domain.NiveauExpert), true, 2},
			{"C", lvl(domain.NiveauAvance), true, 0}, {"G", lvl(domain.NiveauIntermediaire), false, 1},
			{"D", lvl(domain.NiveauDebutant), false, 0}}},
		{"OtherSkillAsked", map[string]any{"iv": resID(w.ivFroid.ID), "c": resID(w.hydro.ID)}, []cand{
			{"F", lvl(domain.NiveauExpert), true, 0}, {"A", lvl(domain.NiveauDebutant), true, 2}}},
		// Available first (B before A: same level, lighter load; C: lower level), then the
		// others by level (G, then D on leave); E is deactivated, F lacks the skill.
		{"Froid", map[string]any{"c": froid}, []cand{
			{"B", lvl(domain.NiveauExpert), true, 0}, {"A", lvl(domain.NiveauExpert), true, 2},
			{"C", lvl(domain.NiveauAvance), true, 0}, {"G", lvl(domain.NiveauIntermediaire), false, 1},
			{"D", lvl(domain.NiveauDebutant), false, 0}}},
		{"FroidAtLeastAvance", map[string]any{"c": froid, "n": "AVANCE"}, []cand{
			{"B", lvl(domain.NiveauExpert), true, 0}, {"A", lvl(domain.NiveauExpert), true, 2},
			{"C", lvl(domain.NiveauAvance), true, 0}}},
		{"First", map[string]any{"c": froid, "first": 2}, []cand{
			{"B", lvl(domain.NiveauExpert), true, 0}, {"A", lvl(domain.NiveauExpert), true, 2}}},
		// Without a skill: availability, then load, then the older profile.
		{"AnySkill", map[string]any{}, []cand{
			{"B", nil, true, 0}, {"C", nil, true, 0}, {"F", nil, true, 0}, {"A", nil, true, 2},
			{"D", nil, false, 0}, {"G", nil, false, 1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.vars["iv"] == nil {
				tt.vars["iv"] = resID(w.iv.ID)
			}
			var got struct {
				CandidatsIntervention []struct {
					Technicien struct {
						ID   string
						User struct{ NomComplet string }
					}
					Niveau     *string
					Disponible bool
					Charge     int
				}
			}
			resOK(t, w.env.As(t, w.resp), q, tt.vars, &got)
			out := []cand{}
			for _, c := range got.CandidatsIntervention {
				out = append(out, cand{c.Technicien.User.NomComplet, c.Niveau, c.Disponible, c.Charge})
			}
			if diff := cmp.Diff(tt.want, out); diff != "" {
				t.Errorf("candidatsIntervention (-want +got):\n%s", diff)
			}
		})
	}
	techUser := w.a.QueryUser().OnlyX(w.env.Sys)
	for _, tt := range []struct {
		name string
		as   *ent.User
		vars map[string]any
		code string
	}{
		{"UnknownIntervention", w.resp, map[string]any{"iv": resID(w.iv.ID + 1000)}, "NOT_FOUND"},
		{"UnknownCompetence", w.admin, map[string]any{"iv": resID(w.iv.ID), "c": resID(w.hydro.ID + 1000)}, "NOT_FOUND"},
		{"LevelWithoutSkill", w.resp, map[string]any{"iv": resID(w.iv.ID), "n": "EXPERT"}, "BAD_USER_INPUT"},
		{"FirstTooLarge", w.resp, map[string]any{"iv": resID(w.iv.ID), "first": 1000}, "BAD_USER_INPUT"},
		{"Technicien", techUser, map[string]any{"iv": resID(w.iv.ID)}, "FORBIDDEN"},
		{"Client", w.client, map[string]any{"iv": resID(w.iv.ID)}, "FORBIDDEN"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res := w.env.As(t, tt.as).Do(q, tt.vars)
			if len(res.Errors) == 0 || res.Errors[0].Code() != tt.code {
				t.Errorf("errors %+v, want %s", res.Errors, tt.code)
			}
		})
	}
}

// An intervention may require a skill, at a level: it must be in the catalogue.
func TestInterventionCompetenceRequise(t *testing.T) {
	env := apptest.New(t)
	resp := env.User(t, "Resp", domain.RoleResponsable)
	froid := env.Client.Competence.Create().SetNom("Froid").SaveX(env.Sys)
	api := env.As(t, resp)
	const create = `mutation($in: CreateInterventionInput!) { createIntervention(input: $in) { id niveauRequis competenceRequise { nom } } }`
	var got struct {
		CreateIntervention struct {
			ID                string
			NiveauRequis      *string
			CompetenceRequise *struct{ Nom string }
		}
	}
	resOK(t, api, create, map[string]any{"in": map[string]any{"titre": "Fuite de gaz", "competenceRequiseID": resID(froid.ID), "niveauRequis": "EXPERT"}}, &got)
	if r := got.CreateIntervention; r.CompetenceRequise == nil || r.CompetenceRequise.Nom != "Froid" || r.NiveauRequis == nil || *r.NiveauRequis != "EXPERT" {
		t.Errorf("createIntervention = %+v, want Froid at EXPERT", r)
	}
	count := func() int { return env.Client.Intervention.Query().CountX(env.Sys) }
	resRefused(t, api, create, map[string]any{"in": map[string]any{"titre": "Fuite", "competenceRequiseID": resID(froid.ID + 1000)}}, "NOT_FOUND", count)
	resRefused(t, api, `mutation($id: ID!, $c: ID!) { updateIntervention(id: $id, input: {competenceRequiseID: $c}) { id } }`,
		map[string]any{"id": got.CreateIntervention.ID, "c": resID(froid.ID + 1000)}, "NOT_FOUND",
		func() []string {
			var out []string
			for _, iv := range env.Client.Intervention.Query().AllX(env.Sys) {
				out = append(out, fmt.Sprintf("%d %v %v", iv.ID, *iv.CompetenceRequiseID, *iv.NiveauRequis))
			}
			return out
		})
}

// The candidates, their accounts and their skills cost the same statements however many
// there are.
func TestCandidatsStatementCount(t *testing.T) {
	w := newSkillsTeam(t, everyTokenChecked)
	api := w.env.As(t, w.resp)
	const q = `query($iv: ID!, $n: Int) { candidatsIntervention(interventionId: $iv, first: $n) {
		technicien { id equipe user { email } competencesDetenues { niveau competence { nom } } } niveau charge } }`
	count := func(n int) int64 {
		var got struct{ CandidatsIntervention []struct{} }
		before := w.env.DB.Statements()
		api.MustData(q, map[string]any{"iv": resID(w.iv.ID), "n": n}, &got)
		if len(got.CandidatsIntervention) != n {
			t.Fatalf("%d candidates, want %d", len(got.CandidatsIntervention), n)
		}
		return w.env.DB.Statements() - before
	}
	small, large := count(1), count(6)
	if small != large {
		t.Errorf("statements grow with the candidates: %d for 1, %d for 6", small, large)
	}
}
