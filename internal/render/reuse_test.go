package render_test

import (
	"context"
	"testing"

	"entgo.io/ent/dialect"

	"github.com/mifmaroc/erp/ent"
	entintervention "github.com/mifmaroc/erp/ent/intervention"
	"github.com/mifmaroc/erp/internal/render"
	"github.com/mifmaroc/erp/internal/testdb"
	"github.com/mifmaroc/erp/internal/viewer"
)

// TestSnapshot: a statement tells the snapshot it read under, another after a commit to any
// table; inside a transaction that wrote, whose changes nobody else sees, it tells none.
func TestSnapshot(t *testing.T) {
	if testdb.Dialect() != dialect.Postgres {
		t.Skip("snapshots are PostgreSQL's, as is direct rendering; this runs in the PostgreSQL pass")
	}
	db := testdb.Open(t)
	ctx := viewer.SystemContext(context.Background())
	eq := db.Ent.Equipement.Create().SetNom("Pompe").SetCode("EQ-1").SaveX(ctx)
	iv := db.Ent.Intervention.Create().SetTitre("Révision").SetEquipement(eq).SaveX(ctx)
	snapshot := func(c *ent.Client) string {
		t.Helper()
		row := c.Intervention.Query().Where(entintervention.ID(iv.ID)).Select(entintervention.FieldID).
			Modify(render.AddSnapshot).OnlyX(ctx)
		return render.Snapshot(row)
	}

	first := snapshot(db.Ent)
	if first == "" {
		t.Fatal("no snapshot outside a transaction")
	}
	db.Ent.Equipement.UpdateOne(eq).SetNom("Pompe 2").ExecX(ctx) // another table
	if after := snapshot(db.Ent); after == first {
		t.Errorf("the snapshot is still %s after a commit", first)
	}

	tx, err := db.Ent.Tx(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx.Rollback() }()
	if s := snapshot(tx.Client()); s == "" {
		t.Error("no snapshot in a transaction that has not written")
	}
	tx.Equipement.UpdateOne(eq).SetNom("Pompe 3").ExecX(ctx)
	if s := snapshot(tx.Client()); s != "" {
		t.Errorf("snapshot %s in a transaction that wrote: its rendering would be kept for others", s)
	}
}
