package graph_test

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/gqltest"
)

const (
	setSites   = `mutation($u: ID!, $s: [ID!]!) { setSitesResponsable(userId: $u, siteIds: $s) { id sites { nom } } }`
	scopeLists = `{
  equipements(first: 50) { edges { node { code } } }
  interventions(first: 50) { edges { node { titre } } }
  plannings(first: 50) { edges { node { titre } } }
  emplacements(first: 50) { edges { node { nom } } }
}`
)

// scopedResponsable builds w's tree of places and returns a new RESPONSABLE scoped to
// Bâtiment A, which holds company A's equipment.
func scopedResponsable(t *testing.T, w *world) *ent.User {
	t.Helper()
	tr := w.tree(t)
	u := w.env.User(t, "Responsable A", domain.RoleResponsable)
	w.env.As(t, w.admin).MustData(setSites, map[string]any{"u": strconv.Itoa(u.ID), "s": []string{tr.batA}}, new(any))
	return u
}

// siteBWork changes only what sits under Bâtiment B (company B's equipment, its work and
// plannings, the places themselves), each writing the marker: a responsable scoped to
// Bâtiment A reads none of it, whereas he shares people, companies and parts with every site.
func siteBWork(t *testing.T, w *world) {
	ctx, c := w.env.Sys, w.env.Client
	w.work(t, "Panne "+marker, w.eqB, w.techB, w.socB, w.clientB, w.techUserB)
	c.Intervention.UpdateOne(w.ivB).SetTitre("Vibration " + marker).SetDescription(marker).SetRapport(marker).ExecX(ctx)
	c.Document.UpdateOne(w.docB).SetFilename(marker + ".pdf").ExecX(ctx)
	c.HistoriqueIntervention.Create().SetIntervention(w.ivB).SetUser(w.techUserB).
		SetNouveauStatut(domain.StatutOuverte).SetRemarque(marker).SaveX(ctx)
	c.Equipement.UpdateOne(w.eqB).SetNom("Compresseur " + marker).ExecX(ctx)
	c.Planning.Create().SetTitre("Révision " + marker).SetFrequence(domain.FrequenceMensuel).
		SetProchaineDate(w.ivB.DateCreation).SetEquipement(w.eqB).SaveX(ctx)
	zoneB := c.Equipement.QueryEmplacement(w.eqB).OnlyX(ctx)
	c.Emplacement.UpdateOne(zoneB).SetNom("Atelier " + marker).ExecX(ctx)
	c.Emplacement.Create().SetNom("Local " + marker).SetType("ZONE").SetParent(zoneB).SaveX(ctx)
}

type scopeView struct {
	Equipements, Interventions, Plannings, Emplacements []string
}

// scopeOf lists what c reads of equipment, interventions, plannings and places.
func scopeOf(t *testing.T, c *gqltest.Client) scopeView {
	t.Helper()
	var out struct {
		Equipements, Interventions, Plannings, Emplacements struct {
			Edges []struct {
				Node struct{ Code, Titre, Nom string }
			}
		}
	}
	c.MustData(scopeLists, nil, &out)
	var v scopeView
	for _, e := range out.Equipements.Edges {
		v.Equipements = append(v.Equipements, e.Node.Code)
	}
	for _, e := range out.Interventions.Edges {
		v.Interventions = append(v.Interventions, e.Node.Titre)
	}
	for _, e := range out.Plannings.Edges {
		v.Plannings = append(v.Plannings, e.Node.Titre)
	}
	for _, e := range out.Emplacements.Edges {
		v.Emplacements = append(v.Emplacements, e.Node.Nom)
	}
	for _, l := range [][]string{v.Equipements, v.Interventions, v.Plannings, v.Emplacements} {
		slices.Sort(l)
	}
	return v
}

func TestScopedResponsable(t *testing.T) {
	w := newWorld(t)
	tr := w.tree(t)
	admin := w.env.As(t, w.admin)
	w.env.Client.Planning.Create().SetTitre("Révision").SetFrequence(domain.FrequenceMensuel).
		SetProchaineDate(w.ivB.DateCreation).SetEquipement(w.eqB).SaveX(w.env.Sys)
	u := w.env.User(t, "Responsable A", domain.RoleResponsable)
	scope := func(sites ...string) {
		t.Helper()
		if sites == nil {
			sites = []string{}
		}
		admin.MustData(setSites, map[string]any{"u": strconv.Itoa(u.ID), "s": sites}, new(any))
	}
	scope(tr.batA)
	resp := w.env.As(t, u)

	t.Run("ReadsUnderHisSites", func(t *testing.T) {
		got := scopeOf(t, resp)
		want := scopeView{
			Equipements:   []string{"EQ-A"},
			Interventions: []string{"Fuite"},
			Plannings:     []string{"Graissage"},
			// His building, what is under it, and the site above it for his breadcrumbs.
			Emplacements: []string{"Atelier A", "Bâtiment A", "Usine de Tanger"},
		}
		if !slices.Equal(got.Equipements, want.Equipements) || !slices.Equal(got.Interventions, want.Interventions) ||
			!slices.Equal(got.Plannings, want.Plannings) || !slices.Equal(got.Emplacements, want.Emplacements) {
			t.Errorf("scoped responsable reads %+v, want %+v", got, want)
		}
		if got := resp.MustFail(`query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": strconv.Itoa(w.ivB.ID)}).Code(); got != "NOT_FOUND" {
			t.Errorf("node(ivB): %s, want NOT_FOUND", got)
		}
	})

	t.Run("Stats", func(t *testing.T) {
		// The same figures, by equipment, for him and for the admin asking for his site.
		const q = `query($w: InterventionWhereInput, $e: EquipementWhereInput) {
  maintenanceStats(from: "2020-01-01T00:00:00Z", to: "2029-01-01T00:00:00Z", groupBy: [EQUIPEMENT], where: $w, equipements: $e) {
    groups { equipementId interventions } } }`
		type groups struct {
			MaintenanceStats struct {
				Groups []struct {
					EquipementID  string
					Interventions int
				}
			}
		}
		w.env.Clock.Advance(time.Minute) // the work was created after the clock was read
		var his, site, all groups
		resp.MustData(q, nil, &his)
		under := map[string]any{"sousEmplacement": tr.batA}
		admin.MustData(q, map[string]any{"w": under, "e": under}, &site)
		admin.MustData(q, nil, &all)
		if len(his.MaintenanceStats.Groups) != 1 || his.MaintenanceStats.Groups[0].EquipementID != strconv.Itoa(w.eqA.ID) {
			t.Errorf("scoped stats: %+v, want equipment A only", his.MaintenanceStats.Groups)
		}
		if !slices.Equal(his.MaintenanceStats.Groups, site.MaintenanceStats.Groups) {
			t.Errorf("scoped stats %+v, admin's for the site %+v", his.MaintenanceStats.Groups, site.MaintenanceStats.Groups)
		}
		if len(all.MaintenanceStats.Groups) != 2 {
			t.Errorf("admin's stats: %+v, want both equipments", all.MaintenanceStats.Groups)
		}
	})

	t.Run("ActsUnderHisSites", func(t *testing.T) {
		cases := []struct {
			name, query string
			vars        map[string]any
			code        string
		}{
			{"EquipementElsewhere", empEquip, map[string]any{"id": w.eqB.ID, "in": map[string]any{"nom": "x"}}, "NOT_FOUND"},
			{"InterventionElsewhere", changeStatut, map[string]any{"id": strconv.Itoa(w.ivB.ID), "s": "ANNULEE", "r": "x"}, "NOT_FOUND"},
			{"PlaceElsewhere", empCreate, map[string]any{"in": map[string]any{"nom": "x", "type": "ZONE", "parentID": tr.batB}}, "NOT_FOUND"},
			{"PlaceAbove", empCreate, map[string]any{"in": map[string]any{"nom": "x", "type": "ZONE", "parentID": tr.site}}, "FORBIDDEN"},
			{"RootPlace", empCreate, map[string]any{"in": map[string]any{"nom": "x", "type": "SITE"}}, "FORBIDDEN"},
			{"RenameAbove", empUpdate, map[string]any{"id": tr.site, "in": map[string]any{"nom": "x"}}, "FORBIDDEN"},
			{"MoveOut", empUpdate, map[string]any{"id": tr.zoneA, "in": map[string]any{"parentID": tr.site}}, "FORBIDDEN"},
			{"MoveToRoot", empUpdate, map[string]any{"id": tr.zoneA, "in": map[string]any{"clearParent": true}}, "FORBIDDEN"},
			{"EquipementNowhere", `mutation { createEquipement(input: {nom: "Tour", code: "EQ-T"}) { id } }`, nil, "BAD_USER_INPUT"},
			{"EquipementOut", empEquip, map[string]any{"id": w.eqA.ID, "in": map[string]any{"clearEmplacement": true}}, "BAD_USER_INPUT"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				if got := resp.MustFail(tc.query, tc.vars).Code(); got != tc.code {
					t.Errorf("code %s, want %s", got, tc.code)
				}
			})
		}
		// Nothing was written: the lists are as before.
		if got := scopeOf(t, admin); len(got.Emplacements) != 5 || !slices.Contains(got.Emplacements, "Atelier A") {
			t.Errorf("places after the refusals: %v", got.Emplacements)
		}
		// Under his sites he works as any responsable.
		zone := place(t, resp, map[string]any{"nom": "Local A", "type": "ZONE", "parentID": tr.zoneA})
		var eq struct{ CreateEquipement struct{ ID string } }
		resp.MustData(`mutation($p: ID!) { createEquipement(input: {nom: "Tour", code: "EQ-T", emplacementID: $p}) { id } }`,
			map[string]any{"p": zone}, &eq)
		resp.MustData(changeStatut, map[string]any{"id": strconv.Itoa(w.ivA.ID), "s": "ANNULEE", "r": "doublon"}, new(any))
	})

	t.Run("Sites", func(t *testing.T) {
		if got := admin.MustFail(setSites, map[string]any{"u": strconv.Itoa(w.techUserA.ID), "s": []string{tr.site}}).Code(); got != "BAD_USER_INPUT" {
			t.Errorf("sites of a technician: %s, want BAD_USER_INPUT", got)
		}
		if got := admin.MustFail(setSites, map[string]any{"u": strconv.Itoa(u.ID), "s": []string{"999999"}}).Code(); got != "NOT_FOUND" {
			t.Errorf("unknown site: %s, want NOT_FOUND", got)
		}
		if got := w.env.As(t, w.responsable).MustFail(setSites, map[string]any{"u": strconv.Itoa(u.ID), "s": []string{}}).Code(); got != "FORBIDDEN" {
			t.Errorf("a responsable scoping another: %s, want FORBIDDEN", got)
		}
		// A place that scopes someone is not deleted: he would lose every limit.
		empty := place(t, admin, map[string]any{"nom": "Réserve", "type": "ZONE", "parentID": tr.site})
		scope(tr.batA, empty)
		err := admin.MustFail(empDelete, map[string]any{"id": empty})
		if err.Code() != "CONFLICT" || !strings.Contains(err.Message, "responsables") {
			t.Errorf("deleting a site of a responsable: %s %s, want CONFLICT naming responsables", err.Code(), err.Message)
		}
		// Both sites, then every site again.
		if got := scopeOf(t, resp).Equipements; !slices.Equal(got, []string{"EQ-A", "EQ-T"}) {
			t.Errorf("two sites: equipements %v", got)
		}
		scope()
		if got := scopeOf(t, resp).Equipements; !slices.Equal(got, []string{"EQ-A", "EQ-B", "EQ-T"}) {
			t.Errorf("no site: equipements %v, want all", got)
		}
		// A role change away from RESPONSABLE clears his sites.
		scope(tr.batA)
		var out struct {
			UpdateUser struct{ Sites []struct{ Nom string } }
		}
		admin.MustData(`mutation($id: ID!) { updateUser(id: $id, input: {role: ADMIN}) { sites { nom } } }`,
			map[string]any{"id": strconv.Itoa(u.ID)}, &out)
		if len(out.UpdateUser.Sites) != 0 {
			t.Errorf("sites after becoming ADMIN: %v", out.UpdateUser.Sites)
		}
	})
}
