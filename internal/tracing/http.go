package tracing

import (
	"net/http"

	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	semconv "go.opentelemetry.io/otel/semconv/v1.40.0"
	"go.opentelemetry.io/otel/trace"
)

// HTTP opens a server span around every request, a child of the caller's traceparent when it
// sends one. route names a path's family (ids left out), so that span names stay few.
func (t *Tracing) HTTP(route func(path string) string, next http.Handler) http.Handler {
	if !t.On() {
		return next
	}
	tracer := t.Tracer()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := Propagator.Extract(r.Context(), propagation.HeaderCarrier(r.Header))
		rt := route(r.URL.Path)
		ctx, span := tracer.Start(ctx, r.Method+" "+rt, trace.WithSpanKind(trace.SpanKindServer),
			trace.WithAttributes(semconv.HTTPRequestMethodKey.String(r.Method), semconv.HTTPRoute(rt), semconv.URLPath(r.URL.Path)))
		defer span.End()
		rec := &status{ResponseWriter: w, code: http.StatusOK}
		next.ServeHTTP(rec, r.WithContext(ctx))
		span.SetAttributes(semconv.HTTPResponseStatusCode(rec.code))
		if rec.code >= http.StatusInternalServerError {
			span.SetStatus(codes.Error, http.StatusText(rec.code))
		}
	})
}

type status struct {
	http.ResponseWriter
	code int
}

func (s *status) WriteHeader(code int) { s.code = code; s.ResponseWriter.WriteHeader(code) }

// Unwrap lets http.ResponseController reach the connection (websocket upgrades, flushes).
func (s *status) Unwrap() http.ResponseWriter { return s.ResponseWriter }
