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

// Notification is a message to one user. It is stored before it is sent (an outbox row):
// the sender worker moves statut_envoi on and retries with backoff, so an SMTP outage
// loses nothing.
type Notification struct {
	ent.Schema
}

// Mixin of the Notification.
func (Notification) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Fields of the Notification.
func (Notification) Fields() []ent.Field {
	return []ent.Field{
		field.Enum("type").
			GoType(domain.NotificationType("")).
			Annotations(entgql.Type("NotificationType"), entgql.OrderField("TYPE")),
		field.Enum("canal").
			GoType(domain.Canal("")).
			Default(string(domain.CanalEmail)).
			Annotations(entgql.Type("Canal")),
		field.String("sujet").NotEmpty().MaxLen(200),
		field.Text("message"),
		field.Bool("lu").Default(false).Annotations(serverSet),
		field.Time("date_lecture").Optional().Nillable().Annotations(serverSet),
		field.Enum("statut_envoi").
			GoType(domain.StatutEnvoi("")).
			Default(string(domain.EnvoiEnAttente)).
			Annotations(entgql.Type("StatutEnvoi"), entgql.OrderField("STATUT_ENVOI"), serverSet),
		field.Int("tentatives").Default(0).NonNegative().Annotations(serverSet),
		field.Text("derniere_erreur").Optional().Annotations(serverSet),
		field.Time("prochaine_tentative").
			Optional().
			Nillable().
			Comment("not before this instant: the sender's backoff").
			Annotations(serverSet),
		field.Time("date_envoi").
			Optional().
			Nillable().
			Annotations(entgql.OrderField("DATE_ENVOI"), serverSet),
		field.Int("user_id"),
		field.Int("intervention_id").Optional().Nillable(),
		field.Bool("compte").
			Default(false).
			Comment("an email about the account itself (a password reset link): sent even to a user who opted out of notification emails").
			Annotations(entgql.Skip()),
	}
}

// Edges of the Notification.
func (Notification) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("user", User.Type).Ref("notifications").Field("user_id").Unique().Required(),
		edge.From("intervention", Intervention.Type).Ref("notifications").Field("intervention_id").Unique(),
	}
}

// Indexes of the Notification.
func (Notification) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("user_id", "lu"),
		index.Fields("statut_envoi", "prochaine_tentative"),
		index.Fields("intervention_id"),
	}
}

// Annotations of the Notification.
func (Notification) Annotations() []schema.Annotation { return relayList() }

// Policy of the Notification: see internal/access.
func (Notification) Policy() ent.Policy { return access.Policy(access.NotificationRows, nil) }
