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

// PasswordReset is a "forgot password" token sent by email. Only its SHA-256 is stored; it
// is spent by its first use and expires soon after it is sent (internal/auth).
type PasswordReset struct {
	ent.Schema
}

// Mixin of the PasswordReset.
func (PasswordReset) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Fields of the PasswordReset.
func (PasswordReset) Fields() []ent.Field {
	return []ent.Field{
		field.String("token_hash").NotEmpty().Unique().Immutable().Sensitive(),
		field.Time("expires_at").Immutable(),
		field.Time("used_at").Optional().Nillable().Comment("spent, or superseded by a newer token or a password change"),
		field.String("ip").MaxLen(64).Optional().Immutable().Comment("the address that asked for it, for the audit"),
		field.Int("user_id").Immutable(),
	}
}

// Edges of the PasswordReset.
func (PasswordReset) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("user", User.Type).Ref("password_resets").Field("user_id").Unique().Required().Immutable(),
	}
}

// Indexes of the PasswordReset.
func (PasswordReset) Indexes() []ent.Index {
	return []ent.Index{index.Fields("user_id", "created_at")}
}

// Annotations of the PasswordReset: never exposed through GraphQL.
func (PasswordReset) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}

// Policy of the PasswordReset: see internal/access.
func (PasswordReset) Policy() ent.Policy { return access.SystemOnly }
