package graph

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"entgo.io/ent/dialect/sql"
	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/mifmaroc/erp/ent"
	entintervention "github.com/mifmaroc/erp/ent/intervention"
	"github.com/mifmaroc/erp/ent/predicate"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/intervention"
	"github.com/mifmaroc/erp/internal/render"
	"github.com/mifmaroc/erp/internal/search"
)

// requestCache holds what is computed once per GraphQL operation.
type requestCache struct {
	mu   sync.Mutex
	kpis map[int]kpiEntry
	// loaders are made on first use: most operations never need them.
	loadersOnce sync.Once
	loaders     *loaders
}

type cacheKey struct{}

// withRequestCache gives each operation, or each event of a subscription, its own cache, and
// tells onOperation the operation's name.
func (r *Resolver) withRequestCache(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	oc := graphql.GetOperationContext(ctx)
	if oc == nil || oc.Operation == nil {
		return next(withNewCache(ctx))
	}
	if r.onOperation != nil {
		r.onOperation(ctx, oc.Operation.Name, string(oc.Operation.Operation))
	}
	if oc.Operation.Operation == ast.Subscription {
		// Each event of a subscription is an answer of its own: a cache kept for the
		// subscription's life would serve every event the edges read for the first.
		respond := next(ctx)
		return func(ctx context.Context) *graphql.Response { return respond(withNewCache(ctx)) }
	}
	return next(withNewCache(ctx))
}

func withNewCache(ctx context.Context) context.Context {
	return context.WithValue(ctx, cacheKey{}, &requestCache{kpis: map[int]kpiEntry{}})
}

// kpiEntry is an intervention's KPIs computed from the facts have: right for the fields
// whose needs they hold.
type kpiEntry struct {
	k    intervention.KPIs
	have intervention.Need
}

// kpiNeeds are the fields of Intervention computed from its KPIs, each with the facts its
// KPI is computed from (intervention.Compute): direct rendering reads only those the asked
// fields need (TestKPINeeds holds each against Compute).
var kpiNeeds = intervention.FieldNeeds{
	"delaiEcoule":            intervention.NeedHistory,
	"delaiRestant":           0,
	"enRetard":               0,
	"dureeReelle":            intervention.NeedHistory,
	"dureeSaisie":            intervention.NeedTemps,
	"slaRespecte":            intervention.NeedHistory,
	"coutPiecesCentimes":     intervention.NeedAll,
	"coutMainOeuvreCentimes": intervention.NeedAll,
	"coutTotalCentimes":      intervention.NeedAll,
}

// prime keeps k, computed from the facts have, as iv's KPIs, unless those kept already
// hold more.
func (c *requestCache) prime(id int, k intervention.KPIs, have intervention.Need) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.kpis[id]; ok && e.have&have == have {
		return
	}
	c.kpis[id] = kpiEntry{k, have}
}

// kpis returns an intervention's KPIs for its field named field (of kpiNeeds): those kept
// for the operation when their facts hold what the field needs. Otherwise the KPIs are
// computed from every fact, and the first KPI field asked for in a list computes them for
// the whole list at once (its siblings are read from the parent field's result), so a page
// costs the same one statement whatever its size, without waiting for keys.
func (r *Resolver) kpis(ctx context.Context, iv *ent.Intervention, field string) (intervention.KPIs, error) {
	c, _ := ctx.Value(cacheKey{}).(*requestCache)
	if c == nil {
		res := r.loadKPIs(ctx, []*ent.Intervention{iv})[0]
		return res.Data, res.Error
	}
	need, _ := kpiNeeds.Of(field)
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.kpis[iv.ID]; ok && e.have&need == need {
		return e.k, nil
	}
	batch := []*ent.Intervention{iv}
	for _, s := range siblings[*ent.Intervention](ctx) {
		if e, done := c.kpis[s.ID]; (!done || e.have != intervention.NeedAll) && s.ID != iv.ID {
			batch = append(batch, s)
		}
	}
	results := r.loadKPIs(ctx, batch)
	for i, b := range batch {
		if results[i].Error == nil {
			c.kpis[b.ID] = kpiEntry{results[i].Data, intervention.NeedAll}
		}
	}
	return results[0].Data, results[0].Error
}

// edgeNodes lists the interventions of a page's edges.
func edgeNodes(edges []*ent.InterventionEdge) []*ent.Intervention {
	ivs := make([]*ent.Intervention, 0, len(edges))
	for _, e := range edges {
		if e != nil && e.Node != nil {
			ivs = append(ivs, e.Node)
		}
	}
	return ivs
}

// kpiResult is the KPIs of one intervention, or why they could not be computed.
type kpiResult struct {
	Data  intervention.KPIs
	Error error
}

// loadKPIs computes the KPIs of ivs from their rows and their facts (render.FactColumns),
// read in one statement.
func (r *Resolver) loadKPIs(ctx context.Context, ivs []*ent.Intervention) []kpiResult {
	out := make([]kpiResult, len(ivs))
	ids := make([]int, len(ivs))
	for i, iv := range ivs {
		ids[i] = iv.ID
	}
	facts, err := r.readFacts(ctx, ids)
	now := r.now()
	for i, iv := range ivs {
		if err != nil {
			out[i] = kpiResult{Error: err}
			continue
		}
		f, err := render.ParseFacts(iv, facts[iv.ID])
		if err != nil {
			out[i] = kpiResult{Error: fmt.Errorf("the facts of intervention %d: %w", iv.ID, err)}
			continue
		}
		out[i] = kpiResult{Data: intervention.Compute(f, now)}
	}
	return out
}

// readFacts reads the facts columns of the interventions ids, as text, by id.
func (r *Resolver) readFacts(ctx context.Context, ids []int) (map[int][]string, error) {
	b := sql.Dialect(r.dialect)
	t := b.Table(entintervention.Table)
	s := b.Select(t.C(entintervention.FieldID)).From(t).Where(sql.InInts(t.C(entintervention.FieldID), ids...))
	for _, c := range render.FactColumns(r.dialect, render.RootRef, intervention.NeedAll) {
		s.AppendSelectExpr(sql.Expr(c))
	}
	query, args := s.Query()
	rows, err := r.client.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("reading the KPIs' facts: %w", err)
	}
	defer func() { _ = rows.Close() }()
	out := make(map[int][]string, len(ids))
	for rows.Next() {
		var (
			id   int
			vals = make([]sql.NullString, render.FactCount)
			dest = []any{&id}
		)
		for i := range vals {
			dest = append(dest, &vals[i])
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("reading the KPIs' facts: %w", err)
		}
		cols := make([]string, len(vals))
		for i, v := range vals {
			cols[i] = v.String
		}
		out[id] = cols
	}
	return out, rows.Err()
}

func (r *Resolver) availableTransitions(ctx context.Context, iv *ent.Intervention) []domain.InterventionStatut {
	return intervention.AvailableTransitions(ctx, iv)
}

// lateFilter selects the interventions whose deadline passed while they were open (late),
// or all the others: the field enRetard (intervention.Compute) read as SQL. Open work is late
// once its deadline is past; closed work (CLOTUREE, ARCHIVEE) when it was closed after it;
// cancelled work never. (A plain NOT of the first would drop rows without deadline: NOT (…
// AND NULL) is NULL in SQL.)
func lateFilter(now time.Time, late bool) predicate.Intervention {
	closedLate := func(s *sql.Selector) {
		s.Where(sql.ColumnsGT(s.C(entintervention.FieldDateCloture), s.C(entintervention.FieldDateLimite)))
	}
	closed := []domain.InterventionStatut{domain.StatutCloturee, domain.StatutArchivee}
	if late {
		return entintervention.Or(
			entintervention.And(entintervention.StatutIn(domain.OpenStatuts()...), entintervention.DateLimiteLT(now)),
			entintervention.And(entintervention.StatutIn(closed...), closedLate),
		)
	}
	return entintervention.Or(
		entintervention.DateLimiteIsNil(),
		entintervention.StatutEQ(domain.StatutAnnulee),
		entintervention.And(entintervention.StatutIn(domain.OpenStatuts()...), entintervention.DateLimiteGTE(now)),
		entintervention.And(entintervention.StatutIn(closed...), entintervention.Or(
			entintervention.DateClotureIsNil(), entintervention.Not(closedLate))),
	)
}

// searchFilter keeps the interventions whose titre or description contains every word,
// whatever the case and accents (see internal/search).
func searchFilter(text string) predicate.Intervention {
	var all []predicate.Intervention
	for _, w := range strings.Fields(search.Normalize(text)) {
		all = append(all, entintervention.RechercheContains(w))
	}
	return entintervention.And(all...)
}
