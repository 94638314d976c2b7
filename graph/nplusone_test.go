package graph_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"entgo.io/ent/dialect"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/ent/intervention"
	"github.com/mifmaroc/erp/internal/apptest"
	"github.com/mifmaroc/erp/internal/config"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/gqltest"
	"github.com/mifmaroc/erp/internal/testdb"
)

// nestedList is the list screen's query: every edge a row shows.
const nestedList = `query($n: Int!) { interventions(first: $n) { totalCount edges { node {
  titre equipement { nom } technicien { user { email } } documents { filename }
  historique { nouveauStatut user { email } } } } } }`

// seedInterventions creates n interventions, each with an equipement, a technician, a
// document and two history lines.
func seedInterventions(t *testing.T, e *apptest.Env, n int) *ent.User {
	t.Helper()
	admin := e.User(t, "Admin", domain.RoleAdmin)
	techs := make([]*ent.Technicien, 5)
	for i := range techs {
		u := e.User(t, fmt.Sprintf("Tech%d", i), domain.RoleTechnicien)
		techs[i] = e.Client.Technicien.Create().SetUser(u).SaveX(e.Sys)
	}
	eqs := make([]*ent.EquipementCreate, 20)
	for i := range eqs {
		eqs[i] = e.Client.Equipement.Create().SetNom(fmt.Sprintf("Eq %d", i)).SetCode(fmt.Sprintf("N1-%d", i))
	}
	equipements := e.Client.Equipement.CreateBulk(eqs...).SaveX(e.Sys)
	ivs := make([]*ent.InterventionCreate, n)
	for i := range ivs {
		ivs[i] = e.Client.Intervention.Create().SetTitre(fmt.Sprintf("I%03d", i)).
			SetEquipement(equipements[i%len(equipements)]).SetTechnicien(techs[i%len(techs)]).SetStatut(domain.StatutAffectee)
	}
	created := e.Client.Intervention.CreateBulk(ivs...).SaveX(e.Sys)
	var hist []*ent.HistoriqueInterventionCreate
	var docs []*ent.DocumentCreate
	for i, iv := range created {
		hist = append(hist,
			e.Client.HistoriqueIntervention.Create().SetIntervention(iv).SetUser(admin).SetNouveauStatut(domain.StatutOuverte),
			e.Client.HistoriqueIntervention.Create().SetIntervention(iv).SetUser(admin).SetNouveauStatut(domain.StatutAffectee))
		docs = append(docs, e.Client.Document.Create().SetIntervention(iv).SetFilename("p.png").SetPath(fmt.Sprintf("x/%d.png", i)).
			SetMimeType("image/png").SetSize(1).SetSha256("0"))
	}
	e.Client.HistoriqueIntervention.CreateBulk(hist...).ExecX(e.Sys)
	e.Client.Document.CreateBulk(docs...).ExecX(e.Sys)
	return admin
}

// everyTokenChecked turns off the cache of token checks (AUTH_CACHE_TTL=0): counts then
// include the token check every request pays when its user was not seen in the last second.
func everyTokenChecked(c *config.Config) { c.AuthCacheTTL = 0 }

// pageStatements runs query, a page of interventions of $n rows, and returns the SQL
// statements it cost.
func pageStatements(t *testing.T, e *apptest.Env, api *gqltest.Client, query string, n int) int64 {
	t.Helper()
	var got struct {
		Interventions struct{ Edges []struct{} }
	}
	before := e.DB.Statements()
	api.MustData(query, map[string]any{"n": n}, &got)
	if len(got.Interventions.Edges) != n {
		t.Fatalf("%d rows, want %d", len(got.Interventions.Edges), n)
	}
	return e.DB.Statements() - before
}

// TestNestedListStatementCount: the statements a nested list costs do not depend on its size.
func TestNestedListStatementCount(t *testing.T) {
	e := apptest.New(t, everyTokenChecked)
	admin := seedInterventions(t, e, 200)
	api := e.As(t, admin)
	// 100 is the largest page the API serves (graph/limits.go).
	small, large := pageStatements(t, e, api, nestedList, 10), pageStatements(t, e, api, nestedList, 100)
	t.Logf("statements: %d for 10 rows, %d for 100 rows", small, large)
	if small != large {
		t.Errorf("statements grow with the list: %d for 10 rows, %d for 100", small, large)
	}
	// On PostgreSQL: one to authenticate, the count, and the page, which brings every
	// edge rendered as JSON (internal/render). On SQLite the edges come by field
	// collection, one statement per edge and level.
	limit := int64(3)
	if testdb.Dialect() != dialect.Postgres {
		limit = 9
	}
	if large > limit {
		t.Errorf("%d statements for the nested list, want at most %d", large, limit)
	}
}

// TestKPIStatementCount: the KPI fields of a page cost the same few statements whatever its
// size (they are batched by a per-request loader).
func TestKPIStatementCount(t *testing.T) {
	e := apptest.New(t, everyTokenChecked)
	admin := seedInterventions(t, e, 120)
	api := e.As(t, admin)
	q := `query($n: Int!) { interventions(first: $n) { edges { node { delaiEcoule enRetard dureeReelle coutTotalCentimes slaRespecte } } } }`
	small, large := pageStatements(t, e, api, q, 5), pageStatements(t, e, api, q, 100)
	t.Logf("statements: %d for 5 rows, %d for 100 rows", small, large)
	if small != large {
		t.Errorf("KPI statements grow with the list: %d for 5 rows, %d for 100", small, large)
	}
}

// TestLoadersOutsideCollection: entities that reach the API without entgql's field
// collection (a mutation's result, a plain list field) load their edges through the
// per-operation DataLoaders: the statements do not grow with the number of rows, and the
// values are those of the database.
func TestLoadersOutsideCollection(t *testing.T) {
	e := apptest.New(t, everyTokenChecked)
	admin := seedInterventions(t, e, 40)
	api := e.As(t, admin)
	iv := e.Client.Intervention.Query().Order(ent.Asc("id")).FirstX(e.Sys)

	// documents(interventionId:) returns bare rows; each asks for its uploader.
	docs := func(n int) int64 {
		e.Client.Document.Delete().ExecX(e.Sys)
		for i := range n {
			u := e.User(t, fmt.Sprintf("Up%d-%d", n, i), domain.RoleResponsable)
			e.Client.Document.Create().SetInterventionID(iv.ID).SetUploadedBy(u).SetFilename("p.png").
				SetPath(fmt.Sprintf("x/%d-%d.png", n, i)).SetMimeType("image/png").SetSize(1).SetSha256("0").ExecX(e.Sys)
		}
		var got struct {
			Documents []struct{ UploadedBy struct{ Email string } }
		}
		before := e.DB.Statements()
		api.MustData(`query($id: ID!) { documents(interventionId: $id) { filename uploadedBy { email } } }`, map[string]any{"id": iv.ID}, &got)
		spent := e.DB.Statements() - before
		if len(got.Documents) != n {
			t.Fatalf("%d documents, want %d", len(got.Documents), n)
		}
		for _, d := range got.Documents {
			if d.UploadedBy.Email == "" {
				t.Fatalf("a document lost its uploader: %+v", got.Documents)
			}
		}
		return spent
	}
	small, large := docs(2), docs(30)
	t.Logf("documents with uploaders: %d statements for 2, %d for 30", small, large)
	if small != large {
		t.Errorf("uploaders loaded one by one: %d statements for 2 documents, %d for 30", small, large)
	}

	// A mutation's result carries no collected edge: every edge level is one batch.
	var moved struct {
		ChangeInterventionStatut struct {
			Equipement struct{ Nom string }
			Technicien struct{ User struct{ Email string } }
			Historique []struct {
				NouveauStatut string
				User          struct{ Email string }
			}
		}
	}
	api.MustData(`mutation($id: ID!) { changeInterventionStatut(id: $id, statut: EN_COURS) {
	  equipement { nom } technicien { user { email } } historique { nouveauStatut user { email } } } }`,
		map[string]any{"id": iv.ID}, &moved)
	want := e.Client.Intervention.Query().Where(intervention.ID(iv.ID)).
		WithEquipement().WithTechnicien(func(q *ent.TechnicienQuery) { q.WithUser() }).WithHistorique().OnlyX(e.Sys)
	got := moved.ChangeInterventionStatut
	if got.Equipement.Nom != want.Edges.Equipement.Nom || got.Technicien.User.Email != want.Edges.Technicien.Edges.User.Email {
		t.Errorf("edges of the result: %+v, want equipement %q and technician %q", got,
			want.Edges.Equipement.Nom, want.Edges.Technicien.Edges.User.Email)
	}
	moves := map[string]bool{}
	for _, h := range got.Historique {
		moves[h.NouveauStatut] = true
		if h.User.Email == "" {
			t.Errorf("a history line lost its author: %+v", got.Historique)
		}
	}
	if len(got.Historique) != len(want.Edges.Historique) || !moves["EN_COURS"] {
		t.Errorf("history of the result: %+v, want %d lines with the move to EN_COURS", got.Historique, len(want.Edges.Historique))
	}
}

// TestRenderVisibility: the nested list and node(id:) show, for each role, every edge of the
// interventions it may list and nothing else. On PostgreSQL direct rendering reads these
// edges (access.WithIntervention) without the privacy rules: it must agree with them.
func TestRenderVisibility(t *testing.T) {
	e := apptest.New(t, everyTokenChecked)
	admin := seedInterventions(t, e, 30)
	client := e.User(t, "Client", domain.RoleClient)
	tech := e.Client.Technicien.Query().WithUser().Order(ent.Asc("id")).FirstX(e.Sys)
	// The client asked for a third of them; he and the technician wrote history on some.
	ivs := e.Client.Intervention.Query().Order(ent.Asc("id")).AllX(e.Sys)
	for i, iv := range ivs {
		if i%3 == 0 {
			iv.Update().SetDemandeurID(client.ID).ExecX(e.Sys)
			e.Client.HistoriqueIntervention.Create().SetIntervention(iv).SetUser(client).
				SetNouveauStatut(domain.StatutAffectee).ExecX(e.Sys)
		}
		if iv.TechnicienID != nil && *iv.TechnicienID == tech.ID {
			e.Client.HistoriqueIntervention.Create().SetIntervention(iv).SetUser(tech.Edges.User).
				SetNouveauStatut(domain.StatutEnCours).ExecX(e.Sys)
		}
	}
	type row struct {
		ID         string
		Titre      string
		Equipement *struct{ Nom string }
		Technicien *struct {
			Equipe string
			User   struct{ Email string }
		}
		Client     *struct{ Nom string }
		Demandeur  *struct{ Email string }
		Documents  []struct{ Filename, MimeType string }
		Historique []struct {
			NouveauStatut string
			User          struct{ Email string }
		}
	}
	fields := `id titre equipement { nom } technicien { equipe user { email } } client { nom } demandeur { email }
	  documents { filename mimeType } historique { nouveauStatut user { email } }`
	q := `{ interventions(first: 100) { edges { node { ` + fields + ` } } } }`
	for _, who := range []*ent.User{admin, tech.Edges.User, client} {
		var got struct {
			Interventions struct{ Edges []struct{ Node row } }
		}
		e.As(t, who).MustData(q, nil, &got)
		// node(id:) shows the same as the list.
		for _, edge := range got.Interventions.Edges[:3] {
			var one struct{ Node row }
			e.As(t, who).MustData(`query($id: ID!) { node(id: $id) { ... on Intervention { `+fields+` } } }`,
				map[string]any{"id": edge.Node.ID}, &one)
			ja, _ := json.Marshal(one.Node)
			jb, _ := json.Marshal(edge.Node)
			if a, b := string(ja), string(jb); a != b {
				t.Errorf("%s: node(id:) shows %s, the list %s", who.Role, a, b)
			}
		}
		if len(got.Interventions.Edges) == 0 {
			t.Fatalf("%s sees no intervention", who.Role)
		}
		for _, edge := range got.Interventions.Edges {
			n := edge.Node
			want := e.Client.Intervention.Query().Where(intervention.Titre(n.Titre)).
				WithEquipement().WithTechnicien(func(q *ent.TechnicienQuery) { q.WithUser() }).WithClient().WithDemandeur().
				WithDocuments().WithHistorique(func(q *ent.HistoriqueInterventionQuery) { q.WithUser() }).OnlyX(e.Sys)
			if (n.Equipement == nil) != (want.Edges.Equipement == nil) || n.Equipement != nil && n.Equipement.Nom != want.Edges.Equipement.Nom {
				t.Errorf("%s, %s: equipement %+v, want %+v", who.Role, n.Titre, n.Equipement, want.Edges.Equipement)
			}
			if wt := want.Edges.Technicien; (n.Technicien == nil) != (wt == nil) ||
				wt != nil && (n.Technicien.User.Email != wt.Edges.User.Email || n.Technicien.Equipe != wt.Equipe) {
				t.Errorf("%s, %s: technicien %+v, want %+v", who.Role, n.Titre, n.Technicien, wt)
			}
			if (n.Client == nil) != (want.Edges.Client == nil) || n.Client != nil && n.Client.Nom != want.Edges.Client.Nom {
				t.Errorf("%s, %s: client %+v, want %+v", who.Role, n.Titre, n.Client, want.Edges.Client)
			}
			if (n.Demandeur == nil) != (want.Edges.Demandeur == nil) || n.Demandeur != nil && n.Demandeur.Email != want.Edges.Demandeur.Email {
				t.Errorf("%s, %s: demandeur %+v, want %+v", who.Role, n.Titre, n.Demandeur, want.Edges.Demandeur)
			}
			if len(n.Documents) != len(want.Edges.Documents) {
				t.Errorf("%s, %s: %d documents, want %d", who.Role, n.Titre, len(n.Documents), len(want.Edges.Documents))
			}
			for _, d := range n.Documents {
				if d.Filename == "" || d.MimeType == "" {
					t.Errorf("%s, %s: document without its fields: %+v", who.Role, n.Titre, d)
				}
			}
			authors := map[string]int{}
			for _, h := range want.Edges.Historique {
				authors[string(h.NouveauStatut)+" "+h.Edges.User.Email]++
			}
			for _, h := range n.Historique {
				authors[h.NouveauStatut+" "+h.User.Email]--
			}
			for k, v := range authors {
				if v != 0 {
					t.Errorf("%s, %s: history line %q seen %d times too few", who.Role, n.Titre, k, v)
				}
			}
		}
	}
}
