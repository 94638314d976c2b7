package schema

import (
	"github.com/mifmaroc/erp/internal/access"
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// Document is a file attached to an intervention. The file lives under the upload root with
// a random server name (path); filename is the original name, sanitized, for display only.
type Document struct {
	ent.Schema
}

// Mixin of the Document.
func (Document) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Fields of the Document.
func (Document) Fields() []ent.Field {
	return []ent.Field{
		field.String("filename").
			NotEmpty().
			MaxLen(255).
			Annotations(entgql.OrderField("FILENAME")),
		field.String("path").
			NotEmpty().
			MaxLen(500).
			Unique().
			Comment("relative to the upload root"),
		field.String("mime_type").MaxLen(100),
		field.Int64("size").NonNegative().Annotations(entgql.OrderField("SIZE")),
		field.String("sha256").MaxLen(64),
		field.Time("date_upload").
			Default(time.Now).
			Immutable().
			Annotations(entgql.OrderField("DATE_UPLOAD")),
		field.Int("intervention_id"),
		field.Int("uploaded_by_id").Optional().Nillable(),
	}
}

// Edges of the Document.
func (Document) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("intervention", Intervention.Type).Ref("documents").Field("intervention_id").Unique().Required(),
		edge.From("uploaded_by", User.Type).Ref("documents").Field("uploaded_by_id").Unique(),
	}
}

// Indexes of the Document.
func (Document) Indexes() []ent.Index {
	return []ent.Index{index.Fields("intervention_id"), index.Fields("uploaded_by_id")}
}

// Policy of the Document: see internal/access.
func (Document) Policy() ent.Policy { return access.Policy(access.DocumentRows, nil) }
