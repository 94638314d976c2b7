package graph_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/ent/relevecompteur"
)

// meterOf gives eq a meter with readings, as the server would store them.
func (w *world) meterOf(t *testing.T, eq *ent.Equipement, nom string, valeurs ...float64) *ent.Compteur {
	t.Helper()
	c := w.env.Client.Compteur.Create().SetNom(nom).SetUnite("HEURES").SetEquipement(eq).SaveX(w.env.Sys)
	start := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	for i, v := range valeurs {
		w.env.Client.ReleveCompteur.Create().SetCompteur(c).SetValeur(v).
			SetDateReleve(start.AddDate(0, 0, i)).SetUser(w.responsable).SaveX(w.env.Sys)
	}
	return c
}

// TestCompteurNonInterference is TestNonInterference for meters and their readings (the
// questions that reach them: Equipement.compteurs and the filters through that edge): a
// client reads the meters of the equipment he reads; adding, renaming or reading the meters
// of company B's equipment changes nothing he gets.
func TestCompteurNonInterference(t *testing.T) {
	probes := probesThrough(t, "ompteur")
	w := newWorld(t)
	w.meterOf(t, w.eqA, "Heures A", 10, 20)
	b := w.meterOf(t, w.eqB, "Heures B", 5)
	// By id too: node(id:) is the one root that names a meter or a reading directly.
	releveB := w.env.Client.ReleveCompteur.Query().Where(relevecompteur.CompteurID(b.ID)).OnlyX(w.env.Sys)
	for _, id := range []int{b.ID, releveB.ID} {
		for _, u := range []*ent.User{w.clientA, w.techUserA, w.admin} {
			var out struct{ Node *struct{ ID string } }
			res := w.env.As(t, u).Do(`query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": id})
			_ = json.Unmarshal(res.Data, &out) // refused: no data, or a null node
			if seen := out.Node != nil; seen != (u != w.clientA) {
				t.Errorf("%s reads node %d: %v, want %v", u.Role, id, seen, u != w.clientA)
			}
		}
	}
	requireUnseen(t, w, w.clientA, probes, "company B's meters", func() {
		w.meterOf(t, w.eqB, "Cycles "+marker, 1, 2, 3)
		w.env.Client.Compteur.UpdateOne(b).SetNom("Heures " + marker).SetActif(false).ExecX(w.env.Sys)
		w.env.Client.ReleveCompteur.Create().SetCompteur(b).SetValeur(900).
			SetDateReleve(time.Date(2026, 4, 1, 8, 0, 0, 0, time.UTC)).SetUser(w.responsable).SaveX(w.env.Sys)
	})
}
