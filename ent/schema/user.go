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

// User is an account: who logs in, with which role.
type User struct {
	ent.Schema
}

// Mixin of the User.
func (User) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Fields of the User.
func (User) Fields() []ent.Field {
	return []ent.Field{
		field.String("email").
			NotEmpty().
			MaxLen(254).
			Unique().
			Annotations(entgql.OrderField("EMAIL")),
		field.String("username").
			MaxLen(150).
			Optional().
			Annotations(entgql.OrderField("USERNAME")),
		field.String("nom_complet").
			MaxLen(200).
			Optional(),
		field.String("telephone").
			MaxLen(40).
			Optional(),
		field.String("password_hash").
			Sensitive().
			Annotations(entgql.Skip()),
		field.Enum("role").
			GoType(domain.Role("")).
			Annotations(entgql.Type("Role"), entgql.OrderField("ROLE")),
		field.Bool("is_active").
			Default(true).
			Annotations(entgql.OrderField("IS_ACTIVE")),
		field.Bool("email_notifications").
			Default(true).
			Comment("false when the user opted out of notification emails"),
		field.Int("failed_login_attempts").
			Default(0).
			NonNegative().
			Annotations(entgql.Skip()),
		field.Time("locked_until").
			Optional().
			Nillable().
			Annotations(entgql.Skip()),
		field.Time("password_changed_at").
			Optional().
			Nillable().
			Comment("tokens issued before this instant are refused").
			Annotations(entgql.Skip()),
		field.Time("last_login_at").
			Optional().
			Nillable().
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
		// New fields go last: SQLite then adds a column instead of rebuilding the table.
		field.Int("token_version").
			Default(0).
			Comment("bumped when the password changes or the account is deactivated: older tokens stop working").
			Annotations(entgql.Skip()),
		field.Time("last_failed_login_at").
			Optional().
			Nillable().
			Annotations(entgql.Skip()),
		field.Time("deleted_at").
			Optional().
			Nillable().
			Comment("set when the account was deleted: its personal data is gone, the row stays for the history").
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
		field.Int("societe_id").
			Optional().
			Nillable().
			Comment("the client company of a CLIENT account; null for every other role").
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
		field.Bool("must_change_password").
			Default(false).
			Comment("set with a temporary password given by an admin: until the user changes it, his sessions may only read me and change the password").
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput, entgql.SkipWhereInput, entgql.SkipOrderField)),
		field.Enum("langue").
			GoType(domain.Langue("")).
			Default(string(domain.LangueFR)).
			Comment("the language of the user's notifications and emails; he sets it with updateMe").
			Annotations(entgql.Type("Langue"), entgql.Skip(entgql.SkipWhereInput, entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
	}
}

// Edges of the User.
func (User) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("technicien", Technicien.Type).Unique(),
		edge.From("client", Societe.Type).Ref("users").Field("societe_id").Unique().
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
		edge.To("notifications", Notification.Type).
			Annotations(entgql.RelayConnection(), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
		edge.To("historiques", HistoriqueIntervention.Type).
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
		edge.To("interventions_demandees", Intervention.Type).
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
		edge.To("documents", Document.Type).
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
		edge.To("refresh_tokens", RefreshToken.Type).
			Annotations(entgql.Skip()),
		edge.To("password_resets", PasswordReset.Type).
			Annotations(entgql.Skip()),
		edge.To("idempotency_keys", IdempotencyKey.Type).
			Annotations(entgql.Skip()),
		// Read by the access rule of users only: an author is known through his comments.
		edge.To("commentaires", Commentaire.Type).
			Annotations(entgql.Skip()),
		// A RESPONSABLE's sites: when he has some, he sees and acts under them only
		// (internal/access); none, everywhere. Set by setSitesResponsable (internal/account).
		edge.To("sites", Emplacement.Type).
			Annotations(serverSet),
	}
}

// Indexes of the User.
func (User) Indexes() []ent.Index {
	return []ent.Index{index.Fields("role", "is_active"), index.Fields("societe_id")}
}

// Annotations of the User.
func (User) Annotations() []schema.Annotation {
	// Accounts are created and changed through hand-written mutations (internal/account):
	// no generated input.
	return []schema.Annotation{
		entgql.QueryField().Directives(hasRole(domain.RoleAdmin, domain.RoleResponsable)),
		entgql.RelayConnection(),
		entgql.MultiOrder(),
	}
}

// Policy of the User: see internal/access.
func (User) Policy() ent.Policy { return access.Policy(access.UserRows, nil) }
