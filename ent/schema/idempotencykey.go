package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
	"github.com/mifmaroc/erp/internal/access"
)

// IdempotencyKey remembers a request sent with an Idempotency-Key header and its answer, so
// that a retry of it returns that answer instead of acting twice (internal/idempotency).
type IdempotencyKey struct {
	ent.Schema
}

// Mixin of the IdempotencyKey.
func (IdempotencyKey) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Fields of the IdempotencyKey.
func (IdempotencyKey) Fields() []ent.Field {
	return []ent.Field{
		field.String("key").NotEmpty().MaxLen(255).Immutable(),
		field.String("request_hash").NotEmpty().Immutable().Comment("SHA-256 of the request: the same key with another request is a conflict"),
		field.Int("status").Optional().Nillable().Comment("the HTTP status of the answer; null while the first request runs"),
		field.Bytes("response").Optional().Nillable().Comment("the answer's body, returned again to a retry"),
		field.String("content_type").Optional(),
		field.Time("expires_at").Immutable(),
		field.Int("user_id").Immutable(),
	}
}

// Edges of the IdempotencyKey.
func (IdempotencyKey) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("user", User.Type).Ref("idempotency_keys").Field("user_id").Unique().Required().Immutable(),
	}
}

// Indexes of the IdempotencyKey: a key is the user's own; expired ones are purged.
func (IdempotencyKey) Indexes() []ent.Index {
	return []ent.Index{index.Fields("user_id", "key").Unique(), index.Fields("expires_at")}
}

// Annotations of the IdempotencyKey: never exposed through GraphQL.
func (IdempotencyKey) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}

// Policy of the IdempotencyKey: see internal/access.
func (IdempotencyKey) Policy() ent.Policy { return access.SystemOnly }
