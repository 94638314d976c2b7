package graph_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/internal/apptest"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/gqltest"
)

const (
	empCreate = `mutation($in: CreateEmplacementInput!) { createEmplacement(input: $in) { id nom code type actif parent { id } } }`
	empUpdate = `mutation($id: ID!, $in: UpdateEmplacementInput!) { updateEmplacement(id: $id, input: $in) { id nom type parent { id } } }`
	empDelete = `mutation($id: ID!) { deleteEmplacement(id: $id) }`
	empEquip  = `mutation($id: ID!, $in: UpdateEquipementInput!) { updateEquipement(id: $id, input: $in) { id emplacement { id } } }`
	empRead   = `query($id: ID!) { node(id: $id) { ... on Emplacement { nom chemin { nom } enfants { nom } equipements { code } } } }`
	empUnder  = `query($id: ID!) {
  equipements(first: 50, where: {sousEmplacement: $id}) { edges { node { code } } }
  interventions(first: 50, where: {sousEmplacement: $id}) { edges { node { titre } } } }`
	empPlannings = `query($id: ID!) { plannings(first: 50, where: {sousEmplacement: $id}) { edges { node { titre } } } }`
	empList      = `{ emplacements(first: 50, orderBy: [{field: NOM}]) { totalCount edges { node { nom } } } }`
)

// place creates a place as c and returns its id.
func place(t *testing.T, c *gqltest.Client, in map[string]any) string {
	t.Helper()
	var out struct{ CreateEmplacement struct{ ID string } }
	c.MustData(empCreate, map[string]any{"in": in}, &out)
	return out.CreateEmplacement.ID
}

// sitsIn puts equipment eq in place id, as c.
func sitsIn(t *testing.T, c *gqltest.Client, eq *ent.Equipement, id string) {
	t.Helper()
	var out struct {
		UpdateEquipement struct{ Emplacement *struct{ ID string } }
	}
	c.MustData(empEquip, map[string]any{"id": eq.ID, "in": map[string]any{"emplacementID": id}}, &out)
	if out.UpdateEquipement.Emplacement == nil || out.UpdateEquipement.Emplacement.ID != id {
		t.Fatalf("equipement %d: emplacement %+v, want %s", eq.ID, out.UpdateEquipement.Emplacement, id)
	}
}

// tree is a site with a building per company, and a zone in each holding its equipment:
// Usine → Bâtiment A → Atelier A (eqA), Usine → Bâtiment B → Atelier B (eqB).
type tree struct{ site, batA, zoneA, batB, zoneB string }

func (w *world) tree(t *testing.T) tree {
	t.Helper()
	c := w.env.As(t, w.responsable)
	var tr tree
	tr.site = place(t, c, map[string]any{"nom": "  Usine de Tanger ", "code": "TNG", "type": "SITE"})
	tr.batA = place(t, c, map[string]any{"nom": "Bâtiment A", "type": "BATIMENT", "parentID": tr.site})
	tr.zoneA = place(t, c, map[string]any{"nom": "Atelier A", "type": "ZONE", "parentID": tr.batA})
	tr.batB = place(t, c, map[string]any{"nom": "Bâtiment B", "type": "BATIMENT", "parentID": tr.site})
	tr.zoneB = place(t, c, map[string]any{"nom": "Atelier B", "type": "ZONE", "parentID": tr.batB})
	sitsIn(t, c, w.eqA, tr.zoneA)
	sitsIn(t, c, w.eqB, tr.zoneB)
	return tr
}

type under struct {
	Equipements, Interventions, Plannings []string
}

// underOf is what the subtree filter gives c under place id (plannings: for staff only).
func underOf(t *testing.T, c *gqltest.Client, id string, plannings bool) under {
	t.Helper()
	var out struct {
		Equipements, Interventions, Plannings struct {
			Edges []struct {
				Node struct{ Code, Titre string }
			}
		}
	}
	c.MustData(empUnder, map[string]any{"id": id}, &out)
	if plannings {
		c.MustData(empPlannings, map[string]any{"id": id}, &out)
	}
	var u under
	for _, e := range out.Equipements.Edges {
		u.Equipements = append(u.Equipements, e.Node.Code)
	}
	for _, e := range out.Interventions.Edges {
		u.Interventions = append(u.Interventions, e.Node.Titre)
	}
	for _, e := range out.Plannings.Edges {
		u.Plannings = append(u.Plannings, e.Node.Titre)
	}
	slices.Sort(u.Equipements)
	slices.Sort(u.Interventions)
	slices.Sort(u.Plannings)
	return u
}

func TestEmplacements(t *testing.T) {
	w := newWorld(t)
	tr := w.tree(t)
	staff := w.env.As(t, w.responsable)

	t.Run("Chemin", func(t *testing.T) {
		var out struct {
			Node struct {
				Nom         string
				Chemin      []struct{ Nom string }
				Enfants     []struct{ Nom string }
				Equipements []struct{ Code string }
			}
		}
		staff.MustData(empRead, map[string]any{"id": tr.zoneA}, &out)
		var path []string
		for _, p := range out.Node.Chemin {
			path = append(path, p.Nom)
		}
		if got, want := strings.Join(path, " > "), "Usine de Tanger > Bâtiment A > Atelier A"; got != want {
			t.Errorf("chemin %q, want %q", got, want)
		}
		if len(out.Node.Equipements) != 1 || out.Node.Equipements[0].Code != "EQ-A" {
			t.Errorf("equipements %+v, want EQ-A", out.Node.Equipements)
		}
		staff.MustData(empRead, map[string]any{"id": tr.site}, &out)
		if out.Node.Nom != "Usine de Tanger" || len(out.Node.Enfants) != 2 || len(out.Node.Chemin) != 1 {
			t.Errorf("site %+v: want its trimmed name, 2 children, itself as its path", out.Node)
		}
	})

	t.Run("SubtreeDepth3", func(t *testing.T) {
		cases := []struct {
			name string
			id   string
			want under
		}{
			{"Site", tr.site, under{[]string{"EQ-A", "EQ-B"}, []string{"Fuite", "Vibration"}, []string{"Graissage"}}},
			{"Batiment", tr.batA, under{[]string{"EQ-A"}, []string{"Fuite"}, []string{"Graissage"}}},
			{"Zone", tr.zoneB, under{[]string{"EQ-B"}, []string{"Vibration"}, nil}},
			{"Unknown", "999999999", under{}},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				if got := underOf(t, staff, tc.id, true); fmt.Sprint(got) != fmt.Sprint(tc.want) {
					t.Errorf("under %s: %+v, want %+v", tc.name, got, tc.want)
				}
			})
		}
	})

	t.Run("ErrCycle", func(t *testing.T) {
		for _, parent := range []string{tr.site, tr.batA, tr.zoneA} {
			err := staff.MustFail(empUpdate, map[string]any{"id": tr.site, "in": map[string]any{"parentID": parent}})
			if err.Code() != string(domain.CodeBadUserInput) || !strings.Contains(err.Message, "Usine de Tanger") {
				t.Errorf("moving the site under %s: %s %q, want BAD_USER_INPUT naming the site", parent, err.Code(), err.Message)
			}
		}
	})

	t.Run("Move", func(t *testing.T) {
		// Atelier B moves to Bâtiment A, with its equipment.
		var out struct {
			UpdateEmplacement struct{ Parent struct{ ID string } }
		}
		staff.MustData(empUpdate, map[string]any{"id": tr.zoneB, "in": map[string]any{"parentID": tr.batA, "nom": "Atelier B2"}}, &out)
		if out.UpdateEmplacement.Parent.ID != tr.batA {
			t.Fatalf("parent %s, want %s", out.UpdateEmplacement.Parent.ID, tr.batA)
		}
		if got := underOf(t, staff, tr.batA, false).Equipements; !slices.Equal(got, []string{"EQ-A", "EQ-B"}) {
			t.Errorf("under Bâtiment A after the move: %v", got)
		}
		if got := underOf(t, staff, tr.batB, false).Equipements; len(got) != 0 {
			t.Errorf("under Bâtiment B after the move: %v, want none", got)
		}
	})

	t.Run("ErrDeleteInUse", func(t *testing.T) {
		for _, id := range []string{tr.site, tr.zoneA} {
			if err := staff.MustFail(empDelete, map[string]any{"id": id}); err.Code() != string(domain.CodeConflict) {
				t.Errorf("deleting %s: %s %q, want CONFLICT", id, err.Code(), err.Message)
			}
		}
		var out struct{ DeleteEmplacement string }
		staff.MustData(empDelete, map[string]any{"id": tr.batB}, &out)
		if err := staff.MustFail(empRead, map[string]any{"id": tr.batB}); err.Code() != string(domain.CodeNotFound) {
			t.Errorf("reading a deleted place: %s, want NOT_FOUND", err.Code())
		}
	})

	t.Run("ErrInput", func(t *testing.T) {
		cases := []struct {
			name string
			in   map[string]any
			code domain.Code
		}{
			{"BlankNom", map[string]any{"nom": "   ", "type": "ZONE"}, domain.CodeBadUserInput},
			{"CodeTaken", map[string]any{"nom": "Autre", "code": " TNG ", "type": "SITE"}, domain.CodeConflict},
			{"UnknownParent", map[string]any{"nom": "Zone", "type": "ZONE", "parentID": "999999999"}, domain.CodeNotFound},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				if err := staff.MustFail(empCreate, map[string]any{"in": tc.in}); err.Code() != string(tc.code) {
					t.Errorf("%s %q, want %s", err.Code(), err.Message, tc.code)
				}
			})
		}
	})

	t.Run("ErrUnknownPlaceOfEquipement", func(t *testing.T) {
		err := staff.MustFail(empEquip, map[string]any{"id": w.eqA.ID, "in": map[string]any{"emplacementID": "999999999"}})
		if err.Code() != string(domain.CodeNotFound) {
			t.Errorf("%s %q, want NOT_FOUND", err.Code(), err.Message)
		}
	})

	t.Run("ErrForbidden", func(t *testing.T) {
		for _, u := range []*ent.User{w.techUserA, w.clientA} {
			err := w.env.As(t, u).MustFail(empCreate, map[string]any{"in": map[string]any{"nom": "X", "type": "ZONE"}})
			if err.Code() != string(domain.CodeForbidden) {
				t.Errorf("%s creating a place: %s, want FORBIDDEN", u.Role, err.Code())
			}
		}
	})
}

// TestEmplacementsVisibility: a client reads the places of his equipment and those above
// them, and a subtree filter gives him only his own rows; a technician reads every place.
func TestEmplacementsVisibility(t *testing.T) {
	w := newWorld(t)
	tr := w.tree(t)
	names := func(u *ent.User) []string {
		var out struct {
			Emplacements struct {
				TotalCount int
				Edges      []struct{ Node struct{ Nom string } }
			}
		}
		w.env.As(t, u).MustData(empList, nil, &out)
		var got []string
		for _, e := range out.Emplacements.Edges {
			got = append(got, e.Node.Nom)
		}
		if out.Emplacements.TotalCount != len(got) {
			t.Errorf("%s: totalCount %d for %d places", u.Role, out.Emplacements.TotalCount, len(got))
		}
		return got
	}
	if got, want := names(w.clientA), []string{"Atelier A", "Bâtiment A", "Usine de Tanger"}; !slices.Equal(got, want) {
		t.Errorf("client A reads %v, want %v", got, want)
	}
	if got := names(w.techUserA); len(got) != 5 {
		t.Errorf("a technician reads %v, want the 5 places", got)
	}
	want := under{[]string{"EQ-A"}, []string{"Fuite"}, nil}
	if got := underOf(t, w.env.As(t, w.clientA), tr.site, false); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("client A under the site: %+v, want %+v", got, want)
	}
	// Through his interventions (on PostgreSQL, rendered by the database): his zone and its path.
	var ivs struct {
		Interventions struct {
			Edges []struct {
				Node struct {
					Equipement struct {
						Emplacement struct {
							Nom    string
							Chemin []struct{ Nom string }
						}
					}
				}
			}
		}
	}
	w.env.As(t, w.clientA).MustData(`{ interventions(first: 10) { edges { node { equipement { emplacement { nom chemin { nom } } } } } } }`, nil, &ivs)
	if e := ivs.Interventions.Edges; len(e) != 1 || e[0].Node.Equipement.Emplacement.Nom != "Atelier A" || len(e[0].Node.Equipement.Emplacement.Chemin) != 3 {
		t.Errorf("client A's interventions: %+v, want Atelier A and its path of 3", e)
	}
	if err := w.env.As(t, w.clientA).MustFail(empRead, map[string]any{"id": tr.zoneB}); err.Code() != string(domain.CodeNotFound) {
		t.Errorf("client A reading company B's zone: %s, want NOT_FOUND", err.Code())
	}
}

// TestCheminStatementCount: the breadcrumbs of a list of places cost the same statements
// whatever its length (one walk up the tree for the whole page), and each is its own path.
func TestCheminStatementCount(t *testing.T) {
	e := apptest.New(t, everyTokenChecked)
	admin := e.As(t, e.User(t, "Admin", domain.RoleAdmin))
	site := place(t, admin, map[string]any{"nom": "Usine", "type": "SITE"})
	for i := range 60 {
		place(t, admin, map[string]any{"nom": fmt.Sprintf("Zone %02d", i), "type": "ZONE", "parentID": site})
	}
	const q = `query($n: Int!) { emplacements(first: $n, orderBy: [{field: NOM}]) { edges { node { nom chemin { nom } } } } }`
	page := func(n int) int64 {
		var out struct {
			Emplacements struct {
				Edges []struct {
					Node struct {
						Nom    string
						Chemin []struct{ Nom string }
					}
				}
			}
		}
		before := e.DB.Statements()
		admin.MustData(q, map[string]any{"n": n}, &out)
		spent := e.DB.Statements() - before
		for _, edge := range out.Emplacements.Edges {
			var path []string
			for _, p := range edge.Node.Chemin {
				path = append(path, p.Nom)
			}
			want := "Usine > " + edge.Node.Nom
			if edge.Node.Nom == "Usine" {
				want = "Usine"
			}
			if got := strings.Join(path, " > "); got != want {
				t.Errorf("chemin of %s: %q, want %q", edge.Node.Nom, got, want)
			}
		}
		return spent
	}
	if small, large := page(5), page(50); small != large {
		t.Errorf("statements grow with the places: %d for 5, %d for 50", small, large)
	}
}
