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

	"github.com/mifmaroc/erp/internal/domain"
)

// TechnicienCompetence is a skill of the catalogue held by a technician, at his level: the
// edge between Technicien and Competence as an entity of its own, one row per pair. It is
// not declared with ent's Through: entgql gives the through edge the annotations of the
// plain many-to-many edge, which could then not be hidden, and that edge reads the pairs
// without their access rule (docs/decisions.md, "Skills are held at a level").
type TechnicienCompetence struct {
	ent.Schema
}

// Mixin of the TechnicienCompetence. The rank of niveau makes "level at least Y" a range
// on an integer column.
func (TechnicienCompetence) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}, rankMixin{Ranked: []string{"niveau"}}}
}

// Fields of the TechnicienCompetence.
func (TechnicienCompetence) Fields() []ent.Field {
	return []ent.Field{
		field.Int("technicien_id"),
		field.Int("competence_id"),
		field.Enum("niveau").
			GoType(domain.NiveauCompetence("")).
			Default(string(domain.NiveauIntermediaire)).
			Annotations(entgql.Type("NiveauCompetence")),
		rankField("niveau", "NIVEAU"),
	}
}

// Edges of the TechnicienCompetence.
func (TechnicienCompetence) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("technicien", Technicien.Type).Ref("competences_detenues").Unique().Required().Field("technicien_id"),
		edge.From("competence", Competence.Type).Ref("detentions").Unique().Required().Field("competence_id"),
	}
}

// Indexes of the TechnicienCompetence: a technician holds a skill once; (competence,
// rank) finds the holders of a skill at a level or above without reading the others.
func (TechnicienCompetence) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("technicien_id", "competence_id").Unique(),
		index.Fields("competence_id", "niveau_rang"),
	}
}

// Annotations of the TechnicienCompetence: its own table (the plain join table it replaces
// had no level) and no generated mutation inputs (setTechnicienCompetence writes it).
func (TechnicienCompetence) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entsql.Annotation{Table: "techniciens_competences"},
	}
}

// Policy of the TechnicienCompetence: see internal/access.
func (TechnicienCompetence) Policy() ent.Policy {
	return access.Policy(access.TechnicienCompetenceRows, nil)
}
