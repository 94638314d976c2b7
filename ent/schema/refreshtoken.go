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

// RefreshToken is one issued refresh token. Only its SHA-256 is stored. Tokens rotate: each
// use marks the row used and issues a new one in the same family; presenting a used token
// again means it was stolen, and the whole family is revoked.
type RefreshToken struct {
	ent.Schema
}

// Mixin of the RefreshToken.
func (RefreshToken) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Fields of the RefreshToken.
func (RefreshToken) Fields() []ent.Field {
	return []ent.Field{
		field.String("token_hash").NotEmpty().Unique().Immutable().Sensitive(),
		field.String("family").NotEmpty().Immutable().Comment("shared by every token rotated from the same login"),
		field.Time("expires_at").Immutable(),
		field.Time("used_at").Optional().Nillable().Comment("rotated: presenting it again is a reuse"),
		field.Time("revoked_at").Optional().Nillable(),
		field.Int("user_id").Immutable(),
	}
}

// Edges of the RefreshToken.
func (RefreshToken) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("user", User.Type).Ref("refresh_tokens").Field("user_id").Unique().Required().Immutable(),
	}
}

// Indexes of the RefreshToken.
func (RefreshToken) Indexes() []ent.Index {
	return []ent.Index{index.Fields("family"), index.Fields("user_id")}
}

// Annotations of the RefreshToken: never exposed through GraphQL.
func (RefreshToken) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}

// Policy of the RefreshToken: see internal/access.
func (RefreshToken) Policy() ent.Policy { return access.SystemOnly }
