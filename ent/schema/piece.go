package schema

import (
	"fmt"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"github.com/mifmaroc/erp/internal/access"
	"github.com/mifmaroc/erp/internal/domain"
)

// Piece is a spare part held in stock.
type Piece struct {
	ent.Schema
}

// Mixin of the Piece.
func (Piece) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Fields of the Piece.
func (Piece) Fields() []ent.Field {
	return []ent.Field{
		field.String("reference").NotEmpty().MaxLen(64).Unique().Annotations(entgql.OrderField("REFERENCE")),
		field.String("designation").NotEmpty().MaxLen(200).Annotations(entgql.OrderField("DESIGNATION")),
		field.Int("quantite").
			Default(0).
			Validate(domain.InRange(0, domain.MaxQuantite)).
			Comment(fmt.Sprintf("units in stock, from 0 to %d; decremented atomically when used", domain.MaxQuantite)).
			Annotations(entgql.OrderField("QUANTITE")),
		field.Int("seuil_alerte").
			Default(0).
			Validate(domain.InRange(0, domain.MaxQuantite)).
			Comment(fmt.Sprintf("a notification is raised when quantite falls below it; from 0 to %d", domain.MaxQuantite)),
		field.Int64("prix_unitaire_centimes").
			Default(0).
			Validate(domain.InRange[int64](0, domain.MaxMontantCentimes)).
			Comment(fmt.Sprintf("MAD centimes, from 0 to %d", domain.MaxMontantCentimes)),
	}
}

// Edges of the Piece.
func (Piece) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("interventions", Intervention.Type).
			Ref("pieces").
			Through("utilisations", InterventionPiece.Type).
			Annotations(serverSet),
	}
}

// Annotations of the Piece.
func (Piece) Annotations() []schema.Annotation {
	return relayList(domain.RoleAdmin, domain.RoleResponsable, domain.RoleTechnicien)
}

// Policy of the Piece: see internal/access.
func (Piece) Policy() ent.Policy { return access.Policy(access.PieceRows, nil) }
