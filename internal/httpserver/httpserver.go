// Package httpserver assembles the HTTP surface (GraphQL, GraphiQL, health probes) and runs
// it with timeouts and a graceful shutdown.
package httpserver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/mifmaroc/erp/graph"
	"github.com/mifmaroc/erp/internal/auth"
	"github.com/mifmaroc/erp/internal/config"
	"github.com/mifmaroc/erp/internal/database"
	"github.com/mifmaroc/erp/internal/graphiql"
	"github.com/mifmaroc/erp/internal/idempotency"
	"github.com/mifmaroc/erp/internal/metrics"
	"github.com/mifmaroc/erp/internal/tracing"
	"github.com/mifmaroc/erp/internal/viewer"
)

// Deps is what the handler serves.
type Deps struct {
	Config config.Config
	DB     *database.DB
	Logger *slog.Logger
	graph.Services
	Metrics *metrics.Metrics
	// Websockets are the open GraphQL websockets, closed with 1001 at shutdown.
	Websockets *graph.Websockets
	// Recovery sends and honours "forgot password" links (/auth/forgot-password).
	Recovery *auth.Recovery
	// Idempotency answers retried GraphQL requests (header Idempotency-Key).
	Idempotency *idempotency.Store
	// Tracing opens the spans of requests and operations (nil or off: none).
	Tracing *tracing.Tracing
	// TrustedDocuments are the only operations /graphql runs (nil: any).
	TrustedDocuments *graph.TrustedDocuments
}

// readyTimeout bounds the database ping of /ready, so that a probe never hangs.
const readyTimeout = 2 * time.Second

// NewHandler returns the server's routes:
//
//	/graphql  GraphQL (GET, POST, multipart)
//	/         GraphiQL, its files under /graphiql/ (not in production)
//	/auth/…   REST shim: token, refresh, logout, me, forgot-password, reset-password
//	/static/uploads/…  documents, by signed URL
//	/export/…  CSV and XLSX exports, with the token or by signed URL (internal/export)
//	/reports/…  PDF reports, by bearer token or signed URL (reports.go)
//	/health   liveness: the process answers (no database access)
//	/ready    readiness: the database answers; 503 otherwise
//
// Every route sees the viewer of a valid bearer token.
func NewHandler(d Deps) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/graphql", longLivedWebsockets(limitUploads(d.Documents.MaxBytes+(1<<20), d.Idempotency.Middleware(graph.NewServer(graph.Options{
		Client:         d.DB.Ent,
		Dialect:        d.DB.Dialect,
		Direct:         d.Config.DirectRendering,
		OnOperation:    noteOperation,
		Logger:         d.Logger,
		Services:       d.Services,
		Metrics:        d.Metrics.GraphQL(),
		Tracing:        d.Tracing.GraphQL(),
		AllowedOrigins: d.Config.CORSAllowOrigins,
		Introspection:  !d.Config.Production(),
		Websockets:     d.Websockets,
		SessionCheck:   d.Config.SubscriptionCheck,
		Suggestions:    !d.Config.Production(),
		// Where GraphiQL is served, its freeform roles are set (internal/app).
		TrustedDocuments: d.TrustedDocuments,
		Writes:           d.DB,
	})))))
	staticRoutes{store: d.Documents, client: d.DB.Ent, log: d.Logger}.register(mux)
	exportRoutes{svc: d.Exports, auth: d.Auth, log: d.Logger, now: d.Now, slots: make(chan struct{}, maxConcurrentExports)}.register(mux)
	reportRoutes{svc: d.Reports, auth: d.Auth, log: d.Logger}.register(mux)
	authRoutes{svc: d.Auth, recovery: d.Recovery, client: d.DB.Ent, log: d.Logger,
		limit:  newLoginLimiter(d.Config.LoginRateLimit, d.Auth.Tokens.Now),
		resets: newLoginLimiter(auth.ResetsPerHour, d.Auth.Tokens.Now),
	}.register(mux)
	if d.Config.GraphiQL() {
		// GraphiQL for analysts and developers; production serves the API only.
		// Served from the binary: it works without the internet.
		graphiql.Register(mux, "MIF Maroc — maintenance ERP", graphqlPath)
	}
	mux.HandleFunc("GET /health", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET /ready", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), readyTimeout)
		defer cancel()
		if err := d.DB.Ping(ctx); err != nil {
			d.Logger.WarnContext(ctx, "readiness check failed", "error", err)
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "reason": "database unreachable"})
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
	})
	// Overload is refused before the token is checked: that costs a database read.
	guarded := limitInflight(d.Config.MaxInflight, d.Config.InflightQueueWait, authenticate(d.Auth, d.Logger, noteWrites(d.DB, mux)))
	return d.Metrics.HTTP(d.Tracing.HTTP(metrics.Route, language(requestLog(d.Logger, securityHeaders(noStore(cors(d.Config.CORSAllowOrigins, guarded)))))))
}

// noteWrites tells db who sent a REST request that may write, once it is answered, so that
// his next reads see what he wrote (read replicas). GraphQL says it itself: only its
// mutations write, whatever the method.
func noteWrites(db *database.DB, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r)
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			return
		}
		if v := viewer.FromContext(r.Context()); v != nil && r.URL.Path != graphqlPath {
			db.Wrote(v.UserID)
		}
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// longLivedWebsockets lifts the server's read and write deadlines for a websocket upgrade:
// they bound ordinary requests, and the websocket library does not clear them after taking
// the connection over, so a subscription would die when they expire.
func longLivedWebsockets(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
			rc := http.NewResponseController(w)
			_ = rc.SetReadDeadline(time.Time{})
			_ = rc.SetWriteDeadline(time.Time{})
		}
		next.ServeHTTP(w, r)
	})
}

// Server timeouts: a client that sends its headers slowly or holds an idle connection
// cannot pin resources for long.
const (
	readHeaderTimeout = 5 * time.Second
	readTimeout       = 60 * time.Second // large uploads on slow phone networks
	writeTimeout      = 60 * time.Second
	idleTimeout       = 120 * time.Second
)

// Run serves h on ln until ctx is cancelled (SIGTERM, SIGINT), then stops accepting
// connections and, within drain, lets in-flight requests finish while it runs each of stops
// (closing websockets, stopping background workers) at the same time. Whatever has not
// finished by then is cut, and the error says what.
func Run(ctx context.Context, ln net.Listener, h http.Handler, drain time.Duration, log *slog.Logger, stops ...func(context.Context) error) error {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		// Requests keep their own context through a shutdown: accepted work completes.
		BaseContext: func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()

	select {
	case err := <-errc:
		return fmt.Errorf("http server: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down: draining in-flight requests", "timeout", drain.String())
	start := time.Now()
	sctx, cancel := context.WithTimeout(context.Background(), drain)
	defer cancel()
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
	)
	for _, stop := range stops {
		wg.Go(func() {
			if err := stop(sctx); err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
		})
	}
	var httpErr error
	if err := srv.Shutdown(sctx); err != nil {
		_ = srv.Close()
		httpErr = fmt.Errorf("draining requests: %w", err)
	} else if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		httpErr = fmt.Errorf("http server: %w", err)
	}
	wg.Wait()
	errs = append(errs, httpErr)
	if err := errors.Join(errs...); err != nil {
		return err
	}
	log.Info("server stopped", "shutdown_ms", time.Since(start).Milliseconds())
	return nil
}
