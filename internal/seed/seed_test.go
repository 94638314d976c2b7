package seed_test

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/crypto/bcrypt"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/ent/emplacement"
	"github.com/mifmaroc/erp/ent/equipement"
	"github.com/mifmaroc/erp/ent/intervention"
	"github.com/mifmaroc/erp/ent/mouvementstock"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/seed"
	"github.com/mifmaroc/erp/internal/stock"
	"github.com/mifmaroc/erp/internal/testdb"
	"github.com/mifmaroc/erp/internal/viewer"
)

var ref = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

func seeded(t *testing.T) (*ent.Client, context.Context) {
	t.Helper()
	db := testdb.Open(t)
	if err := seed.Run(context.Background(), db.Ent, seed.Sizes["small"], ref, bcrypt.MinCost, io.Discard); err != nil {
		t.Fatal(err)
	}
	return db.Ent, viewer.SystemContext(context.Background())
}

func TestSmall(t *testing.T) {
	c, ctx := seeded(t)
	s := seed.Sizes["small"]
	counts := map[string][2]int{
		"interventions": {c.Intervention.Query().CountX(ctx), s.Interventions},
		"equipements":   {c.Equipement.Query().CountX(ctx), s.Equipements},
		"techniciens":   {c.Technicien.Query().CountX(ctx), s.Techniciens},
		"plannings":     {c.Planning.Query().CountX(ctx), s.Plannings},
		"emplacements":  {c.Emplacement.Query().CountX(ctx), s.Sites * (1 + s.Batiments*(1+s.Zones))},
		"zones":         {c.Emplacement.Query().Where(emplacement.TypeEQ(emplacement.TypeZONE), emplacement.Not(emplacement.HasEnfants())).CountX(ctx), s.Sites * s.Batiments * s.Zones},
		"unplaced":      {c.Equipement.Query().Where(equipement.EmplacementIDIsNil()).CountX(ctx), 0},
	}
	for name, got := range counts {
		if got[0] != got[1] {
			t.Errorf("%s = %d, want %d", name, got[0], got[1])
		}
	}
	// Every intervention has at least its creation line; documents and notifications exist.
	if n := c.Intervention.Query().Where(intervention.Not(intervention.HasHistorique())).CountX(ctx); n != 0 {
		t.Errorf("%d interventions without history", n)
	}
	if c.Document.Query().CountX(ctx) == 0 || c.Notification.Query().CountX(ctx) == 0 {
		t.Error("no documents or no notifications")
	}
	if err := seed.Run(context.Background(), c, s, ref, bcrypt.MinCost, io.Discard); err == nil || !strings.Contains(err.Error(), "empty database") {
		t.Errorf("seeding twice = %v, want a refusal naming an empty database", err)
	}
}

func TestDeterministic(t *testing.T) {
	titles := func() []string {
		c, ctx := seeded(t)
		return c.Intervention.Query().Order(ent.Asc(intervention.FieldTitre)).Limit(50).Select(intervention.FieldTitre).StringsX(ctx)
	}
	if diff := cmp.Diff(titles(), titles()); diff != "" {
		t.Errorf("two seeds differ (-first +second):\n%s", diff)
	}
}

// Most companies have a contract covering their equipment, some with their own SLA hours;
// every CLIENT account is linked to its company; work on covered equipment is under the
// contract of its client.
func TestClients(t *testing.T) {
	c, ctx := seeded(t)
	societes := c.Societe.Query().WithContrats(func(q *ent.ContratQuery) { q.WithEquipements() }).WithUsers().AllX(ctx)
	under, overrides, covered := 0, 0, 0
	for _, s := range societes {
		if len(s.Edges.Users) != 1 || s.Edges.Users[0].Role != domain.RoleClient {
			t.Errorf("company %s has accounts %v, want one CLIENT", s.Code, s.Edges.Users)
		}
		for _, ct := range s.Edges.Contrats {
			under++
			if ct.SLAUrgenteHeures != nil {
				overrides++
			}
			for _, e := range ct.Edges.Equipements {
				covered++
				if e.ClientID == nil || *e.ClientID != s.ID {
					t.Errorf("contract %s covers equipement %s of another client", ct.Reference, e.Code)
				}
			}
		}
	}
	if under*2 <= len(societes) || overrides == 0 || overrides == under || covered == 0 {
		t.Errorf("%d companies, %d contracts, %d with SLA hours, %d equipment covered: want most companies under contract, some with SLA hours",
			len(societes), under, overrides, covered)
	}
	ivs := c.Intervention.Query().Where(intervention.HasContrat()).WithContrat().AllX(ctx)
	if len(ivs) == 0 {
		t.Fatal("no intervention under a contract")
	}
	for _, iv := range ivs {
		if iv.ClientID == nil || *iv.ClientID != iv.Edges.Contrat.ClientID {
			t.Fatalf("intervention %d of client %v under contract %s of client %d", iv.ID, iv.ClientID, iv.Edges.Contrat.Reference, iv.Edges.Contrat.ClientID)
		}
	}
}

// The seeded stock is what its ledger says: every part's quantity is the sum of its
// movements, each movement starts where the previous one left the part, and every kind of
// movement appears.
func TestSeededStockLedger(t *testing.T) {
	c, ctx := seeded(t)
	var out bytes.Buffer
	r, err := stock.Verify(ctx, c, &out)
	if err != nil || len(r.Ecarts) != 0 || r.Pieces != 200 {
		t.Fatalf("stock verify = %+v, %v; want 200 parts and no mismatch\n%s", r, err, out.String())
	}
	level := map[int]int{}
	kinds := map[domain.TypeMouvement]int{}
	for _, m := range c.MouvementStock.Query().Order(mouvementstock.ByID()).AllX(ctx) {
		if m.QuantiteApres != level[m.PieceID]+m.Quantite || m.QuantiteApres < 0 {
			t.Fatalf("movement %d of part %d: %+d leaves %d after %d", m.ID, m.PieceID, m.Quantite, m.QuantiteApres, level[m.PieceID])
		}
		level[m.PieceID] = m.QuantiteApres
		kinds[m.Type]++
	}
	for _, k := range domain.TypeMouvement("").Values() {
		if kinds[domain.TypeMouvement(k)] == 0 {
			t.Errorf("no %s movement seeded (%v)", k, kinds)
		}
	}
	// What the interventions used is what their movements took out and gave back.
	for _, l := range c.InterventionPiece.Query().Limit(50).AllX(ctx) {
		moved := 0
		for _, m := range c.MouvementStock.Query().Where(mouvementstock.InterventionID(l.InterventionID), mouvementstock.PieceID(l.PieceID)).AllX(ctx) {
			moved -= m.Quantite
		}
		if moved != l.Quantite {
			t.Errorf("intervention %d used %d of part %d, its movements say %d", l.InterventionID, l.Quantite, l.PieceID, moved)
		}
	}
}
