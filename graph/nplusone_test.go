package graph_test

import (
	"fmt"
	"testing"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/internal/apptest"
	"github.com/mifmaroc/erp/internal/domain"
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

// TestNestedListStatementCount: the statements a nested list costs do not depend on its size.
func TestNestedListStatementCount(t *testing.T) {
	e := apptest.New(t)
	admin := seedInterventions(t, e, 200)
	api := e.As(t, admin)
	count := func(n int) int64 {
		var got struct {
			Interventions struct{ Edges []struct{} }
		}
		before := e.DB.Statements()
		api.MustData(nestedList, map[string]any{"n": n}, &got)
		if len(got.Interventions.Edges) != n {
			t.Fatalf("%d rows, want %d", len(got.Interventions.Edges), n)
		}
		return e.DB.Statements() - before
	}
	// 100 is the largest page the API serves (graph/limits.go).
	small, large := count(10), count(100)
	t.Logf("statements: %d for 10 rows, %d for 100 rows", small, large)
	if small != large {
		t.Errorf("statements grow with the list: %d for 10 rows, %d for 100", small, large)
	}
	// One to authenticate, then the page, its count and one per edge level.
	if large > 9 {
		t.Errorf("%d statements for the nested list, want at most 9", large)
	}
}

// TestKPIStatementCount: the KPI fields of a page cost the same few statements whatever its
// size (they are batched by a per-request loader).
func TestKPIStatementCount(t *testing.T) {
	e := apptest.New(t)
	admin := seedInterventions(t, e, 120)
	api := e.As(t, admin)
	q := `query($n: Int!) { interventions(first: $n) { edges { node { delaiEcoule enRetard dureeReelle coutTotalCentimes slaRespecte } } } }`
	count := func(n int) int64 {
		var got struct {
			Interventions struct{ Edges []struct{} }
		}
		before := e.DB.Statements()
		api.MustData(q, map[string]any{"n": n}, &got)
		if len(got.Interventions.Edges) != n {
			t.Fatalf("%d rows, want %d", len(got.Interventions.Edges), n)
		}
		return e.DB.Statements() - before
	}
	small, large := count(5), count(100)
	t.Logf("statements: %d for 5 rows, %d for 100 rows", small, large)
	if small != large {
		t.Errorf("KPI statements grow with the list: %d for 5 rows, %d for 100", small, large)
	}
}
