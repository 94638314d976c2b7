package graph

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/ent/historiqueintervention"
	entintervention "github.com/mifmaroc/erp/ent/intervention"
	"github.com/mifmaroc/erp/ent/predicate"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/intervention"
	"github.com/mifmaroc/erp/internal/search"
)

// requestCache holds what is computed once per GraphQL operation.
type requestCache struct {
	mu   sync.Mutex
	kpis map[int]*kpiEntry
}

type kpiEntry struct {
	once sync.Once
	k    intervention.KPIs
	err  error
}

type cacheKey struct{}

// withRequestCache gives each operation its own cache.
func withRequestCache(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	return next(context.WithValue(ctx, cacheKey{}, &requestCache{kpis: map[int]*kpiEntry{}}))
}

// kpis computes an intervention's KPIs once per operation, whichever of its KPI fields asks
// first (gqlgen resolves them concurrently).
func (r *Resolver) kpis(ctx context.Context, iv *ent.Intervention) (intervention.KPIs, error) {
	c, _ := ctx.Value(cacheKey{}).(*requestCache)
	if c == nil {
		return r.computeKPIs(ctx, iv)
	}
	c.mu.Lock()
	e, ok := c.kpis[iv.ID]
	if !ok {
		e = &kpiEntry{}
		c.kpis[iv.ID] = e
	}
	c.mu.Unlock()
	e.once.Do(func() { e.k, e.err = r.computeKPIs(ctx, iv) })
	return e.k, e.err
}

func (r *Resolver) computeKPIs(ctx context.Context, iv *ent.Intervention) (intervention.KPIs, error) {
	steps, err := iv.QueryHistorique().
		Order(ent.Asc(historiqueintervention.FieldHorodatage), ent.Asc(historiqueintervention.FieldID)).
		All(ctx)
	if err != nil {
		return intervention.KPIs{}, err
	}
	lines, err := iv.QueryUtilisations().All(ctx)
	if err != nil {
		return intervention.KPIs{}, err
	}
	f := intervention.Facts{
		Statut:          iv.Statut,
		DateCreation:    iv.DateCreation,
		DateLimite:      iv.DateLimite,
		DateCloture:     iv.DateCloture,
		DureeEstimeeMin: iv.DureeEstimee,
	}
	for _, s := range steps {
		f.History = append(f.History, intervention.Step{Statut: s.NouveauStatut, At: s.Horodatage})
	}
	for _, l := range lines {
		f.CoutPieces += int64(l.Quantite) * l.PrixUnitaireCentimes
	}
	if iv.TechnicienID != nil {
		t, err := r.client.Technicien.Get(ctx, *iv.TechnicienID)
		if err != nil && !ent.IsNotFound(err) {
			return intervention.KPIs{}, err
		}
		if t != nil {
			f.TauxHoraire = t.TauxHoraireCentimes
		}
	}
	return intervention.Compute(f, r.now()), nil
}

func (r *Resolver) availableTransitions(ctx context.Context, iv *ent.Intervention) []domain.InterventionStatut {
	return intervention.AvailableTransitions(ctx, iv)
}

// lateFilter selects the open interventions whose deadline has passed (late), or all the
// others: closed ones, those without deadline and those still in time. (A plain NOT of the
// first would drop rows without deadline: NOT (… AND NULL) is NULL in SQL.)
func lateFilter(now time.Time, late bool) predicate.Intervention {
	if late {
		return entintervention.And(
			entintervention.StatutIn(intervention.OpenStatuts()...),
			entintervention.DateLimiteLT(now),
		)
	}
	return entintervention.Or(
		entintervention.StatutNotIn(intervention.OpenStatuts()...),
		entintervention.DateLimiteIsNil(),
		entintervention.DateLimiteGTE(now),
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
