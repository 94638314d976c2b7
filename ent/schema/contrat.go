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

// Contrat is a maintenance contract with a client: its dates, its status, the equipment it
// covers and, per priority, the SLA hours that override the server's defaults for the work
// done under it (internal/clientele decides when a contract applies).
type Contrat struct {
	ent.Schema
}

// Mixin of the Contrat.
func (Contrat) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Fields of the Contrat.
func (Contrat) Fields() []ent.Field {
	return []ent.Field{
		field.String("reference").NotEmpty().MaxLen(64).Unique().Annotations(entgql.OrderField("REFERENCE")),
		field.String("objet").Optional(),
		field.Time("date_debut").Annotations(entgql.OrderField("DATE_DEBUT")),
		field.Time("date_fin").Optional().Nillable().Annotations(entgql.OrderField("DATE_FIN")),
		field.Int64("montant_annuel_centimes").
			Default(0).
			Validate(domain.InRange[int64](0, domain.MaxMontantCentimes)).
			Comment(fmt.Sprintf("MAD centimes, from 0 to %d", domain.MaxMontantCentimes)),
		field.Int("client_id"),
		// New fields go last: SQLite then adds a column instead of rebuilding the table.
		field.Enum("statut").
			GoType(domain.ContratStatut("")).
			Default(string(domain.ContratActif)).
			Comment("only an ACTIF contract, on a date within its dates, gives its SLA").
			Annotations(entgql.Type("ContratStatut"), entgql.OrderField("STATUT")),
		slaHours("sla_urgente_heures", domain.PrioriteUrgente),
		slaHours("sla_haute_heures", domain.PrioriteHaute),
		slaHours("sla_normale_heures", domain.PrioriteNormale),
		slaHours("sla_basse_heures", domain.PrioriteBasse),
	}
}

// Edges of the Contrat.
func (Contrat) Edges() []ent.Edge {
	return []ent.Edge{
		// A contract stays with its client: its interventions and equipment are that client's.
		edge.From("client", Societe.Type).Ref("contrats").Field("client_id").Unique().Required().
			Annotations(entgql.Skip(entgql.SkipMutationUpdateInput)),
		edge.To("interventions", Intervention.Type).Annotations(serverSet),
		// Covered equipment belongs to the contract's client (internal/clientele).
		edge.To("equipements", Equipement.Type),
	}
}

// slaHours is the optional SLA of priority p under the contract, in hours; null keeps the
// server's default (SLA_HOURS).
func slaHours(name string, p domain.Priorite) ent.Field {
	return field.Int(name).
		Optional().
		Nillable().
		Validate(domain.InRange(1, domain.MaxSLAHeures)).
		Comment(fmt.Sprintf("hours from creation to the deadline of %s work under this contract, from 1 to %d; null: the server's default", p, domain.MaxSLAHeures))
}

// Indexes of the Contrat.
func (Contrat) Indexes() []ent.Index {
	return []ent.Index{index.Fields("client_id")}
}

// Annotations of the Contrat.
func (Contrat) Annotations() []schema.Annotation {
	// A client lists his own company's (internal/access); a technician reaches the
	// companies of his interventions through them.
	return relayList(domain.RoleAdmin, domain.RoleResponsable, domain.RoleClient)
}

// Policy of the Contrat: see internal/access.
func (Contrat) Policy() ent.Policy { return access.Policy(access.ContratRows, nil) }
