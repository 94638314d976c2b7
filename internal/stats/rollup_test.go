package stats_test

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/internal/database"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/gqltest"
	"github.com/mifmaroc/erp/internal/localtime"
	"github.com/mifmaroc/erp/internal/stats"
	"github.com/mifmaroc/erp/internal/testdb"
	"github.com/mifmaroc/erp/internal/viewer"
)

// rollupFixture is random work on four equipment (and some on none) around now, with the
// two services: one always reading the interventions, one reading the rollup where it may.
type rollupFixture struct {
	db              *database.DB
	sys             context.Context
	now             time.Time
	rolled, general *stats.Service
	equipements     []*ent.Equipement
	societe         *ent.Societe
	rnd             *rand.Rand
	ivs             []*ent.Intervention
}

func newRollupFixture(t *testing.T, now time.Time) *rollupFixture {
	t.Helper()
	db := testdb.Open(t)
	paris, err := localtime.Load("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	f := &rollupFixture{db: db, sys: viewer.SystemContext(context.Background()), now: now.UTC(), rnd: rand.New(rand.NewPCG(7, 11))}
	clock := func() time.Time { return f.now }
	f.general = &stats.Service{Client: db.Ent, SQL: db.SQL, Dialect: db.Dialect, Zone: paris, Now: clock}
	r := *f.general
	r.Rollup = true
	f.rolled = &r
	f.societe = db.Ent.Societe.Create().SetNom("S1").SetCode("S1").SaveX(f.sys)
	for i := range 4 {
		e := db.Ent.Equipement.Create().SetNom(fmt.Sprintf("E%d", i)).SetCode(fmt.Sprintf("E%d", i))
		if i < 2 {
			e.SetClient(f.societe)
		}
		f.equipements = append(f.equipements, e.SaveX(f.sys))
	}
	for range 120 {
		f.ivs = append(f.ivs, f.intervention())
	}
	return f
}

// at is now moved by up to days either way, to the minute.
func (f *rollupFixture) at(before, after int) time.Time {
	span := (before + after) * 24 * 60
	return f.now.Add(time.Duration(f.rnd.IntN(span)-before*24*60) * time.Minute)
}

// intervention creates one at random: every status and type, deadlines and due dates
// before and after now, closures, cancellations with and without their date, facts.
func (f *rollupFixture) intervention() *ent.Intervention {
	r := f.rnd
	statuts := domain.InterventionStatut("").Values()
	types := domain.InterventionType("").Values()
	created := f.at(420, 3)
	ic := f.db.Ent.Intervention.Create().SetTitre("I").
		SetType(domain.InterventionType(types[r.IntN(len(types))])).
		SetStatut(domain.InterventionStatut(statuts[r.IntN(len(statuts))])).
		SetDateCreation(created).SetPremiereFois(r.IntN(3) > 0).
		SetMainOeuvreMinutesTaux(int64(r.IntN(500000))).SetPiecesCentimes(int64(r.IntN(90000)))
	if r.IntN(10) > 0 {
		k := r.IntN(len(f.equipements))
		ic.SetEquipement(f.equipements[k])
		if k < 2 {
			ic.SetClient(f.societe)
		}
	}
	if r.IntN(2) == 0 {
		ic.SetDateDebut(created.Add(time.Duration(r.IntN(48*60)) * time.Minute))
	}
	if r.IntN(2) == 0 {
		ic.SetDateCloture(created.Add(time.Duration(r.IntN(30*24*60)) * time.Minute))
	}
	if r.IntN(3) > 0 {
		ic.SetDateLimite(created.Add(time.Duration(r.IntN(40*24*60)-2*24*60) * time.Minute))
	}
	if r.IntN(2) == 0 {
		ic.SetDateEcheance(created.Add(time.Duration(r.IntN(40*24*60)-10*24*60) * time.Minute))
	}
	if r.IntN(4) == 0 {
		ic.SetDateAnnulation(created.Add(time.Duration(r.IntN(20*24*60)) * time.Minute))
	}
	return ic.SaveX(f.sys)
}

// windows are whole months of the zone around now, each asked by every grouping the rollup
// answers.
func (f *rollupFixture) windows() []stats.Query {
	loc := f.general.Zone.Location()
	l := f.now.In(loc)
	month := func(m int) time.Time { return time.Date(l.Year(), l.Month()+time.Month(m), 1, 0, 0, 0, 0, loc) }
	var qs []stats.Query
	for _, w := range [][2]int{{-12, 1}, {-6, -2}, {0, 1}, {-1, 3}, {-15, -13}} {
		for _, by := range [][]domain.StatsGroupBy{nil, {domain.StatsMois}, {domain.StatsEquipement}, {domain.StatsEquipement, domain.StatsMois}} {
			qs = append(qs, stats.Query{From: month(w[0]), To: month(w[1]), GroupBy: by})
		}
	}
	return qs
}

// both are the answers to q of the rollup and of the statement alone.
func (f *rollupFixture) both(t *testing.T, ctx context.Context, q stats.Query) (rolled, general *stats.Result) {
	t.Helper()
	general, err := f.general.Compute(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	rolled, err = f.rolled.Compute(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	return rolled, general
}

// same fails unless the rollup's answers to every window are the statement's.
func (f *rollupFixture) same(t *testing.T, ctx context.Context, step string) {
	t.Helper()
	for _, q := range f.windows() {
		got, want := f.both(t, ctx, q)
		if d := differ(got, want); d != "" {
			t.Fatalf("%s, %s to %s by %v: the rollup says %s", step, q.From, q.To, q.GroupBy, d)
		}
	}
}

// differ describes how a differs from b ("": not at all); sums of seconds may differ in
// their last digits, being added in another order.
func differ(a, b *stats.Result) string {
	if len(a.Groups) != len(b.Groups) {
		return fmt.Sprintf("%d groups, not %d", len(a.Groups), len(b.Groups))
	}
	for i := range a.Groups {
		x, y := *a.Groups[i], *b.Groups[i]
		for _, p := range []struct {
			name string
			a, b *float64
		}{{"mttr", x.MttrHeures, y.MttrHeures}, {"ftf", x.PremiereInterventionReussie, y.PremiereInterventionReussie},
			{"arret", x.ArretHeures, y.ArretHeures}, {"dispo", x.Disponibilite, y.Disponibilite}, {"mtbf", x.MtbfHeures, y.MtbfHeures},
			{"sla", x.RespectSla, y.RespectSla}, {"prev", x.ConformitePreventive, y.ConformitePreventive}} {
			if (p.a == nil) != (p.b == nil) || p.a != nil && math.Abs(*p.a-*p.b) > 1e-9*math.Max(1, math.Abs(*p.b)) {
				return fmt.Sprintf("group %d: %s %v, not %v", i, p.name, deref(p.a), deref(p.b))
			}
		}
		if xs, ys := exact(x), exact(y); xs != ys {
			return fmt.Sprintf("group %d:\n%s\nnot\n%s", i, xs, ys)
		}
	}
	return ""
}

// exact is what of a group must be equal to the digit: keys, counts and costs.
func exact(g stats.Group) string {
	n := func(p *int) any {
		if p == nil {
			return nil
		}
		return *p
	}
	return fmt.Sprint(n(g.EquipementID), n(g.TechnicienID), n(g.ClientID), g.Type != nil, g.Debut, g.Fin, g.Interventions, g.ParStatut, g.ParType,
		g.Backlog, g.Reparations, n(g.Pannes), n(g.Equipements), g.SlaConcernees, g.PreventivesConcernees,
		g.CoutMainOeuvreCentimes, g.CoutPiecesCentimes)
}

func deref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

func (f *rollupFixture) count(t *testing.T, stmt string) int {
	t.Helper()
	var n int
	if err := f.db.SQL.QueryRow(stmt).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestRollupAnswersAsTheStatement: whatever is written, whenever it is asked, the rollup's
// answer is the statement's; with a frozen clock moved by hand and with the real one.
func TestRollupAnswersAsTheStatement(t *testing.T) {
	for _, c := range []struct {
		name string
		now  time.Time
	}{{"Frozen", time.Date(2026, 3, 15, 9, 30, 0, 0, time.UTC)}, {"RealClock", time.Now()}} {
		t.Run(c.name, func(t *testing.T) {
			f := newRollupFixture(t, c.now)
			staff := viewer.NewContext(context.Background(), &viewer.Viewer{UserID: 1, Role: domain.RoleAdmin})
			f.same(t, staff, "first read")
			if n := f.count(t, "SELECT COUNT(*) FROM stats_etats"); n != len(f.equipements) {
				t.Fatalf("%d equipment computed by the reads, want %d", n, len(f.equipements))
			}
			if n := f.count(t, "SELECT COUNT(*) FROM stats_cellules"); n == 0 {
				t.Fatal("no cell written")
			}

			// Writes of every kind, read before any refresh but the read's own.
			iv := f.ivs[0]
			f.db.Ent.Intervention.UpdateOne(iv).SetStatut(domain.StatutCloturee).SetDateCloture(f.now.Add(-time.Hour)).ExecX(f.sys)
			f.db.Ent.Intervention.UpdateOne(f.ivs[1]).SetEquipement(f.equipements[3]).ExecX(f.sys)
			f.db.Ent.Intervention.UpdateOne(f.ivs[2]).ClearEquipement().ExecX(f.sys)
			f.db.Ent.Intervention.DeleteOne(f.ivs[3]).ExecX(f.sys)
			f.ivs = append(f.ivs, f.intervention(), f.intervention())
			if n := f.count(t, "SELECT COUNT(*) FROM stats_modifs"); n == 0 {
				t.Fatal("the writes marked no equipment as changed")
			}
			f.same(t, staff, "after writes")

			// Time passes: deadlines and due dates fall due, the current month ends.
			for _, d := range []time.Duration{time.Hour, 3 * 24 * time.Hour, 20 * 24 * time.Hour} {
				f.now = f.now.Add(d)
				f.same(t, staff, fmt.Sprintf("%s later", d))
			}

			// An equipment deleted: its work counts under none.
			f.db.Ent.Equipement.DeleteOne(f.equipements[2]).ExecX(f.sys)
			f.same(t, staff, "equipment deleted")
		})
	}
}

// TestRollupIsRead proves the reads add up the cells (a wrong cell shows), and that only
// those who read every intervention get them: the figures of a client and of a responsable
// scoped to a site do not move.
func TestRollupIsRead(t *testing.T) {
	f := newRollupFixture(t, time.Date(2026, 3, 15, 9, 30, 0, 0, time.UTC))
	staff := viewer.NewContext(context.Background(), &viewer.Viewer{UserID: 1, Role: domain.RoleAdmin})
	others := []context.Context{
		viewer.NewContext(context.Background(), &viewer.Viewer{UserID: 2, Role: domain.RoleClient, SocieteID: f.societe.ID}),
		viewer.NewContext(context.Background(), &viewer.Viewer{UserID: 3, Role: domain.RoleResponsable, Sites: []int{1}}),
	}
	qs := []stats.Query{f.windows()[1], f.windows()[2]} // by month (the totals), by equipment (the cells)
	before := map[[2]int]*stats.Result{}
	for i, q := range qs {
		for j, ctx := range others {
			r, err := f.rolled.Compute(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			before[[2]int{i, j}] = r
		}
	}
	f.same(t, staff, "first read")
	for _, stmt := range []string{"UPDATE stats_cellules SET n = n + 1000 WHERE kind = 2", "UPDATE stats_totaux SET n = n + 1000 WHERE kind = 2"} {
		if _, err := f.db.SQL.Exec(stmt); err != nil {
			t.Fatal(err)
		}
	}
	for i, q := range qs {
		got, want := f.both(t, staff, q)
		if differ(got, want) == "" {
			t.Fatalf("by %v: a wrong cell changed nothing: the rollup is not read", q.GroupBy)
		}
		for j, ctx := range others {
			after, err := f.rolled.Compute(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			if d := differ(after, before[[2]int{i, j}]); d != "" {
				t.Fatalf("by %v, viewer %d: figures changed with the rollup: %s", q.GroupBy, j, d)
			}
		}
	}
	// A write of an equipment sets its cells aside until they are computed again.
	f.db.Ent.Intervention.UpdateOne(f.ivs[0]).SetTitre("changed").ExecX(f.sys)
	if _, err := f.rolled.Refresh(staff, 0); err != nil {
		t.Fatal(err)
	}
	if n := f.count(t, "SELECT COUNT(*) FROM stats_cellules WHERE n > 1000"); n == 0 {
		t.Fatal("the refresh computed everything again, not only what changed")
	}
}

// TestStatsTriggers: every writer of interventions, SQL included, marks the equipment of
// the rows it writes, before and after.
func TestStatsTriggers(t *testing.T) {
	f := newRollupFixture(t, time.Date(2026, 3, 15, 9, 30, 0, 0, time.UTC))
	changed := func(stmt string, args ...any) []int {
		t.Helper()
		if _, err := f.db.SQL.Exec("DELETE FROM stats_modifs"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.db.SQL.Exec(stmt, args...); err != nil {
			t.Fatal(err)
		}
		rows, err := f.db.SQL.Query("SELECT DISTINCT equipement_id FROM stats_modifs ORDER BY 1")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var ids []int
		for rows.Next() {
			var id int
			if err := rows.Scan(&id); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, id)
		}
		return ids
	}
	ph := func(i int) string {
		if f.db.Dialect == "postgres" {
			return fmt.Sprintf("$%d", i)
		}
		return "?"
	}
	e0, e1 := f.equipements[0].ID, f.equipements[1].ID
	iv := f.db.Ent.Intervention.Create().SetTitre("T").SetDateCreation(f.now).SetEquipementID(e0).SaveX(f.sys)
	for _, c := range []struct {
		name, stmt string
		args       []any
		want       []int
	}{
		{"update", "UPDATE interventions SET titre = 'x' WHERE id = " + ph(1), []any{iv.ID}, []int{e0}},
		{"move", "UPDATE interventions SET equipement_id = " + ph(1) + " WHERE id = " + ph(2), []any{e1, iv.ID}, []int{e0, e1}},
		{"delete", "DELETE FROM interventions WHERE id = " + ph(1), []any{iv.ID}, []int{e1}},
	} {
		if got := changed(c.stmt, c.args...); fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("%s: equipment marked %v, want %v", c.name, got, c.want)
		}
	}
	if got := changed("UPDATE interventions SET titre = titre WHERE equipement_id IS NULL"); len(got) != 0 {
		t.Errorf("work on no equipment marked %v", got)
	}
}

// TestKeepRollup: the server's refresher brings every equipment up to date from its start,
// logs it, and stops when asked.
func TestKeepRollup(t *testing.T) {
	f := newRollupFixture(t, time.Now())
	var log gqltest.SharedLog
	logger := slog.New(slog.NewTextHandler(&log, nil))
	stop := f.rolled.KeepRollup(context.Background(), time.Hour, logger)
	deadline := time.Now().Add(20 * time.Second)
	for f.count(t, "SELECT COUNT(*) FROM stats_etats") < len(f.equipements) {
		if time.Now().After(deadline) {
			t.Fatal("the refresher did not compute the equipment")
		}
		time.Sleep(20 * time.Millisecond)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := stop(ctx); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(log.String(), "rollup refreshed") || !strings.Contains(log.String(), "equipements=4") {
		t.Fatalf("log: %q", log.String())
	}
}
