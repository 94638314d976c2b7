package graph_test

import (
	"encoding/json"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mifmaroc/erp/ent"
	entcompetence "github.com/mifmaroc/erp/ent/competence"
	entequipement "github.com/mifmaroc/erp/ent/equipement"
	entintervention "github.com/mifmaroc/erp/ent/intervention"
	entinterventionpiece "github.com/mifmaroc/erp/ent/interventionpiece"
	enttechnicien "github.com/mifmaroc/erp/ent/technicien"
	"github.com/mifmaroc/erp/internal/apptest"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/gqltest"
)

// Tests of the mutations on equipements, technicians, competences and parts used, and of the
// intervention list filters, through the real HTTP handler on a fresh database per test.
// Every refusal also checks that the database is exactly as before.

func resID(id int) string { return strconv.Itoa(id) }

// resOK sends doc, fails the test on any error and decodes data into out.
func resOK(t *testing.T, api *gqltest.Client, doc string, vars map[string]any, out any) {
	t.Helper()
	api.MustData(doc, vars, out)
}

// resRefused sends doc, which must fail with code, return no data, and leave snap() unchanged.
func resRefused[S any](t *testing.T, api *gqltest.Client, doc string, vars map[string]any, code string, snap func() S) {
	t.Helper()
	before := snap()
	res := api.Do(doc, vars)
	if len(res.Errors) == 0 {
		t.Errorf("expected %s, got data %s", code, res.Data)
	} else if got := res.Errors[0].Code(); got != code {
		t.Errorf("code = %q (%s), want %s", got, res.Errors[0].Message, code)
	}
	var fields map[string]json.RawMessage
	if len(res.Data) > 0 && string(res.Data) != "null" {
		if err := json.Unmarshal(res.Data, &fields); err != nil {
			t.Fatalf("decoding data: %v\n%s", err, res.Data)
		}
	}
	for name, v := range fields {
		if string(v) != "null" {
			t.Errorf("refused request returned data.%s = %s", name, v)
		}
	}
	if diff := cmp.Diff(before, snap()); diff != "" {
		t.Errorf("refused request changed the database (-before +after):\n%s", diff)
	}
}

// ---------------------------------------------------------------------------------------
// Equipements

// resEq is an equipement as the API shows it and as the database holds it.
type resEq struct {
	ID               string
	Nom              string
	Code             string
	Categorie        string
	Marque           string
	Localisation     string
	Description      string
	Statut           string
	Criticite        string
	DateInstallation *time.Time
}

const resEqFields = `id nom code categorie marque localisation description statut criticite dateInstallation`

func resEqOf(e *ent.Equipement) resEq {
	return resEq{
		ID: resID(e.ID), Nom: e.Nom, Code: e.Code, Categorie: e.Categorie, Marque: e.Marque,
		Localisation: e.Localisation, Description: e.Description, Statut: string(e.Statut),
		Criticite: string(e.Criticite), DateInstallation: e.DateInstallation,
	}
}

// resEqRows is every equipement in the database, by id.
func resEqRows(t *testing.T, env *apptest.Env) []resEq {
	t.Helper()
	rows, err := env.Client.Equipement.Query().Order(ent.Asc(entequipement.FieldID)).All(env.Sys)
	if err != nil {
		t.Fatalf("reading equipements: %v", err)
	}
	out := []resEq{}
	for _, e := range rows {
		out = append(out, resEqOf(e))
	}
	return out
}

func TestResCreateEquipement(t *testing.T) {
	env := apptest.New(t)
	admin := env.User(t, "Admin", domain.RoleAdmin)
	resp := env.User(t, "Resp", domain.RoleResponsable)
	techUser := env.User(t, "Tech", domain.RoleTechnicien)
	clientUser := env.User(t, "Client", domain.RoleClient)
	env.Client.Technicien.Create().SetUser(techUser).SaveX(env.Sys)
	existing := env.Client.Equipement.Create().SetNom("Compresseur").SetCode("EQ-TAKEN").SaveX(env.Sys)
	snap := func() []resEq { return resEqRows(t, env) }

	const create = `mutation($in: CreateEquipementInput!) { createEquipement(input: $in) { ` + resEqFields + ` } }`
	installed := time.Date(2024, 5, 2, 0, 0, 0, 0, time.UTC)

	t.Run("Created", func(t *testing.T) {
		tests := []struct {
			name string
			as   *ent.User
			in   map[string]any
			want resEq // without ID
		}{
			{"AdminAllFields", admin, map[string]any{
				"nom": "Pompe P1", "code": "EQ-001", "categorie": "Hydraulique", "marque": "Grundfos",
				"localisation": "Atelier 1", "description": "pompe de circulation", "statut": "MAINTENANCE",
				"criticite": "CRITIQUE", "dateInstallation": installed.Format(time.RFC3339),
			}, resEq{Nom: "Pompe P1", Code: "EQ-001", Categorie: "Hydraulique", Marque: "Grundfos",
				Localisation: "Atelier 1", Description: "pompe de circulation", Statut: "MAINTENANCE",
				Criticite: "CRITIQUE", DateInstallation: &installed}},
			{"ResponsableDefaults", resp, map[string]any{"nom": "Four F2", "code": "EQ-002"},
				resEq{Nom: "Four F2", Code: "EQ-002", Statut: "OPERATIONNEL", Criticite: "STANDARD"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				before := snap()
				var got struct{ CreateEquipement resEq }
				resOK(t, env.As(t, tt.as), create, map[string]any{"in": tt.in}, &got)
				want := tt.want
				want.ID = got.CreateEquipement.ID
				if diff := cmp.Diff(want, got.CreateEquipement); diff != "" {
					t.Errorf("createEquipement (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff(append(before, want), snap()); diff != "" {
					t.Errorf("equipements after create (-want +got):\n%s", diff)
				}
			})
		}
	})

	refusals := []struct {
		name string
		as   *ent.User
		in   map[string]any
		code string
	}{
		{"DuplicateCode", admin, map[string]any{"nom": "Autre compresseur", "code": existing.Code}, "CONFLICT"},
		{"DuplicateCodeResponsable", resp, map[string]any{"nom": "Autre compresseur", "code": existing.Code, "marque": "Atlas"}, "CONFLICT"},
		{"EmptyNom", admin, map[string]any{"nom": "", "code": "EQ-EMPTY"}, "BAD_USER_INPUT"},
		{"Technicien", techUser, map[string]any{"nom": "Pompe T", "code": "EQ-T"}, "FORBIDDEN"},
		{"Client", clientUser, map[string]any{"nom": "Pompe C", "code": "EQ-C"}, "FORBIDDEN"},
	}
	for _, tt := range refusals {
		t.Run(tt.name, func(t *testing.T) {
			resRefused(t, env.As(t, tt.as), create, map[string]any{"in": tt.in}, tt.code, snap)
		})
	}
}

func TestResUpdateEquipement(t *testing.T) {
	env := apptest.New(t)
	admin := env.User(t, "Admin", domain.RoleAdmin)
	resp := env.User(t, "Resp", domain.RoleResponsable)
	techUser := env.User(t, "Tech", domain.RoleTechnicien)
	env.Client.Technicien.Create().SetUser(techUser).SaveX(env.Sys)
	pompe := env.Client.Equipement.Create().SetNom("Pompe P1").SetCode("EQ-001").SetMarque("Grundfos").
		SetLocalisation("Atelier 1").SaveX(env.Sys)
	four := env.Client.Equipement.Create().SetNom("Four F2").SetCode("EQ-002").SaveX(env.Sys)
	snap := func() []resEq { return resEqRows(t, env) }

	const update = `mutation($id: ID!, $in: UpdateEquipementInput!) { updateEquipement(id: $id, input: $in) { ` + resEqFields + ` } }`

	t.Run("ChangesFields", func(t *testing.T) {
		before := snap()
		in := map[string]any{"nom": "Pompe P1 bis", "localisation": "Atelier 2", "statut": "PANNE",
			"criticite": "IMPORTANT", "clearMarque": true, "categorie": "Hydraulique"}
		var got struct{ UpdateEquipement resEq }
		resOK(t, env.As(t, resp), update, map[string]any{"id": resID(pompe.ID), "in": in}, &got)
		want := resEqOf(pompe)
		want.Nom, want.Localisation, want.Statut, want.Criticite, want.Marque, want.Categorie =
			"Pompe P1 bis", "Atelier 2", "PANNE", "IMPORTANT", "", "Hydraulique"
		if diff := cmp.Diff(want, got.UpdateEquipement); diff != "" {
			t.Errorf("updateEquipement (-want +got):\n%s", diff)
		}
		wantRows := slices.Clone(before)
		wantRows[0] = want
		if diff := cmp.Diff(wantRows, snap()); diff != "" {
			t.Errorf("equipements after update (-want +got):\n%s", diff)
		}
	})

	refusals := []struct {
		name string
		as   *ent.User
		id   int
		in   map[string]any
		code string
	}{
		{"UnknownID", admin, four.ID + 1000, map[string]any{"nom": "Fantôme"}, "NOT_FOUND"},
		{"TakenCode", admin, four.ID, map[string]any{"code": pompe.Code, "nom": "Four renommé"}, "CONFLICT"},
		{"Technicien", techUser, four.ID, map[string]any{"nom": "Four du technicien"}, "FORBIDDEN"},
	}
	for _, tt := range refusals {
		t.Run(tt.name, func(t *testing.T) {
			resRefused(t, env.As(t, tt.as), update, map[string]any{"id": resID(tt.id), "in": tt.in}, tt.code, snap)
		})
	}
}

func TestResDeleteEquipement(t *testing.T) {
	env := apptest.New(t)
	admin := env.User(t, "Admin", domain.RoleAdmin)
	resp := env.User(t, "Resp", domain.RoleResponsable)
	techUser := env.User(t, "Tech", domain.RoleTechnicien)
	env.Client.Technicien.Create().SetUser(techUser).SaveX(env.Sys)
	c := env.Client
	unused := c.Equipement.Create().SetNom("Ancien tour").SetCode("EQ-UNUSED").SaveX(env.Sys)
	unused2 := c.Equipement.Create().SetNom("Vieille perceuse").SetCode("EQ-UNUSED-2").SaveX(env.Sys)
	withIv := c.Equipement.Create().SetNom("Pompe").SetCode("EQ-IV").SaveX(env.Sys)
	iv := c.Intervention.Create().SetTitre("Fuite").SetEquipement(withIv).SaveX(env.Sys)
	withPlanning := c.Equipement.Create().SetNom("Chaudière").SetCode("EQ-PL").SaveX(env.Sys)
	c.Planning.Create().SetTitre("Ramonage").SetFrequence(domain.FrequenceAnnuel).
		SetProchaineDate(env.Clock.Now().Add(30 * 24 * time.Hour)).SetEquipement(withPlanning).SaveX(env.Sys)
	// The links are part of what a refusal must leave as it was.
	type state struct {
		Equipements          []resEq
		IvEquipement         *int
		PlanningsOfEquipment int
	}
	snap := func() state {
		return state{
			Equipements:          resEqRows(t, env),
			IvEquipement:         c.Intervention.GetX(env.Sys, iv.ID).EquipementID,
			PlanningsOfEquipment: withPlanning.QueryPlannings().CountX(env.Sys),
		}
	}

	const del = `mutation($id: ID!) { deleteEquipement(id: $id) }`

	t.Run("Unused", func(t *testing.T) {
		for _, u := range []struct {
			as *ent.User
			eq *ent.Equipement
		}{{admin, unused}, {resp, unused2}} {
			before := snap()
			var got struct{ DeleteEquipement string }
			resOK(t, env.As(t, u.as), del, map[string]any{"id": resID(u.eq.ID)}, &got)
			if got.DeleteEquipement != resID(u.eq.ID) {
				t.Errorf("deleteEquipement = %q, want %q", got.DeleteEquipement, resID(u.eq.ID))
			}
			if n := c.Equipement.Query().Where(entequipement.ID(u.eq.ID)).CountX(env.Sys); n != 0 {
				t.Errorf("equipement %s still there after delete", u.eq.Code)
			}
			want := before
			want.Equipements = slices.DeleteFunc(slices.Clone(before.Equipements), func(e resEq) bool { return e.ID == resID(u.eq.ID) })
			if diff := cmp.Diff(want, snap()); diff != "" {
				t.Errorf("after deleting %s (-want +got):\n%s", u.eq.Code, diff)
			}
		}
	})

	refusals := []struct {
		name string
		as   *ent.User
		id   int
		code string
	}{
		{"WithIntervention", admin, withIv.ID, "CONFLICT"},
		{"WithInterventionResponsable", resp, withIv.ID, "CONFLICT"},
		{"WithPlanning", admin, withPlanning.ID, "CONFLICT"},
		{"Unknown", admin, withPlanning.ID + 1000, "NOT_FOUND"},
		{"Technicien", techUser, withIv.ID, "FORBIDDEN"},
	}
	for _, tt := range refusals {
		t.Run(tt.name, func(t *testing.T) {
			resRefused(t, env.As(t, tt.as), del, map[string]any{"id": resID(tt.id)}, tt.code, snap)
		})
	}
	// Both used equipements are still there with their links (checked against the fixture,
	// not only against the state before each request).
	got := snap()
	if got.IvEquipement == nil || *got.IvEquipement != withIv.ID || got.PlanningsOfEquipment != 1 {
		t.Errorf("links after refused deletes: intervention -> %v, plannings = %d", got.IvEquipement, got.PlanningsOfEquipment)
	}
	if diff := cmp.Diff([]resEq{resEqOf(withIv), resEqOf(withPlanning)}, got.Equipements); diff != "" {
		t.Errorf("equipements at the end (-want +got):\n%s", diff)
	}
}

// ---------------------------------------------------------------------------------------
// Techniciens and competences

// resTech is a technician profile as the API shows it and the database holds it.
type resTech struct {
	ID            string
	UserID        string
	Equipe        string
	Disponibilite string
	Taux          int64
	Competences   []string // sorted "nom NIVEAU"
}

const resTechFields = `id userID equipe disponibilite tauxHoraireCentimes competencesDetenues { niveau competence { nom } }`

// resTechOut is the JSON of resTechFields.
type resTechOut struct {
	ID                  string
	UserID              string `json:"userID"`
	Equipe              string
	Disponibilite       string
	TauxHoraireCentimes int64
	CompetencesDetenues []struct {
		Niveau     string
		Competence struct{ Nom string }
	}
}

func (o resTechOut) tech() resTech {
	r := resTech{ID: o.ID, UserID: o.UserID, Equipe: o.Equipe, Disponibilite: o.Disponibilite,
		Taux: o.TauxHoraireCentimes, Competences: []string{}}
	for _, c := range o.CompetencesDetenues {
		r.Competences = append(r.Competences, c.Competence.Nom+" "+c.Niveau)
	}
	slices.Sort(r.Competences)
	return r
}

// resTechRows is every technician profile in the database, by id.
func resTechRows(t *testing.T, env *apptest.Env) []resTech {
	t.Helper()
	rows, err := env.Client.Technicien.Query().WithCompetencesDetenues(func(q *ent.TechnicienCompetenceQuery) { q.WithCompetence() }).Order(ent.Asc(enttechnicien.FieldID)).All(env.Sys)
	if err != nil {
		t.Fatalf("reading techniciens: %v", err)
	}
	out := []resTech{}
	for _, r := range rows {
		tr := resTech{ID: resID(r.ID), UserID: resID(r.UserID), Equipe: r.Equipe,
			Disponibilite: string(r.Disponibilite), Taux: r.TauxHoraireCentimes, Competences: []string{}}
		for _, c := range r.Edges.CompetencesDetenues {
			tr.Competences = append(tr.Competences, c.Edges.Competence.Nom+" "+string(c.Niveau))
		}
		slices.Sort(tr.Competences)
		out = append(out, tr)
	}
	return out
}

func resTechRow(t *testing.T, env *apptest.Env, id int) resTech {
	t.Helper()
	for _, r := range resTechRows(t, env) {
		if r.ID == resID(id) {
			return r
		}
	}
	t.Fatalf("technicien %d not found", id)
	return resTech{}
}

func TestResCreateTechnicien(t *testing.T) {
	env := apptest.New(t)
	c := env.Client
	admin := env.User(t, "Admin", domain.RoleAdmin)
	resp := env.User(t, "Resp", domain.RoleResponsable)
	newTech := env.User(t, "Nouveau", domain.RoleTechnicien)
	newTech2 := env.User(t, "Nouveau2", domain.RoleTechnicien)
	hasProfile := env.User(t, "Ancien", domain.RoleTechnicien)
	otherResp := env.User(t, "AutreResp", domain.RoleResponsable)
	clientUser := env.User(t, "Client", domain.RoleClient)
	techUser := env.User(t, "Tech", domain.RoleTechnicien)
	c.Technicien.Create().SetUser(hasProfile).SetEquipe("Est").SetTauxHoraireCentimes(9000).SaveX(env.Sys)
	c.Technicien.Create().SetUser(techUser).SaveX(env.Sys)
	snap := func() []resTech { return resTechRows(t, env) }

	const create = `mutation($in: CreateTechnicienInput!) { createTechnicien(input: $in) { ` + resTechFields + ` user { email role } } }`

	t.Run("Created", func(t *testing.T) {
		tests := []struct {
			name string
			as   *ent.User
			user *ent.User
			in   map[string]any
			want resTech // without ID
		}{
			{"WithEquipe", resp, newTech, map[string]any{"equipe": "Nord", "tauxHoraireCentimes": 15000},
				resTech{Equipe: "Nord", Disponibilite: "DISPONIBLE", Taux: 15000, Competences: []string{}}},
			{"Defaults", admin, newTech2, map[string]any{},
				resTech{Disponibilite: "DISPONIBLE", Competences: []string{}}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				before := snap()
				tt.in["userID"] = resID(tt.user.ID)
				var got struct {
					CreateTechnicien struct {
						resTechOut
						User struct{ Email, Role string }
					}
				}
				resOK(t, env.As(t, tt.as), create, map[string]any{"in": tt.in}, &got)
				want := tt.want
				want.ID, want.UserID = got.CreateTechnicien.ID, resID(tt.user.ID)
				if diff := cmp.Diff(want, got.CreateTechnicien.tech()); diff != "" {
					t.Errorf("createTechnicien (-want +got):\n%s", diff)
				}
				if u := got.CreateTechnicien.User; u.Email != tt.user.Email || u.Role != "TECHNICIEN" {
					t.Errorf("createTechnicien.user = %+v, want %s TECHNICIEN", u, tt.user.Email)
				}
				if diff := cmp.Diff(append(before, want), snap()); diff != "" {
					t.Errorf("techniciens after create (-want +got):\n%s", diff)
				}
			})
		}
	})

	refusals := []struct {
		name   string
		as     *ent.User
		userID int
		code   string
	}{
		{"ResponsableUser", admin, otherResp.ID, "BAD_USER_INPUT"},
		{"AdminUser", resp, admin.ID, "BAD_USER_INPUT"},
		{"ClientUser", resp, clientUser.ID, "BAD_USER_INPUT"},
		{"UnknownUser", admin, clientUser.ID + 1000, "NOT_FOUND"},
		{"SecondProfile", admin, hasProfile.ID, "CONFLICT"},
		{"ByTechnicien", techUser, newTech.ID + 2000, "FORBIDDEN"},
	}
	for _, tt := range refusals {
		t.Run(tt.name, func(t *testing.T) {
			in := map[string]any{"userID": resID(tt.userID), "equipe": "Sud"}
			resRefused(t, env.As(t, tt.as), create, map[string]any{"in": in}, tt.code, snap)
		})
	}
}

func TestResUpdateTechnicien(t *testing.T) {
	env := apptest.New(t)
	c := env.Client
	admin := env.User(t, "Admin", domain.RoleAdmin)
	resp := env.User(t, "Resp", domain.RoleResponsable)
	techUser := env.User(t, "Tech", domain.RoleTechnicien)
	otherUser := env.User(t, "Autre", domain.RoleTechnicien)
	froid := c.Competence.Create().SetNom("Froid").SaveX(env.Sys)
	tech := c.Technicien.Create().SetUser(techUser).SetEquipe("Est").SetTauxHoraireCentimes(10000).SaveX(env.Sys)
	c.TechnicienCompetence.Create().SetTechnicien(tech).SetCompetence(froid).SetNiveau(domain.NiveauAvance).SaveX(env.Sys)
	other := c.Technicien.Create().SetUser(otherUser).SetEquipe("Ouest").SaveX(env.Sys)
	snap := func() []resTech { return resTechRows(t, env) }

	const update = `mutation($id: ID!, $in: UpdateTechnicienInput!) { updateTechnicien(id: $id, input: $in) { ` + resTechFields + ` } }`

	// Each case starts from the state the previous ones left; a success changes the target
	// profile as apply says and nothing else.
	tests := []struct {
		name  string
		as    *ent.User
		id    int
		in    map[string]any
		code  string         // "" when allowed
		apply func(*resTech) // the change of an allowed request
	}{
		{"StaffChangesEquipe", resp, tech.ID, map[string]any{"equipe": "Nord"}, "",
			func(r *resTech) { r.Equipe = "Nord" }},
		{"StaffChangesOthersTaux", admin, other.ID, map[string]any{"tauxHoraireCentimes": 12000}, "",
			func(r *resTech) { r.Taux = 12000 }},
		{"StaffUnknownTechnicien", admin, other.ID + 1000, map[string]any{"equipe": "Nord"}, "NOT_FOUND", nil},
		{"TechnicienOwnDisponibilite", techUser, tech.ID, map[string]any{"disponibilite": "CONGE"}, "",
			func(r *resTech) { r.Disponibilite = "CONGE" }},
		{"TechnicienOwnEquipe", techUser, tech.ID, map[string]any{"equipe": "Ouest"}, "FORBIDDEN", nil},
		{"TechnicienOwnDisponibiliteAndEquipe", techUser, tech.ID,
			map[string]any{"disponibilite": "DISPONIBLE", "equipe": "Ouest"}, "FORBIDDEN", nil},
		{"TechnicienOwnTaux", techUser, tech.ID, map[string]any{"tauxHoraireCentimes": 99999}, "FORBIDDEN", nil},
		// Another technician's profile is invisible to him (access.TechnicienRows), and
		// docs/decisions.md: invisible rows are absent (NOT_FOUND), never an error confirming
		// they exist.
		{"TechnicienOthersDisponibilite", techUser, other.ID, map[string]any{"disponibilite": "CONGE"}, "NOT_FOUND", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := env.As(t, tt.as)
			vars := map[string]any{"id": resID(tt.id), "in": tt.in}
			if tt.code != "" {
				resRefused(t, api, update, vars, tt.code, snap)
				return
			}
			before := snap()
			want := resTechRow(t, env, tt.id)
			tt.apply(&want)
			var got struct{ UpdateTechnicien resTechOut }
			resOK(t, api, update, vars, &got)
			if diff := cmp.Diff(want, got.UpdateTechnicien.tech()); diff != "" {
				t.Errorf("updateTechnicien (-want +got):\n%s", diff)
			}
			wantRows := slices.Clone(before)
			for i := range wantRows {
				if wantRows[i].ID == want.ID {
					wantRows[i] = want
				}
			}
			if diff := cmp.Diff(wantRows, snap()); diff != "" {
				t.Errorf("techniciens after update (-want +got):\n%s", diff)
			}
		})
	}
	// The end state, against the fixture.
	want := []resTech{
		{ID: resID(tech.ID), UserID: resID(techUser.ID), Equipe: "Nord", Disponibilite: "CONGE", Taux: 10000,
			Competences: []string{"Froid AVANCE"}},
		{ID: resID(other.ID), UserID: resID(otherUser.ID), Equipe: "Ouest", Disponibilite: "DISPONIBLE", Taux: 12000,
			Competences: []string{}},
	}
	if diff := cmp.Diff(want, snap()); diff != "" {
		t.Errorf("techniciens at the end (-want +got):\n%s", diff)
	}
}

// resCompetence is a skill as the API shows it and the database holds it.
type resCompetence struct {
	ID          string
	Nom         string
	Description string
}

// resCompetenceRows is every competence in the database, by id.
func resCompetenceRows(t *testing.T, env *apptest.Env) []resCompetence {
	t.Helper()
	rows, err := env.Client.Competence.Query().Order(ent.Asc(entcompetence.FieldID)).All(env.Sys)
	if err != nil {
		t.Fatalf("reading competences: %v", err)
	}
	out := []resCompetence{}
	for _, r := range rows {
		out = append(out, resCompetence{ID: resID(r.ID), Nom: r.Nom, Description: r.Description})
	}
	return out
}

func TestResCreateCompetence(t *testing.T) {
	env := apptest.New(t)
	admin := env.User(t, "Admin", domain.RoleAdmin)
	resp := env.User(t, "Resp", domain.RoleResponsable)
	techUser := env.User(t, "Tech", domain.RoleTechnicien)
	env.Client.Technicien.Create().SetUser(techUser).SaveX(env.Sys)
	snap := func() []resCompetence { return resCompetenceRows(t, env) }

	const create = `mutation($in: CreateCompetenceInput!) { createCompetence(input: $in) { id nom description } }`

	created := []struct {
		name string
		as   *ent.User
		in   map[string]any
		want resCompetence // without ID
	}{
		{"Froid", resp, map[string]any{"nom": "Froid", "description": "climatisation"},
			resCompetence{Nom: "Froid", Description: "climatisation"}},
		{"ElectriciteUpper", admin, map[string]any{"nom": "ÉLECTRICITÉ"}, resCompetence{Nom: "ÉLECTRICITÉ"}},
		{"EquilibrageUpper", admin, map[string]any{"nom": "ÉQUILIBRAGE"}, resCompetence{Nom: "ÉQUILIBRAGE"}},
		{"MecaniqueLower", admin, map[string]any{"nom": "mécanique"}, resCompetence{Nom: "mécanique"}},
		{"Trimmed", resp, map[string]any{"nom": "  Soudure  "}, resCompetence{Nom: "Soudure"}},
	}
	for _, tt := range created {
		t.Run(tt.name, func(t *testing.T) {
			before := snap()
			var got struct{ CreateCompetence resCompetence }
			resOK(t, env.As(t, tt.as), create, map[string]any{"in": tt.in}, &got)
			want := tt.want
			want.ID = got.CreateCompetence.ID
			if diff := cmp.Diff(want, got.CreateCompetence); diff != "" {
				t.Errorf("createCompetence (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(append(before, want), snap()); diff != "" {
				t.Errorf("competences after create (-want +got):\n%s", diff)
			}
		})
	}

	refusals := []struct {
		name string
		as   *ent.User
		nom  string
		code string
	}{
		{"SameName", admin, "Froid", "CONFLICT"},
		{"LowerCaseOfExisting", resp, "froid", "CONFLICT"},
		{"UpperCaseOfExisting", resp, "FROID", "CONFLICT"},
		{"SpacesAroundExisting", resp, " froid ", "CONFLICT"},
		{"AccentedLowerOfUpper", admin, "électricité", "CONFLICT"},
		{"AccentedMixedOfUpper", admin, "Équilibrage", "CONFLICT"},
		{"AccentedUpperOfLower", admin, "MÉCANIQUE", "CONFLICT"},
		{"Empty", admin, "   ", "BAD_USER_INPUT"},
		{"Technicien", techUser, "Hydraulique", "FORBIDDEN"},
	}
	for _, tt := range refusals {
		t.Run(tt.name, func(t *testing.T) {
			resRefused(t, env.As(t, tt.as), create, map[string]any{"in": map[string]any{"nom": tt.nom}}, tt.code, snap)
		})
	}
}

func TestResCompetencesSortedByName(t *testing.T) {
	env := apptest.New(t)
	admin := env.User(t, "Admin", domain.RoleAdmin)
	techUser := env.User(t, "Tech", domain.RoleTechnicien)
	env.Client.Technicien.Create().SetUser(techUser).SaveX(env.Sys)
	api := env.As(t, admin)
	for _, nom := range []string{"Soudure", "Automatisme", "Hydraulique", "Froid", "Electricite"} {
		var got struct{ CreateCompetence struct{ Nom string } }
		resOK(t, api, `mutation($n: String!) { createCompetence(input: {nom: $n}) { nom } }`, map[string]any{"n": nom}, &got)
	}
	want := []string{"Automatisme", "Electricite", "Froid", "Hydraulique", "Soudure"}
	for _, as := range []*ent.User{admin, techUser} {
		var got struct{ Competences []struct{ Nom string } }
		resOK(t, env.As(t, as), `{ competences { nom } }`, nil, &got)
		var noms []string
		for _, c := range got.Competences {
			noms = append(noms, c.Nom)
		}
		if diff := cmp.Diff(want, noms); diff != "" {
			t.Errorf("competences as %s (-want +got):\n%s", as.Role, diff)
		}
	}
}

// ---------------------------------------------------------------------------------------
// Parts used on interventions

// resLine is a line of parts used.
type resLine struct {
	Intervention, Piece string
	Quantite            int
	Prix                int64
}

// resStock is the stock of the parts and every line of parts used.
type resStock struct {
	Stock map[string]int
	Lines []resLine
}

func resStockNow(t *testing.T, env *apptest.Env) resStock {
	t.Helper()
	out := resStock{Stock: map[string]int{}, Lines: []resLine{}}
	for _, p := range env.Client.Piece.Query().AllX(env.Sys) {
		out.Stock[p.Reference] = p.Quantite
	}
	lines := env.Client.InterventionPiece.Query().
		Order(ent.Asc(entinterventionpiece.FieldInterventionID), ent.Asc(entinterventionpiece.FieldPieceID)).AllX(env.Sys)
	for _, l := range lines {
		out.Lines = append(out.Lines, resLine{resID(l.InterventionID), resID(l.PieceID), l.Quantite, l.PrixUnitaireCentimes})
	}
	return out
}

func TestResAddPieceToIntervention(t *testing.T) {
	env := apptest.New(t)
	c := env.Client
	admin := env.User(t, "Admin", domain.RoleAdmin)
	resp := env.User(t, "Resp", domain.RoleResponsable)
	techUser := env.User(t, "Tech", domain.RoleTechnicien)
	otherUser := env.User(t, "Autre", domain.RoleTechnicien)
	clientUser := env.User(t, "Client", domain.RoleClient)
	tech := c.Technicien.Create().SetUser(techUser).SaveX(env.Sys)
	c.Technicien.Create().SetUser(otherUser).SaveX(env.Sys)
	soc := c.Societe.Create().SetNom("Usine").SetCode("CL-1").AddUsers(clientUser).SaveX(env.Sys)
	joint := c.Piece.Create().SetReference("P-JOINT").SetDesignation("Joint").SetQuantite(10).SetPrixUnitaireCentimes(2500).SaveX(env.Sys)
	filtre := c.Piece.Create().SetReference("P-FILTRE").SetDesignation("Filtre").SetQuantite(4).SetPrixUnitaireCentimes(1000).SaveX(env.Sys)
	// The client sees the intervention (his company's): his refusal is the role's, not visibility.
	iv := c.Intervention.Create().SetTitre("Fuite pompe").SetStatut(domain.StatutAffectee).
		SetTechnicien(tech).SetClient(soc).SetDemandeur(clientUser).SaveX(env.Sys)
	closed := c.Intervention.Create().SetTitre("Terminée").SetStatut(domain.StatutCloturee).
		SetTechnicien(tech).SetClient(soc).SaveX(env.Sys)
	snap := func() resStock { return resStockNow(t, env) }

	const add = `mutation($iv: ID!, $p: ID!, $q: Int!) { addPieceToIntervention(interventionId: $iv, pieceId: $p, quantite: $q) {
  id statut coutPiecesCentimes utilisations { pieceID quantite prixUnitaireCentimes } } }`
	type line struct {
		PieceID              string `json:"pieceID"`
		Quantite             int
		PrixUnitaireCentimes int64
	}
	type out struct {
		ID                 string
		Statut             string
		CoutPiecesCentimes int
		Utilisations       []line
	}
	ivID, jointID := resID(iv.ID), resID(joint.ID)

	// The steps run in order, each on the state the previous ones left.
	tests := []struct {
		name  string
		as    *ent.User
		iv    int
		piece int
		q     int
		code  string // "" when allowed
		// for allowed steps: the answer and the stock of the joint afterwards
		want       out
		wantJoints int
	}{
		{"Add3", admin, iv.ID, joint.ID, 3, "", out{ivID, "AFFECTEE", 7500, []line{{jointID, 3, 2500}}}, 7},
		{"Add2MoreSameLine", resp, iv.ID, joint.ID, 2, "", out{ivID, "AFFECTEE", 12500, []line{{jointID, 5, 2500}}}, 5},
		{"InsufficientStock", admin, iv.ID, joint.ID, 6, "CONFLICT", out{}, 0},
		{"ZeroQuantite", admin, iv.ID, joint.ID, 0, "BAD_USER_INPUT", out{}, 0},
		{"NegativeQuantite", admin, iv.ID, joint.ID, -2, "BAD_USER_INPUT", out{}, 0},
		{"UnknownPiece", admin, iv.ID, filtre.ID + 1000, 1, "NOT_FOUND", out{}, 0},
		{"UnknownIntervention", admin, closed.ID + 1000, joint.ID, 1, "NOT_FOUND", out{}, 0},
		{"ClosedIntervention", admin, closed.ID, joint.ID, 1, "LOCKED", out{}, 0},
		{"ClosedInterventionAssignedTech", techUser, closed.ID, joint.ID, 1, "LOCKED", out{}, 0},
		{"AssignedTechnicien", techUser, iv.ID, joint.ID, 1, "", out{ivID, "AFFECTEE", 15000, []line{{jointID, 6, 2500}}}, 4},
		{"OtherTechnicienDoesNotSeeIt", otherUser, iv.ID, joint.ID, 1, "NOT_FOUND", out{}, 0},
		{"Client", clientUser, iv.ID, joint.ID, 1, "FORBIDDEN", out{}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := env.As(t, tt.as)
			vars := map[string]any{"iv": resID(tt.iv), "p": resID(tt.piece), "q": tt.q}
			if tt.code != "" {
				resRefused(t, api, add, vars, tt.code, snap)
				return
			}
			var got struct{ AddPieceToIntervention out }
			resOK(t, api, add, vars, &got)
			if diff := cmp.Diff(tt.want, got.AddPieceToIntervention); diff != "" {
				t.Errorf("addPieceToIntervention (-want +got):\n%s", diff)
			}
			var lines []resLine
			for _, l := range tt.want.Utilisations {
				lines = append(lines, resLine{ivID, l.PieceID, l.Quantite, l.PrixUnitaireCentimes})
			}
			want := resStock{Stock: map[string]int{"P-JOINT": tt.wantJoints, "P-FILTRE": 4}, Lines: lines}
			if diff := cmp.Diff(want, snap()); diff != "" {
				t.Errorf("stock and lines after the step (-want +got):\n%s", diff)
			}
		})
	}
	// The cost is also what a later read of the intervention shows.
	var got struct {
		Intervention struct {
			CoutPiecesCentimes int
			Pieces             []struct{ Reference string }
		} `json:"node"`
	}
	resOK(t, env.As(t, admin), `query($id: ID!) { node(id: $id) { ... on Intervention { coutPiecesCentimes pieces { reference } } } }`,
		map[string]any{"id": ivID}, &got)
	if got.Intervention.CoutPiecesCentimes != 15000 || len(got.Intervention.Pieces) != 1 || got.Intervention.Pieces[0].Reference != "P-JOINT" {
		t.Errorf("intervention read back = %+v, want coutPiecesCentimes 15000 with one piece P-JOINT", got.Intervention)
	}
}

// ---------------------------------------------------------------------------------------
// Intervention list filters

func TestResInterventionFilters(t *testing.T) {
	env := apptest.New(t)
	c := env.Client
	admin := env.User(t, "Admin", domain.RoleAdmin)
	techUser := env.User(t, "Tech", domain.RoleTechnicien)
	otherUser := env.User(t, "Autre", domain.RoleTechnicien)
	tech := c.Technicien.Create().SetUser(techUser).SetEquipe("Froid").SaveX(env.Sys)
	other := c.Technicien.Create().SetUser(otherUser).SetEquipe("Chaud").SaveX(env.Sys)

	now := env.Clock.Now()
	base := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	at := func(d time.Duration) *time.Time { v := now.Add(d); return &v }
	rows := []struct {
		titre, description string // "" description: none
		statut             domain.InterventionStatut
		priorite           domain.Priorite
		created            time.Duration // after base
		limite             *time.Time
		tech               *ent.Technicien
		cloture            *time.Time // closed work: when
	}{
		{"Fuite pompe P1", "joint HS", domain.StatutOuverte, domain.PrioriteHaute, 0, at(-2 * time.Hour), nil, nil},
		{"Pompe doseuse", "petite FUITE au raccord", domain.StatutEnCours, domain.PrioriteUrgente, time.Hour, at(-time.Hour), tech, nil},
		{"Fuite vanne", "circuit froid, ÉVAPORATEUR givré", domain.StatutAffectee, domain.PrioriteHaute, 2 * time.Hour, at(24 * time.Hour), tech, nil},
		{"Pompe de relevage", "bruit", domain.StatutCloturee, domain.PrioriteHaute, 3 * time.Hour, at(-48 * time.Hour), tech, at(-50 * time.Hour)},
		{"Moteur", "", domain.StatutOuverte, domain.PrioriteNormale, 4 * time.Hour, nil, nil, nil},
		{"Armoire", "disjoncteur", domain.StatutEnAttente, domain.PrioriteNormale, 5 * time.Hour, at(-10 * time.Minute), nil, nil},
		{"Limite maintenant", "échéance exacte", domain.StatutOuverte, domain.PrioriteBasse, 6 * time.Hour, at(0), nil, nil},
		{"Contrôle annuel", "POMPE et Fuite d'huile", domain.StatutEnAttente, domain.PrioriteBasse, 26 * time.Hour, at(time.Hour), other, nil},
		{"Ancienne", "pompes", domain.StatutAnnulee, domain.PrioriteBasse, -24 * time.Hour, nil, nil, nil},
		{"Archivée en retard", "fuite pompe", domain.StatutArchivee, domain.PrioriteHaute, -48 * time.Hour, at(-72 * time.Hour), tech, at(-70 * time.Hour)},
		{"Annulée après échéance", "", domain.StatutAnnulee, domain.PrioriteBasse, -30 * time.Hour, at(-5 * time.Hour), nil, nil},
	}
	for _, r := range rows {
		q := c.Intervention.Create().SetTitre(r.titre).SetStatut(r.statut).SetPriorite(r.priorite).
			SetDateCreation(base.Add(r.created)).SetNillableDateLimite(r.limite).SetNillableDateCloture(r.cloture).SetDemandeur(admin)
		if r.description != "" {
			q.SetDescription(r.description)
		}
		if r.tech != nil {
			q.SetTechnicien(r.tech)
		}
		q.SaveX(env.Sys)
	}
	if n := c.Intervention.Query().Where(entintervention.DescriptionIsNil()).CountX(env.Sys); n != 2 {
		t.Fatalf("%d interventions without description, want 2", n)
	}
	api := env.As(t, admin)

	const list = `query($where: InterventionWhereInput, $orderBy: [InterventionOrder!]) {
  interventions(first: 50, where: $where, orderBy: $orderBy) { totalCount edges { node { titre } } }
}`
	in := func(t time.Time, zone *time.Location) string { return t.In(zone).Format(time.RFC3339) }
	casablanca := time.FixedZone("+01:00", 3600)
	tests := []struct {
		name    string
		vars    map[string]any
		ordered bool // want is in the order of the answer; otherwise compared as sets
		want    []string
	}{
		{"EnRetard", map[string]any{"where": map[string]any{"enRetard": true}}, false,
			[]string{"Archivée en retard", "Armoire", "Fuite pompe P1", "Pompe doseuse"}},
		{"PasEnRetard", map[string]any{"where": map[string]any{"enRetard": false}}, false,
			[]string{"Ancienne", "Annulée après échéance", "Contrôle annuel", "Fuite vanne", "Limite maintenant", "Moteur", "Pompe de relevage"}},
		{"EnRetardInOr", map[string]any{"where": map[string]any{"or": []map[string]any{{"enRetard": true}, {"statut": "CLOTUREE"}}}}, false,
			[]string{"Archivée en retard", "Armoire", "Fuite pompe P1", "Pompe de relevage", "Pompe doseuse"}},
		{"Search", map[string]any{"where": map[string]any{"search": "pompe fuite"}}, false,
			[]string{"Archivée en retard", "Contrôle annuel", "Fuite pompe P1", "Pompe doseuse"}},
		{"SearchUpperCaseWords", map[string]any{"where": map[string]any{"search": "  FUITE   Pompe "}}, false,
			[]string{"Archivée en retard", "Contrôle annuel", "Fuite pompe P1", "Pompe doseuse"}},
		{"SearchOneWordInDescriptionOnly", map[string]any{"where": map[string]any{"search": "raccord"}}, false,
			[]string{"Pompe doseuse"}},
		{"SearchAccentedCase", map[string]any{"where": map[string]any{"search": "évaporateur"}}, false,
			[]string{"Fuite vanne"}},
		{"SearchNoMatch", map[string]any{"where": map[string]any{"search": "pompe compresseur"}}, false, nil},
		{"SearchAndEnRetard", map[string]any{"where": map[string]any{"search": "pompe fuite", "enRetard": true}}, false,
			[]string{"Archivée en retard", "Fuite pompe P1", "Pompe doseuse"}},
		{"DateRange", map[string]any{"where": map[string]any{
			"dateCreationGTE": in(base.Add(time.Hour), time.UTC), "dateCreationLT": in(base.Add(4*time.Hour), time.UTC)}}, false,
			[]string{"Fuite vanne", "Pompe de relevage", "Pompe doseuse"}},
		{"DateRangeWithOffset", map[string]any{"where": map[string]any{
			"dateCreationGTE": in(base.Add(time.Hour), casablanca), "dateCreationLT": in(base.Add(4*time.Hour), casablanca)}}, false,
			[]string{"Fuite vanne", "Pompe de relevage", "Pompe doseuse"}},
		{"PrioriteAndStatutIn", map[string]any{"where": map[string]any{"priorite": "HAUTE", "statutIn": []string{"OUVERTE", "AFFECTEE"}}}, false,
			[]string{"Fuite pompe P1", "Fuite vanne"}},
		{"HasTechnicienWith", map[string]any{"where": map[string]any{"hasTechnicienWith": []map[string]any{{"equipe": "Froid"}}}}, false,
			[]string{"Archivée en retard", "Fuite vanne", "Pompe de relevage", "Pompe doseuse"}},
		{"HasTechnicienWithUser", map[string]any{"where": map[string]any{"hasTechnicienWith": []map[string]any{
			{"hasUserWith": []map[string]any{{"email": otherUser.Email}}}}}}, false,
			[]string{"Contrôle annuel"}},
		// NULL deadlines are left out: where they sort is up to the database.
		{"OrderByDateLimite", map[string]any{"where": map[string]any{"dateLimiteNotNil": true},
			"orderBy": []map[string]any{{"field": "DATE_LIMITE", "direction": "ASC"}}}, true,
			[]string{"Archivée en retard", "Pompe de relevage", "Annulée après échéance", "Fuite pompe P1", "Pompe doseuse", "Armoire", "Limite maintenant", "Contrôle annuel", "Fuite vanne"}},
		{"OrderByDateLimiteLate", map[string]any{"where": map[string]any{"enRetard": true},
			"orderBy": []map[string]any{{"field": "DATE_LIMITE", "direction": "ASC"}}}, true,
			[]string{"Archivée en retard", "Fuite pompe P1", "Pompe doseuse", "Armoire"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got struct {
				Interventions struct {
					TotalCount int
					Edges      []struct{ Node struct{ Titre string } }
				}
			}
			resOK(t, api, list, tt.vars, &got)
			titres := []string{}
			for _, e := range got.Interventions.Edges {
				titres = append(titres, e.Node.Titre)
			}
			want := append([]string{}, tt.want...)
			if !tt.ordered {
				slices.Sort(titres)
				slices.Sort(want)
			}
			if diff := cmp.Diff(want, titres); diff != "" {
				t.Errorf("titres (-want +got):\n%s", diff)
			}
			if got.Interventions.TotalCount != len(tt.want) {
				t.Errorf("totalCount = %d, want %d", got.Interventions.TotalCount, len(tt.want))
			}
		})
	}
	// The filter and the field are one definition: each row is selected by enRetard: x
	// exactly when its field enRetard is x.
	t.Run("FilterEnRetardIsTheField", func(t *testing.T) {
		seen := 0
		for _, late := range []bool{true, false} {
			var got struct {
				Interventions struct {
					Edges []struct {
						Node struct {
							Titre    string
							EnRetard bool
						}
					}
				}
			}
			resOK(t, api, `query($late: Boolean) { interventions(first: 50, where: {enRetard: $late}) {
  edges { node { titre enRetard } } } }`, map[string]any{"late": late}, &got)
			for _, e := range got.Interventions.Edges {
				seen++
				if e.Node.EnRetard != late {
					t.Errorf("%q selected by enRetard: %v has the field enRetard %v", e.Node.Titre, late, e.Node.EnRetard)
				}
			}
		}
		if seen != len(rows) {
			t.Errorf("enRetard true and false together selected %d rows, want all %d", seen, len(rows))
		}
	})
	t.Run("BlankSearchFiltersNothing", func(t *testing.T) {
		var got struct{ Interventions struct{ TotalCount int } }
		resOK(t, api, list, map[string]any{"where": map[string]any{"search": "   "}}, &got)
		if got.Interventions.TotalCount != len(rows) {
			t.Errorf("totalCount = %d, want %d", got.Interventions.TotalCount, len(rows))
		}
	})
}
