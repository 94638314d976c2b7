// Package access is the one place where the role matrix of SPEC.md is enforced on rows. Every
// entity's ent Policy comes from here, so that a list, a nested edge, a count and node(id:)
// all see the same rows: ADMIN and RESPONSABLE see all maintenance data; a TECHNICIEN sees
// the interventions assigned to him and what hangs from them; a CLIENT sees his own requests
// and what hangs from them. A request without a viewer sees nothing, except when the server
// acts for itself (viewer.SystemContext).
package access

import (
	"context"

	entsql "entgo.io/ent/dialect/sql"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/ent/privacy"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/viewer"
)

// ErrNoViewer is the denial of a request that carries no authenticated user.
var ErrNoViewer = privacy.Denyf("authentication required")

// Policy builds an entity's policy: the server itself passes, anonymous requests are denied,
// then read decides which rows each role sees, and write whether it may change them (admins
// always may). A nil write means only ADMIN and RESPONSABLE write.
func Policy(read privacy.QueryRule, write privacy.MutationRule) ent.Policy {
	if write == nil {
		write = staffWrite
	}
	return privacy.Policy{
		Query:    privacy.QueryPolicy{allowSystem, denyAnonymous, read},
		Mutation: privacy.MutationPolicy{allowSystem, denyAnonymous, allowAdmin, write},
	}
}

var (
	allowSystem = privacy.ContextQueryMutationRule(func(ctx context.Context) error {
		if viewer.IsSystem(ctx) {
			return privacy.Allow
		}
		return privacy.Skip
	})
	denyAnonymous = privacy.ContextQueryMutationRule(func(ctx context.Context) error {
		if viewer.FromContext(ctx) == nil {
			return ErrNoViewer
		}
		return privacy.Skip
	})
	allowAdmin = privacy.ContextQueryMutationRule(func(ctx context.Context) error {
		if viewer.FromContext(ctx).Is(domain.RoleAdmin) {
			return privacy.Allow
		}
		return privacy.Skip
	})
	staffWrite = privacy.MutationRuleFunc(func(ctx context.Context, _ ent.Mutation) error {
		if viewer.FromContext(ctx).Staff() {
			return privacy.Allow
		}
		return privacy.Denyf("only ADMIN and RESPONSABLE may change this")
	})
	// SystemOnly is the policy of rows only the server itself touches (refresh tokens).
	SystemOnly = privacy.Policy{
		Query:    privacy.QueryPolicy{allowSystem, privacy.AlwaysDenyRule()},
		Mutation: privacy.MutationPolicy{allowSystem, privacy.AlwaysDenyRule()},
	}
)

// none is the predicate of no row: a role that may not see an entity gets empty lists and
// NOT_FOUND on node(id:), never another's data.
func none[P ~func(*entsql.Selector)]() P {
	return func(s *entsql.Selector) { s.Where(entsql.False()) }
}

// Rows is the read rule of an entity with predicate type P and query type Q: staff see every
// row, other roles the rows visible returns.
func Rows[P ~func(*entsql.Selector), Q any](visible func(*viewer.Viewer) P) privacy.QueryRule {
	return privacy.QueryRuleFunc(func(ctx context.Context, q ent.Query) error {
		v := viewer.FromContext(ctx)
		if v.Staff() {
			return privacy.Allow
		}
		wq, ok := q.(interface{ Where(...P) Q })
		if !ok {
			return privacy.Denyf("access: unexpected query type %T", q)
		}
		wq.Where(visible(v))
		return privacy.Allow
	})
}

// Everyone lets every authenticated user read every row (competences).
var Everyone = privacy.AlwaysAllowRule()
