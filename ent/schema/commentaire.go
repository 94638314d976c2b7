package schema

import (
	"fmt"
	"unicode/utf8"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/mifmaroc/erp/internal/access"
	"github.com/mifmaroc/erp/internal/domain"
)

// Commentaire is a message about an intervention or a work request (exactly one of the two),
// written by one of the people who see it (internal/commentaire). An internal one is read by
// staff only (internal/access).
type Commentaire struct {
	ent.Schema
}

// Mixin of the Commentaire.
func (Commentaire) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Fields of the Commentaire.
func (Commentaire) Fields() []ent.Field {
	return []ent.Field{
		field.Text("texte").
			NotEmpty().
			Validate(func(s string) error {
				if utf8.RuneCountInString(s) > domain.MaxTexteCommentaire {
					return fmt.Errorf("at most %d characters", domain.MaxTexteCommentaire)
				}
				return nil
			}).
			Comment(fmt.Sprintf("the message, trimmed; from 1 to %d characters", domain.MaxTexteCommentaire)),
		field.Bool("interne").
			Default(false).
			Immutable().
			Comment("read by ADMIN and RESPONSABLE only (technicians and clients never see it)"),
		field.Int("intervention_id").
			Optional().
			Nillable().
			Immutable().
			Comment("the intervention discussed; unset for a comment on a work request"),
		field.Int("auteur_id").Immutable(),
		field.Int("demande_id").
			Optional().
			Nillable().
			Immutable().
			Comment("the work request discussed; unset for a comment on an intervention"),
	}
}

// Edges of the Commentaire.
func (Commentaire) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("intervention", Intervention.Type).
			Ref("commentaires").Field("intervention_id").Unique().Immutable(),
		edge.From("demande", DemandeIntervention.Type).
			Ref("commentaires").Field("demande_id").Unique().Immutable(),
		edge.From("auteur", User.Type).
			Ref("commentaires").Field("auteur_id").Unique().Required().Immutable(),
	}
}

// Indexes of the Commentaire: an intervention's and a request's thread in the order it was
// written, and a user's comments (the access rule of users reads them).
func (Commentaire) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("intervention_id", "id"),
		index.Fields("demande_id", "id"),
		index.Fields("auteur_id"),
	}
}

// Annotations of the Commentaire: read through Intervention.commentaires and
// DemandeIntervention.commentaires, written through the mutations of graph/comments.graphqls.
// A comment belongs to exactly one thread: the service sets one of the two, and the
// database refuses a row with both or neither.
func (Commentaire) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.RelayConnection(),
		entsql.Checks(map[string]string{
			"commentaire_un_fil": "((intervention_id IS NULL) <> (demande_id IS NULL))",
		}),
	}
}

// Policy of the Commentaire: see internal/access.
func (Commentaire) Policy() ent.Policy { return access.Policy(access.CommentaireRows, nil) }
