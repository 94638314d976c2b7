package graph

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync/atomic"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/internal/intervention"
	"github.com/mifmaroc/erp/internal/render"
)

// The server's side of direct rendering (internal/render): compiled selections kept by
// document, the KPIs primed from the rendered facts, and the count for the metrics. How it
// hooks into gqlgen's execution is in gqlgen.go.

// directRenders counts the root fields rendered in PostgreSQL, for the metrics: a count that
// stops growing under load means the resolvers took over (a selection it does not take).
var directRenders atomic.Int64

// DirectRenders is how many root fields this process rendered in PostgreSQL.
func DirectRenders() int64 { return directRenders.Load() }

// reusedRenders counts the nodes written from a kept rendering (render.Kept), for the
// metrics: against DirectRenders, how often nothing was committed between two reads.
var reusedRenders atomic.Int64

// ReusedRenders is how many nodes this process wrote from a kept rendering.
func ReusedRenders() int64 { return reusedRenders.Load() }

// errResolvers marks what the resolvers must answer themselves: a request they will refuse
// with the proper error (a bad argument, a node the viewer may not read). Not worth a log.
var errResolvers = errors.New("left to the resolvers")

// rawJSON is a rendered root field.
type rawJSON []byte

func (j rawJSON) MarshalGQL(w io.Writer) { _, _ = w.Write(j) }

// cachedPlan is a compiled selection: the same document compiles the same way, unless
// @skip or @include make it depend on the variables.
type cachedPlan struct {
	plan render.Plan
	ok   bool
}

// plan is render.Plan through the server's cache of compiled selections, by document,
// operation and path (the root field's selections, root, tell the variable-dependent ones).
func (r *Resolver) plan(opCtx *graphql.OperationContext, root, sel ast.SelectionSet, path string) (render.Plan, bool) {
	key := opCtx.RawQuery + "\x00" + opCtx.OperationName + "\x00" + path
	if c, ok := r.plans.Get(context.Background(), key); ok {
		return c.plan, c.ok
	}
	p, ok := r.render.Plan(opCtx, sel)
	if !render.UsesDirectives(opCtx.Doc, root) {
		r.plans.Add(context.Background(), key, cachedPlan{p, ok})
	}
	return p, ok
}

// rendered reads the rendered columns of ivs (by id) through columns and primes the KPIs of
// those whose fields need them.
func (r *Resolver) rendered(ctx context.Context, p render.Plan, columns func(*ent.Intervention) ([]string, error),
	ivs ...*ent.Intervention) (map[int][]string, error) {
	out := make(map[int][]string, len(ivs))
	for _, iv := range ivs {
		cols, err := columns(iv)
		if errors.Is(err, render.ErrUnwritable) {
			return nil, fmt.Errorf("%w: intervention %d: %w", errResolvers, iv.ID, err)
		} else if err != nil {
			return nil, err
		}
		out[iv.ID] = cols
		if p.KPIs() {
			if err := r.primeKPIs(ctx, p, iv, cols); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// primeKPIs computes the KPIs of iv from its rendered columns into the operation's cache,
// where the computed fields find them.
func (r *Resolver) primeKPIs(ctx context.Context, p render.Plan, iv *ent.Intervention, cols []string) error {
	c, _ := ctx.Value(cacheKey{}).(*requestCache)
	if c == nil {
		return nil
	}
	f, err := p.Facts(iv, cols)
	if err != nil {
		return fmt.Errorf("intervention %d: %w", iv.ID, err)
	}
	c.prime(iv.ID, intervention.Compute(f, r.now()), p.Needs())
	return nil
}
