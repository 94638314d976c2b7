// Package visibility carries the read rule of each entity into the SQL that ent generates for
// edge predicates. A filter such as `hasInterventionsWith: {titreContains: "x"}` becomes a
// subquery over the interventions table; without this package that subquery would see every
// row, so a viewer could learn, one yes/no answer at a time, the content of rows he may not
// read. ent's templates (ent/template/visibility.tmpl) make every Has<Edge> and
// Has<Edge>With predicate ask Of for the rows of the far entity the query's viewer may read.
//
// The rules themselves live in internal/access, which registers them here: ent's generated
// packages cannot import it (access imports them).
package visibility

import (
	"context"

	"entgo.io/ent/dialect/sql"
)

// Rule returns the predicate that keeps, of the rows of entity typ (ent's type name), those
// the viewer of ctx may read, or nil when he may read them all.
type Rule func(ctx context.Context, typ string) func(*sql.Selector)

var rule Rule

// Register installs the rule; internal/access calls it once, at initialisation.
func Register(r Rule) { rule = r }

// denyAll is what an edge leads to when no rule was registered: nothing, rather than all.
func denyAll(s *sql.Selector) { s.Where(sql.False()) }

// Of is the predicate restricting the rows of typ reached from selector s to those the
// query's viewer may read (nil: no restriction).
func Of(s *sql.Selector, typ string) func(*sql.Selector) {
	if rule == nil {
		return denyAll
	}
	return rule(s.Context(), typ)
}

// Neighbors adds Of to the predicates of a Has<Edge>With predicate.
func Neighbors[P ~func(*sql.Selector)](s *sql.Selector, typ string, preds []P) []P {
	scope := Of(s, typ)
	if scope == nil {
		return preds
	}
	return append(preds[:len(preds):len(preds)], P(scope))
}
