package export

import (
	"context"
	"fmt"
	"net/url"

	"entgo.io/contrib/entgql"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/viewer"
)

// mouvementsQuery is the filter and order of the mouvementsStock list.
type mouvementsQuery struct {
	where   *ent.MouvementStockWhereInput
	orderBy []*ent.MouvementStockOrder
}

func parseMouvements(q url.Values) (mouvementsQuery, error) {
	var out mouvementsQuery
	var where ent.MouvementStockWhereInput
	ok, err := decodeJSON(q, "where", &where)
	if err != nil {
		return out, err
	}
	if ok {
		out.where = &where
	}
	out.orderBy, err = decodeOrder(q, func(dir entgql.OrderDirection, name string) (*ent.MouvementStockOrder, error) {
		f := new(ent.MouvementStockOrderField)
		if err := f.UnmarshalGQL(name); err != nil {
			return nil, err
		}
		return &ent.MouvementStockOrder{Direction: dir, Field: f}, nil
	})
	if len(out.orderBy) == 0 {
		// The ledger reads newest first, as mouvementsStock lists it.
		out.orderBy = []*ent.MouvementStockOrder{{Direction: entgql.OrderDirectionDesc, Field: ent.DefaultMouvementStockOrder.Field}}
	}
	return out, err
}

// mouvementsSource reads the stock ledger as mouvementsStock does. The roles are those of
// the GraphQL field and of its cost (graph/stock.graphqls, ent/schema/mouvementstock.go): the
// ledger is maintenance staff's and technicians', its costs management's.
type mouvementsSource struct {
	client *ent.Client
	q      mouvementsQuery
	costs  bool
}

func newMouvementsSource(ctx context.Context, client *ent.Client, q mouvementsQuery) (*mouvementsSource, error) {
	if err := viewer.Require(ctx, "export the stock ledger", domain.RoleAdmin, domain.RoleResponsable, domain.RoleTechnicien); err != nil {
		return nil, err
	}
	return &mouvementsSource{client: client, q: q, costs: viewer.IsSystem(ctx) || viewer.FromContext(ctx).Staff()}, nil
}

func (s *mouvementsSource) sheet() string { return "Mouvements de stock" }

func (s *mouvementsSource) columns() []Column {
	cols := []Column{
		{"N°"}, {"Date"}, {"Type"}, {"Référence"}, {"Désignation"}, {"Quantité"}, {"Quantité après"},
	}
	if s.costs {
		cols = append(cols, Column{"Coût unitaire (MAD)"}, Column{"Valeur (MAD)"})
	}
	return append(cols, Column{"Intervention N°"}, Column{"Motif"}, Column{"Saisi par"})
}

func (s *mouvementsSource) count(ctx context.Context) (int, error) {
	q, err := s.q.where.Filter(s.client.MouvementStock.Query())
	if err != nil {
		return 0, fmt.Errorf("stock ledger filter: %w", err)
	}
	n, err := q.Count(ctx)
	if err != nil {
		return 0, fmt.Errorf("counting stock movements: %w", err)
	}
	return n, nil
}

func (s *mouvementsSource) pages(ctx context.Context, size int, fn func([]row) error) error {
	var after *ent.Cursor
	for {
		conn, err := s.client.MouvementStock.Query().
			WithPiece().
			WithUser().
			Paginate(ctx, after, &size, nil, nil, ent.WithMouvementStockOrder(s.q.orderBy), ent.WithMouvementStockFilter(s.q.where.Filter))
		if err != nil {
			return fmt.Errorf("reading stock movements: %w", err)
		}
		rows := make([]row, len(conn.Edges))
		for i, e := range conn.Edges {
			rows[i] = s.row(e.Node)
		}
		if err := fn(rows); err != nil {
			return err
		}
		if !conn.PageInfo.HasNextPage || conn.PageInfo.EndCursor == nil {
			return nil
		}
		after = conn.PageInfo.EndCursor
	}
}

func (s *mouvementsSource) row(m *ent.MouvementStock) row {
	var ref, designation, by any
	if p := m.Edges.Piece; p != nil {
		ref, designation = p.Reference, p.Designation
	}
	if u := m.Edges.User; u != nil {
		by = u.NomComplet
	}
	r := row{m.ID, m.CreatedAt, string(m.Type), ref, designation, m.Quantite, m.QuantiteApres}
	if s.costs {
		r = append(r, Centimes(m.CoutUnitaireCentimes), Centimes(m.CoutUnitaireCentimes*int64(m.Quantite)))
	}
	return append(r, intOrNil(m.InterventionID), stringOrNil(m.Motif), by)
}
