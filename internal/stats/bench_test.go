package stats_test

import (
	"context"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/mifmaroc/erp/ent/user"
	"github.com/mifmaroc/erp/internal/database"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/facts"
	"github.com/mifmaroc/erp/internal/localtime"
	"github.com/mifmaroc/erp/internal/stats"
	"github.com/mifmaroc/erp/internal/viewer"
)

// BenchmarkYear computes a year of figures by month and by equipment, from the rollup and
// from the statement alone, on a database filled
// by `erp seed --size large` and scripts/stats-bench-data.sql (see BENCHMARKS.md):
//
//	STATS_BENCH_DATABASE_URL=postgres://…/erp_bench_stats go test -run '^$' -bench Year ./internal/stats/
//
// It reports the 95th percentile of the runs beside the mean.
func BenchmarkYear(b *testing.B) {
	url := os.Getenv("STATS_BENCH_DATABASE_URL")
	if url == "" {
		b.Skip("STATS_BENCH_DATABASE_URL names no seeded database")
	}
	ctx := context.Background()
	db, err := database.OpenPostgres(ctx, url, database.Pool{MaxOpenConns: 8, MaxIdleConns: 8})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	// scripts/stats-bench-data.sql writes time entries behind the hooks that keep the facts.
	if err := facts.RefreshAll(ctx, db.Ent); err != nil {
		b.Fatal(err)
	}
	now := time.Now().UTC()
	general := &stats.Service{Client: db.Ent, SQL: db.SQL, Dialect: db.Dialect, Zone: localtime.Default(), Now: func() time.Time { return now }}
	rolled := *general
	rolled.Rollup = true
	// What the server's refresher does at start; the benchmark reads a current rollup.
	start := time.Now()
	n, err := rolled.Refresh(ctx, 0)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("rollup: %d equipment computed in %s", n, time.Since(start))
	sys := viewer.SystemContext(ctx)
	as := func(role domain.Role) context.Context {
		u := db.Ent.User.Query().Where(user.RoleEQ(role), user.SocieteIDNotNil()).FirstX(sys)
		return viewer.NewContext(ctx, &viewer.Viewer{UserID: u.ID, Role: role, SocieteID: *u.SocieteID})
	}
	resp := db.Ent.User.Query().Where(user.RoleEQ(domain.RoleResponsable)).FirstX(sys)
	staff := viewer.NewContext(ctx, &viewer.Viewer{UserID: resp.ID, Role: domain.RoleResponsable})
	loc := localtime.Default().Location()
	l := now.In(loc)
	to := time.Date(l.Year(), l.Month()+1, 1, 0, 0, 0, 0, loc)
	from := to.AddDate(-1, 0, 0)
	for _, c := range []struct {
		name string
		s    *stats.Service
		ctx  context.Context
		by   []domain.StatsGroupBy
	}{
		{"Mois", &rolled, staff, []domain.StatsGroupBy{domain.StatsMois}},
		{"Equipement", &rolled, staff, []domain.StatsGroupBy{domain.StatsEquipement}},
		{"EquipementMois", &rolled, staff, []domain.StatsGroupBy{domain.StatsEquipement, domain.StatsMois}},
		{"ClientMois", &rolled, as(domain.RoleClient), []domain.StatsGroupBy{domain.StatsMois}},
		// The statement over every intervention, which the rollup spares the reads above.
		{"StatementMois", general, staff, []domain.StatsGroupBy{domain.StatsMois}},
		{"StatementEquipement", general, staff, []domain.StatsGroupBy{domain.StatsEquipement}},
	} {
		b.Run(c.name, func(b *testing.B) {
			var took []time.Duration
			groups := 0
			for b.Loop() {
				start := time.Now()
				r, err := c.s.Compute(c.ctx, stats.Query{From: from, To: to, GroupBy: c.by})
				if err != nil {
					b.Fatal(err)
				}
				took = append(took, time.Since(start))
				groups = len(r.Groups)
			}
			slices.Sort(took)
			b.ReportMetric(float64(took[len(took)*95/100].Microseconds())/1000, "p95-ms")
			b.ReportMetric(float64(groups), "groups")
		})
	}
}
