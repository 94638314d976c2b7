package app_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/mifmaroc/erp/ent/piece"
	"github.com/mifmaroc/erp/internal/app"
	"github.com/mifmaroc/erp/internal/gqltest"
	"github.com/mifmaroc/erp/internal/testdb"
	"github.com/mifmaroc/erp/internal/viewer"
)

// `erp stock verify` on a seeded database finds every part in agreement with its ledger; once
// a quantity is changed around the ledger, it names the part and fails.
func TestStockVerify(t *testing.T) {
	ctx := context.Background()
	db := testdb.Open(t)
	var out bytes.Buffer
	a := &app.App{Config: testConfig(t), DB: db, Log: gqltest.Logger(t), Out: &out}
	if err := a.Seed(ctx, "small", 20); err != nil {
		t.Fatalf("Seed: %v", err)
	}
	out.Reset()
	if err := a.StockVerify(ctx); err != nil {
		t.Fatalf("StockVerify on a seeded database: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "200 parts") || !strings.Contains(out.String(), "0 mismatches") {
		t.Errorf("StockVerify wrote:\n%s", out.String())
	}

	sys := viewer.SystemContext(ctx)
	db.Ent.Piece.Update().Where(piece.Reference("PC-0007")).AddQuantite(1).ExecX(sys)
	out.Reset()
	err := a.StockVerify(ctx)
	if !errors.Is(err, app.ErrStockMismatch) {
		t.Errorf("StockVerify after a change around the ledger = %v, want ErrStockMismatch", err)
	}
	if !strings.Contains(out.String(), "PC-0007") || !strings.Contains(out.String(), "1 mismatches") {
		t.Errorf("StockVerify wrote:\n%s", out.String())
	}
}
