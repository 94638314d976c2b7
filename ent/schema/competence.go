package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"github.com/mifmaroc/erp/internal/access"

	"github.com/mifmaroc/erp/internal/domain"
)

// Competence is a skill; its name is unique across the company.
type Competence struct {
	ent.Schema
}

// Mixin of the Competence.
func (Competence) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}, rankMixin{Ranked: []string{"niveau"}}}
}

// Fields of the Competence.
func (Competence) Fields() []ent.Field {
	return []ent.Field{
		field.String("nom").
			NotEmpty().
			MaxLen(100).
			Unique().
			Annotations(entgql.OrderField("NOM")),
		field.Enum("niveau").
			GoType(domain.NiveauCompetence("")).
			Default(string(domain.NiveauIntermediaire)).
			Annotations(entgql.Type("NiveauCompetence")),
		field.String("description").
			Optional(),
		rankField("niveau", "NIVEAU"),
	}
}

// Edges of the Competence.
func (Competence) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("techniciens", Technicien.Type).Ref("competences"),
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
