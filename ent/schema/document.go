package schema

import (
	"github.com/mifmaroc/erp/internal/access"
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// Document is a file attached to an intervention, a photo attached to a work request, or a
// manual, photo or certificate of an equipement (equipement_id, categorie). A
// request's photos stay attached to it when its approval opens an intervention, which then
// holds them too (both ids set); otherwise exactly one is set. The file lives under the
// upload root with a random server name (path); filename is the original name, sanitized,
// for display only.
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
		field.Int("intervention_id").
			Optional().
			Nillable().
			Comment("unset for the photo of a work request not (yet) approved"),
		field.Int("uploaded_by_id").Optional().Nillable(),
		field.Int("demande_id").
			Optional().
			Nillable().
			Immutable().
			Comment("the work request the photo was attached to"),
		field.Int("equipement_id").
			Optional().
			Nillable().
			Immutable().
			Comment("the equipment the file documents (a manual, a photo, a certificate)"),
		field.Enum("categorie").
			Values("MANUEL", "PHOTO", "CERTIFICAT", "AUTRE").
			Optional().
			Nillable().
			Comment("what a file of an equipement is: MANUEL, PHOTO, CERTIFICAT or AUTRE; unset for the others").
			Annotations(entgql.Type("CategorieDocument")),
	}
}

// Edges of the Document.
func (Document) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("intervention", Intervention.Type).Ref("documents").Field("intervention_id").Unique(),
		edge.From("uploaded_by", User.Type).Ref("documents").Field("uploaded_by_id").Unique(),
		edge.From("demande", DemandeIntervention.Type).Ref("documents").Field("demande_id").Unique().Immutable(),
		edge.From("equipement", Equipement.Type).Ref("documents").Field("equipement_id").Unique().Immutable(),
	}
}

// Indexes of the Document.
func (Document) Indexes() []ent.Index {
	return []ent.Index{index.Fields("intervention_id"), index.Fields("uploaded_by_id"), index.Fields("demande_id"), index.Fields("equipement_id")}
}

// Annotations of the Document: a file belongs to an intervention, a request, or both (the
// photos of an approved request), or to an equipement, never to nothing.
func (Document) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entsql.Checks(map[string]string{
			"document_rattache": "intervention_id IS NOT NULL OR demande_id IS NOT NULL OR equipement_id IS NOT NULL",
		}),
	}
}

// Policy of the Document: see internal/access.
func (Document) Policy() ent.Policy { return access.Policy(access.DocumentRows, nil) }
