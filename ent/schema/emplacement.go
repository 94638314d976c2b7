package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/mifmaroc/erp/internal/access"
)

// Emplacement is a place in the tree of places a maintenance team works in: a site holds
// buildings, a building zones, to any depth. Every equipement sits in at most one place, and
// filters ask for "everything under this place" (internal/emplacement). Only staff write them.
type Emplacement struct {
	ent.Schema
}

// Mixin of the Emplacement.
func (Emplacement) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Fields of the Emplacement.
func (Emplacement) Fields() []ent.Field {
	return []ent.Field{
		field.String("nom").
			NotEmpty().
			MaxLen(200).
			Comment("the name people use for the place, 1 to 200 characters once trimmed").
			Annotations(entgql.OrderField("NOM")),
		field.String("code").
			Optional().
			Nillable().
			NotEmpty().
			MaxLen(64).
			Unique().
			Comment("a short reference (site or room number), unique when set").
			Annotations(entgql.OrderField("CODE")),
		field.Enum("type").
			Values("SITE", "BATIMENT", "ZONE", "AUTRE").
			Comment("SITE: site (usine, agence); BATIMENT: bâtiment; ZONE: zone (atelier, local, ligne); AUTRE: autre").
			Annotations(entgql.Type("TypeEmplacement")),
		field.Int("parent_id").
			Optional().
			Nillable().
			Comment("the place it sits in; empty for a root (usually a site)"),
		field.Bool("actif").
			Default(true).
			Comment("false once the place is no longer used: kept for the history of its equipment"),
	}
}

// Edges of the Emplacement.
func (Emplacement) Edges() []ent.Edge {
	return []ent.Edge{
		// A place is moved by setting its parent (parentID); its children follow it.
		edge.To("enfants", Emplacement.Type).
			Annotations(serverSet).
			From("parent").
			Field("parent_id").
			Unique(),
		// Equipment is placed on the equipement (emplacementID).
		edge.To("equipements", Equipement.Type).Annotations(serverSet),
		// The responsables scoped to this place (User.sites): read by the place's service
		// only, which refuses to delete a place that scopes someone.
		edge.From("responsables", User.Type).Ref("sites").Annotations(entgql.Skip()),
	}
}

// Indexes of the Emplacement: a place's children (each step of a subtree walk).
func (Emplacement) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("parent_id"),
		index.Fields("nom"),
	}
}

// Annotations of the Emplacement: listed through emplacements, written through the
// mutations of graph/emplacements.graphqls (internal/emplacement).
func (Emplacement) Annotations() []schema.Annotation { return relayList() }

// Policy of the Emplacement: see internal/access.
func (Emplacement) Policy() ent.Policy { return access.Policy(access.EmplacementRows, nil) }
