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

// ChecklistModele is a checklist template: the ordered points a job must go through. A
// planning, an equipement or the creator of an intervention names one; each intervention
// copies its points when it opens (PointChecklist), so that editing a template never changes
// work already open (internal/checklist).
type ChecklistModele struct {
	ent.Schema
}

// Mixin of the ChecklistModele.
func (ChecklistModele) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Fields of the ChecklistModele.
func (ChecklistModele) Fields() []ent.Field {
	return []ent.Field{
		field.String("nom").
			NotEmpty().
			MaxLen(200).
			Unique().
			Annotations(entgql.OrderField("NOM")),
		field.Text("description").
			Optional().
			Nillable().
			MaxLen(2000),
		field.JSON("points", []domain.PointControle{}).
			SchemaType(jsonText).
			Comment("the points, in the order they are gone through").
			Annotations(entgql.Type("[PointControle!]")),
		field.Bool("actif").
			Default(true).
			Comment("false once archived: no new work takes it, open work keeps its copy"),
	}
}

// Edges of the ChecklistModele.
func (ChecklistModele) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("plannings", Planning.Type).Ref("checklist_modele").Annotations(serverSet),
		edge.From("equipements", Equipement.Type).Ref("checklist_modele").Annotations(serverSet),
		edge.From("interventions", Intervention.Type).Ref("checklist_modele").Annotations(serverSet),
	}
}

// Annotations of the ChecklistModele: listed through checklistModeles, written through the
// mutations of graph/checklists.graphqls.
func (ChecklistModele) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.RelayConnection(), entgql.MultiOrder()}
}

// Policy of the ChecklistModele: see internal/access.
func (ChecklistModele) Policy() ent.Policy { return access.Policy(access.ChecklistModeleRows, nil) }
