package export

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/stats"
	"github.com/mifmaroc/erp/internal/viewer"
)

// The parameters of an export from the GraphQL arguments of its list: the inverse of
// ParseRequest, so that a signed link holds the same request the list was given.

// InterventionsParams are the parameters of the interventions export.
func InterventionsParams(where *ent.InterventionWhereInput, orderBy []*ent.InterventionOrder) (url.Values, error) {
	q := url.Values{}
	if err := setJSON(q, "where", where); err != nil {
		return nil, err
	}
	orders := make([]jsonOrder, len(orderBy))
	for i, o := range orderBy {
		orders[i] = jsonOrder{Direction: o.Direction, Field: o.Field.String()}
	}
	return q, setOrder(q, orders)
}

// MouvementsParams are the parameters of the stock ledger export.
func MouvementsParams(where *ent.MouvementStockWhereInput, orderBy []*ent.MouvementStockOrder) (url.Values, error) {
	q := url.Values{}
	if err := setJSON(q, "where", where); err != nil {
		return nil, err
	}
	orders := make([]jsonOrder, len(orderBy))
	for i, o := range orderBy {
		orders[i] = jsonOrder{Direction: o.Direction, Field: o.Field.String()}
	}
	return q, setOrder(q, orders)
}

// StatsParams are the parameters of the maintenance figures export.
func StatsParams(sq stats.Query) (url.Values, error) {
	q := url.Values{}
	q.Set("from", sq.From.UTC().Format(time.RFC3339))
	q.Set("to", sq.To.UTC().Format(time.RFC3339))
	if len(sq.GroupBy) > 0 {
		g := make([]string, len(sq.GroupBy))
		for i, d := range sq.GroupBy {
			g[i] = string(d)
		}
		q.Set("groupBy", strings.Join(g, ","))
	}
	if err := setJSON(q, "where", sq.Where); err != nil {
		return nil, err
	}
	return q, setJSON(q, "equipements", sq.Equipements)
}

func setJSON[T any](q url.Values, name string, v *T) error {
	if v == nil {
		return nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encoding %s: %w", name, err)
	}
	q.Set(name, string(b))
	return nil
}

func setOrder(q url.Values, orders []jsonOrder) error {
	if len(orders) == 0 {
		return nil
	}
	b, err := json.Marshal(orders)
	if err != nil {
		return fmt.Errorf("encoding orderBy: %w", err)
	}
	q.Set("orderBy", string(b))
	return nil
}

// Link is a signed export link as the API gives it.
type Link struct {
	// URL is the address, from the API's root: /export/interventions.csv?…&sig=….
	URL       string
	ExpiresAt time.Time
	// Lignes is how many rows the export holds now.
	Lignes int
}

// Link signs the export of kind with params for the viewer of ctx, after checking it as the
// download will (Prepare): the rows he may read, within MaxRows. Errors: UNAUTHENTICATED,
// those of ParseRequest and Prepare.
func (s *Service) Link(ctx context.Context, kind Kind, format Format, sep Separator, params url.Values) (*Link, error) {
	v := viewer.FromContext(ctx)
	if v == nil {
		return nil, domain.Errorf(domain.CodeUnauthenticated, "authentication required")
	}
	if sep == Semicolon {
		params.Set("sep", "semicolon")
	}
	file := string(kind) + "." + string(format)
	req, err := ParseRequest(file, params)
	if err != nil {
		return nil, err
	}
	job, err := s.Prepare(ctx, req)
	if err != nil {
		return nil, err
	}
	u, exp := s.Links.Link(file, params, v.UserID)
	return &Link{URL: u, ExpiresAt: exp, Lignes: job.Rows()}, nil
}
