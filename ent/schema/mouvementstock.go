package schema

import (
	"fmt"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/mifmaroc/erp/internal/access"
	"github.com/mifmaroc/erp/internal/domain"
)

// MouvementStock is one line of the stock ledger: every change of a part's quantity on hand,
// written in the same transaction as its cause (a restock, a use on an intervention, a count,
// a return). The sum of a part's lines is its quantite; rows are never updated nor deleted.
type MouvementStock struct {
	ent.Schema
}

// Mixin of the MouvementStock.
func (MouvementStock) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Fields of the MouvementStock.
func (MouvementStock) Fields() []ent.Field {
	return []ent.Field{
		field.Enum("type").
			GoType(domain.TypeMouvement("")).
			Immutable().
			Annotations(entgql.Type("TypeMouvement")),
		field.Int("quantite").
			Immutable().
			Validate(domain.InRange(-domain.MaxQuantite, domain.MaxQuantite)).
			Comment(fmt.Sprintf("signed change of the quantity on hand: positive into stock, negative out of it; from -%d to %d", domain.MaxQuantite, domain.MaxQuantite)),
		field.Int("quantite_apres").
			Immutable().
			Validate(domain.InRange(0, domain.MaxQuantite)).
			Comment("the part's quantity on hand after this movement"),
		field.Int64("cout_unitaire_centimes").
			Immutable().
			Validate(domain.InRange[int64](0, domain.MaxMontantCentimes)).
			Comment("MAD centimes per unit: the purchase cost of an ENTREE, the part's weighted average cost for the other movements").
			// Costs are management's: a technician reads what he moved, not what it is worth,
			// and filters on it neither.
			Annotations(entgql.Skip(entgql.SkipWhereInput), entgql.Directives(hasRole(domain.RoleAdmin, domain.RoleResponsable))),
		field.String("motif").
			Optional().
			Nillable().
			Immutable().
			MaxLen(500).
			Comment("why, as the user wrote it (a delivery note, a count, a wrong use); at most 500 characters"),
		field.Int("piece_id").Immutable(),
		field.Int("intervention_id").
			Optional().
			Nillable().
			Immutable().
			Comment("the intervention of a SORTIE or a RETOUR"),
		field.Int("user_id").
			Optional().
			Nillable().
			Immutable().
			Comment("who recorded it; empty for the opening balance written by the migration and for the seed"),
	}
}

// Edges of the MouvementStock.
func (MouvementStock) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("piece", Piece.Type).Ref("mouvements").Field("piece_id").Unique().Required().Immutable(),
		edge.To("intervention", Intervention.Type).Field("intervention_id").Unique().Immutable(),
		edge.To("user", User.Type).Field("user_id").Unique().Immutable(),
	}
}

// Indexes of the MouvementStock: a part's ledger in the order it was written (its movements
// newest first, its sum in `erp stock verify`), an intervention's movements (a technician's
// view of the ledger).
func (MouvementStock) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("piece_id", "id"),
		index.Fields("intervention_id", "piece_id"),
	}
}

// Annotations of the MouvementStock: listed through mouvementsStock (graph/stock.graphqls),
// newest first; never written through GraphQL inputs.
func (MouvementStock) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.RelayConnection(), entgql.MultiOrder()}
}

// Policy of the MouvementStock: see internal/access; the ledger is only ever appended to.
func (MouvementStock) Policy() ent.Policy {
	return access.Policy(access.MouvementStockRows, access.AppendOnly)
}
