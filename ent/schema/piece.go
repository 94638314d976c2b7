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
			Comment(fmt.Sprintf("units on hand, from 0 to %d: the sum of the part's stock movements, changed by them only", domain.MaxQuantite)).
			Annotations(entgql.OrderField("QUANTITE"), serverSet),
		field.Int("seuil_alerte").
			Default(0).
			Validate(domain.InRange(0, domain.MaxQuantite)).
			Comment(fmt.Sprintf("the RESPONSABLE users are notified once when quantite falls below it; from 0 to %d", domain.MaxQuantite)),
		field.Int64("prix_unitaire_centimes").
			Default(0).
			Validate(domain.InRange[int64](0, domain.MaxMontantCentimes)).
			Comment(fmt.Sprintf("the price an intervention pays per unit (kept on its line at the time of use), MAD centimes, from 0 to %d", domain.MaxMontantCentimes)),
		// New fields go last: SQLite then adds a column instead of rebuilding the table.
		field.String("unite").
			Default("pièce").
			NotEmpty().
			MaxLen(32).
			Comment("the unit quantities count in, such as pièce, litre, mètre"),
		field.String("emplacement").
			Optional().
			Nillable().
			MaxLen(100).
			Comment("where it is stored (store, aisle, shelf)"),
		field.Int("quantite_reappro").
			Default(0).
			Validate(domain.InRange(0, domain.MaxQuantite)).
			Comment(fmt.Sprintf("how many to order when restocking; from 0 to %d", domain.MaxQuantite)),
		field.String("fournisseur").
			Optional().
			Nillable().
			MaxLen(200).
			Comment("the supplier's name"),
		field.Bool("actif").
			Default(true).
			Comment("false: archived, the part takes no more restocks nor uses (counts and returns still apply)"),
		field.Int64("cout_moyen_centimes").
			Default(0).
			Validate(domain.InRange[int64](0, domain.MaxMontantCentimes)).
			Comment("weighted average cost of a unit on hand, MAD centimes, recomputed by each ENTREE").
			// Staff's figure: nor read nor filtered on by other roles.
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput, entgql.SkipWhereInput),
				entgql.Directives(hasRole(domain.RoleAdmin, domain.RoleResponsable))),
		field.Bool("alerte_stock").
			Default(false).
			Comment("the low-stock notification was sent and quantite is still below seuilAlerte: no other until it is back at or above").
			Annotations(serverSet),
	}
}

// Edges of the Piece.
func (Piece) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("interventions", Intervention.Type).
			Ref("pieces").
			Through("utilisations", InterventionPiece.Type).
			Annotations(serverSet),
		// Listed in GraphQL by Piece.mouvements (graph/stock.graphqls), newest first.
		edge.To("mouvements", MouvementStock.Type).Annotations(entgql.Skip(entgql.SkipAll)),
	}
}

// Annotations of the Piece.
func (Piece) Annotations() []schema.Annotation {
	return relayList(domain.RoleAdmin, domain.RoleResponsable, domain.RoleTechnicien)
}

// Policy of the Piece: see internal/access.
func (Piece) Policy() ent.Policy { return access.Policy(access.PieceRows, nil) }
