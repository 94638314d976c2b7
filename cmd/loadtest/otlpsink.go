package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
	"time"

	coltrace "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	"google.golang.org/protobuf/proto"
)

// otlpSink stands in for a collector while the server runs traced: it takes OTLP/HTTP
// exports, counts what they hold, and answers at once, so that the benchmark measures the
// server's cost of tracing and not a collector's.
func otlpSink(addr string) error {
	var exports, spans, bytes atomic.Int64
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/traces", func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		req := &coltrace.ExportTraceServiceRequest{}
		if err := proto.Unmarshal(body, req); err != nil {
			http.Error(w, "not an OTLP protobuf export: "+err.Error(), http.StatusBadRequest)
			return
		}
		exports.Add(1)
		bytes.Add(int64(len(body)))
		for _, rs := range req.GetResourceSpans() {
			for _, ss := range rs.GetScopeSpans() {
				spans.Add(int64(len(ss.GetSpans())))
			}
		}
		out, _ := proto.Marshal(&coltrace.ExportTraceServiceResponse{})
		w.Header().Set("Content-Type", "application/x-protobuf")
		_, _ = w.Write(out)
	})
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("OTLP sink on %s: %w", addr, err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
	fmt.Fprintf(os.Stderr, "OTLP sink on http://%s/v1/traces\n", ln.Addr())
	start := time.Now()
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	secs := time.Since(start).Seconds()
	fmt.Printf("otlp sink: %d exports, %d spans (%.0f/s), %.1f MiB in %.0fs\n",
		exports.Load(), spans.Load(), float64(spans.Load())/secs, float64(bytes.Load())/(1<<20), secs)
	return nil
}
