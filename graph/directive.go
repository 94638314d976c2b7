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
//
// A user whose password is temporary (set by an admin) may only read me and change his
// password until he has: the account is his only once the password is one only he knows.
func requireViewer(ctx context.Context, next graphql.RootResolver) graphql.Marshaler {
	fc := graphql.GetRootFieldContext(ctx)
	name := fc.Field.Name
	if strings.HasPrefix(name, "__") {
		return next(ctx)
	}
	v := viewer.FromContext(ctx)
	switch {
	case v == nil:
		graphql.AddError(ctx, unauthenticated(ctx))
		return graphql.Null
	case v.MustChangePassword && !whilePasswordTemporary[name]:
		graphql.AddError(ctx, ErrPasswordTemporary)
		return graphql.Null
	}
	return next(ctx)
}

// whilePasswordTemporary are the root fields a session with a temporary password may use.
var whilePasswordTemporary = map[string]bool{"me": true, "changePassword": true}

// ErrPasswordTemporary refuses a session whose password is temporary everything but me and
// changePassword, here and on the REST routes that read data (the PDF reports).
var ErrPasswordTemporary = domain.Errorf(domain.CodePasswordChangeRequired,
	"your password is temporary: change it first (mutation changePassword)")
