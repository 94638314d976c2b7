package tracing_test

import (
	"encoding/json"
	"strings"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/mifmaroc/erp/ent/schedulerrun"
	"github.com/mifmaroc/erp/internal/apptest"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/gqltest"
)

// The caller's trace, as a W3C traceparent header carries it.
const (
	callerTrace  = "4bf92f3577b34da6a3ce929d0e0e4736"
	callerSpan   = "00f067aa0ba902b7"
	callerHeader = "00-" + callerTrace + "-" + callerSpan + "-01"
)

func attr(s sdktrace.ReadOnlySpan, key string) (attribute.Value, bool) {
	for _, kv := range s.Attributes() {
		if string(kv.Key) == key {
			return kv.Value, true
		}
	}
	return attribute.Value{}, false
}

// TestOperationSpanTree follows one GraphQL operation: the request's span continues the
// caller's trace, the operation's span is its child with its type, name and cost, the
// resolvers' spans are the operation's children, the SQL statements hang below with their
// text and without their parameters, and the request's log line names the trace.
func TestOperationSpanTree(t *testing.T) {
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	logs := &gqltest.SharedLog{}
	env := apptest.NewTraced(t, tp, logs)
	secret := "Technicienne Secrète"
	u := env.User(t, secret, domain.RoleAdmin)
	c := env.As(t, u)
	c.Header = map[string][]string{"Traceparent": {callerHeader}}

	var got struct{ Me struct{ NomComplet string } }
	c.MustData(`query Moi { me { nomComplet } }`, nil, &got)
	if got.Me.NomComplet != secret {
		t.Fatalf("me = %q, want %q", got.Me.NomComplet, secret)
	}

	spans := rec.Ended()
	byID := map[trace.SpanID]sdktrace.ReadOnlySpan{}
	var httpSpan, opSpan, meSpan sdktrace.ReadOnlySpan
	var sqlSpans []sdktrace.ReadOnlySpan
	for _, s := range spans {
		if s.SpanContext().TraceID().String() != callerTrace {
			continue
		}
		byID[s.SpanContext().SpanID()] = s
		switch {
		case s.Name() == "POST /graphql":
			httpSpan = s
		case s.Name() == "query Moi":
			opSpan = s
		case s.Name() == "Query.me":
			meSpan = s
		case strings.HasPrefix(s.Name(), "sql."):
			sqlSpans = append(sqlSpans, s)
		}
	}
	if httpSpan == nil || opSpan == nil || meSpan == nil {
		names := make([]string, 0, len(spans))
		for _, s := range spans {
			names = append(names, s.Name()+" "+s.SpanContext().TraceID().String())
		}
		t.Fatalf("missing spans in the caller's trace (http %v, operation %v, resolver %v); got %v",
			httpSpan != nil, opSpan != nil, meSpan != nil, names)
	}
	if p := httpSpan.Parent(); !p.IsRemote() || p.SpanID().String() != callerSpan {
		t.Errorf("request span's parent = %v (remote %v), want the caller's span %s", p.SpanID(), p.IsRemote(), callerSpan)
	}
	if httpSpan.SpanKind() != trace.SpanKindServer {
		t.Errorf("request span kind = %v, want server", httpSpan.SpanKind())
	}
	if v, _ := attr(httpSpan, "http.response.status_code"); v.AsInt64() != 200 {
		t.Errorf("request span status code = %v, want 200", v.String())
	}
	if opSpan.Parent().SpanID() != httpSpan.SpanContext().SpanID() {
		t.Errorf("operation span's parent is %v, want the request span", opSpan.Parent().SpanID())
	}
	for key, want := range map[string]string{"graphql.operation.type": "query", "graphql.operation.name": "Moi"} {
		if v, _ := attr(opSpan, key); v.AsString() != want {
			t.Errorf("operation span %s = %q, want %q", key, v.AsString(), want)
		}
	}
	if v, ok := attr(opSpan, "graphql.operation.complexity"); !ok || v.AsInt64() < 2 {
		t.Errorf("operation span complexity = %v (set %v), want the cost of me { nomComplet }", v.String(), ok)
	}
	if meSpan.Parent().SpanID() != opSpan.SpanContext().SpanID() {
		t.Errorf("resolver span's parent is %v, want the operation span", meSpan.Parent().SpanID())
	}
	if len(sqlSpans) == 0 {
		t.Fatal("no SQL statement span in the request's trace")
	}
	for _, s := range sqlSpans {
		// Each statement hangs below the request, through its ancestors.
		p, depth := s.Parent().SpanID(), 0
		for p != httpSpan.SpanContext().SpanID() && depth < 10 {
			parent, ok := byID[p]
			if !ok {
				t.Fatalf("SQL span %s has a parent %v outside the request's tree", s.Name(), p)
			}
			p, depth = parent.Parent().SpanID(), depth+1
		}
		text, ok := attr(s, "db.query.text")
		if !ok || text.AsString() == "" {
			t.Errorf("SQL span %s has no statement text", s.Name())
		}
		for _, kv := range s.Attributes() {
			if strings.Contains(kv.Value.String(), secret) || strings.Contains(kv.Value.String(), u.Email) {
				t.Errorf("SQL span %s carries a parameter's value in %s: %s", s.Name(), kv.Key, kv.Value.String())
			}
		}
	}

	var logged bool
	for _, line := range strings.Split(logs.String(), "\n") {
		var entry struct{ Msg, TraceID, SpanID string }
		var raw map[string]any
		if json.Unmarshal([]byte(line), &raw) != nil || raw["msg"] != "request" {
			continue
		}
		entry.TraceID, _ = raw["trace_id"].(string)
		entry.SpanID, _ = raw["span_id"].(string)
		if entry.TraceID == callerTrace && entry.SpanID == httpSpan.SpanContext().SpanID().String() {
			logged = true
		}
	}
	if !logged {
		t.Errorf("no request log line names trace %s and the request span; log:\n%s", callerTrace, logs.String())
	}
}

// TestSchedulerRunSpan: a scheduler run is a trace of its own, with its statements under it.
func TestSchedulerRunSpan(t *testing.T) {
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	env := apptest.NewTraced(t, tp, &gqltest.SharedLog{})
	if _, err := env.Deps.Scheduler.Run(env.Sys, schedulerrun.DeclencheurMANUEL); err != nil {
		t.Fatal(err)
	}
	var run sdktrace.ReadOnlySpan
	for _, s := range rec.Ended() {
		if s.Name() == "scheduler.run" {
			run = s
		}
	}
	if run == nil {
		t.Fatal("no scheduler.run span")
	}
	if run.Parent().IsValid() {
		t.Errorf("scheduler.run has a parent %v; a run starts its own trace", run.Parent().SpanID())
	}
	var statements int
	for _, s := range rec.Ended() {
		if s.Parent().SpanID() == run.SpanContext().SpanID() && strings.HasPrefix(s.Name(), "sql.") {
			statements++
		}
	}
	if statements == 0 {
		t.Error("no SQL statement span under scheduler.run")
	}
}
