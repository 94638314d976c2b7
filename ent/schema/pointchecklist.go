package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/mifmaroc/erp/internal/access"
	"github.com/mifmaroc/erp/internal/domain"
)

// PointChecklist is one point of an intervention's own checklist: a copy of its template's
// point when the intervention opened, and the answer the technician gave (internal/checklist).
type PointChecklist struct {
	ent.Schema
}

// Mixin of the PointChecklist.
func (PointChecklist) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Fields of the PointChecklist.
func (PointChecklist) Fields() []ent.Field {
	return []ent.Field{
		field.Int("position").Immutable().Comment("its rank in the checklist, from 1"),
		field.String("libelle").Immutable(),
		field.Enum("type").
			GoType(domain.TypePoint("")).
			Immutable().
			Annotations(entgql.Type("TypePoint")),
		field.Bool("obligatoire").Immutable().Comment("the intervention cannot be closed while it is unanswered"),
		field.String("unite").Optional().Nillable().Immutable().Comment("the unit of a MESURE"),
		field.Float("min").Optional().Nillable().Immutable().Comment("the least value a MESURE should read"),
		field.Float("max").Optional().Nillable().Immutable().Comment("the greatest value a MESURE should read"),
		field.Strings("choix").Optional().Immutable().SchemaType(jsonText).Comment("the values a CHOIX offers"),
		field.Bool("demande_si_hors_limites").
			Default(false).
			Immutable().
			Comment("a MESURE out of bounds opens a work request on the equipement"),
		field.Bool("coche").Optional().Nillable().Comment("the answer of a CASE"),
		field.Float("valeur").Optional().Nillable().Comment("the answer of a MESURE"),
		field.Text("texte").Optional().Nillable().Comment("the answer of a TEXTE, or the value chosen for a CHOIX"),
		field.Int("document_id").Optional().Nillable().Comment("the answer of a PHOTO: a document of the intervention").
			Annotations(hiddenKey),
		field.Bool("hors_limites").Default(false).Comment("the MESURE read is outside [min, max]"),
		field.Time("repondu_le").Optional().Nillable().Comment("when it was last answered; empty while unanswered"),
		field.Int("repondu_par_id").Optional().Nillable().Annotations(hiddenKey),
		field.Int("demande_id").Optional().Nillable().Comment("the work request its out-of-bounds measure opened").
			Annotations(hiddenKey),
		field.Int("intervention_id").Immutable().Annotations(hiddenKey),
	}
}

// Edges of the PointChecklist.
func (PointChecklist) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("intervention", Intervention.Type).Ref("checklist").Field("intervention_id").Unique().Required().Immutable(),
		edge.To("photo", Document.Type).Field("document_id").Unique(),
		edge.To("repondu_par", User.Type).Field("repondu_par_id").Unique(),
		edge.To("demande", DemandeIntervention.Type).Field("demande_id").Unique(),
	}
}

// Indexes of the PointChecklist: an intervention's points in order.
func (PointChecklist) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("intervention_id", "position").Unique(),
	}
}

// Annotations of the PointChecklist: read through Intervention.checklist (and filtered
// through it: interventions(where: {hasChecklistWith: {horsLimites: true}})), answered
// through repondrePointChecklist.
func (PointChecklist) Annotations() []schema.Annotation { return nil }

// Policy of the PointChecklist: see internal/access.
func (PointChecklist) Policy() ent.Policy { return access.Policy(access.PointChecklistRows, nil) }
