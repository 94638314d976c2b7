// Package stock keeps spare parts and their stock ledger. Every change of a part's quantity on
// hand is a movement row (ENTREE, SORTIE, AJUSTEMENT, RETOUR) written by Apply in the
// transaction of its cause; the quantity column of the part is kept equal to the sum of its
// movements, and `erp stock verify` checks that it is. The part's weighted average cost,
// which values the stock, moves with each restock.
package stock

import (
	"context"
	"fmt"
	"time"

	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/ent/piece"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/i18n"
	"github.com/mifmaroc/erp/internal/notify"
	"github.com/mifmaroc/erp/internal/pubsub"
)

// Mouvement is a change of stock to write.
type Mouvement struct {
	Type    domain.TypeMouvement
	PieceID int
	// Quantite is the number of units moved, at least 1, for ENTREE, SORTIE and RETOUR (Apply
	// signs it); for AJUSTEMENT, the quantity the count found, from 0.
	Quantite int
	// CoutUnitaireCentimes is the purchase cost of a unit of an ENTREE; the other movements
	// move at the part's average cost.
	CoutUnitaireCentimes int64
	InterventionID       *int
	UserID               int // 0: the server (seed, opening balance)
	Motif                *string
	At                   time.Time
}

// Written is what Apply wrote: the movement, the part as it now is, and the live events of
// the notifications it raised, to publish once the transaction commits.
type Written struct {
	Mouvement *ent.MouvementStock
	Piece     *ent.Piece
	Events    []pubsub.Event
}

// Apply writes m through tx, the transaction of its cause: it reads the part's row locked
// until tx ends (forUpdate), checks
// the new quantity (CONFLICT when stock is insufficient or would pass its bound, or when an
// archived part is restocked or used), writes the quantity, the average cost and the alert
// flag, appends the movement, and notifies the RESPONSABLE users when the quantity falls
// below the part's threshold (once, until it is back at or above it). Concurrent movements of
// a part wait for each other on the row lock, so none is lost.
func Apply(ctx context.Context, tx *ent.Client, m Mouvement) (Written, error) {
	if err := m.check(); err != nil {
		return Written{}, err
	}
	if m.At.IsZero() {
		m.At = time.Now()
	}
	p, err := tx.Piece.Query().Where(piece.ID(m.PieceID)).Modify(forUpdate).Only(ctx)
	if ent.IsNotFound(err) {
		return Written{}, domain.Errorf(domain.CodeNotFound, "piece %d not found", m.PieceID)
	} else if err != nil {
		return Written{}, fmt.Errorf("reading piece %d: %w", m.PieceID, err)
	}
	delta, err := m.delta(p)
	if err != nil {
		return Written{}, err
	}
	after := p.Quantite + delta
	cout := p.CoutMoyenCentimes
	avg := p.CoutMoyenCentimes
	if m.Type == domain.MouvementEntree {
		cout = m.CoutUnitaireCentimes
		avg = AverageCost(p.Quantite, p.CoutMoyenCentimes, delta, m.CoutUnitaireCentimes)
	}
	// The flag remembers that the alert went out: set on the way down, cleared once the stock
	// is back at or above the threshold, which re-arms it.
	below := after < p.SeuilAlerte
	alert := below && !p.AlerteStock
	err = tx.Piece.Update().Where(piece.ID(p.ID)).
		SetQuantite(after).
		SetCoutMoyenCentimes(avg).
		SetAlerteStock(below).
		SetUpdatedAt(m.At).
		Exec(ctx)
	if err != nil {
		return Written{}, fmt.Errorf("writing the stock of piece %d: %w", m.PieceID, err)
	}
	p.Quantite, p.CoutMoyenCentimes, p.AlerteStock, p.UpdatedAt = after, avg, below, m.At
	c := tx.MouvementStock.Create().
		SetType(m.Type).
		SetPieceID(m.PieceID).
		SetQuantite(delta).
		SetQuantiteApres(after).
		SetCoutUnitaireCentimes(cout).
		SetNillableInterventionID(m.InterventionID).
		SetNillableMotif(m.Motif).
		SetCreatedAt(m.At).
		SetUpdatedAt(m.At)
	if m.UserID != 0 {
		c.SetUserID(m.UserID)
	}
	mv, err := c.Save(ctx)
	if err != nil {
		return Written{}, fmt.Errorf("writing the movement of piece %d: %w", m.PieceID, err)
	}
	w := Written{Mouvement: mv, Piece: p}
	if alert {
		if w.Events, err = alertLow(ctx, tx, p); err != nil {
			return Written{}, err
		}
	}
	return w, nil
}

// forUpdate locks the rows a query reads until its transaction ends: FOR UPDATE on
// PostgreSQL; SQLite has no such clause and needs none, its transactions beginning IMMEDIATE
// (internal/database), which holds the database's write lock from their start.
func forUpdate(s *sql.Selector) {
	if s.Dialect() == dialect.Postgres {
		s.ForUpdate()
	}
}

// check refuses what no stock could accept.
func (m Mouvement) check() error {
	lo := 1
	if m.Type == domain.MouvementAjustement {
		lo = 0
	}
	if m.Quantite < lo || m.Quantite > domain.MaxQuantite {
		return domain.Errorf(domain.CodeBadUserInput, "quantite must be between %d and %d", lo, domain.MaxQuantite)
	}
	if m.CoutUnitaireCentimes < 0 || m.CoutUnitaireCentimes > domain.MaxMontantCentimes {
		return domain.Errorf(domain.CodeBadUserInput, "coutUnitaireCentimes must be between 0 and %d", domain.MaxMontantCentimes)
	}
	if m.Motif != nil && len([]rune(*m.Motif)) > MaxMotif {
		return domain.Errorf(domain.CodeBadUserInput, "motif holds at most %d characters", MaxMotif)
	}
	return nil
}

// MaxMotif bounds the reason of a movement, in characters (the column's bound).
const MaxMotif = 500

// delta is the signed change m makes to p's stock, refused when p cannot take it.
func (m Mouvement) delta(p *ent.Piece) (int, error) {
	var d int
	switch m.Type {
	case domain.MouvementEntree, domain.MouvementSortie:
		if !p.Actif {
			return 0, domain.Errorf(domain.CodeConflict, "piece %s is archived: it takes no more restocks nor uses", p.Reference)
		}
		d = m.Quantite
		if m.Type == domain.MouvementSortie {
			d = -m.Quantite
		}
	case domain.MouvementRetour:
		d = m.Quantite
	case domain.MouvementAjustement:
		d = m.Quantite - p.Quantite
	default:
		return 0, fmt.Errorf("unknown movement type %q", m.Type)
	}
	switch after := p.Quantite + d; {
	case after < 0:
		return 0, domain.Errorf(domain.CodeConflict, "insufficient stock of %s: %d on hand, %d requested", p.Reference, p.Quantite, -d)
	case after > domain.MaxQuantite:
		return 0, domain.Errorf(domain.CodeConflict, "stock of %s would reach %d, beyond %d", p.Reference, after, domain.MaxQuantite)
	}
	return d, nil
}

// AverageCost is the weighted average cost of a unit after an ENTREE of in units at cost
// onto qty units valued at avg: (qty×avg + in×cost) / (qty+in), in integer centimes rounded
// half up. With nothing left afterwards, avg is kept (it values nothing).
func AverageCost(qty int, avg int64, in int, cost int64) int64 {
	total := int64(qty + in)
	if total <= 0 {
		return avg
	}
	num := int64(qty)*avg + int64(in)*cost
	return (num + total/2) / total
}

// alertLow tells the RESPONSABLE users that p fell below its threshold.
func alertLow(ctx context.Context, tx *ent.Client, p *ent.Piece) ([]pubsub.Event, error) {
	to, err := notify.Responsables(ctx, tx)
	if err != nil {
		return nil, err
	}
	return notify.Send(ctx, tx, notify.Notice{
		Type:  domain.NotificationInformation,
		Sujet: i18n.M("Low stock: %s", p.Reference),
		Message: i18n.M("The stock of %s (%s) fell to %d %s, below the alert threshold of %d. Suggested restock: %d.",
			p.Designation, p.Reference, p.Quantite, p.Unite, p.SeuilAlerte, p.QuantiteReappro),
	}, to...)
}
