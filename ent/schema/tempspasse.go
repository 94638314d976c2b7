package schema

import (
	"fmt"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/mifmaroc/erp/internal/access"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/facts"
)

// TempsPasse is time a technician logged on an intervention: started and stopped on the spot,
// or a duration entered afterwards. Several technicians may log on one job; the labour cost is
// each entry at the rate its technician had when it was logged (internal/tempspasse).
type TempsPasse struct {
	ent.Schema
}

// Mixin of the TempsPasse.
func (TempsPasse) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Fields of the TempsPasse.
func (TempsPasse) Fields() []ent.Field {
	return []ent.Field{
		field.Time("debut").
			Annotations(entgql.OrderField("DEBUT")).
			Comment("when the work started"),
		field.Time("fin").
			Optional().
			Nillable().
			Comment("when it stopped; empty while the entry runs"),
		field.Int("duree_minutes").
			Optional().
			Nillable().
			Validate(domain.InRange(0, domain.MaxDureeMinutes)).
			Comment(fmt.Sprintf("minutes worked, from 0 to %d; empty while the entry runs", domain.MaxDureeMinutes)),
		field.Int64("taux_horaire_centimes").
			Validate(domain.InRange[int64](0, domain.MaxTauxHoraireCentimes)).
			Comment("the technician's hourly rate when the entry was logged, MAD centimes").
			Annotations(entgql.Skip(entgql.SkipWhereInput), entgql.Directives(hasRole(domain.RoleAdmin, domain.RoleResponsable))),
		field.String("note").
			Optional().
			MaxLen(1000).
			Comment("what was done, at most 1,000 characters"),
		field.Int("intervention_id").Immutable(),
		field.Int("technicien_id").Immutable(),
		field.Int("user_id").Immutable().Comment("who logged it: the technician, or staff for him"),
	}
}

// Edges of the TempsPasse.
func (TempsPasse) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("intervention", Intervention.Type).Ref("temps_passes").Field("intervention_id").Unique().Required().Immutable(),
		edge.To("technicien", Technicien.Type).Field("technicien_id").Unique().Required().Immutable(),
		edge.To("user", User.Type).Field("user_id").Unique().Required().Immutable(),
	}
}

// Indexes of the TempsPasse: an intervention's entries, a technician's, and his running one:
// at most one at a time, whatever two devices send at once.
func (TempsPasse) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("intervention_id", "debut"),
		index.Fields("technicien_id", "debut"),
		index.Fields("technicien_id").
			Unique().
			StorageKey("temps_passe_en_cours").
			Annotations(entsql.IndexWhere("fin IS NULL")),
	}
}

// Annotations of the TempsPasse: read through Intervention.tempsPasses; written through the
// mutations of graph/time.graphqls only.
func (TempsPasse) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.RelayConnection()}
}

// Policy of the TempsPasse: see internal/access.
func (TempsPasse) Policy() ent.Policy { return access.Policy(access.TempsPasseRows, nil) }

// Hooks of the TempsPasse: its intervention's facts follow its rows (internal/facts).
func (TempsPasse) Hooks() []ent.Hook { return []ent.Hook{facts.TimeHook()} }
