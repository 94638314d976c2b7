package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/mifmaroc/erp/internal/access"
)

// EvenementLive is one live event, written in the transaction of the change it reports:
// its id is its position, in commit order (internal/pubsub), which listeners read from the
// last they delivered and subscribers resume after. Pruned after LIVE_EVENTS_RETENTION.
type EvenementLive struct {
	ent.Schema
}

// Fields of the EvenementLive.
func (EvenementLive) Fields() []ent.Field {
	return []ent.Field{
		field.Text("payload").Immutable().Comment("the event, as internal/pubsub encodes it"),
		field.Int("notification_id").Optional().Nillable().Immutable().
			Comment("the notification an event announces: where notificationReceived(after:) resumes"),
		field.Time("created_at").Immutable().Comment("when it was written: pruning goes by it"),
	}
}

// Indexes of the EvenementLive.
func (EvenementLive) Indexes() []ent.Index {
	return []ent.Index{index.Fields("notification_id"), index.Fields("created_at")}
}

// Annotations of the EvenementLive: never exposed through GraphQL.
func (EvenementLive) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}

// Policy of the EvenementLive: see internal/access.
func (EvenementLive) Policy() ent.Policy { return access.SystemOnly }
