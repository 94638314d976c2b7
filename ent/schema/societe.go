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

// Societe is a client company: it orders work and holds contracts, and users with role
// CLIENT may be linked to it (users.societe_id: several accounts per company). An archived
// company (actif false) keeps its history but takes no new intervention or contract
// (internal/clientele). (ent reserves the name Client; the edges still say client.)
type Societe struct {
	ent.Schema
}

// Mixin of the Societe.
func (Societe) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Fields of the Societe.
func (Societe) Fields() []ent.Field {
	return []ent.Field{
		field.String("nom").NotEmpty().MaxLen(200).Annotations(entgql.OrderField("NOM")),
		field.String("code").NotEmpty().MaxLen(64).Unique().Annotations(entgql.OrderField("CODE")),
		field.String("email").MaxLen(254).Optional(),
		field.String("telephone").MaxLen(40).Optional(),
		field.String("adresse").Optional(),
		field.String("ville").MaxLen(100).Optional().Annotations(entgql.OrderField("VILLE")),
		// New fields go last: SQLite then adds a column instead of rebuilding the table.
		field.Bool("actif").
			Default(true).
			Comment("false: archived, it takes no new intervention or contract").
			Annotations(entgql.OrderField("ACTIF"), entgql.Skip(entgql.SkipMutationCreateInput)),
	}
}

// Edges of the Societe.
func (Societe) Edges() []ent.Edge {
	return []ent.Edge{
		// Accounts are linked through createUser and updateUser (internal/account).
		edge.To("users", User.Type).Annotations(serverSet),
		edge.To("contrats", Contrat.Type).Annotations(serverSet),
		edge.To("interventions", Intervention.Type).
			Annotations(entgql.RelayConnection(), serverSet),
		edge.To("equipements", Equipement.Type).Annotations(serverSet),
	}
}

// Annotations of the Societe.
func (Societe) Annotations() []schema.Annotation {
	// A client lists his own company's (internal/access); a technician reaches the
	// companies of his interventions through them.
	return relayList(domain.RoleAdmin, domain.RoleResponsable, domain.RoleClient)
}

// Policy of the Societe: see internal/access.
func (Societe) Policy() ent.Policy { return access.Policy(access.SocieteRows, nil) }
