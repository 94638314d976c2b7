package graph

import (
	"context"
	"time"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/planning"
)

// forecast is planningForecast's choice between the calendar of every planning in a window
// and the next occurrences of one planning (id), whose window starts now by default.
func (r *queryResolver) forecast(ctx context.Context, from, to *time.Time, id, occurrences *int) ([]planning.Forecasted, error) {
	if id == nil {
		if from == nil || to == nil {
			return nil, domain.Errorf(domain.CodeBadUserInput, "from and to are required without id")
		}
		return r.plannings.Forecast(ctx, *from, *to)
	}
	start, end, n := r.now(), time.Time{}, 5
	if from != nil {
		start = *from
	}
	if to != nil {
		end = *to
	}
	if occurrences != nil {
		n = *occurrences
	}
	return r.plannings.PlanningForecast(ctx, *id, start, end, n)
}

// relevesOf are the readings of meter c in date order, read at once with those of the other
// meters of its list (a list of meters with their last value costs one statement).
func (r *compteurResolver) relevesOf(ctx context.Context, c *ent.Compteur) ([]*ent.ReleveCompteur, error) {
	var keys []int
	for _, s := range siblings[*ent.Compteur](ctx) {
		keys = append(keys, s.ID)
	}
	return r.loadersFrom(ctx).releves.load(ctx, c.ID, keys)
}
