package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/mifmaroc/erp/internal/access"
)

// ArretEquipement is a period during which an equipment was stopped (its statut PANNE): opened
// by corrective work that declares the stop (Intervention.arretEquipement) or by staff setting
// the statut by hand, ended when the last such work closes or staff set it running again.
// Only the server writes them (internal/arret), in the transaction of the change that causes
// them.
type ArretEquipement struct {
	ent.Schema
}

// Mixin of the ArretEquipement.
func (ArretEquipement) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Fields of the ArretEquipement.
func (ArretEquipement) Fields() []ent.Field {
	return []ent.Field{
		field.Time("debut").
			Immutable().
			Annotations(entgql.OrderField("DEBUT")).
			Comment("when the equipment stopped"),
		field.Time("fin").
			Optional().
			Nillable().
			Comment("when it ran again; empty while it is stopped"),
		field.Int("equipement_id").Immutable(),
		field.Int("intervention_id").
			Optional().
			Nillable().
			Immutable().
			Comment("the corrective work that declared the stop; empty for a stop set by hand").
			// Read through the edge, whose rule hides work the viewer does not read.
			Annotations(entgql.Skip(entgql.SkipType, entgql.SkipWhereInput)),
		field.Int("user_id").
			Optional().
			Nillable().
			Immutable().
			Comment("who made the change that opened the stop").
			Annotations(entgql.Skip(entgql.SkipType, entgql.SkipWhereInput)),
	}
}

// Edges of the ArretEquipement.
func (ArretEquipement) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("equipement", Equipement.Type).Ref("arrets").Field("equipement_id").Unique().Required().Immutable(),
		edge.To("intervention", Intervention.Type).Field("intervention_id").Unique().Immutable(),
		edge.To("user", User.Type).Field("user_id").Unique().Immutable(),
	}
}

// Indexes of the ArretEquipement: an equipment's stops in time order, the stops of a window
// (internal/stats), a cause's stops, and at most one running stop per equipment, whatever two
// writers do at once.
func (ArretEquipement) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("equipement_id", "debut"),
		index.Fields("debut"),
		index.Fields("intervention_id"),
		index.Fields("equipement_id").
			Unique().
			StorageKey("arret_equipement_en_cours").
			Annotations(entsql.IndexWhere("fin IS NULL")),
	}
}

// Annotations of the ArretEquipement: read through Equipement.arrets; never written through
// the API.
func (ArretEquipement) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.RelayConnection()}
}

// Policy of the ArretEquipement: see internal/access.
func (ArretEquipement) Policy() ent.Policy { return access.Policy(access.ArretEquipementRows, nil) }
