package graph_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/mifmaroc/erp/internal/apptest"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/pubsub"
)

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// BenchmarkSoakSubscriptions holds SOAK_SUBSCRIBERS websocket subscribers (default 1000) on
// one instance while SOAK_RATE status events per second (default 100) are published for
// SOAK_SECONDS (default 10), and reports the delivery latency (publish → message read by the
// client) and the memory held per subscriber. On PostgreSQL events go through NOTIFY.
//
//	TEST_DB=postgres go test -run '^$' -bench SoakSubscriptions -benchtime 1x ./graph/
func BenchmarkSoakSubscriptions(b *testing.B) {
	subs, rate, seconds := envInt("SOAK_SUBSCRIBERS", 1000), envInt("SOAK_RATE", 100), envInt("SOAK_SECONDS", 10)
	for i := 0; i < b.N; i++ {
		env := apptest.New(b)
		admin := env.User(b, "Admin"+strconv.Itoa(i), domain.RoleAdmin)
		token := env.Token(b, admin)
		runtime.GC()
		var before runtime.MemStats
		runtime.ReadMemStats(&before)

		t := &testing.T{}
		var (
			mu        sync.Mutex
			latencies []time.Duration
			wg        sync.WaitGroup
			clients   []*wsClient
		)
		total := rate * seconds
		// The clients run in this process, on the same cores as the server: they read as
		// cheaply as they can (one context for the run, the timestamp found in the raw
		// message) so that what is measured is mostly the server. Each reads from its
		// dialling on: it answers the server's pings meanwhile.
		readCtx, stopReading := context.WithTimeout(context.Background(), time.Duration(seconds)*time.Second+5*time.Minute)
		horodatage := []byte(`"horodatage":"`)
		read := func(c *wsClient) {
			defer wg.Done()
			for got := 0; got < total; {
				_, m, err := c.conn.Read(readCtx)
				if err != nil {
					return
				}
				now := time.Now()
				i := bytes.Index(m, horodatage)
				if i < 0 {
					// Not an event. A client that leaves the server's pings unanswered
					// is disconnected (graphql-transport-ws), as the first of 10,000
					// would be while the others are still dialling.
					if bytes.Contains(m, []byte(`"type":"ping"`)) {
						_ = c.conn.Write(readCtx, websocket.MessageText, []byte(`{"type":"pong"}`))
					}
					continue
				}
				m = m[i+len(horodatage):]
				if j := bytes.IndexByte(m, '"'); j > 0 {
					if at, err := time.Parse(time.RFC3339Nano, string(m[:j])); err == nil {
						mu.Lock()
						latencies = append(latencies, now.Sub(at))
						mu.Unlock()
					}
				}
				got++
			}
		}
		for s := 0; s < subs; s++ {
			c, err := dialWSBench(b, env, token)
			if err != nil {
				b.Fatalf("subscriber %d: %v", s, err)
			}
			c.t = t
			c.subscribe("1", `subscription { interventionStatutChanged { horodatage } }`, nil)
			clients = append(clients, c)
			wg.Add(1)
			go read(c)
		}
		deadline := time.Now().Add(time.Minute)
		for env.Deps.Events.Subscribers() < subs && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		runtime.GC()
		var held runtime.MemStats
		runtime.ReadMemStats(&held)
		goroutines := runtime.NumGoroutine()
		rss := residentMiB(b)
		cpuBefore := cpuTime(b)

		b.ResetTimer()
		tick := time.NewTicker(time.Second / time.Duration(rate))
		for n := 0; n < total; n++ {
			<-tick.C
			env.Deps.Events.Publish(context.Background(), pubsub.Event{Statut: &pubsub.StatutChange{
				InterventionID: n + 1, Nouveau: domain.StatutEnCours, At: time.Now(),
			}})
		}
		tick.Stop()
		wg.Wait()
		stopReading()
		b.StopTimer()
		cpu := cpuTime(b) - cpuBefore

		slices.Sort(latencies)
		pct := func(p float64) time.Duration {
			if len(latencies) == 0 {
				return 0
			}
			return latencies[min(len(latencies)-1, int(float64(len(latencies))*p))]
		}
		delivered := float64(len(latencies)) / float64(total*subs)
		b.ReportMetric(float64(pct(0.50).Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(pct(0.99).Microseconds())/1000, "p99-ms")
		b.ReportMetric(delivered*100, "%delivered")
		b.ReportMetric(float64(held.HeapAlloc-before.HeapAlloc)/float64(subs)/1024, "KiB/subscriber")
		b.ReportMetric(rss, "RSS-MiB")
		// The clients are in this process: the RSS, heap and CPU are the server's and theirs.
		fmt.Fprintf(os.Stderr, "soak: %d subscribers, %d events/s for %d s on %s: p50 %s, p95 %s, p99 %s, max %s, delivered %.2f%%, "+
			"CPU %.1f s (server and clients), RSS %.0f MiB, heap held %.1f MiB (%.1f KiB/subscriber), %d goroutines\n",
			subs, rate, seconds, env.DB.Dialect, pct(0.5), pct(0.95), pct(0.99), pct(1), delivered*100, cpu.Seconds(), rss,
			float64(held.HeapAlloc-before.HeapAlloc)/(1<<20), float64(held.HeapAlloc-before.HeapAlloc)/float64(subs)/1024, goroutines)
		for _, c := range clients {
			_ = c.conn.CloseNow()
		}
	}
}

// cpuTime is the CPU time (user and system) this process used so far.
func cpuTime(b *testing.B) time.Duration {
	b.Helper()
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		b.Fatal(err)
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}

// residentMiB is this process's resident set size (Linux: VmRSS).
func residentMiB(b *testing.B) float64 {
	b.Helper()
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		b.Fatal(err)
	}
	for _, line := range strings.Split(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kib, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			if err != nil {
				b.Fatal(err)
			}
			return float64(kib) / 1024
		}
	}
	b.Fatal("no VmRSS in /proc/self/status")
	return 0
}

// dialWSBench is dialWS for a benchmark.
func dialWSBench(b *testing.B, env *apptest.Env, token string) (*wsClient, error) {
	b.Helper()
	t := &testing.T{}
	return dialWSInner(t, env, token, false)
}
