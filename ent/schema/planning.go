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

// Planning is a preventive maintenance plan for one equipement: the scheduler turns each due
// occurrence into a PREVENTIVE intervention built from the template fields below.
type Planning struct {
	ent.Schema
}

// Mixin of the Planning.
func (Planning) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}, rankMixin{Ranked: []string{"priorite", "frequence", "statut"}, IndexPrefix: "planning"}}
}

// Fields of the Planning.
func (Planning) Fields() []ent.Field {
	return []ent.Field{
		field.String("titre").
			NotEmpty().
			MaxLen(200).
			Annotations(entgql.OrderField("TITRE")),
		field.Text("description").Optional(),
		field.Enum("priorite").
			GoType(domain.Priorite("")).
			Default(string(domain.PrioriteProgrammee)).
			Annotations(entgql.Type("Priorite")),
		field.Int("duree_estimee").
			Optional().
			Nillable().
			Validate(domain.InRange(0, domain.MaxDureeMinutes)).
			Comment(fmt.Sprintf("minutes, from 0 to %d", domain.MaxDureeMinutes)),
		field.Enum("frequence").
			GoType(domain.Frequence("")).
			Annotations(entgql.Type("Frequence")),
		field.Int("intervalle").
			Default(1).
			Validate(domain.InRange(1, domain.MaxIntervalle)).
			Comment(fmt.Sprintf("every intervalle × frequence; from 1 to %d", domain.MaxIntervalle)),
		field.Time("prochaine_date").
			Annotations(entgql.OrderField("PROCHAINE_DATE")),
		field.Time("derniere_date").
			Optional().
			Nillable().
			Annotations(entgql.OrderField("DERNIERE_DATE")),
		field.Enum("statut").
			GoType(domain.PlanningStatut("")).
			Default(string(domain.PlanningActif)).
			Annotations(entgql.Type("PlanningStatut")),
		field.Int("equipement_id"),
		field.Int("technicien_id").
			Optional().
			Nillable().
			Comment("assigned to the interventions the planning creates"),
		// New fields go last: SQLite then adds a column instead of rebuilding the table.
		field.Time("date_debut").
			Optional().
			Nillable().
			Comment("anchor of the occurrences (prochaine_date when empty): they are computed from it, so a plan on the 31st stays on month ends").
			Annotations(entgql.Skip(entgql.SkipMutationUpdateInput)),
		rankField("priorite", "PRIORITE"),
		rankField("frequence", "FREQUENCE"),
		rankField("statut", "STATUT"),
		field.Int("checklist_modele_id").
			Optional().
			Nillable().
			Comment("the checklist each of its interventions copies when it opens").
			Annotations(hiddenKey),
		field.Bool("flottant").
			Default(false).
			Comment("the next date counts from the closure of the previous occurrence, not from the calendar"),
		field.Enum("declencheur").
			Values("CALENDRIER", "COMPTEUR", "PREMIER_ATTEINT").
			Default("CALENDRIER").
			Comment("what makes an occurrence due: the calendar, the meter, or whichever comes first").
			Annotations(entgql.Type("DeclencheurPlanning")),
		field.Int("compteur_id").
			Optional().
			Nillable().
			Comment("the meter of a COMPTEUR or PREMIER_ATTEINT planning").
			Annotations(hiddenKey),
		field.Float("intervalle_compteur").
			Optional().
			Nillable().
			Comment("every intervalle_compteur units of the meter's usage"),
		field.Float("prochain_seuil").
			Optional().
			Nillable().
			Comment("the meter's usage at which the next occurrence falls due; moves on by intervalle_compteur"),
	}
}

// Edges of the Planning.
func (Planning) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("equipement", Equipement.Type).Ref("plannings").Field("equipement_id").Unique().Required(),
		edge.From("technicien", Technicien.Type).Ref("plannings").Field("technicien_id").Unique(),
		edge.To("interventions", Intervention.Type).
			Annotations(entgql.RelayConnection(), serverSet),
		edge.To("checklist_modele", ChecklistModele.Type).Field("checklist_modele_id").Unique(),
		edge.From("compteur", Compteur.Type).Ref("plannings").Field("compteur_id").Unique(),
	}
}

// Indexes of the Planning: the scheduler scans active plannings by due date.
func (Planning) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("statut", "prochaine_date"),
		index.Fields("equipement_id"),
		index.Fields("technicien_id"),
		index.Fields("compteur_id"),
	}
}

// Annotations of the Planning.
func (Planning) Annotations() []schema.Annotation {
	return relayList(domain.RoleAdmin, domain.RoleResponsable)
}

// Policy of the Planning: see internal/access.
func (Planning) Policy() ent.Policy { return access.Policy(access.PlanningRows, nil) }
