package httpserver

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/mifmaroc/erp/internal/i18n"
	"github.com/mifmaroc/erp/internal/viewer"
)

// cors answers browsers from the configured origins (CORS_ALLOW_ORIGINS) and only them: a
// request from another origin gets no CORS header, so the browser withholds the answer.
// Tokens travel in the Authorization header, never in cookies: no credentials mode.
func cors(allowed []string, next http.Handler) http.Handler {
	wildcard := slices.Contains(allowed, "*")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		if origin != "" && (wildcard || slices.Contains(allowed, origin)) {
			h := w.Header()
			h.Set("Access-Control-Allow-Origin", origin)
			h.Add("Vary", "Origin")
			h.Set("Access-Control-Expose-Headers", "X-Request-ID, Retry-After, Idempotent-Replayed")
			if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
				h.Set("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
				h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, X-Request-ID, Apollo-Require-Preflight, Idempotency-Key")
				h.Set("Access-Control-Max-Age", "600")
				w.WriteHeader(http.StatusNoContent)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// securityHeaders sets the headers every answer carries: no MIME sniffing, no framing, no
// referrer leaking ids in URLs.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		next.ServeHTTP(w, r)
	})
}

// language writes the request's texts (error messages) in the language its
// Accept-Language header prefers, French when it names none we speak. A websocket keeps
// its upgrade request's language unless connection_init says otherwise (graph/wssession.go).
func language(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l := i18n.FromAcceptLanguage(r.Header.Get("Accept-Language"))
		next.ServeHTTP(w, r.WithContext(i18n.WithLang(r.Context(), l)))
	})
}

type requestIDKey struct{}

// RequestID is the id of the request ctx belongs to ("" outside a request).
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// requestLog gives every request an id (the client's X-Request-ID when sensible, else a new
// one), returns it in the response, and writes one log line per request with it.
func requestLog(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-ID")
		if id == "" || len(id) > 128 || strings.ContainsFunc(id, func(c rune) bool { return c < 0x21 || c > 0x7e }) {
			b := make([]byte, 12)
			_, _ = rand.Read(b)
			id = hex.EncodeToString(b)
		}
		w.Header().Set("X-Request-ID", id)
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		ctx := context.WithValue(r.Context(), requestIDKey{}, id)
		ctx = context.WithValue(ctx, recorderKey{}, rec)
		ctx = viewer.WithIP(ctx, clientIP(r))
		start := time.Now()
		next.ServeHTTP(rec, r.WithContext(ctx))
		attrs := []any{"request_id", id, "method", r.Method, "path", r.URL.Path, "status", rec.status,
			"duration_ms", float64(time.Since(start).Microseconds()) / 1000, "ip", viewer.IP(ctx)}
		if v := rec.viewer; v != nil {
			attrs = append(attrs, "user_id", v.UserID)
		}
		if name, kind := rec.op(); kind != "" {
			attrs = append(attrs, "operation", name, "operation_type", kind)
		}
		log.InfoContext(ctx, "request", attrs...)
	})
}

type recorderKey struct{}

// noteViewer lets the request's log line name its user once authentication found one.
func noteViewer(ctx context.Context, v *viewer.Viewer) {
	if rec, ok := ctx.Value(recorderKey{}).(*statusRecorder); ok {
		rec.viewer = v
	}
}

// noteOperation lets the request's log line name its GraphQL operation (the first one, for
// a websocket that carries several).
func noteOperation(ctx context.Context, name, kind string) {
	if rec, ok := ctx.Value(recorderKey{}).(*statusRecorder); ok {
		rec.mu.Lock()
		defer rec.mu.Unlock()
		if rec.operationType == "" {
			rec.operation, rec.operationType = name, kind
		}
	}
}

func (rec *statusRecorder) op() (name, kind string) {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return rec.operation, rec.operationType
}

// statusRecorder remembers the status written, and lets the websocket upgrade through.
type statusRecorder struct {
	http.ResponseWriter
	status                   int
	viewer                   *viewer.Viewer
	mu                       sync.Mutex
	operation, operationType string
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the connection (hijack, deadlines).
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }
