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
	"github.com/mifmaroc/erp/internal/render/shape"
)

// DemandeIntervention is a work request: someone reports a problem on an equipement, and a
// RESPONSABLE or an ADMIN triages it into work (an intervention), a rejection or a duplicate
// of existing work. It is triaged once, by internal/demande; what triage sets is never an
// input.
type DemandeIntervention struct {
	ent.Schema
}

// Mixin of the DemandeIntervention.
func (DemandeIntervention) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Fields of the DemandeIntervention.
func (DemandeIntervention) Fields() []ent.Field {
	return []ent.Field{
		field.String("titre").
			NotEmpty().
			MaxLen(200).
			Annotations(entgql.OrderField("TITRE")),
		field.Text("description").
			NotEmpty().
			MaxLen(5000).
			Comment("what the requester sees; at most 5000 characters"),
		field.Enum("urgence_suggeree").
			GoType(domain.Priorite("")).
			Default(string(domain.PrioriteNormale)).
			Comment("the priority the requester suggests; the triager sets the intervention's own").
			Annotations(entgql.Type("Priorite"), entgql.OrderField("URGENCE_SUGGEREE")),
		field.Enum("statut").
			GoType(domain.StatutDemande("")).
			Default(string(domain.DemandeNouvelle)).
			Annotations(entgql.Type("StatutDemande"), entgql.OrderField("STATUT"), serverSet),
		field.Text("motif_rejet").
			Optional().
			Nillable().
			Comment("why the request was rejected (REJETEE)").
			Annotations(serverSet),
		field.Int("equipement_id"),
		field.Int("demandeur_id").
			Immutable().
			Comment("the user who submitted it").
			Annotations(serverSet),
		field.Int("societe_id").
			Optional().
			Nillable().
			Immutable().
			Comment("the requester's company, for a CLIENT: his colleagues follow it too").
			Annotations(serverSet),
		field.Int("intervention_id").
			Optional().
			Nillable().
			Comment("the intervention its approval created").
			Annotations(serverSet),
		field.Int("doublon_de_id").
			Optional().
			Nillable().
			Comment("the existing intervention it duplicates (DOUBLON)").
			Annotations(serverSet),
		field.Time("date_traitement").
			Optional().
			Nillable().
			Comment("when it was triaged").
			Annotations(entgql.OrderField("DATE_TRAITEMENT"), serverSet),
		field.Int("traite_par_id").
			Optional().
			Nillable().
			Comment("who triaged it").
			Annotations(serverSet),
	}
}

// Edges of the DemandeIntervention.
func (DemandeIntervention) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("equipement", Equipement.Type).Field("equipement_id").Unique().Required(),
		edge.To("demandeur", User.Type).Field("demandeur_id").Unique().Required().Immutable().Annotations(serverSet),
		edge.To("societe", Societe.Type).Field("societe_id").Unique().Immutable().Annotations(serverSet),
		edge.From("intervention", Intervention.Type).Ref("demande").Field("intervention_id").Unique().Annotations(serverSet),
		edge.To("doublon_de", Intervention.Type).Field("doublon_de_id").Unique().Annotations(serverSet),
		edge.To("traite_par", User.Type).Field("traite_par_id").Unique().Annotations(serverSet),
		edge.To("commentaires", Commentaire.Type).Annotations(entgql.RelayConnection(), serverSet),
		edge.To("documents", Document.Type).Annotations(serverSet, shape.OrderBy("id")),
	}
}

// Indexes of the DemandeIntervention: a requester's and a company's requests (the rule of
// internal/access), the triage queue. The edge to its intervention is one-to-one: ent keeps
// intervention_id unique.
func (DemandeIntervention) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("demandeur_id"),
		index.Fields("societe_id"),
		index.Fields("statut"),
		index.Fields("equipement_id"),
		index.Fields("doublon_de_id"),
	}
}

// Annotations of the DemandeIntervention: listed through demandesIntervention
// (graph/requests.graphqls), newest first; submitted through soumettreDemande.
func (DemandeIntervention) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.RelayConnection(),
		entgql.MultiOrder(),
		entgql.Mutations(entgql.MutationCreate()),
	}
}

// Policy of the DemandeIntervention: see internal/access.
func (DemandeIntervention) Policy() ent.Policy {
	return access.Policy(access.DemandeInterventionRows, nil)
}
