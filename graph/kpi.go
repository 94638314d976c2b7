package graph

import (
	"context"
	"strings"
	"sync"
	"time"

	"entgo.io/ent/dialect/sql"
	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/ent/historiqueintervention"
	entintervention "github.com/mifmaroc/erp/ent/intervention"
	"github.com/mifmaroc/erp/ent/interventionpiece"
	"github.com/mifmaroc/erp/ent/predicate"
	"github.com/mifmaroc/erp/ent/technicien"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/intervention"
	"github.com/mifmaroc/erp/internal/search"
	"github.com/mifmaroc/erp/internal/viewer"
)

// requestCache holds what is computed once per GraphQL operation.
type requestCache struct {
	mu   sync.Mutex
	kpis map[int]intervention.KPIs
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
	return context.WithValue(ctx, cacheKey{}, &requestCache{kpis: map[int]intervention.KPIs{}})
}

// kpis returns an intervention's KPIs. The first KPI field asked for in a list computes
// them for the whole list at once (its siblings are read from the parent field's result),
// so a page costs the same three statements whatever its size, without waiting for keys.
func (r *Resolver) kpis(ctx context.Context, iv *ent.Intervention) (intervention.KPIs, error) {
	c, _ := ctx.Value(cacheKey{}).(*requestCache)
	if c == nil {
		res := r.loadKPIs(ctx, []*ent.Intervention{iv})[0]
		return res.Data, res.Error
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if k, ok := c.kpis[iv.ID]; ok {
		return k, nil
	}
	batch := []*ent.Intervention{iv}
	for _, s := range siblings[*ent.Intervention](ctx) {
		if _, done := c.kpis[s.ID]; !done && s.ID != iv.ID {
			batch = append(batch, s)
		}
	}
	results := r.loadKPIs(ctx, batch)
	for i, b := range batch {
		if results[i].Error == nil {
			c.kpis[b.ID] = results[i].Data
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

// rowFacts are the facts of the KPIs the intervention's row holds.
func rowFacts(iv *ent.Intervention) intervention.Facts {
	return intervention.Facts{Statut: iv.Statut, DateCreation: iv.DateCreation, DateLimite: iv.DateLimite,
		DateCloture: iv.DateCloture, DureeEstimeeMin: iv.DureeEstimee}
}

// kpiResult is the KPIs of one intervention, or why they could not be computed.
type kpiResult struct {
	Data  intervention.KPIs
	Error error
}

// loadKPIs computes the KPIs of ivs in three statements: their history, their parts and their
// technicians' rates.
func (r *Resolver) loadKPIs(ctx context.Context, ivs []*ent.Intervention) []kpiResult {
	out := make([]kpiResult, len(ivs))
	fail := func(err error) []kpiResult {
		for i := range out {
			out[i] = kpiResult{Error: err}
		}
		return out
	}
	ids := make([]int, len(ivs))
	for i, iv := range ivs {
		ids[i] = iv.ID
	}
	steps, err := r.client.HistoriqueIntervention.Query().
		Where(historiqueintervention.InterventionIDIn(ids...)).
		Order(ent.Asc(historiqueintervention.FieldHorodatage), ent.Asc(historiqueintervention.FieldID)).
		All(ctx)
	if err != nil {
		return fail(err)
	}
	lines, err := r.client.InterventionPiece.Query().Where(interventionpiece.InterventionIDIn(ids...)).All(ctx)
	if err != nil {
		return fail(err)
	}
	var techIDs []int
	for _, iv := range ivs {
		if iv.TechnicienID != nil {
			techIDs = append(techIDs, *iv.TechnicienID)
		}
	}
	for _, s := range steps {
		if s.TechnicienID != nil {
			techIDs = append(techIDs, *s.TechnicienID)
		}
	}
	rates := map[int]int64{}
	if len(techIDs) > 0 {
		// Rates are facts of the costs the viewer reads, whoever he may see: a technician who
		// took over work is priced at his predecessor's rate for the predecessor's time.
		techs, err := r.client.Technicien.Query().Where(technicien.IDIn(techIDs...)).
			Select(technicien.FieldID, technicien.FieldTauxHoraireCentimes).All(viewer.SystemContext(ctx))
		if err != nil {
			return fail(err)
		}
		for _, t := range techs {
			rates[t.ID] = t.TauxHoraireCentimes
		}
	}
	facts := map[int]*intervention.Facts{}
	for _, iv := range ivs {
		f := rowFacts(iv)
		if iv.TechnicienID != nil {
			f.TauxHoraire = rates[*iv.TechnicienID]
		}
		f.Taux = rates
		facts[iv.ID] = &f
	}
	for _, s := range steps {
		if f := facts[s.InterventionID]; f != nil {
			f.History = append(f.History, intervention.Step{Statut: s.NouveauStatut, At: s.Horodatage, TechnicienID: s.TechnicienID})
		}
	}
	for _, l := range lines {
		if f := facts[l.InterventionID]; f != nil && f.CostErr == nil {
			line, err := intervention.LineCost(l.Quantite, l.PrixUnitaireCentimes)
			if err == nil {
				f.CoutPieces, err = intervention.AddCost(f.CoutPieces, line)
			}
			f.CostErr = err
		}
	}
	now := r.now()
	for i, iv := range ivs {
		out[i] = kpiResult{Data: intervention.Compute(*facts[iv.ID], now)}
	}
	return out
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
