// Package metrics exposes Prometheus metrics: HTTP and GraphQL latency, GraphQL errors by
// code, the database pool, scheduler runs, the email queue and live subscribers. They are
// served on their own address (METRICS_ADDR), away from the public API.
package metrics

import (
	"context"
	"database/sql"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics holds the collectors of one server.
type Metrics struct {
	Registry *prometheus.Registry

	httpDuration *prometheus.HistogramVec
	gqlDuration  *prometheus.HistogramVec
	gqlErrors    *prometheus.CounterVec
}

// Sources are the values read at each scrape.
type Sources struct {
	DB                   *sql.DB
	PendingNotifications func() float64
	SchedulerRuns        func() float64
	Subscribers          func() float64
	DirectRenders        func() float64
	ReusedRenders        func() float64
	// Replica, when set, is the read replica's status (DATABASE_REPLICA_URL).
	Replica func() (inService bool, lagSeconds, reads float64)
}

// New registers the collectors.
func New(src Sources) *Metrics {
	r := prometheus.NewRegistry()
	m := &Metrics{
		Registry: r,
		httpDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "erp_http_request_duration_seconds", Help: "HTTP request latency by route, method and status class.",
			Buckets: prometheus.ExponentialBuckets(0.001, 2, 14),
		}, []string{"route", "method", "status"}),
		gqlDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "erp_graphql_operation_duration_seconds", Help: "GraphQL operation latency by operation type.",
			Buckets: prometheus.ExponentialBuckets(0.001, 2, 14),
		}, []string{"operation"}),
		gqlErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "erp_graphql_errors_total", Help: "GraphQL errors by extensions.code.",
		}, []string{"code"}),
	}
	r.MustRegister(m.httpDuration, m.gqlDuration, m.gqlErrors,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if src.DB != nil {
		r.MustRegister(collectors.NewDBStatsCollector(src.DB, "erp"))
	}
	gauge := func(name, help string, f func() float64) {
		if f != nil {
			r.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, f))
		}
	}
	gauge("erp_notifications_pending", "Notifications waiting to be sent (the email queue).", src.PendingNotifications)
	gauge("erp_scheduler_runs", "Preventive scheduler runs recorded.", src.SchedulerRuns)
	gauge("erp_live_subscribers", "Open live subscriptions on this instance.", src.Subscribers)
	if src.DirectRenders != nil {
		r.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "erp_graphql_direct_renders_total",
			Help: "Interventions lists and details PostgreSQL rendered (GRAPHQL_DIRECT_RENDERING)."}, src.DirectRenders))
	}
	if src.ReusedRenders != nil {
		r.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "erp_graphql_direct_renders_reused_total",
			Help: "Of those, details written from the rendering kept under the same database snapshot."}, src.ReusedRenders))
	}
	if f := src.Replica; f != nil {
		gauge("erp_db_replica_in_service", "1 while the read replica serves reads (reachable, lag within DATABASE_REPLICA_MAX_LAG).",
			func() float64 {
				if in, _, _ := f(); in {
					return 1
				}
				return 0
			})
		gauge("erp_db_replica_lag_seconds", "The read replica's replay lag at the last check (0 while unreachable).",
			func() float64 { _, lag, _ := f(); return lag })
		r.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "erp_db_replica_reads_total",
			Help: "Queries the read replica answered."}, func() float64 { _, _, n := f(); return n }))
	}
	return m
}

// Handler serves the metrics.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{})
}

// HTTP measures every request; routes are grouped so that labels stay few.
func (m *Metrics) HTTP(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &status{ResponseWriter: w, code: http.StatusOK}
		next.ServeHTTP(rec, r)
		m.httpDuration.WithLabelValues(Route(r.URL.Path), r.Method, strconv.Itoa(rec.code/100)+"xx").
			Observe(time.Since(start).Seconds())
	})
}

// Route names the family of a path, ids left out, so that labels and span names stay few.
func Route(p string) string {
	switch {
	case p == "/graphql", p == "/health", p == "/ready", p == "/":
		return p
	case strings.HasPrefix(p, "/auth/"):
		return p
	case strings.HasPrefix(p, "/static/uploads/"):
		return "/static/uploads"
	case strings.HasPrefix(p, "/export/"):
		return "/export"
	case strings.HasPrefix(p, "/reports/"):
		return "/reports"
	case strings.HasPrefix(p, "/equipements/"):
		return "/equipements"
	default:
		return "other"
	}
}

type status struct {
	http.ResponseWriter
	code int
}

func (s *status) WriteHeader(code int) { s.code = code; s.ResponseWriter.WriteHeader(code) }

// Unwrap lets http.ResponseController reach the connection (websocket upgrades).
func (s *status) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// GraphQL is the gqlgen extension that times operations and counts errors by code.
func (m *Metrics) GraphQL() graphql.HandlerExtension { return gqlExtension{m} }

type gqlExtension struct{ m *Metrics }

func (gqlExtension) ExtensionName() string                   { return "Metrics" }
func (gqlExtension) Validate(graphql.ExecutableSchema) error { return nil }

func (e gqlExtension) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	start := time.Now()
	resp := next(ctx)
	op := "unknown"
	if graphql.HasOperationContext(ctx) {
		if oc := graphql.GetOperationContext(ctx); oc.Operation != nil {
			op = string(oc.Operation.Operation)
		}
	}
	e.m.gqlDuration.WithLabelValues(op).Observe(time.Since(start).Seconds())
	if resp != nil {
		for _, err := range resp.Errors {
			code, _ := err.Extensions["code"].(string)
			if code == "" {
				code = "UNKNOWN"
			}
			e.m.gqlErrors.WithLabelValues(code).Inc()
		}
	}
	return resp
}
