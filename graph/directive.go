package graph

import (
	"context"
	"strings"

	"github.com/99designs/gqlgen/graphql"

	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/viewer"
)

// errAuthRequired is returned to anonymous requests.
var errAuthRequired = domain.Errorf(domain.CodeUnauthenticated, "authentication required: send Authorization: Bearer <token> (POST /auth/token)")

// unauthenticated says why the request has no viewer: the token's refusal when one was sent.
func unauthenticated(ctx context.Context) error {
	if err := viewer.AuthError(ctx); err != nil {
		return err
	}
	return errAuthRequired
}

// hasRole implements @hasRole(roles:).
func hasRole(ctx context.Context, _ any, next graphql.Resolver, roles []domain.Role) (any, error) {
	v := viewer.FromContext(ctx)
	if v == nil {
		return nil, unauthenticated(ctx)
	}
	if !v.Is(roles...) {
		names := make([]string, len(roles))
		for i, r := range roles {
			names[i] = string(r)
		}
		return nil, domain.Errorf(domain.CodeForbidden, "reserved to %s", strings.Join(names, ", "))
	}
	return next(ctx)
}

// requireViewer refuses every root field but introspection to anonymous requests, before
// any resolver runs: the whole API needs a user (tokens come from POST /auth/token).
func requireViewer(ctx context.Context, next graphql.RootResolver) graphql.Marshaler {
	fc := graphql.GetRootFieldContext(ctx)
	if viewer.FromContext(ctx) == nil && !strings.HasPrefix(fc.Field.Name, "__") {
		graphql.AddError(ctx, unauthenticated(ctx))
		return graphql.Null
	}
	return next(ctx)
}
