package graph

import (
	"entgo.io/contrib/entgql"

	"github.com/mifmaroc/erp/ent"
)

// newestFirst is the order of a stock ledger list: the one asked for, else the newest
// movements first, which is what a user reading a ledger looks for. Newest is by id, the
// order the movements were written in (their times may tie), which the ledger's indexes
// serve.
func newestFirst(orderBy []*ent.MouvementStockOrder) []*ent.MouvementStockOrder {
	if len(orderBy) > 0 {
		return orderBy
	}
	return []*ent.MouvementStockOrder{{Direction: entgql.OrderDirectionDesc, Field: ent.DefaultMouvementStockOrder.Field}}
}
