package planning_test

import (
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/internal/domain"
)

// BenchmarkRun10kDue measures one scheduler run over 10,000 due plannings (a third with a
// default technician, so assigned and notified). Run it on PostgreSQL:
//
//	TEST_DB=postgres go test -run '^$' -bench Run10kDue -benchtime 1x ./internal/planning/
func BenchmarkRun10kDue(b *testing.B) {
	const plans = 10000
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		e := newSchedEnv(b, at(2026, 9, 1, 12))
		techUser := e.User(b, "Tech"+strconv.Itoa(i), domain.RoleTechnicien)
		tech := e.Client.Technicien.Create().SetUser(techUser).SaveX(e.Sys)
		for start := 0; start < plans; start += 1000 {
			bulk := make([]*ent.PlanningCreate, 0, 1000)
			for j := start; j < start+1000; j++ {
				first := at(2026, 8, 1+j%28, 8)
				c := e.Client.Planning.Create().SetTitre(fmt.Sprintf("Plan %d", j)).SetFrequence(domain.FrequenceMensuel).
					SetProchaineDate(first).SetDateDebut(first).SetEquipement(e.eq)
				if j%3 == 0 {
					c.SetTechnicien(tech)
				}
				bulk = append(bulk, c)
			}
			e.Client.Planning.CreateBulk(bulk...).SaveX(e.Sys)
		}
		b.StartTimer()
		start := time.Now()
		run := e.run(b)
		elapsed := time.Since(start)
		b.StopTimer()
		if run.Created != plans || run.Errors != 0 {
			b.Fatalf("run: created %d, errors %d (%s)", run.Created, run.Errors, run.ErrorDetail)
		}
		b.ReportMetric(float64(elapsed.Microseconds())/plans, "µs/planning")
	}
}
