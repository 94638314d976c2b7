package schema

import (
	"github.com/mifmaroc/erp/internal/access"
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/facts"
)

// HistoriqueIntervention is one line of an intervention's audit trail, written in the same
// transaction as the creation or status change it records. Rows are never updated.
type HistoriqueIntervention struct {
	ent.Schema
}

// Mixin of the HistoriqueIntervention.
func (HistoriqueIntervention) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}, rankMixin{Ranked: []string{"nouveau_statut"}}}
}

// Fields of the HistoriqueIntervention.
func (HistoriqueIntervention) Fields() []ent.Field {
	return []ent.Field{
		field.Enum("ancien_statut").
			GoType(domain.InterventionStatut("")).
			Optional().
			Nillable().
			Immutable().
			Comment("empty on the creation line").
			Annotations(entgql.Type("InterventionStatut")),
		field.Enum("nouveau_statut").
			GoType(domain.InterventionStatut("")).
			Immutable().
			Annotations(entgql.Type("InterventionStatut")),
		field.Time("horodatage").
			Default(time.Now).
			Immutable().
			Annotations(entgql.OrderField("HORODATAGE")),
		field.Text("remarque").
			Optional().
			Immutable(),
		field.Int("intervention_id").Immutable(),
		field.Int("user_id").Immutable(),
		// New fields go last: SQLite then adds a column instead of rebuilding the table.
		field.Int("technicien_id").
			Optional().
			Nillable().
			Immutable().
			Comment("the technician in charge after this line (none while unassigned); empty on lines written before it was recorded"),
		field.String("champ").
			Optional().
			Nillable().
			Immutable().
			MaxLen(64).
			Comment("on a field's audit line, the GraphQL name of the field that changed; empty on status lines"),
		field.Text("ancienne_valeur").
			Optional().
			Nillable().
			Immutable().
			Comment("on an audit line, the field's value before (empty: none)"),
		field.Text("nouvelle_valeur").
			Optional().
			Nillable().
			Immutable().
			Comment("on an audit line, the field's value after (empty: none)"),
		rankField("nouveau_statut", "NOUVEAU_STATUT"),
	}
}

// Edges of the HistoriqueIntervention.
func (HistoriqueIntervention) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("intervention", Intervention.Type).
			Ref("historique").Field("intervention_id").Unique().Required().Immutable(),
		edge.From("user", User.Type).
			Ref("historiques").Field("user_id").Unique().Required().Immutable(),

		edge.From("technicien", Technicien.Type).
			Ref("historique").Field("technicien_id").Unique().Immutable(),
	}
}

// Indexes of the HistoriqueIntervention.
func (HistoriqueIntervention) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("intervention_id", "horodatage"),
		index.Fields("user_id"),
		// A technician reads the interventions he worked on (internal/access).
		index.Fields("technicien_id", "intervention_id"),
	}
}

// Policy of the HistoriqueIntervention: see internal/access.
func (HistoriqueIntervention) Policy() ent.Policy { return access.Policy(access.HistoriqueRows, nil) }

// Hooks of the HistoriqueIntervention: its intervention's facts follow its rows (internal/facts).
func (HistoriqueIntervention) Hooks() []ent.Hook { return []ent.Hook{facts.HistoryHook()} }
