package stock

import (
	"context"
	"fmt"
	"io"

	"entgo.io/ent/dialect/sql"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/ent/mouvementstock"
	"github.com/mifmaroc/erp/ent/piece"
	"github.com/mifmaroc/erp/internal/viewer"
)

// Ecart is a part whose quantity column disagrees with the sum of its ledger.
type Ecart struct {
	PieceID    int    `json:"id"`
	Reference  string `json:"reference"`
	Quantite   int    `json:"quantite"`
	Ledger     int    `json:"ledger"`
	Mouvements int    `json:"mouvements"`
}

// Report is the outcome of Verify.
type Report struct {
	Pieces, Mouvements int
	Ecarts             []Ecart
}

// verifyBatch is how many parts Verify compares per statement, and how often it reports its
// progress.
const verifyBatch = 1000

// Verify compares every part's quantity with the sum of its movements, in batches of parts
// by id, writing its progress, each mismatch and a summary to out. It reads as the server
// and changes nothing; a mismatch is in the report, not an error.
func Verify(ctx context.Context, c *ent.Client, out io.Writer) (Report, error) {
	sys := viewer.SystemContext(ctx)
	total, err := c.Piece.Query().Count(sys)
	if err != nil {
		return Report{}, fmt.Errorf("counting parts: %w", err)
	}
	_, _ = fmt.Fprintf(out, "stock verify: %d parts\n", total)
	var r Report
	for after := 0; ; {
		rows, err := ledgerSums(sys, c, after, verifyBatch)
		if err != nil {
			return r, err
		}
		if len(rows) == 0 {
			break
		}
		for _, row := range rows {
			r.Pieces++
			r.Mouvements += row.Mouvements
			if row.Quantite != row.Ledger {
				r.Ecarts = append(r.Ecarts, row)
				_, _ = fmt.Fprintf(out, "MISMATCH piece %d (%s): quantite %d, ledger sum %d over %d movements\n",
					row.PieceID, row.Reference, row.Quantite, row.Ledger, row.Mouvements)
			}
		}
		after = rows[len(rows)-1].PieceID
		_, _ = fmt.Fprintf(out, "  %d/%d parts checked\n", r.Pieces, total)
	}
	_, _ = fmt.Fprintf(out, "stock verify: %d parts, %d movements, %d mismatches\n", r.Pieces, r.Mouvements, len(r.Ecarts))
	return r, nil
}

// ledgerSums reads, for up to n parts after id after in id order, the quantity column beside
// the sum and the number of their movements.
func ledgerSums(ctx context.Context, c *ent.Client, after, n int) ([]Ecart, error) {
	var rows []Ecart
	err := c.Piece.Query().
		Where(piece.IDGT(after)).
		Order(piece.ByID()).
		Limit(n).
		Modify(func(s *sql.Selector) {
			m := sql.Table(mouvementstock.Table)
			s.LeftJoin(m).On(s.C(piece.FieldID), m.C(mouvementstock.FieldPieceID)).
				GroupBy(s.C(piece.FieldID), s.C(piece.FieldReference), s.C(piece.FieldQuantite)).
				Select(
					sql.As(s.C(piece.FieldID), "id"),
					sql.As(s.C(piece.FieldReference), "reference"),
					sql.As(s.C(piece.FieldQuantite), "quantite"),
					sql.As("COALESCE(SUM("+m.C(mouvementstock.FieldQuantite)+"), 0)", "ledger"),
					sql.As(sql.Count(m.C(mouvementstock.FieldID)), "mouvements"),
				)
		}).
		Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("summing the ledger of parts after %d: %w", after, err)
	}
	return rows, nil
}

// valuation sums quantity × average cost over every part.
func valuation(ctx context.Context, c *ent.Client) (int64, error) {
	var rows []struct {
		Valeur int64 `json:"valeur"`
	}
	err := c.Piece.Query().
		Modify(func(s *sql.Selector) {
			s.Select(sql.As("COALESCE(SUM("+s.C(piece.FieldQuantite)+" * "+s.C(piece.FieldCoutMoyenCentimes)+"), 0)", "valeur"))
		}).
		Scan(ctx, &rows)
	if err != nil {
		return 0, fmt.Errorf("valuing the stock: %w", err)
	}
	if len(rows) == 0 {
		return 0, nil
	}
	return rows[0].Valeur, nil
}
