package migrate_test

import (
	"bytes"
	"context"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mifmaroc/erp/ent/mouvementstock"
	"github.com/mifmaroc/erp/ent/piece"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/stock"
	"github.com/mifmaroc/erp/internal/testdb"
	"github.com/mifmaroc/erp/internal/viewer"
	"github.com/mifmaroc/erp/migrate"
)

// stockMigration is the version of the migration that adds the stock ledger.
const stockMigration = 20261204194115

// Parts in stock before the ledger existed get an opening ENTREE of their quantity at their
// price, so that the ledger matches the quantities from the first day; a part already below
// its threshold counts as alerted.
func TestStockLedgerBackfill(t *testing.T) {
	ctx := context.Background()
	dia := testdb.Dialect()
	db, _ := testdb.OpenEmpty(t)
	versions, err := migrate.Versions(dia)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(versions, func(v uint) bool { return v >= stockMigration })
	if i < 1 {
		t.Fatalf("no stock_ledger migration after another among %v", versions)
	}
	if err := migrate.UpTo(ctx, db.SQL, dia, versions[i-1]); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC().Truncate(time.Second)
	exec := execer(t, db.SQL, dia)
	for _, p := range []struct {
		ref        string
		qty, seuil int
		prix       int64
	}{{"P-STOCK", 12, 5, 1500}, {"P-BAS", 2, 5, 900}, {"P-VIDE", 0, 0, 300}} {
		exec(`INSERT INTO pieces (created_at, updated_at, reference, designation, quantite, seuil_alerte, prix_unitaire_centimes)
			VALUES (?, ?, ?, 'Pièce', ?, ?, ?)`, now, now, p.ref, p.qty, p.seuil, p.prix)
	}

	if _, err := migrate.Up(ctx, db.SQL, dia); err != nil {
		t.Fatal(err)
	}
	sys := viewer.SystemContext(ctx)
	type line struct {
		Reference string
		Type      domain.TypeMouvement
		Quantite  int
		Apres     int
		Cout      int64
	}
	var got []line
	for _, m := range db.Ent.MouvementStock.Query().WithPiece().Order(mouvementstock.ByPieceID()).AllX(sys) {
		got = append(got, line{m.Edges.Piece.Reference, m.Type, m.Quantite, m.QuantiteApres, m.CoutUnitaireCentimes})
	}
	want := []line{
		{"P-STOCK", domain.MouvementEntree, 12, 12, 1500},
		{"P-BAS", domain.MouvementEntree, 2, 2, 900},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("opening movements (-want +got):\n%s", diff)
	}
	type state struct {
		Reference string
		Cout      int64
		Alerte    bool
	}
	var states []state
	for _, p := range db.Ent.Piece.Query().Order(piece.ByID()).AllX(sys) {
		states = append(states, state{p.Reference, p.CoutMoyenCentimes, p.AlerteStock})
	}
	wantStates := []state{{"P-STOCK", 1500, false}, {"P-BAS", 900, true}, {"P-VIDE", 300, false}}
	if diff := cmp.Diff(wantStates, states); diff != "" {
		t.Errorf("parts after the migration (-want +got):\n%s", diff)
	}
	var out bytes.Buffer
	r, err := stock.Verify(ctx, db.Ent, &out)
	if err != nil || len(r.Ecarts) != 0 || r.Pieces != 3 {
		t.Errorf("stock verify after the migration = %+v, %v; want 3 parts and no mismatch\n%s", r, err, out.String())
	}
}
