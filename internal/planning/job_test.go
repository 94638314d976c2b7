package planning

import (
	"context"
	"errors"
	"testing"

	"github.com/mifmaroc/erp/internal/testdb"
)

// TestPgLockerOneHolder: of two replicas asking for the job's lock, one gets it; once
// released, the other can take it.
func TestPgLockerOneHolder(t *testing.T) {
	if testdb.Dialect() != "postgres" {
		t.Skip("the distributed lock exists on PostgreSQL only; this runs in the PostgreSQL pass")
	}
	ctx := context.Background()
	db := testdb.Open(t)
	a, b := pgLocker{db: db.Direct}, pgLocker{db: db.Direct}
	lock, err := a.Lock(ctx, JobName)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Lock(ctx, JobName); !errors.Is(err, errLockHeld) {
		t.Fatalf("second Lock = %v, want errLockHeld", err)
	}
	if err := lock.Unlock(ctx); err != nil {
		t.Fatal(err)
	}
	again, err := b.Lock(ctx, JobName)
	if err != nil {
		t.Fatalf("Lock after Unlock = %v", err)
	}
	_ = again.Unlock(ctx)
}
