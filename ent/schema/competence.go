package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"github.com/mifmaroc/erp/internal/access"
)

// Competence is a skill of the catalogue; its name is unique across the company. The level
// at which a technician holds it is on TechnicienCompetence.
type Competence struct {
	ent.Schema
}

// Mixin of the Competence.
func (Competence) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}}
}

// Fields of the Competence.
func (Competence) Fields() []ent.Field {
	return []ent.Field{
		field.String("nom").
			NotEmpty().
			MaxLen(100).
			Unique().
			Annotations(entgql.OrderField("NOM")),
		field.String("description").
			Optional(),
	}
}

// Edges of the Competence.
func (Competence) Edges() []ent.Edge {
	return []ent.Edge{
		// Who holds a skill: the techniciens filter (competence) answers it for the API.
		edge.To("detentions", TechnicienCompetence.Type).
			Annotations(entgql.Skip(entgql.SkipAll)),
	}
}

// Annotations of the Competence: listed whole (`competences: [Competence!]!`), not paginated.
func (Competence) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.QueryField(),
		entgql.Mutations(entgql.MutationCreate(), entgql.MutationUpdate()),
	}
}

// Policy of the Competence: see internal/access.
func (Competence) Policy() ent.Policy { return access.Policy(access.Everyone, nil) }
