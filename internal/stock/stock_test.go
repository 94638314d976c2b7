package stock_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/ent/mouvementstock"
	"github.com/mifmaroc/erp/internal/database"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/gqltest"
	"github.com/mifmaroc/erp/internal/stock"
	"github.com/mifmaroc/erp/internal/testdb"
	"github.com/mifmaroc/erp/internal/viewer"
)

func TestAverageCost(t *testing.T) {
	tests := []struct {
		name string
		qty  int
		avg  int64
		in   int
		cost int64
		want int64
	}{
		{"FromEmpty", 0, 0, 5, 1234, 1234},
		{"EmptyKeepsNoOldCost", 0, 9999, 2, 100, 100},
		{"Weighted", 10, 1000, 10, 2000, 1500},
		{"RoundsHalfUp", 1, 0, 1, 1, 1},    // 0.5 → 1
		{"RoundsDown", 2, 0, 1, 1, 0},      // 0.33 → 0
		{"RoundsUp", 1, 1, 2, 0, 0},        // 0.33 → 0
		{"TwoThirdsUp", 1, 2, 2, 0, 1},     // 0.67 → 1
		{"FreeRestock", 3, 900, 6, 0, 300}, // a free restock lowers the average
		{"AtTheBounds", 1_000_000 - 1, 10_000_000_000, 1, 10_000_000_000, 10_000_000_000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := stock.AverageCost(tt.qty, tt.avg, tt.in, tt.cost); got != tt.want {
				t.Errorf("AverageCost(%d, %d, %d, %d) = %d, want %d", tt.qty, tt.avg, tt.in, tt.cost, got, tt.want)
			}
		})
	}
}

// newService is a stock service on a fresh database, and a context of an ADMIN.
func newService(t *testing.T) (*stock.Service, context.Context) {
	t.Helper()
	db := testdb.Open(t)
	sys := viewer.SystemContext(context.Background())
	admin := db.Ent.User.Create().SetEmail("admin@example.com").SetPasswordHash("x").SetRole(domain.RoleAdmin).SaveX(sys)
	ctx := viewer.NewContext(context.Background(), &viewer.Viewer{UserID: admin.ID, Role: domain.RoleAdmin})
	return &stock.Service{Client: db.Ent, Now: time.Now, Log: gqltest.Logger(t)}, ctx
}

// Concurrent restocks, uses and counts of one part: whatever order they run in, none is
// lost, the quantity never goes negative, each movement starts where the previous one left
// the stock, and the column equals the ledger.
func TestConcurrentMovements(t *testing.T) {
	s, ctx := newService(t)
	p, err := s.CreatePiece(ctx, ent.CreatePieceInput{Reference: "P-CONC", Designation: "Joint"}, &stock.Initial{Quantite: 20})
	if err != nil {
		t.Fatal(err)
	}
	const workers, each = 8, 12
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				var err error
				switch (w + i) % 4 {
				case 0:
					_, err = s.Entree(ctx, p.ID, 3, int64(100*(w+1)), nil)
				case 1, 2:
					err = database.WithTx(ctx, s.Client, func(tx *ent.Client) error {
						_, err := stock.Apply(ctx, tx, stock.Mouvement{Type: domain.MouvementSortie, PieceID: p.ID, Quantite: 4})
						return err
					})
				case 3:
					if i == each-1 {
						_, err = s.Ajuster(ctx, p.ID, 7, nil)
					} else {
						err = database.WithTx(ctx, s.Client, func(tx *ent.Client) error {
							_, err := stock.Apply(ctx, tx, stock.Mouvement{Type: domain.MouvementRetour, PieceID: p.ID, Quantite: 1})
							return err
						})
					}
				}
				if err != nil && !isCode(err, domain.CodeConflict) {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("movement: %v", err)
	}

	sys := viewer.SystemContext(context.Background())
	moves := s.Client.MouvementStock.Query().Where(mouvementstock.PieceID(p.ID)).Order(mouvementstock.ByID()).AllX(sys)
	if len(moves) < 1+workers*each/4 {
		t.Fatalf("%d movements written, want at least the opening one and every restock", len(moves))
	}
	level := 0
	for i, m := range moves {
		if m.QuantiteApres != level+m.Quantite || m.QuantiteApres < 0 {
			t.Fatalf("movement %d (%s %+d) leaves %d, but follows a stock of %d", i, m.Type, m.Quantite, m.QuantiteApres, level)
		}
		level = m.QuantiteApres
	}
	if got := s.Client.Piece.GetX(sys, p.ID).Quantite; got != level {
		t.Errorf("quantite = %d, ledger ends at %d", got, level)
	}
	var out bytes.Buffer
	r, err := stock.Verify(context.Background(), s.Client, &out)
	if err != nil || len(r.Ecarts) != 0 || r.Mouvements != len(moves) {
		t.Errorf("Verify = %+v, %v; want no mismatch over %d movements\n%s", r, err, len(moves), out.String())
	}
}

// Verify reports a part whose column was changed around the ledger, and only that one.
func TestVerifyFindsMismatch(t *testing.T) {
	s, ctx := newService(t)
	sys := viewer.SystemContext(context.Background())
	var ids []int
	for i := range 3 {
		p, err := s.CreatePiece(ctx, ent.CreatePieceInput{Reference: fmt.Sprintf("P-%d", i), Designation: "Joint"}, &stock.Initial{Quantite: 5})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, p.ID)
	}
	s.Client.Piece.UpdateOneID(ids[1]).SetQuantite(9).ExecX(sys)

	var out bytes.Buffer
	r, err := stock.Verify(context.Background(), s.Client, &out)
	if err != nil {
		t.Fatal(err)
	}
	want := stock.Ecart{PieceID: ids[1], Reference: "P-1", Quantite: 9, Ledger: 5, Mouvements: 1}
	if r.Pieces != 3 || len(r.Ecarts) != 1 || r.Ecarts[0] != want {
		t.Errorf("Verify = %+v, want 3 parts and the one mismatch %+v", r, want)
	}
	if !strings.Contains(out.String(), "MISMATCH piece") || !strings.Contains(out.String(), "1 mismatches") {
		t.Errorf("Verify wrote:\n%s", out.String())
	}
}

func isCode(err error, code domain.Code) bool {
	var de *domain.Error
	return errors.As(err, &de) && de.Code == code
}
