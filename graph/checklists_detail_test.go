package graph_test

import (
	"fmt"
	"testing"
	"time"

	"entgo.io/ent/dialect"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/internal/apptest"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/testdb"
)

// workOrder is the detail screen of a job in the field: the intervention with its checklist,
// time entries and comments, their people, its history and documents.
const workOrder = `query($id: ID!) { node(id: $id) { ... on Intervention { titre statut priorite rapport dureeSaisie
  equipement { nom code } technicien { user { nomComplet } } documents { filename }
  historique { nouveauStatut champ nouvelleValeur horodatage user { nomComplet } }
  checklist { position libelle type obligatoire unite min max choix coche valeur texte horsLimites reponduLe reponduPar { nomComplet } }
  tempsPasses(first: 50) { totalCount edges { node { debut fin dureeMinutes technicien { user { nomComplet } } } } }
  commentaires(first: 20) { totalCount edges { node { texte interne createdAt auteur { nomComplet } } } } } } }`

// fillWorkOrder gives iv points checklist points, entries time entries and comments
// comments, all answered or written by by.
func fillWorkOrder(t *testing.T, e *apptest.Env, iv *ent.Intervention, tech *ent.Technicien, by *ent.User, points, entries, comments int) {
	t.Helper()
	now := e.Clock.Now()
	pts := make([]*ent.PointChecklistCreate, points)
	for i := range pts {
		pts[i] = e.Client.PointChecklist.Create().SetIntervention(iv).SetPosition(i + 1).SetLibelle(fmt.Sprintf("Point %d", i+1)).
			SetType(domain.PointMesure).SetObligatoire(true).SetUnite("bar").SetMin(1).SetMax(5).SetValeur(3).
			SetReponduLe(now).SetReponduPar(by)
	}
	e.Client.PointChecklist.CreateBulk(pts...).ExecX(e.Sys)
	ts := make([]*ent.TempsPasseCreate, entries)
	for i := range ts {
		start := now.Add(-time.Duration(i+2) * 24 * time.Hour)
		ts[i] = e.Client.TempsPasse.Create().SetIntervention(iv).SetTechnicien(tech).SetUser(by).
			SetDebut(start).SetFin(start.Add(time.Hour)).SetDureeMinutes(60).SetTauxHoraireCentimes(10000)
	}
	e.Client.TempsPasse.CreateBulk(ts...).ExecX(e.Sys)
	cs := make([]*ent.CommentaireCreate, comments)
	for i := range cs {
		cs[i] = e.Client.Commentaire.Create().SetIntervention(iv).SetAuteur(by).SetTexte(fmt.Sprintf("Commentaire %d", i+1))
	}
	e.Client.Commentaire.CreateBulk(cs...).ExecX(e.Sys)
}

// TestWorkOrderStatementCount: the detail of a job costs the same few statements however long
// its checklist, time sheet and thread are.
func TestWorkOrderStatementCount(t *testing.T) {
	e := apptest.New(t, everyTokenChecked)
	admin := e.User(t, "Admin", domain.RoleAdmin)
	u := e.User(t, "Tech", domain.RoleTechnicien)
	tech := e.Client.Technicien.Create().SetUser(u).SaveX(e.Sys)
	eq := e.Client.Equipement.Create().SetNom("Compresseur").SetCode("EQ-1").SaveX(e.Sys)
	// statements counts what the detail costs as who, on a new job of the given size.
	statements := func(who *ent.User, points, entries, comments int) int64 {
		iv := e.Client.Intervention.Create().SetTitre("Révision").SetEquipement(eq).SetTechnicien(tech).
			SetStatut(domain.StatutEnCours).SaveX(e.Sys)
		e.Client.HistoriqueIntervention.Create().SetIntervention(iv).SetUser(admin).SetNouveauStatut(domain.StatutEnCours).ExecX(e.Sys)
		fillWorkOrder(t, e, iv, tech, u, points, entries, comments)
		var got struct {
			Node struct {
				Checklist    []struct{ Position int }
				Commentaires struct{ TotalCount int }
			}
		}
		api := e.As(t, who)
		before := e.DB.Statements()
		api.MustData(workOrder, map[string]any{"id": iv.ID}, &got)
		n := e.DB.Statements() - before
		if len(got.Node.Checklist) != points || got.Node.Commentaires.TotalCount != comments {
			t.Fatalf("%d points and %d comments, want %d and %d", len(got.Node.Checklist), got.Node.Commentaires.TotalCount, points, comments)
		}
		return n
	}
	for _, who := range []*ent.User{admin, u} {
		small, large := statements(who, 2, 1, 2), statements(who, 20, 10, 20)
		t.Logf("%s: statements: %d for 2 points, 1 entry, 2 comments; %d for 20, 10, 20", who.Role, small, large)
		if small != large {
			t.Errorf("%s: the detail's statements grow with its content: %d, then %d", who.Role, small, large)
		}
		// The token, the intervention, then one statement per list and level (edges of the
		// checklist, the entries and the comments, their counts, the KPI facts of
		// dureeSaisie); on PostgreSQL, the token and the one statement that renders it all,
		// with the viewer's rules on the time sheet and the thread.
		limit := int64(18)
		if testdb.Dialect() == dialect.Postgres {
			limit = 2
		}
		if large > limit {
			t.Errorf("%s: %d statements for the detail, want at most %d", who.Role, large, limit)
		}
	}
}
