package graph_test

import (
	"reflect"
	"testing"
	"time"

	"entgo.io/ent/dialect"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/graph"
	"github.com/mifmaroc/erp/internal/apptest"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/gqltest"
	"github.com/mifmaroc/erp/internal/testdb"
)

// workOrderSeen is what TestRenderReuse reads of a work order.
type workOrderSeen struct {
	Node struct {
		DureeSaisie  int
		Equipement   struct{ Nom string }
		Technicien   struct{ User struct{ NomComplet string } }
		Checklist    []struct{ Valeur *float64 }
		Commentaires struct {
			TotalCount int
			Edges      []struct {
				Node struct {
					Texte   string
					Interne bool
				}
			}
		}
	}
}

// TestRenderReuse: a work order read again while nothing was committed is written from the
// rendering the server kept, its KPIs computed at the time of the request; after any commit
// it is rendered anew, whatever the commit changed and however it was made (here behind the
// server's back); and a viewer never gets the rendering of another, who sees more. Run with
// a frozen clock and with the real one.
func TestRenderReuse(t *testing.T) {
	if testdb.Dialect() != dialect.Postgres {
		t.Skip("direct rendering, and its reuse, are PostgreSQL's; this runs in the PostgreSQL pass")
	}
	for _, real := range []bool{false, true} {
		name := "frozen clock"
		if real {
			name = "real clock"
		}
		t.Run(name, func(t *testing.T) { testRenderReuse(t, real) })
	}
}

func testRenderReuse(t *testing.T, realClock bool) {
	e := apptest.New(t, everyTokenChecked)
	if realClock {
		e.Clock.Run()
	}
	admin := e.User(t, "Admin", domain.RoleAdmin)
	u := e.User(t, "Tech", domain.RoleTechnicien)
	tech := e.Client.Technicien.Create().SetUser(u).SaveX(e.Sys)
	eq := e.Client.Equipement.Create().SetNom("Compresseur").SetCode("EQ-1").SaveX(e.Sys)
	iv := e.Client.Intervention.Create().SetTitre("Révision").SetEquipement(eq).SetTechnicien(tech).
		SetStatut(domain.StatutEnCours).SaveX(e.Sys)
	e.Client.HistoriqueIntervention.Create().SetIntervention(iv).SetUser(admin).SetNouveauStatut(domain.StatutEnCours).ExecX(e.Sys)
	fillWorkOrder(t, e, iv, tech, u, 3, 2, 3)
	// Staff only: the technician's rendering leaves it out.
	e.Client.Commentaire.Create().SetIntervention(iv).SetAuteur(admin).SetTexte("Note interne").SetInterne(true).ExecX(e.Sys)
	// Running: dureeSaisie counts it up to the time of the request.
	e.Client.TempsPasse.Create().SetIntervention(iv).SetTechnicien(tech).SetUser(u).
		SetDebut(e.Clock.Now().Add(-time.Hour)).SetTauxHoraireCentimes(10000).ExecX(e.Sys)

	apis := map[*ent.User]*gqltest.Client{admin: e.As(t, admin), u: e.As(t, u)}
	// read reads the work order as who, and how many statements it took: the token's and
	// the rendering's, or the token's and the row's alone when the rendering was reused,
	// or those three when a kept rendering was out of date.
	readID := func(who *ent.User, id int) (workOrderSeen, int64) {
		t.Helper()
		var got workOrderSeen
		before := e.DB.Statements()
		apis[who].MustData(workOrder, map[string]any{"id": id}, &got)
		n := e.DB.Statements() - before
		if n > 3 {
			t.Fatalf("%s: %d statements for the work order, want at most 3", who.Role, n)
		}
		return got, n
	}
	read := func(who *ent.User) (workOrderSeen, int64) { t.Helper(); return readID(who, iv.ID) }
	// reused reads as who until a read reuses the rendering (other tests' commits, in
	// other databases of the same server, change the snapshot too), checking each answer.
	// The first read keeps a rendering if none was: from then on, two statements are the
	// token's and the row's.
	reused := func(who *ent.User, check func(workOrderSeen)) workOrderSeen {
		t.Helper()
		got, _ := read(who)
		check(got)
		for range 500 {
			counted := graph.ReusedRenders()
			got, n := read(who)
			check(got)
			if n == 2 {
				if graph.ReusedRenders() == counted {
					t.Fatal("two statements, yet no reuse counted: the rendering was not kept, or not counted")
				}
				return got
			}
		}
		t.Fatalf("%s: no read of 500 reused the rendering", who.Role)
		return workOrderSeen{}
	}
	sameBut := func(want workOrderSeen) func(workOrderSeen) {
		return func(got workOrderSeen) {
			t.Helper()
			if realClock {
				if got.Node.DureeSaisie < want.Node.DureeSaisie {
					t.Fatalf("dureeSaisie went back from %d to %d", want.Node.DureeSaisie, got.Node.DureeSaisie)
				}
				got.Node.DureeSaisie = want.Node.DureeSaisie
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("read again with nothing committed:\n got %+v\nwant %+v", got, want)
			}
		}
	}

	first, _ := read(admin)
	if first.Node.Commentaires.TotalCount != 4 || first.Node.DureeSaisie < 2*60+60 {
		t.Fatalf("the work order as staff: %d comments, %d minutes logged", first.Node.Commentaires.TotalCount, first.Node.DureeSaisie)
	}
	reused(admin, sameBut(first))

	// The KPIs of a reused rendering are those of the time of the request.
	if !realClock {
		e.Clock.Advance(30 * time.Minute)
		apis = map[*ent.User]*gqltest.Client{admin: e.As(t, admin), u: e.As(t, u)} // tokens of the new time
		later := reused(admin, func(got workOrderSeen) {
			if got.Node.DureeSaisie != first.Node.DureeSaisie+30 {
				t.Fatalf("dureeSaisie %d half an hour later, want %d", got.Node.DureeSaisie, first.Node.DureeSaisie+30)
			}
		})
		first.Node.DureeSaisie = later.Node.DureeSaisie
	}

	// The technician, after staff's rendering was kept: not the internal comment, and his
	// own rendering is kept apart from staff's.
	hidden := func(got workOrderSeen) {
		t.Helper()
		for _, c := range got.Node.Commentaires.Edges {
			if c.Node.Interne {
				t.Fatalf("the technician reads the internal comment %q", c.Node.Texte)
			}
		}
		if got.Node.Commentaires.TotalCount != 3 {
			t.Fatalf("the technician counts %d comments, want 3", got.Node.Commentaires.TotalCount)
		}
	}
	for range 5 {
		reused(u, hidden)
		reused(admin, sameBut(first))
	}

	// Any commit, to any table the rendering reads, through the server or not.
	sql := func(query string, args ...any) func() {
		return func() {
			if _, err := e.DB.SQL.ExecContext(t.Context(), query, args...); err != nil {
				t.Fatal(err)
			}
		}
	}
	writes := []struct {
		name  string
		write func()
		check func(workOrderSeen) bool
	}{
		{"a comment added",
			func() {
				e.Client.Commentaire.Create().SetIntervention(iv).SetAuteur(u).SetTexte("Nouveau").ExecX(e.Sys)
			},
			func(got workOrderSeen) bool { return got.Node.Commentaires.TotalCount == 5 }},
		{"the technician renamed", sql(`UPDATE users SET nom_complet = 'Technicien renommé' WHERE id = $1`, u.ID),
			func(got workOrderSeen) bool { return got.Node.Technicien.User.NomComplet == "Technicien renommé" }},
		{"the equipment renamed", sql(`UPDATE equipements SET nom = 'Compresseur 2' WHERE id = $1`, eq.ID),
			func(got workOrderSeen) bool { return got.Node.Equipement.Nom == "Compresseur 2" }},
		{"a reading corrected", sql(`UPDATE point_checklists SET valeur = 4.5 WHERE intervention_id = $1 AND position = 1`, iv.ID),
			func(got workOrderSeen) bool {
				return len(got.Node.Checklist) == 3 && got.Node.Checklist[0].Valeur != nil && *got.Node.Checklist[0].Valeur == 4.5
			}},
		{"a comment removed", sql(`DELETE FROM commentaires WHERE intervention_id = $1 AND texte = 'Nouveau'`, iv.ID),
			func(got workOrderSeen) bool { return got.Node.Commentaires.TotalCount == 4 }},
	}
	for _, w := range writes {
		before := reused(admin, func(workOrderSeen) {})
		if w.check(before) {
			t.Fatalf("%s: already so before the change", w.name)
		}
		w.write()
		if got, _ := read(admin); !w.check(got) {
			t.Errorf("%s: the work order read after the commit is the one before: %+v", w.name, got.Node)
		}
	}

	// Once a statement has read after a commit, a rendering kept before it is not probed
	// for: the other work order is rendered by its statement alone, anew.
	iv2 := e.Client.Intervention.Create().SetTitre("Graissage").SetEquipement(eq).SetTechnicien(tech).
		SetStatut(domain.StatutEnCours).SaveX(e.Sys)
	readID(admin, iv2.ID)
	sql(`UPDATE equipements SET nom = 'Compresseur 3' WHERE id = $1`, eq.ID)()
	if got, _ := read(admin); got.Node.Equipement.Nom != "Compresseur 3" {
		t.Fatalf("the work order after the commit: equipment %q", got.Node.Equipement.Nom)
	}
	if got, n := readID(admin, iv2.ID); got.Node.Equipement.Nom != "Compresseur 3" || n != 2 {
		t.Errorf("the other work order after the commit: equipment %q in %d statements, want Compresseur 3 in 2",
			got.Node.Equipement.Nom, n)
	}
}
