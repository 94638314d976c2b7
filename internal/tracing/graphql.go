package tracing

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// ComplexityStat is the operation statistic (graphql.Stats extension) where the limits
// leave the cost they measured, for the operation's span.
const ComplexityStat = "complexity"

// Attributes of GraphQL spans (OpenTelemetry's GraphQL conventions where they exist).
const (
	attrOperationType = attribute.Key("graphql.operation.type")
	attrOperationName = attribute.Key("graphql.operation.name")
	attrComplexity    = attribute.Key("graphql.operation.complexity")
	attrErrors        = attribute.Key("graphql.errors")
	attrFieldPath     = attribute.Key("graphql.field.path")
)

// GraphQL is the gqlgen extension that opens a span per operation and one per field served
// by a resolver (the fields that may read the database); nil when tracing is off, so that
// an untraced server does not even walk through it.
func (t *Tracing) GraphQL() graphql.HandlerExtension {
	if !t.On() {
		return nil
	}
	return gqlTracer{t.Tracer()}
}

type gqlTracer struct{ tracer trace.Tracer }

var (
	_ graphql.OperationInterceptor = gqlTracer{}
	_ graphql.FieldInterceptor     = gqlTracer{}
)

func (gqlTracer) ExtensionName() string                   { return "Tracing" }
func (gqlTracer) Validate(graphql.ExecutableSchema) error { return nil }

func (g gqlTracer) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	oc := graphql.GetOperationContext(ctx)
	kind, name := "", oc.OperationName
	if oc.Operation != nil {
		kind, name = string(oc.Operation.Operation), oc.Operation.Name
	}
	spanName := kind
	if name != "" {
		spanName += " " + name
	}
	attrs := []attribute.KeyValue{attrOperationType.String(kind), attrOperationName.String(name)}
	if cost, ok := oc.Stats.GetExtension(ComplexityStat).(int64); ok {
		attrs = append(attrs, attrComplexity.Int64(cost))
	}
	ctx, span := g.tracer.Start(ctx, spanName, trace.WithAttributes(attrs...))
	if oc.Operation != nil && oc.Operation.Operation == ast.Subscription {
		// A subscription lives as long as its client: its span covers the set-up, and each
		// delivery's reads become spans of their own under the events' traces.
		defer span.End()
		return next(ctx)
	}
	responses := next(ctx)
	return func(ctx context.Context) *graphql.Response {
		resp := responses(ctx)
		if resp != nil && len(resp.Errors) > 0 {
			span.SetAttributes(attrErrors.Int(len(resp.Errors)))
			span.SetStatus(codes.Error, resp.Errors[0].Message)
		}
		span.End()
		return resp
	}
}

func (g gqlTracer) InterceptField(ctx context.Context, next graphql.Resolver) (any, error) {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || !fc.IsResolver {
		return next(ctx)
	}
	ctx, span := g.tracer.Start(ctx, fc.Object+"."+fc.Field.Name, trace.WithAttributes(attrFieldPath.String(fc.Path().String())))
	defer span.End()
	res, err := next(ctx)
	if err != nil {
		span.SetStatus(codes.Error, err.Error())
	}
	return res, err
}
