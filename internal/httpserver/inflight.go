package httpserver

import (
	"net/http"
	"strings"
	"time"

	"github.com/mifmaroc/erp/internal/domain"
)

// graphqlPath is the one route whose work is bounded and whose answers are never cached.
const graphqlPath = "/graphql"

// queuedPerSlot bounds the requests waiting for a slot, per slot.
const queuedPerSlot = 8

// limitInflight serves at most limit GraphQL requests at once (no bound when it is 0). A
// request that finds them all taken waits up to wait for one, among at most queuedPerSlot
// times limit waiting; then it is answered with 503 and Retry-After, before its body is
// read or its token checked (at once when the queue is full). Beyond the rate the machine
// serves, more requests at once do not finish sooner: each holds its memory longer and
// slows the others, and latency and memory grow without bound (BENCHMARKS.md). A waiting
// request holds only its goroutine and headers, so the queue can absorb the bursts and
// stalls of a normal load. Websocket upgrades (a subscription is long-lived and light) and
// the other routes (the probes above all) are never refused.
func limitInflight(limit int, wait time.Duration, next http.Handler) http.Handler {
	if limit <= 0 {
		return next
	}
	slots := make(chan struct{}, limit)
	queue := make(chan struct{}, queuedPerSlot*limit)
	acquire := func(r *http.Request) bool {
		select {
		case slots <- struct{}{}:
			return true
		default:
		}
		if wait <= 0 {
			return false
		}
		select {
		case queue <- struct{}{}:
		default:
			return false // the queue is full: waiting would only add latency to the refusal
		}
		defer func() { <-queue }()
		t := time.NewTimer(wait)
		defer t.Stop()
		select {
		case slots <- struct{}{}:
			return true
		case <-t.C:
		case <-r.Context().Done():
		}
		return false
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != graphqlPath || strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
			next.ServeHTTP(w, r)
			return
		}
		if !acquire(r) {
			busy(w)
			return
		}
		defer func() { <-slots }()
		next.ServeHTTP(w, r)
	})
}

// busyBody is the answer to a request refused for overload, a GraphQL error like the others.
var busyBody = []byte(`{"errors":[{"message":"the server is busy: try again in a second","extensions":{"code":"` +
	string(domain.CodeUnavailable) + `"}}]}`)

func busy(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Retry-After", "1")
	w.WriteHeader(statusOf(domain.CodeUnavailable))
	_, _ = w.Write(busyBody)
}

// noStore keeps /graphql answers out of every cache, whatever made them (an answer, an
// error, a refusal): they depend on the token, and GET queries would otherwise be cacheable.
func noStore(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == graphqlPath {
			w.Header().Set("Cache-Control", "no-store")
		}
		next.ServeHTTP(w, r)
	})
}
