package graph_test

import (
	"testing"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/internal/domain"
)

// ledgerLine appends a movement of the world's part to the ledger, as the server would
// (the quantity column is left alone: only what the rule shows matters here).
func (w *world) ledgerLine(t *testing.T, typ domain.TypeMouvement, iv *ent.Intervention, by *ent.User, motif string) {
	t.Helper()
	c := w.env.Client.MouvementStock.Create().SetType(typ).SetPiece(w.piece).SetQuantite(-1).SetQuantiteApres(0).
		SetCoutUnitaireCentimes(100).SetMotif(motif).SetUser(by)
	if iv != nil {
		c.SetIntervention(iv)
	}
	c.SaveX(w.env.Sys)
}

// TestStockNonInterference is TestNonInterference for the stock ledger: the questions of the
// connections that reach movements (mouvementsStock, Piece.mouvements, and the filters
// through their edges), asked before and after the ledger changes in ways a viewer may not
// read: another technician's uses and returns, restocks and counts (staff's), and for a
// client any movement at all.
func TestStockNonInterference(t *testing.T) {
	probes := probesThrough(t, "ouvement")
	companyBLedger := func(t *testing.T, w *world) {
		w.ledgerLine(t, domain.MouvementSortie, w.ivB, w.techUserB, "sortie "+marker)
		w.ledgerLine(t, domain.MouvementRetour, w.ivB, w.techUserB, "retour "+marker)
	}
	staffLedger := func(t *testing.T, w *world) {
		w.ledgerLine(t, domain.MouvementEntree, nil, w.responsable, "livraison "+marker)
		w.ledgerLine(t, domain.MouvementAjustement, nil, w.admin, "inventaire "+marker)
	}
	ownLedger := func(t *testing.T, w *world) {
		w.ledgerLine(t, domain.MouvementSortie, w.ivA, w.techUserA, "sortie "+marker)
	}
	cases := []struct {
		role    domain.Role
		viewer  func(*world) *ent.User
		perturb []func(*testing.T, *world)
	}{
		{domain.RoleClient, func(w *world) *ent.User { return w.clientA },
			[]func(*testing.T, *world){companyBLedger, staffLedger, ownLedger}},
		{domain.RoleTechnicien, func(w *world) *ent.User { return w.techUserA },
			[]func(*testing.T, *world){companyBLedger, staffLedger}},
	}
	for _, tc := range cases {
		t.Run(string(tc.role), func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			// What each viewer may read from the start: his own intervention's movement.
			w.ledgerLine(t, domain.MouvementSortie, w.ivA, w.techUserA, "sortie A")
			w.ledgerLine(t, domain.MouvementSortie, w.ivB, w.techUserB, "sortie B")
			requireUnseen(t, w, tc.viewer(w), probes, "movements", func() {
				for _, p := range tc.perturb {
					p(t, w)
				}
			})
		})
	}

	// The technician does read his own intervention's movements, and only those.
	t.Run("TechnicianSeesHisOwn", func(t *testing.T) {
		w := newWorld(t)
		w.ledgerLine(t, domain.MouvementSortie, w.ivA, w.techUserA, "sortie A")
		w.ledgerLine(t, domain.MouvementSortie, w.ivB, w.techUserB, "sortie B")
		staffLedger(t, w)
		var got struct {
			MouvementsStock struct {
				Edges []struct{ Node struct{ Motif string } }
			}
		}
		w.env.As(t, w.techUserA).MustData(`{ mouvementsStock { edges { node { motif } } } }`, nil, &got)
		if len(got.MouvementsStock.Edges) != 1 || got.MouvementsStock.Edges[0].Node.Motif != "sortie A" {
			t.Errorf("technician A reads %+v, want only the movement of his intervention", got.MouvementsStock.Edges)
		}
	})
}
