package graph_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/internal/apptest"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/gqltest"
)

// fixture is a small maintenance dataset: one technician, two equipements and interventions
// in several statuses, each with its creation history line.
type fixture struct {
	env    *apptest.Env
	client *ent.Client
	admin  *ent.User
	tech   *ent.Technicien
	pompe  *ent.Equipement
	four   *ent.Equipement
	byName map[string]*ent.Intervention
}

func newFixture(t *testing.T) (*fixture, *gqltest.Client) {
	t.Helper()
	env := apptest.New(t)
	ctx := env.Sys
	c := env.Client
	f := &fixture{env: env, client: c, byName: map[string]*ent.Intervention{}}
	f.admin = c.User.Create().SetEmail("admin@example.com").SetPasswordHash("x").SetRole(domain.RoleAdmin).SaveX(ctx)
	techUser := c.User.Create().SetEmail("tech@example.com").SetPasswordHash("x").SetRole(domain.RoleTechnicien).SaveX(ctx)
	f.tech = c.Technicien.Create().SetUser(techUser).SetEquipe("Froid").SaveX(ctx)
	f.pompe = c.Equipement.Create().SetNom("Pompe P1").SetCode("EQ-001").SaveX(ctx)
	f.four = c.Equipement.Create().SetNom("Four F2").SetCode("EQ-002").SetCriticite(domain.CriticiteCritique).SaveX(ctx)

	base := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	rows := []struct {
		titre    string
		statut   domain.InterventionStatut
		priorite domain.Priorite
		eq       *ent.Equipement
	}{
		{"A fuite pompe", domain.StatutOuverte, domain.PrioriteUrgente, f.pompe},
		{"B bruit moteur", domain.StatutEnCours, domain.PrioriteHaute, f.pompe},
		{"C thermostat", domain.StatutEnCours, domain.PrioriteNormale, f.four},
		{"D joint porte", domain.StatutCloturee, domain.PrioriteBasse, f.four},
		{"E graissage", domain.StatutAffectee, domain.PrioriteProgrammee, f.pompe},
	}
	for i, r := range rows {
		in := c.Intervention.Create().
			SetTitre(r.titre).
			SetStatut(r.statut).
			SetPriorite(r.priorite).
			SetEquipement(r.eq).
			SetDemandeur(f.admin).
			SetDateCreation(base.Add(time.Duration(i) * time.Hour))
		if r.statut != domain.StatutOuverte {
			in.SetTechnicien(f.tech)
		}
		iv := in.SaveX(ctx)
		c.HistoriqueIntervention.Create().SetIntervention(iv).SetUser(f.admin).
			SetNouveauStatut(domain.StatutOuverte).SetRemarque("création").SaveX(ctx)
		f.byName[r.titre] = iv
	}
	return f, env.As(t, f.admin)
}

type connection struct {
	TotalCount int `json:"totalCount"`
	PageInfo   struct {
		HasNextPage bool   `json:"hasNextPage"`
		EndCursor   string `json:"endCursor"`
	} `json:"pageInfo"`
	Edges []struct {
		Node struct {
			ID         string `json:"id"`
			Titre      string `json:"titre"`
			Statut     string `json:"statut"`
			Equipement *struct {
				Nom string `json:"nom"`
			} `json:"equipement"`
			Technicien *struct {
				User struct {
					Email string `json:"email"`
				} `json:"user"`
			} `json:"technicien"`
			Historique []struct {
				NouveauStatut string `json:"nouveauStatut"`
			} `json:"historique"`
		} `json:"node"`
	} `json:"edges"`
}

func (c connection) titres() []string {
	var out []string
	for _, e := range c.Edges {
		out = append(out, e.Node.Titre)
	}
	return out
}

const listQuery = `query($first: Int, $after: Cursor, $where: InterventionWhereInput, $orderBy: [InterventionOrder!]) {
  interventions(first: $first, after: $after, where: $where, orderBy: $orderBy) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id titre statut equipement { nom } technicien { user { email } } historique { nouveauStatut } } }
  }
}`

func TestInterventionsList(t *testing.T) {
	_, api := newFixture(t)
	byTitre := []map[string]any{{"field": "TITRE", "direction": "ASC"}}

	tests := []struct {
		name      string
		vars      map[string]any
		wantTotal int
		want      []string
	}{
		{"All", map[string]any{"orderBy": byTitre}, 5,
			[]string{"A fuite pompe", "B bruit moteur", "C thermostat", "D joint porte", "E graissage"}},
		{"ByStatut", map[string]any{"orderBy": byTitre, "where": map[string]any{"statut": "EN_COURS"}}, 2,
			[]string{"B bruit moteur", "C thermostat"}},
		{"ByStatutAndPriorite", map[string]any{"where": map[string]any{"statutIn": []string{"EN_COURS", "OUVERTE"}, "priorite": "URGENTE"}}, 1,
			[]string{"A fuite pompe"}},
		{"ByEquipement", map[string]any{"orderBy": byTitre, "where": map[string]any{"hasEquipementWith": []map[string]any{{"code": "EQ-002"}}}}, 2,
			[]string{"C thermostat", "D joint porte"}},
		{"TextSearch", map[string]any{"where": map[string]any{"titreContainsFold": "THERMO"}}, 1,
			[]string{"C thermostat"}},
		{"NewestFirst", map[string]any{"first": 2, "orderBy": []map[string]any{{"field": "DATE_CREATION", "direction": "DESC"}}}, 5,
			[]string{"E graissage", "D joint porte"}},
		{"NoMatch", map[string]any{"where": map[string]any{"statut": "ARCHIVEE"}}, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got struct{ Interventions connection }
			api.MustData(listQuery, tt.vars, &got)
			if got.Interventions.TotalCount != tt.wantTotal {
				t.Errorf("totalCount = %d, want %d", got.Interventions.TotalCount, tt.wantTotal)
			}
			if diff := cmp.Diff(tt.want, got.Interventions.titres()); diff != "" {
				t.Errorf("titres (-want +got):\n%s", diff)
			}
		})
	}
}

func TestInterventionsNestedEdges(t *testing.T) {
	_, api := newFixture(t)
	var got struct{ Interventions connection }
	api.MustData(listQuery, map[string]any{"where": map[string]any{"titre": "B bruit moteur"}}, &got)
	if len(got.Interventions.Edges) != 1 {
		t.Fatalf("got %d edges, want 1", len(got.Interventions.Edges))
	}
	n := got.Interventions.Edges[0].Node
	if n.Equipement == nil || n.Equipement.Nom != "Pompe P1" {
		t.Errorf("equipement = %+v, want Pompe P1", n.Equipement)
	}
	if n.Technicien == nil || n.Technicien.User.Email != "tech@example.com" {
		t.Errorf("technicien = %+v, want tech@example.com", n.Technicien)
	}
	if len(n.Historique) != 1 || n.Historique[0].NouveauStatut != "OUVERTE" {
		t.Errorf("historique = %+v, want one OUVERTE line", n.Historique)
	}
}

func TestInterventionsPagination(t *testing.T) {
	_, api := newFixture(t)
	byTitre := []map[string]any{{"field": "TITRE", "direction": "ASC"}}
	var seen []string
	var after any
	for page := 0; page < 5; page++ {
		var got struct{ Interventions connection }
		api.MustData(listQuery, map[string]any{"first": 2, "after": after, "orderBy": byTitre}, &got)
		seen = append(seen, got.Interventions.titres()...)
		if !got.Interventions.PageInfo.HasNextPage {
			break
		}
		after = got.Interventions.PageInfo.EndCursor
	}
	want := []string{"A fuite pompe", "B bruit moteur", "C thermostat", "D joint porte", "E graissage"}
	if diff := cmp.Diff(want, seen); diff != "" {
		t.Errorf("pages (-want +got):\n%s", diff)
	}
}

func TestListDefaultPageSize(t *testing.T) {
	env := apptest.New(t)
	bulk := make([]*ent.EquipementCreate, 60)
	for i := range bulk {
		bulk[i] = env.Client.Equipement.Create().SetNom("Eq " + strconv.Itoa(i)).SetCode(fmt.Sprintf("EQ-%03d", i))
	}
	env.Client.Equipement.CreateBulk(bulk...).SaveX(env.Sys)
	api := env.As(t, env.User(t, "Resp", domain.RoleResponsable))

	var got struct {
		Equipements struct {
			TotalCount int
			Edges      []struct{ Node struct{ ID string } }
		}
	}
	api.MustData(`{ equipements { totalCount edges { node { id } } } }`, nil, &got)
	if got.Equipements.TotalCount != 60 || len(got.Equipements.Edges) != 50 {
		t.Errorf("without first: totalCount %d, %d edges; want 60 and a page of 50", got.Equipements.TotalCount, len(got.Equipements.Edges))
	}
}

func TestNode(t *testing.T) {
	f, api := newFixture(t)
	iv := f.byName["C thermostat"]
	q := `query($id: ID!) { node(id: $id) { __typename id ... on Intervention { titre } ... on Equipement { code } } }`

	tests := []struct {
		name     string
		id       int
		typename string
	}{
		{"Intervention", iv.ID, "Intervention"},
		{"Equipement", f.four.ID, "Equipement"},
		{"Technicien", f.tech.ID, "Technicien"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got struct {
				Node struct {
					Typename string `json:"__typename"`
					ID       string
				}
			}
			api.MustData(q, map[string]any{"id": strconv.Itoa(tt.id)}, &got)
			if got.Node.Typename != tt.typename || got.Node.ID != strconv.Itoa(tt.id) {
				t.Errorf("node = %+v, want %s %d", got.Node, tt.typename, tt.id)
			}
		})
	}
	t.Run("UnknownID", func(t *testing.T) {
		e := api.MustFail(q, map[string]any{"id": strconv.Itoa(iv.ID + 1000)})
		if e.Code() != "NOT_FOUND" {
			t.Errorf("code = %q (%s), want NOT_FOUND", e.Code(), e.Message)
		}
	})
}

func TestDocuments(t *testing.T) {
	f, api := newFixture(t)
	ctx := f.env.Sys
	iv := f.byName["A fuite pompe"]
	older := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	for i, name := range []string{"photo.png", "rapport.pdf"} {
		f.client.Document.Create().SetIntervention(iv).SetFilename(name).SetPath(fmt.Sprintf("ab/%d", i)).
			SetMimeType("application/pdf").SetSize(10).SetSha256("00").SetDateUpload(older.Add(time.Duration(i) * time.Hour)).SaveX(ctx)
	}
	q := `query($id: ID!) { documents(interventionId: $id) { filename } }`

	t.Run("NewestFirst", func(t *testing.T) {
		var got struct{ Documents []struct{ Filename string } }
		api.MustData(q, map[string]any{"id": strconv.Itoa(iv.ID)}, &got)
		want := []struct{ Filename string }{{"rapport.pdf"}, {"photo.png"}}
		if diff := cmp.Diff(want, got.Documents); diff != "" {
			t.Errorf("documents (-want +got):\n%s", diff)
		}
	})
	t.Run("UnknownIntervention", func(t *testing.T) {
		e := api.MustFail(q, map[string]any{"id": "999"})
		if e.Code() != "NOT_FOUND" {
			t.Errorf("code = %q (%s), want NOT_FOUND", e.Code(), e.Message)
		}
	})
}

func TestInvalidEnumRefusedBeforeExecution(t *testing.T) {
	_, api := newFixture(t)
	e := api.MustFail(listQuery, map[string]any{"where": map[string]any{"statut": "FINIE"}})
	// The variable's value is wrong, not the document: BAD_USER_INPUT, as for an argument.
	if e.Code() != "BAD_USER_INPUT" || !strings.Contains(e.Message, "variable $where.statut") {
		t.Errorf("error %q (%s), want BAD_USER_INPUT naming $where.statut", e.Message, e.Code())
	}
}
