package export_test

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/internal/apptest"
	"github.com/mifmaroc/erp/internal/domain"
)

// BenchmarkExport exports 10,000, 50,000 and 100,000 interventions through the whole HTTP stack, as
// CSV and as XLSX, and reports the peak of the live heap above what it was before the export
// (sampled every few milliseconds while it runs) and the bytes allocated per row: flat
// memory means the same peak for ten times the rows. Seeding takes a while:
//
//	TEST_DB=postgres go test -run '^$' -bench Export -benchtime 1x ./internal/export/
func BenchmarkExport(b *testing.B) {
	const total = 100_000
	env := apptest.New(b)
	admin := env.User(b, "Admin", domain.RoleAdmin)
	token := env.Token(b, admin)
	soc := env.Client.Societe.Create().SetNom("Alpha").SetCode("A").SaveX(env.Sys)
	eq := env.Client.Equipement.Create().SetNom("Pompe").SetCode("EQ-A").SetClient(soc).SaveX(env.Sys)
	created := time.Date(2026, 1, 1, 8, 0, 0, 0, time.UTC)
	start := time.Now()
	var firstID int
	for i := 0; i < total; i += 1000 {
		bulk := make([]*ent.InterventionCreate, 1000)
		for j := range bulk {
			n := i + j
			bulk[j] = env.Client.Intervention.Create().SetTitre("Intervention n° " + strconv.Itoa(n)).
				SetDescription("Contrôle périodique de la pompe, relevé des pressions").
				SetEquipement(eq).SetClient(soc).SetDureeEstimee(60).
				SetDateCreation(created.Add(time.Duration(n) * time.Minute)).SetDatePrevue(created.Add(time.Duration(n) * time.Hour))
		}
		ivs := env.Client.Intervention.CreateBulk(bulk...).SaveX(env.Sys)
		if i == 0 {
			firstID = ivs[0].ID
		}
	}
	b.Logf("seeded %d interventions in %s", total, time.Since(start).Round(time.Second))

	for _, rows := range []int{10_000, 50_000, total} {
		for _, format := range []string{"csv", "xlsx"} {
			b.Run(fmt.Sprintf("%s/%d", format, rows), func(b *testing.B) {
				q := url.Values{"where": {fmt.Sprintf(`{"idLT":%d}`, firstID+rows)}}
				var peak, alloc uint64
				var size int64
				for b.Loop() {
					peak, alloc, size = measure(b, env.URL+"/export/interventions."+format+"?"+q.Encode(), token)
				}
				b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
				b.ReportMetric(float64(alloc)/float64(rows), "alloc-B/row")
				b.ReportMetric(float64(size)/(1<<20), "file-MiB")
			})
		}
	}
}

// measure downloads rawURL and returns the peak live heap above the heap before it, the
// bytes allocated meanwhile, and the size of the file.
func measure(b *testing.B, rawURL, token string) (peak, alloc uint64, size int64) {
	b.Helper()
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	var (
		top  atomic.Uint64
		done = make(chan struct{})
		wg   sync.WaitGroup
	)
	wg.Go(func() {
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		var m runtime.MemStats
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				runtime.ReadMemStats(&m)
				if m.HeapAlloc > top.Load() {
					top.Store(m.HeapAlloc)
				}
			}
		}
	})
	req, err := http.NewRequest(http.MethodGet, rawURL, nil)
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := apptest.HTTP.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	size, err = io.Copy(io.Discard, res.Body)
	_ = res.Body.Close()
	close(done)
	wg.Wait()
	if err != nil || res.StatusCode != http.StatusOK {
		b.Fatalf("status %d, %v", res.StatusCode, err)
	}
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	if t := top.Load(); t > before.HeapAlloc {
		peak = t - before.HeapAlloc
	}
	return peak, after.TotalAlloc - before.TotalAlloc, size
}
