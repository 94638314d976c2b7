package schema

import (
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
	"entgo.io/ent/schema/mixin"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/mifmaroc/erp/internal/domain"
)

// TimeMixin gives every entity its created_at and updated_at columns. They are set by the
// server only, so they stay out of the GraphQL mutation inputs.
type TimeMixin struct {
	mixin.Schema
}

// Fields of the TimeMixin.
func (TimeMixin) Fields() []ent.Field {
	return []ent.Field{
		field.Time("created_at").
			Default(time.Now).
			Immutable().
			Annotations(
				entgql.OrderField("CREATED_AT"),
				entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput),
			),
		field.Time("updated_at").
			Default(time.Now).
			UpdateDefault(time.Now).
			Annotations(
				entgql.OrderField("UPDATED_AT"),
				entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput),
			),
	}
}

// Indexes of the TimeMixin: lists default to the newest first.
func (TimeMixin) Indexes() []ent.Index {
	return []ent.Index{index.Fields("created_at")}
}

// hasRole is the @hasRole directive of schema.graphqls: only these roles may use the field.
func hasRole(roles ...domain.Role) entgql.Directive {
	list := &ast.Value{Kind: ast.ListValue}
	for _, r := range roles {
		list.Children = append(list.Children, &ast.ChildValue{Value: &ast.Value{Kind: ast.EnumValue, Raw: string(r)}})
	}
	return entgql.NewDirective("hasRole", &ast.Argument{Name: "roles", Value: list})
}

// jsonText is the column type of JSON fields on PostgreSQL: text. jsonb's binary input
// (binary_parameters, see internal/database) wants a version byte first, and json has no
// equality, which the DISTINCT of ent's edge queries needs. Nothing filters on these columns.
var jsonText = map[string]string{dialect.Postgres: "text"}

// hiddenKey keeps a foreign key out of the GraphQL type and its filters, where it would show
// a row the viewer may not read: the edge shows the row, under that row's own rule.
var hiddenKey = entgql.Skip(entgql.SkipType, entgql.SkipWhereInput)

// relayList is the annotation set of an entity the API lists at the root with a Relay
// connection (first/after/last/before, orderBy, where, totalCount) and creates and updates
// through generated inputs. With readers, only those roles may list it (@hasRole); the rows
// each may see are decided by internal/access either way.
func relayList(readers ...domain.Role) []schema.Annotation {
	q := entgql.QueryField()
	if len(readers) > 0 {
		q = q.Directives(hasRole(readers...))
	}
	return []schema.Annotation{
		q,
		entgql.RelayConnection(),
		entgql.MultiOrder(),
		entgql.Mutations(entgql.MutationCreate(), entgql.MutationUpdate()),
	}
}
