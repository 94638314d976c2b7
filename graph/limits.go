package graph

import (
	"context"
	"fmt"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/mifmaroc/erp/internal/domain"
)

// Query limits, checked on the parsed operation before anything runs.
const (
	MaxDepth    = 10  // nesting of selections
	MaxPageSize = 100 // first / last of any connection
	MaxAliases  = 100 // aliased fields in one operation
)

// limits refuses operations that would be too expensive, before any resolver or SQL runs.
type limits struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = limits{}

func (limits) ExtensionName() string                   { return "QueryLimits" }
func (limits) Validate(graphql.ExecutableSchema) error { return nil }
func (limits) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	aliases := 0
	var walk func(set ast.SelectionSet, depth int) *gqlerror.Error
	walk = func(set ast.SelectionSet, depth int) *gqlerror.Error {
		for _, sel := range set {
			var (
				children ast.SelectionSet
				next     = depth
			)
			switch s := sel.(type) {
			case *ast.Field:
				if s.Name == "__schema" || s.Name == "__type" {
					continue // introspection is bounded by the schema itself
				}
				if s.Alias != "" && s.Alias != s.Name {
					aliases++
				}
				for _, name := range []string{"first", "last"} {
					if arg := s.Arguments.ForName(name); arg != nil {
						v, err := arg.Value.Value(oc.Variables)
						if n, ok := v.(int64); err == nil && ok && (n < 1 || n > MaxPageSize) {
							return limitError("%s must be between 1 and %d (got %d on %s)", name, MaxPageSize, n, s.Name)
						}
					}
				}
				children, next = s.SelectionSet, depth+1
			case *ast.InlineFragment:
				children = s.SelectionSet
			case *ast.FragmentSpread:
				if s.Definition != nil {
					children = s.Definition.SelectionSet
				}
			}
			if next > MaxDepth {
				return limitError("the query is nested deeper than %d levels", MaxDepth)
			}
			if err := walk(children, next); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(oc.Operation.SelectionSet, 0); err != nil {
		return err
	}
	if aliases > MaxAliases {
		return limitError("the query uses %d aliases; at most %d", aliases, MaxAliases)
	}
	return nil
}

func limitError(format string, args ...any) *gqlerror.Error {
	return &gqlerror.Error{
		Message:    fmt.Sprintf(format, args...),
		Extensions: map[string]any{"code": string(domain.CodeBadUserInput)},
	}
}
