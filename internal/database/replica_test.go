package database_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"entgo.io/ent/dialect"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/ent/equipement"
	"github.com/mifmaroc/erp/internal/database"
	"github.com/mifmaroc/erp/internal/testdb"
	"github.com/mifmaroc/erp/internal/viewer"
)

// TestReplicaRouting: only the queries of a ReadOnly context outside a transaction reach
// the replica (here a stand-in database with other rows); transactions, whether begun with
// a marked context or not, and writes stay on the primary.
func TestReplicaRouting(t *testing.T) {
	if testdb.Dialect() != dialect.Postgres {
		t.Skip("read replicas are PostgreSQL's: runs with TEST_DB=postgres (scripts/test.sh runs both)")
	}
	primary, standIn := testdb.Open(t), testdb.Open(t)
	sys := viewer.SystemContext(context.Background())
	primary.Ent.Equipement.Create().SetNom("P").SetCode("EQ-primary").SaveX(sys)
	standIn.Ent.Equipement.Create().SetNom("R").SetCode("EQ-replica").SaveX(sys)
	db, err := database.OpenPostgresWithReplica(context.Background(), primary.URL, testdb.Pool,
		database.Replica{URL: standIn.URL, ReadYourWrites: time.Second, MaxLag: time.Minute, CheckInterval: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })

	codes := func(ctx context.Context, c *ent.Client) string {
		t.Helper()
		got, err := c.Equipement.Query().Order(equipement.ByCode()).Select(equipement.FieldCode).Strings(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return strings.Join(got, ",")
	}
	marked := database.ReadOnly(sys, 7)
	before := db.Statements()
	cases := []struct {
		name string
		read func() string
		want string
	}{
		{"Marked", func() string { return codes(marked, db.Ent) }, "EQ-replica"},
		{"Unmarked", func() string { return codes(sys, db.Ent) }, "EQ-primary"},
		{"TxOfMarked", func() string {
			tx, err := db.Ent.Tx(marked)
			if err != nil {
				t.Fatal(err)
			}
			defer func() { _ = tx.Rollback() }()
			return codes(marked, tx.Client())
		}, "EQ-primary"},
		{"WithTx", func() string {
			var got string
			if err := database.WithTx(marked, db.Ent, func(tx *ent.Client) error { got = codes(marked, tx); return nil }); err != nil {
				t.Fatal(err)
			}
			return got
		}, "EQ-primary"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := c.read(); got != c.want {
				t.Errorf("read %s, want %s", got, c.want)
			}
		})
	}
	if st, ok := db.Replica(); !ok || !st.InService || st.Reads != 1 {
		t.Errorf("replica status = %+v (%v), want in service with the one marked read", st, ok)
	}
	if db.Statements() <= before {
		t.Errorf("statements counted %d → %d: the replica's reads are not counted", before, db.Statements())
	}

	// A write with a marked context goes to the primary all the same.
	db.Ent.Equipement.Create().SetNom("N").SetCode("EQ-new").SaveX(marked)
	if n := primary.Ent.Equipement.Query().CountX(sys); n != 2 {
		t.Errorf("primary has %d equipements after the write, want 2", n)
	}
	if n := standIn.Ent.Equipement.Query().CountX(sys); n != 1 {
		t.Errorf("the stand-in replica has %d equipements after the write, want 1", n)
	}
	// User 7 wrote: his reads stay on the primary; another's go to the replica.
	db.Wrote(7)
	if got := codes(marked, db.Ent); got != "EQ-new,EQ-primary" {
		t.Errorf("the writer reads %s right after his write, want EQ-new,EQ-primary", got)
	}
	if got := codes(database.ReadOnly(sys, 8), db.Ent); got != "EQ-replica" {
		t.Errorf("another user reads %s, want EQ-replica", got)
	}
}
