package schema

import (
	"fmt"

	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
	"github.com/mifmaroc/erp/internal/access"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/facts"
)

// InterventionPiece records parts used by an intervention, with the unit price at the time
// of use so that later price changes do not rewrite past costs.
type InterventionPiece struct {
	ent.Schema
}

// Mixin of the InterventionPiece.
func (InterventionPiece) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Fields of the InterventionPiece.
func (InterventionPiece) Fields() []ent.Field {
	return []ent.Field{
		field.Int("intervention_id"),
		field.Int("piece_id"),
		field.Int("quantite").
			Validate(domain.InRange(1, domain.MaxQuantite)).
			Comment(fmt.Sprintf("units used, from 1 to %d", domain.MaxQuantite)),
		field.Int64("prix_unitaire_centimes").
			Validate(domain.InRange[int64](0, domain.MaxMontantCentimes)).
			Comment(fmt.Sprintf("the part's price when first used, MAD centimes, from 0 to %d", domain.MaxMontantCentimes)),
	}
}

// Edges of the InterventionPiece.
func (InterventionPiece) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("intervention", Intervention.Type).Unique().Required().Field("intervention_id"),
		edge.To("piece", Piece.Type).Unique().Required().Field("piece_id"),
	}
}

// Indexes of the InterventionPiece: one line per part and intervention; using a part again
// adds to its quantity.
func (InterventionPiece) Indexes() []ent.Index {
	return []ent.Index{index.Fields("intervention_id", "piece_id").Unique()}
}

// Policy of the InterventionPiece: see internal/access.
func (InterventionPiece) Policy() ent.Policy { return access.Policy(access.InterventionPieceRows, nil) }

// Hooks of the InterventionPiece: its intervention's facts follow its rows (internal/facts).
func (InterventionPiece) Hooks() []ent.Hook { return []ent.Hook{facts.PartsHook()} }
