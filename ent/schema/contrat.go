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

// Contrat is a maintenance contract with a client.
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
		field.Bool("actif").Default(true),
		field.Int("client_id"),
	}
}

// Edges of the Contrat.
func (Contrat) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("client", Societe.Type).Ref("contrats").Field("client_id").Unique().Required(),
		edge.To("interventions", Intervention.Type).Annotations(serverSet),
	}
}

// Indexes of the Contrat.
func (Contrat) Indexes() []ent.Index {
	return []ent.Index{index.Fields("client_id")}
}

// Annotations of the Contrat.
func (Contrat) Annotations() []schema.Annotation {
	return relayList(domain.RoleAdmin, domain.RoleResponsable)
}

// Policy of the Contrat: see internal/access.
func (Contrat) Policy() ent.Policy { return access.Policy(access.ContratRows, nil) }
