package schema

import (
	"context"
	"fmt"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
	"entgo.io/ent/schema/mixin"

	"github.com/mifmaroc/erp/internal/domain"
)

// Enumerations are stored as their names, which sort alphabetically (URGENTE, PROGRAMMEE,
// NORMALE, HAUTE, BASSE). Those with a business order (domain.Ranked) sort by a hidden rank
// column beside them instead: <field>_rang, which the API's ordering of the field (its
// orderBy value, unchanged) reads, and whose cursors carry. An entity with such fields adds
// rankField(field, ORDER_VALUE) to its Fields, last like any new field, keeps the field's
// own annotations without entgql.OrderField, and lists the fields in a rankMixin, which
// keeps the columns in step and indexes them. Every ordering of a field of a ranked type must
// go through its rank column: the API's cursor checks (graph/inputs.go) expect a number for
// them (domain.HasRank), and TestOrderByBusinessRank pages through each.

// rankSuffix names a rank column after its field.
const rankSuffix = "_rang"

// rankField is the rank column of the enumeration field enumField: ordered in the API as
// orderField, absent from the GraphQL type, filters and inputs.
func rankField(enumField, orderField string) ent.Field {
	return field.Int(enumField+rankSuffix).
		Default(0).
		Comment(fmt.Sprintf("rank of %s in its business order (domain.Ranked), kept by a hook; orderBy %s sorts on it", enumField, orderField)).
		Annotations(
			entgql.OrderField(orderField),
			entgql.Skip(entgql.SkipType, entgql.SkipWhereInput, entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput),
		)
}

// rankMixin keeps the rank columns of an entity's ranked enumeration fields (Ranked) equal
// to their values' ranks, and, for an entity listed sorted at the root, indexes them
// (IndexPrefix, the entity's name, starts the indexes' names; empty: no index).
type rankMixin struct {
	mixin.Schema
	Ranked      []string
	IndexPrefix string
}

// Hooks of the rankMixin: one hook for every mutation, creation and updates of one row or
// many alike, so that no path can set a field and forget its rank.
func (m rankMixin) Hooks() []ent.Hook { return []ent.Hook{rankHook(m.Ranked...)} }

// Indexes of the rankMixin. entgql sorts by the rank in the direction asked, then by id
// ascending (both reversed for a page taken from the end, with last): (rank, id) serves the
// ascending order and (rank, id DESC), read backwards, the descending one, so that
// PostgreSQL reads a page from an index in either direction instead of sorting every row of
// equal rank.
func (m rankMixin) Indexes() []ent.Index {
	if m.IndexPrefix == "" {
		return nil
	}
	var out []ent.Index
	for _, f := range m.Ranked {
		col := f + rankSuffix
		out = append(out,
			index.Fields(col, "id").StorageKey(m.IndexPrefix+"_"+col+"_id"),
			index.Fields(col, "id").Annotations(entsql.DescColumns("id")).StorageKey(m.IndexPrefix+"_"+col+"_id_desc"),
		)
	}
	return out
}

// rankHook sets the rank column of each of enumFields that a mutation sets.
func rankHook(enumFields ...string) ent.Hook {
	return func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			for _, f := range enumFields {
				v, ok := m.Field(f)
				if !ok {
					continue
				}
				r, ok := v.(domain.Ranked)
				if !ok {
					return nil, fmt.Errorf("%s.%s: %T has no business rank", m.Type(), f, v)
				}
				if err := m.SetField(f+rankSuffix, r.Rank()); err != nil {
					return nil, fmt.Errorf("setting the rank of %s.%s: %w", m.Type(), f, err)
				}
			}
			return next.Mutate(ctx, m)
		})
	}
}
