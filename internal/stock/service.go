package stock

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/ent/piece"
	"github.com/mifmaroc/erp/internal/database"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/pubsub"
	"github.com/mifmaroc/erp/internal/viewer"
)

// Service manages the parts catalogue and the movements that are not an intervention's
// (restocks and counts; uses and returns go through internal/intervention). Only ADMIN and
// RESPONSABLE use it.
type Service struct {
	Client *ent.Client
	Now    func() time.Time
	Log    *slog.Logger
	Events *pubsub.Bus // live events of notifications, published after commit (nil: none)
}

// staff are the roles that manage parts and stock.
var staff = []domain.Role{domain.RoleAdmin, domain.RoleResponsable}

// Initial is the stock a new part starts with, written as its first ENTREE.
type Initial struct {
	Quantite int
	// CoutUnitaireCentimes is the cost of a unit; nil: the part's prixUnitaireCentimes.
	CoutUnitaireCentimes *int64
}

// CreatePiece adds a part to the catalogue; with initial stock, it is written as an ENTREE
// in the same transaction. A part created below its threshold raises no alert: the alert is
// for stock that falls, and is re-armed once it is restocked. Errors: CONFLICT (reference
// taken), BAD_USER_INPUT, FORBIDDEN.
func (s *Service) CreatePiece(ctx context.Context, in ent.CreatePieceInput, initial *Initial) (*ent.Piece, error) {
	v, err := s.require(ctx, "create parts")
	if err != nil {
		return nil, err
	}
	if initial != nil {
		switch {
		case initial.Quantite < 0 || initial.Quantite > domain.MaxQuantite:
			return nil, domain.Errorf(domain.CodeBadUserInput, "quantiteInitiale must be between 0 and %d", domain.MaxQuantite)
		case initial.Quantite == 0:
			initial = nil
		}
	}
	now := s.Now()
	var out *ent.Piece
	var events []pubsub.Event
	err = s.Events.Collect(ctx, s.Client, &events, func(tx *ent.Client) error {
		seuil := 0
		if in.SeuilAlerte != nil {
			seuil = *in.SeuilAlerte
		}
		start := 0
		if initial != nil {
			start = initial.Quantite
		}
		p, err := tx.Piece.Create().SetInput(in).
			SetAlerteStock(start < seuil).
			SetCreatedAt(now).SetUpdatedAt(now).
			Save(ctx)
		if ent.IsConstraintError(err) {
			return domain.Errorf(domain.CodeConflict, "a piece with reference %s already exists", in.Reference)
		} else if err != nil {
			return err
		}
		out = p
		if initial == nil {
			return nil
		}
		cost := p.PrixUnitaireCentimes
		if initial.CoutUnitaireCentimes != nil {
			cost = *initial.CoutUnitaireCentimes
		}
		motif := "stock initial"
		w, err := Apply(ctx, tx, Mouvement{Type: domain.MouvementEntree, PieceID: p.ID, Quantite: initial.Quantite,
			CoutUnitaireCentimes: cost, UserID: v.UserID, Motif: &motif, At: now})
		out, events = w.Piece, w.Events
		return err
	})
	if err != nil {
		return nil, err
	}
	return out.Unwrap(), nil
}

// UpdatePiece changes a part's catalogue fields; its stock changes only through movements.
// Archiving it (actif: false) keeps it and its ledger. Errors: NOT_FOUND, CONFLICT (reference
// taken), BAD_USER_INPUT, FORBIDDEN.
func (s *Service) UpdatePiece(ctx context.Context, id int, in ent.UpdatePieceInput) (*ent.Piece, error) {
	if _, err := s.require(ctx, "change parts"); err != nil {
		return nil, err
	}
	p, err := s.Client.Piece.UpdateOneID(id).SetInput(in).Save(ctx)
	switch {
	case ent.IsNotFound(err):
		return nil, domain.Errorf(domain.CodeNotFound, "piece %d not found", id)
	case ent.IsConstraintError(err):
		return nil, domain.Errorf(domain.CodeConflict, "another piece already has this reference")
	}
	return p, err
}

// DeletePiece removes a part no movement and no intervention refers to; otherwise CONFLICT
// and nothing is deleted (archive it with actif: false instead). Errors: NOT_FOUND,
// CONFLICT, FORBIDDEN.
func (s *Service) DeletePiece(ctx context.Context, id int) error {
	if _, err := s.require(ctx, "delete parts"); err != nil {
		return err
	}
	return database.WithTx(ctx, s.Client, func(tx *ent.Client) error {
		p, err := tx.Piece.Get(ctx, id)
		if ent.IsNotFound(err) {
			return domain.Errorf(domain.CodeNotFound, "piece %d not found", id)
		} else if err != nil {
			return err
		}
		used, err := tx.Piece.Query().
			Where(piece.ID(id), piece.Or(piece.HasMouvements(), piece.HasUtilisations())).
			Exist(viewer.SystemContext(ctx))
		if err != nil {
			return fmt.Errorf("checking uses of piece %d: %w", id, err)
		}
		if used {
			return domain.Errorf(domain.CodeConflict,
				"piece %s has stock movements or was used on interventions: it cannot be deleted (archive it with actif: false instead)", p.Reference)
		}
		return tx.Piece.DeleteOneID(id).Exec(ctx)
	})
}

// Entree restocks quantite units bought at coutUnitaireCentimes each, which moves the part's
// average cost. Errors: NOT_FOUND, BAD_USER_INPUT, CONFLICT (archived part, stock bound),
// FORBIDDEN.
func (s *Service) Entree(ctx context.Context, pieceID, quantite int, coutUnitaireCentimes int64, motif *string) (*ent.Piece, error) {
	return s.apply(ctx, "restock parts", Mouvement{Type: domain.MouvementEntree, PieceID: pieceID,
		Quantite: quantite, CoutUnitaireCentimes: coutUnitaireCentimes, Motif: motif})
}

// Ajuster sets the stock to the quantity a physical count found, recording the difference
// (possibly none) as an AJUSTEMENT at the average cost. Errors: NOT_FOUND, BAD_USER_INPUT,
// FORBIDDEN.
func (s *Service) Ajuster(ctx context.Context, pieceID, quantiteComptee int, motif *string) (*ent.Piece, error) {
	return s.apply(ctx, "count stock", Mouvement{Type: domain.MouvementAjustement, PieceID: pieceID,
		Quantite: quantiteComptee, Motif: motif})
}

func (s *Service) apply(ctx context.Context, what string, m Mouvement) (*ent.Piece, error) {
	v, err := s.require(ctx, what)
	if err != nil {
		return nil, err
	}
	m.UserID, m.At, m.Motif = v.UserID, s.Now(), Motif(m.Motif)
	var w Written
	err = s.Events.Collect(ctx, s.Client, &w.Events, func(tx *ent.Client) error {
		w, err = Apply(ctx, tx, m)
		return err
	})
	if err != nil {
		return nil, err
	}
	s.Log.InfoContext(ctx, "stock movement", "event", "stock_movement", "type", m.Type, "piece_id", m.PieceID,
		"quantite", w.Mouvement.Quantite, "user_id", v.UserID)
	return w.Piece.Unwrap(), nil
}

// Valeur is the worth of all the stock on hand at the parts' average costs, in centimes.
// Staff only (FORBIDDEN).
func (s *Service) Valeur(ctx context.Context) (int64, error) {
	if _, err := s.require(ctx, "read the stock valuation"); err != nil {
		return 0, err
	}
	return valuation(ctx, s.Client)
}

func (s *Service) require(ctx context.Context, what string) (*viewer.Viewer, error) {
	if err := viewer.Require(ctx, what, staff...); err != nil {
		return nil, err
	}
	return viewer.FromContext(ctx), nil
}

// Motif is a movement's reason as stored: trimmed, nil when empty.
func Motif(m *string) *string {
	if m == nil {
		return nil
	}
	t := strings.TrimSpace(*m)
	if t == "" {
		return nil
	}
	return &t
}
