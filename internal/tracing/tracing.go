// Package tracing holds the OpenTelemetry tracing of the server: the provider that exports
// spans over OTLP/HTTP, and the pieces that open them (HTTP requests, GraphQL operations and
// resolvers, SQL statements through internal/database, the outbox and the scheduler). Off
// unless an endpoint is configured: then nothing here is even installed, so an untraced
// server pays nothing for it.
package tracing

import (
	"context"
	"fmt"
	"runtime/debug"
	"time"

	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.40.0"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"

	"github.com/mifmaroc/erp/internal/config"
)

// scope names the instrumentation in every span this server opens.
const scope = "github.com/mifmaroc/erp"

// Propagator reads and writes W3C trace context (traceparent, tracestate) and baggage.
var Propagator = propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{})

// off is the tracer of an untraced server: it records nothing.
var off = noop.NewTracerProvider().Tracer(scope)

// Tracing is the server's span pipeline; the zero value (and nil) is off.
type Tracing struct {
	// Provider opens the spans; nil when off.
	Provider trace.TracerProvider
	shutdown func(context.Context) error
}

// Setup builds the exporting provider the configuration asks for, or an off Tracing.
func Setup(ctx context.Context, cfg config.TracingConfig, version string) (*Tracing, error) {
	if !cfg.On() {
		return &Tracing{}, nil
	}
	exp, err := otlptracehttp.New(ctx, otlptracehttp.WithEndpointURL(cfg.Endpoint))
	if err != nil {
		return nil, fmt.Errorf("tracing: OTLP exporter for %s: %w", cfg.Endpoint, err)
	}
	res := resource.NewWithAttributes(semconv.SchemaURL,
		semconv.ServiceName(cfg.ServiceName), semconv.ServiceVersion(version))
	tp := sdktrace.NewTracerProvider(
		sdktrace.WithBatcher(exp, sdktrace.WithBatchTimeout(2*time.Second)),
		sdktrace.WithResource(res),
		sdktrace.WithSampler(sdktrace.ParentBased(sdktrace.TraceIDRatioBased(cfg.SampleRatio))),
	)
	return &Tracing{Provider: tp, shutdown: tp.Shutdown}, nil
}

// New wraps a provider the caller built (tests record spans in memory with it).
func New(tp trace.TracerProvider) *Tracing { return &Tracing{Provider: tp} }

// On says whether spans are recorded.
func (t *Tracing) On() bool { return t != nil && t.Provider != nil }

// Tracer opens this server's spans; a no-op one when off.
func (t *Tracing) Tracer() trace.Tracer {
	if !t.On() {
		return off
	}
	return t.Provider.Tracer(scope)
}

// Shutdown sends the spans still buffered; the server calls it last, within its shutdown
// timeout.
func (t *Tracing) Shutdown(ctx context.Context) error {
	if t == nil || t.shutdown == nil {
		return nil
	}
	if err := t.shutdown(ctx); err != nil {
		return fmt.Errorf("tracing: flushing spans: %w", err)
	}
	return nil
}

// Or is t, or a tracer that records nothing: for the services whose tracer is optional.
func Or(t trace.Tracer) trace.Tracer {
	if t == nil {
		return off
	}
	return t
}

// Version names the build in the traces: its module version, or its commit when built from a
// checkout.
func Version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" {
			return s.Value
		}
	}
	return info.Main.Version
}
