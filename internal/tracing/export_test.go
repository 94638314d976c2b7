package tracing_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	coltrace "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	"google.golang.org/protobuf/proto"

	"github.com/mifmaroc/erp/internal/config"
	"github.com/mifmaroc/erp/internal/tracing"
)

// TestSetupExportsOverOTLP: with only OTEL_EXPORTER_OTLP_ENDPOINT set, as an operator would,
// spans reach an OTLP/HTTP receiver at its /v1/traces path, named after the service, by the
// time the server has shut down.
func TestSetupExportsOverOTLP(t *testing.T) {
	got := make(chan *coltrace.ExportTraceServiceRequest, 10)
	collector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if r.URL.Path != "/v1/traces" || r.Header.Get("Content-Type") != "application/x-protobuf" {
			t.Errorf("collector got %s %s (%s); want POST /v1/traces in protobuf", r.Method, r.URL.Path, r.Header.Get("Content-Type"))
		}
		req := &coltrace.ExportTraceServiceRequest{}
		if err := proto.Unmarshal(body, req); err != nil {
			t.Errorf("decoding the export: %v", err)
		}
		got <- req
		w.Header().Set("Content-Type", "application/x-protobuf")
		out, _ := proto.Marshal(&coltrace.ExportTraceServiceResponse{})
		_, _ = w.Write(out)
	}))
	defer collector.Close()

	env := map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": collector.URL, "OTEL_SERVICE_NAME": "erp-test"}
	cfg, err := config.Load(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	if err != nil {
		t.Fatal(err)
	}
	tr, err := tracing.Setup(context.Background(), cfg.Tracing, "test")
	if err != nil {
		t.Fatal(err)
	}
	if !tr.On() {
		t.Fatal("tracing is off with OTEL_EXPORTER_OTLP_ENDPOINT set")
	}
	_, span := tr.Tracer().Start(context.Background(), "query Moi")
	span.End()
	if err := tr.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	select {
	case req := <-got:
		rs := req.GetResourceSpans()
		if len(rs) == 0 || len(rs[0].GetScopeSpans()) == 0 || len(rs[0].GetScopeSpans()[0].GetSpans()) == 0 {
			t.Fatalf("export holds no span: %v", req)
		}
		if name := rs[0].GetScopeSpans()[0].GetSpans()[0].GetName(); name != "query Moi" {
			t.Errorf("span exported as %q, want %q", name, "query Moi")
		}
		var service string
		for _, kv := range rs[0].GetResource().GetAttributes() {
			if kv.GetKey() == "service.name" {
				service = kv.GetValue().GetStringValue()
			}
		}
		if service != "erp-test" {
			t.Errorf("service.name = %q, want erp-test", service)
		}
	default:
		t.Fatal("no export reached the collector before Shutdown returned")
	}
}

// TestOffByDefault: without an endpoint (or with OTEL_SDK_DISABLED), nothing is installed.
func TestOffByDefault(t *testing.T) {
	for _, env := range []map[string]string{
		{},
		{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://localhost:4318", "OTEL_SDK_DISABLED": "true"},
	} {
		cfg, err := config.Load(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
		if err != nil {
			t.Fatal(err)
		}
		tr, err := tracing.Setup(context.Background(), cfg.Tracing, "test")
		if err != nil {
			t.Fatal(err)
		}
		if tr.On() || tr.GraphQL() != nil {
			t.Errorf("with %v tracing is on", env)
		}
		var next http.Handler = plain{}
		if h := tr.HTTP(func(string) string { return "" }, next); h != next {
			t.Errorf("with %v the HTTP handler is wrapped", env)
		}
	}
}

type plain struct{}

func (plain) ServeHTTP(http.ResponseWriter, *http.Request) {}
