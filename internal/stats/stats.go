// Package stats computes the maintenance figures of maintenanceStats: work, backlog, MTTR,
// first-time fixes, downtime, availability, MTBF, SLA and preventive compliance and costs,
// per group. Every figure is an aggregate computed by the database (a few statements whatever
// the number of rows, the same SQL on PostgreSQL and SQLite); Go only cuts the window into
// periods beforehand and puts the aggregated rows of each group together after. The rows
// counted are those the viewer reads, by the rules of internal/access. The formulas are
// written in graph/stats.graphqls and docs/stats.md.
package stats

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"math"
	"slices"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/localtime"
)

// Service computes the figures on one database.
type Service struct {
	Client  *ent.Client // for the entities' where-inputs
	SQL     *sql.DB
	Dialect string
	Zone    localtime.Zone // months and weeks are the users' calendar
	Now     func() time.Time
	// Rollup reads the figures of whole months, for viewers who read every intervention,
	// from the sums kept per equipment and month (rollup.go) instead of every intervention.
	Rollup bool
}

// Query is what maintenanceStats asks.
type Query struct {
	From, To time.Time
	GroupBy  []domain.StatsGroupBy
	// Where filters the interventions; Equipements the equipment whose stops count.
	Where       *ent.InterventionWhereInput
	Equipements *ent.EquipementWhereInput
}

// Result is the answer: one Group per combination of the keys of GroupBy that has figures.
type Result struct {
	From, To time.Time
	GroupBy  []domain.StatsGroupBy
	Groups   []*Group
}

// StatutCount is how many interventions of a group are in a status.
type StatutCount struct {
	Statut domain.InterventionStatut
	Nombre int
}

// TypeCount is how many interventions of a group are of a type.
type TypeCount struct {
	Type   domain.InterventionType
	Nombre int
}

// Group holds the figures of one group (see graph/stats.graphqls for each).
type Group struct {
	EquipementID, TechnicienID, ClientID *int
	Type                                 *domain.InterventionType
	Debut, Fin                           time.Time

	Interventions               int
	ParStatut                   []StatutCount
	ParType                     []TypeCount
	Backlog                     int
	Reparations                 int
	MttrHeures                  *float64
	PremiereInterventionReussie *float64
	ArretHeures                 *float64
	Pannes                      *int
	Equipements                 *int
	Disponibilite               *float64
	MtbfHeures                  *float64
	SlaConcernees               int
	RespectSla                  *float64
	PreventivesConcernees       int
	ConformitePreventive        *float64
	CoutMainOeuvreCentimes      int64
	CoutPiecesCentimes          int64

	k             int     // the period's index
	repairSecs    float64 // Σ repair time of the repairs
	firstTime     int     // repairs fixed the first time
	slaOK, prevOK int
	labourMinRate int64 // Σ minutes × rate of the time entries
	hasDowntime   bool
	downSecs      float64
	failures      int
}

// Limits of a query.
const (
	MaxWindow  = 10 * 366 * 24 * time.Hour
	MaxPeriods = 600
)

// Compute returns the figures of q for the viewer of ctx. Errors: BAD_USER_INPUT (from not
// before to, MOIS with SEMAINE, a window longer than MaxWindow or cut in more than
// MaxPeriods periods).
func (s *Service) Compute(ctx context.Context, q Query) (*Result, error) {
	if !q.From.Before(q.To) {
		return nil, domain.Errorf(domain.CodeBadUserInput, "from must be before to")
	}
	if q.To.Sub(q.From) > MaxWindow {
		return nil, domain.Errorf(domain.CodeBadUserInput, "the window may not exceed 10 years")
	}
	dims, err := dimensions(q.GroupBy)
	if err != nil {
		return nil, err
	}
	ps, err := periods(q.From.UTC(), q.To.UTC(), dims.time, s.Zone.Location())
	if err != nil {
		return nil, err
	}
	now := s.Now().UTC()
	w := window{periods: ps, from: q.From.UTC(), to: q.To.UTC(), asOf: minTime(q.To.UTC(), now), now: now}
	// The work, the downtime and the fleet are three statements, run side by side.
	groups := map[key]*Group{}
	var (
		down []downRow
		fl   *fleet
	)
	eg, ectx := errgroup.WithContext(ctx)
	eg.Go(func() error {
		rolled, err := s.workFromRollup(ectx, q, dims, w, groups)
		if err != nil || rolled {
			return err
		}
		return s.work(ectx, q, dims, w, groups)
	})
	if dims.downtime() {
		eg.Go(func() (err error) {
			down, err = s.downtime(ectx, q, dims, w)
			return err
		})
		eg.Go(func() (err error) {
			fl, err = s.fleet(ectx, q, dims)
			return err
		})
	}
	if err := eg.Wait(); err != nil {
		return nil, err
	}
	if fl != nil {
		s.addDowntime(groups, down, fl, dims, w)
	}
	out := &Result{From: q.From, To: q.To, GroupBy: q.GroupBy, Groups: finish(groups, dims, w)}
	if out.GroupBy == nil {
		out.GroupBy = []domain.StatsGroupBy{}
	}
	return out, nil
}

// key identifies a group: its keys of groupBy (nil: not grouped by it, or none) and period.
type key struct {
	equipement, technicien, client int64 // -1: none
	typ                            string
	k                              int
}

func (s *Service) group(groups map[key]*Group, kk key, w window) *Group {
	g := groups[kk]
	if g != nil {
		return g
	}
	g = &Group{k: kk.k, Debut: w.periods[kk.k].lo, Fin: w.periods[kk.k].hi}
	g.EquipementID, g.TechnicienID, g.ClientID = idOf(kk.equipement), idOf(kk.technicien), idOf(kk.client)
	if kk.typ != "" {
		t := domain.InterventionType(kk.typ)
		g.Type = &t
	}
	groups[kk] = g
	return g
}

func idOf(v int64) *int {
	if v < 0 {
		return nil
	}
	i := int(v)
	return &i
}

// finish derives the ratios from the sums and orders the groups by their keys in turn.
func finish(groups map[key]*Group, dims dims, w window) []*Group {
	out := make([]*Group, 0, len(groups))
	// The backlog of a period is what was opened, less what was closed, up to its end: the
	// running sum over the periods of the group's other keys.
	byRest := map[key][]*Group{}
	for kk, g := range groups {
		rest := kk
		rest.k = 0
		byRest[rest] = append(byRest[rest], g)
		out = append(out, g)
	}
	for _, gs := range byRest {
		slices.SortFunc(gs, func(a, b *Group) int { return cmp.Compare(a.k, b.k) })
		run := 0
		for _, g := range gs {
			run += g.Backlog
			g.Backlog = run
		}
	}
	for _, g := range out {
		if g.Reparations > 0 {
			g.MttrHeures = ptr(g.repairSecs / float64(g.Reparations) / 3600)
			g.PremiereInterventionReussie = ptr(100 * float64(g.firstTime) / float64(g.Reparations))
		}
		if g.SlaConcernees > 0 {
			g.RespectSla = ptr(100 * float64(g.slaOK) / float64(g.SlaConcernees))
		}
		if g.PreventivesConcernees > 0 {
			g.ConformitePreventive = ptr(100 * float64(g.prevOK) / float64(g.PreventivesConcernees))
		}
		g.CoutMainOeuvreCentimes = (g.labourMinRate + 30) / 60
		if g.ParStatut == nil {
			g.ParStatut = []StatutCount{}
		}
		if g.ParType == nil {
			g.ParType = []TypeCount{}
		}
		slices.SortFunc(g.ParStatut, func(a, b StatutCount) int {
			return cmp.Compare(slices.Index(domain.InterventionStatut("").Values(), string(a.Statut)), slices.Index(domain.InterventionStatut("").Values(), string(b.Statut)))
		})
		slices.SortFunc(g.ParType, func(a, b TypeCount) int {
			return cmp.Compare(slices.Index(domain.InterventionType("").Values(), string(a.Type)), slices.Index(domain.InterventionType("").Values(), string(b.Type)))
		})
		if g.hasDowntime {
			down := g.downSecs
			g.ArretHeures = ptr(down / 3600)
			g.Pannes = &g.failures
			length := w.periods[g.k].length(w.asOf).Seconds()
			if n := *g.Equipements; n > 0 && length > 0 {
				up := float64(n)*length - down
				g.Disponibilite = ptr(100 * up / (float64(n) * length))
				if g.failures > 0 {
					g.MtbfHeures = ptr(up / float64(g.failures) / 3600)
				}
			}
		}
	}
	slices.SortFunc(out, func(a, b *Group) int {
		for _, d := range dims.order {
			var c int
			switch d {
			case domain.StatsEquipement:
				c = cmpID(a.EquipementID, b.EquipementID)
			case domain.StatsTechnicien:
				c = cmpID(a.TechnicienID, b.TechnicienID)
			case domain.StatsClient:
				c = cmpID(a.ClientID, b.ClientID)
			case domain.StatsType:
				c = cmp.Compare(typeName(a.Type), typeName(b.Type))
			default:
				c = cmp.Compare(a.k, b.k)
			}
			if c != 0 {
				return c
			}
		}
		return 0
	})
	return out
}

func ptr(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}

func cmpID(a, b *int) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return -1
	case b == nil:
		return 1
	}
	return cmp.Compare(*a, *b)
}

func typeName(t *domain.InterventionType) string {
	if t == nil {
		return ""
	}
	return string(*t)
}

// dims is a groupBy checked: its keys in order, and the time cut if any.
type dims struct {
	order                               []domain.StatsGroupBy
	equipement, technicien, client, typ bool
	time                                domain.StatsGroupBy // MOIS, SEMAINE or ""
}

// downtime reports whether the stops can be split by these keys: they belong to equipment,
// not to a technician or a type of work.
func (d dims) downtime() bool { return !d.technicien && !d.typ }

func dimensions(by []domain.StatsGroupBy) (dims, error) {
	var d dims
	for _, b := range by {
		if slices.Contains(d.order, b) {
			continue
		}
		d.order = append(d.order, b)
		switch b {
		case domain.StatsEquipement:
			d.equipement = true
		case domain.StatsTechnicien:
			d.technicien = true
		case domain.StatsClient:
			d.client = true
		case domain.StatsType:
			d.typ = true
		case domain.StatsMois, domain.StatsSemaine:
			if d.time != "" {
				return dims{}, domain.Errorf(domain.CodeBadUserInput, "groupBy takes MOIS or SEMAINE, not both")
			}
			d.time = b
		}
	}
	return d, nil
}

// period is [lo, hi), a part of the window.
type period struct{ lo, hi time.Time }

// length is the period's duration cut at asOf (nothing after it is known yet).
func (p period) length(asOf time.Time) time.Duration {
	return max(0, minTime(p.hi, asOf).Sub(p.lo))
}

// window is the query's window, its periods, and the instant up to which it is known.
type window struct {
	periods        []period
	from, to, asOf time.Time
	now            time.Time
}

// periods cuts [from, to) into the calendar months or ISO weeks of loc (by), or returns it
// whole.
func periods(from, to time.Time, by domain.StatsGroupBy, loc *time.Location) ([]period, error) {
	return cut(from, to, by, loc, MaxPeriods)
}

// cut is periods with at most limit periods.
func cut(from, to time.Time, by domain.StatsGroupBy, loc *time.Location, limit int) ([]period, error) {
	if by == "" {
		return []period{{from, to}}, nil
	}
	l := from.In(loc)
	start := time.Date(l.Year(), l.Month(), 1, 0, 0, 0, 0, loc)
	step := func(t time.Time) time.Time { return time.Date(t.Year(), t.Month()+1, 1, 0, 0, 0, 0, loc) }
	if by == domain.StatsSemaine {
		start = time.Date(l.Year(), l.Month(), l.Day()-(int(l.Weekday())+6)%7, 0, 0, 0, 0, loc)
		step = func(t time.Time) time.Time { return time.Date(t.Year(), t.Month(), t.Day()+7, 0, 0, 0, 0, loc) }
	}
	var out []period
	for t := start; t.Before(to); t = step(t) {
		if len(out) == limit {
			return nil, domain.Errorf(domain.CodeBadUserInput, "the window holds more than %d periods: shorten it", limit)
		}
		out = append(out, period{lo: maxTime(t, from).UTC(), hi: minTime(step(t), to).UTC()})
	}
	return out, nil
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// errEmpty tells the where-inputs' "nothing to filter" from their real errors.
func errEmpty(err error) bool {
	return errors.Is(err, ent.ErrEmptyInterventionWhereInput) || errors.Is(err, ent.ErrEmptyEquipementWhereInput)
}
