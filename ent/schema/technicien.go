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

// Technicien is the working profile of a user whose role is TECHNICIEN.
type Technicien struct {
	ent.Schema
}

// Mixin of the Technicien.
func (Technicien) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Fields of the Technicien.
func (Technicien) Fields() []ent.Field {
	return []ent.Field{
		field.Int("user_id").
			Unique().
			Immutable().
			Annotations(entgql.Skip(entgql.SkipMutationUpdateInput)),
		field.String("equipe").
			MaxLen(100).
			Optional().
			Annotations(entgql.OrderField("EQUIPE")),
		field.Enum("disponibilite").
			GoType(domain.Disponibilite("")).
			Default(string(domain.DisponibiliteDisponible)).
			Annotations(entgql.Type("Disponibilite"), entgql.OrderField("DISPONIBILITE")),
		field.Int64("taux_horaire_centimes").
			Default(0).
			Validate(domain.InRange[int64](0, domain.MaxTauxHoraireCentimes)).
			Comment(fmt.Sprintf("hourly labour rate in MAD centimes, used by coutMainOeuvreCentimes; from 0 to %d", domain.MaxTauxHoraireCentimes)).
			Annotations(entgql.OrderField("TAUX_HORAIRE_CENTIMES")),
		field.Bool("actif").
			Default(true).
			Comment("false once the account is no longer an active TECHNICIEN (internal/account): such a profile takes no new work").
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
	}
}

// Edges of the Technicien.
func (Technicien) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("user", User.Type).
			Ref("technicien").
			Field("user_id").
			Unique().
			Required().
			Immutable(),
		// The skills held, each at its level; written by setTechnicienCompetence.
		edge.To("competences_detenues", TechnicienCompetence.Type).
			Comment("the skills he holds, each at its level (setTechnicienCompetence): staff read everyone's, a technician his own, a client none").
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
		edge.To("interventions", Intervention.Type).
			Annotations(entgql.RelayConnection(), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
		edge.To("plannings", Planning.Type).
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),

		edge.To("historique", HistoriqueIntervention.Type).
			Annotations(entgql.Skip(entgql.SkipAll)),
	}
}

// Indexes of the Technicien.
func (Technicien) Indexes() []ent.Index {
	return []ent.Index{index.Fields("disponibilite"), index.Fields("equipe")}
}

// Annotations of the Technicien.
func (Technicien) Annotations() []schema.Annotation { return relayList() }

// Policy of the Technicien: see internal/access.
func (Technicien) Policy() ent.Policy { return access.Policy(access.TechnicienRows, nil) }
