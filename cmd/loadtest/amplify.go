package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The amplify scenario sends anonymous requests of about 1 MiB built to make the server work
// or hold memory out of proportion to their size (issue 20: a megabyte of unknown directives
// was answered with a hundred megabytes of errors, and the memory stayed), in bursts of
// -parallel at once, and reports the server's heap and resident memory before, at the
// peak and after, then how long the resident memory took to come back within 10 % of where
// it started.

// bodyBytes is the size of each request's body: the server's limit (graph.MaxBodyBytes, 1 MiB)
// less room for the JSON around the query.
const bodyBytes = 1<<20 - 512

// shape builds the query of one request; n makes each request's document different, so
// that caches keyed by the document cannot answer a repeat.
type shape struct {
	name  string
	query func(n int) string
	// persisted sends the query with its APQ hash, which the server keeps by hash.
	persisted bool
	// variables, when set, are the request's variables as JSON.
	variables func(n int) json.RawMessage
}

// fill repeats unit after head until the query is about bodyBytes long, then closes it.
func fill(head, unit, tail string) string {
	var b strings.Builder
	b.Grow(bodyBytes)
	b.WriteString(head)
	for b.Len()+len(unit)+len(tail) < bodyBytes {
		b.WriteString(unit)
	}
	b.WriteString(tail)
	return b.String()
}

var shapes = []shape{
	{name: "unknown-directives", query: func(n int) string { return fill("{ __typename ", "@x ", fmt.Sprintf("@n%d }", n)) }},
	{name: "repeated-directives", query: func(n int) string {
		return fill("{ __typename ", "@skip(if: false) ", fmt.Sprintf("@n%d }", n))
	}},
	{name: "arguments", query: func(n int) string { return fill(fmt.Sprintf("{ __typename(n%d: 1", n), ", a: 1", ") }") }},
	{name: "nesting", query: func(n int) string { return fill(fmt.Sprintf("{ n%d ", n), "{ a ", "") }},
	{name: "aliases", query: func(n int) string { return fill(fmt.Sprintf("{ n%d: __typename ", n), "a: __typename ", "}") }},
	{name: "variables", query: func(n int) string { return fill(fmt.Sprintf("query($n%d: Int", n), ", $v: Int", ") { __typename }") }},
	{name: "unused-fragments", query: func(n int) string {
		return fill(fmt.Sprintf("{ __typename } fragment n%d on Query { __typename } ", n), "fragment f on Query { __typename } ", "")
	}},
	{name: "json-variables", query: func(int) string { return "{ __typename }" }, variables: func(n int) json.RawMessage {
		return json.RawMessage(fill(fmt.Sprintf(`{"n%d": [1`, n), ",1", "]}"))
	}},
	// Valid documents (a query and a long comment): answered, and kept by the parsed-query
	// cache, or by the persisted queries' cache, unless they bound what they keep.
	{name: "comment", query: func(n int) string { return fill(fmt.Sprintf("{ __typename } # %d ", n), "x", "") }},
	{name: "persisted", persisted: true, query: func(n int) string { return fill(fmt.Sprintf("{ __typename } # %d ", n), "x", "") }},
}

// shapeResult sums the answers to one shape.
type shapeResult struct {
	mu       sync.Mutex
	statuses map[int]int
	bytes    int64
	errors   int64 // "message" keys seen in the answers
	max      time.Duration
	failures []string
}

func amplify(base string, pid int, metrics string, parallel, rounds, warm int, settle time.Duration, only string) error {
	client := &http.Client{Timeout: 2 * time.Minute}
	send := func(s shape, n int, into *shapeResult) {
		q := s.query(n)
		params := map[string]any{"query": q}
		if s.persisted {
			sum := sha256.Sum256([]byte(q))
			params["extensions"] = map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": hex.EncodeToString(sum[:])}}
		}
		if s.variables != nil {
			params["variables"] = s.variables(n)
		}
		body, _ := json.Marshal(params)
		req, _ := http.NewRequest(http.MethodPost, base+"/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/graphql-response+json")
		start := time.Now()
		res, err := client.Do(req)
		if err != nil {
			into.mu.Lock()
			into.failures = append(into.failures, err.Error())
			into.mu.Unlock()
			return
		}
		c := &messageCounter{}
		_, _ = io.Copy(c, res.Body)
		_ = res.Body.Close()
		took := time.Since(start)
		into.mu.Lock()
		defer into.mu.Unlock()
		into.statuses[res.StatusCode]++
		into.bytes += c.n
		into.errors += c.messages
		into.max = max(into.max, took)
	}

	// The baseline is a server that has been serving: a fresh process has not grown its heap
	// to the collector's goal yet, which any traffic does.
	for range warm {
		req, _ := http.NewRequest(http.MethodPost, base+"/graphql", strings.NewReader(`{"query":"{ __typename }"}`))
		req.Header.Set("Content-Type", "application/json")
		if res, err := client.Do(req); err == nil {
			_, _ = io.Copy(io.Discard, res.Body)
			_ = res.Body.Close()
		}
	}
	baseline := sample(pid, metrics)
	fmt.Printf("before (after %d small requests): %s\n", warm, baseline)
	peak := newPeakWatch(pid)
	n := 0
	for _, s := range shapes {
		if only != "" && !slices.Contains(strings.Split(only, ","), s.name) {
			continue
		}
		r := &shapeResult{statuses: map[int]int{}}
		for range rounds {
			var wg sync.WaitGroup
			for range parallel {
				n++
				k := n
				wg.Go(func() { send(s, k, r) })
			}
			wg.Wait()
		}
		total := rounds * parallel
		fmt.Printf("%-22s %d requests: statuses %v, %.1f KiB and %.0f errors per answer, slowest %s\n",
			s.name, total, r.statuses, float64(r.bytes)/1024/float64(total), float64(r.errors)/float64(total), r.max.Round(time.Millisecond))
		for _, f := range r.failures {
			fmt.Printf("  failed: %.200s\n", f)
		}
	}
	client.CloseIdleConnections()
	fmt.Printf("peak RSS during the bursts: %.1f MiB\n", mib(peak.stop()))
	after := sample(pid, metrics)
	fmt.Printf("just after: %s\n", after)
	if pid <= 0 || baseline.rss == 0 {
		return nil
	}
	// The runtime gives memory back by itself: a collection at least every two minutes, then
	// the scavenger returns the free pages. Nothing here forces it.
	bound := baseline.rss + baseline.rss/10
	start := time.Now()
	// Only /proc is read meanwhile: reading the metrics allocates in the server.
	for rss := after.rss; ; rss = procStatusBytes(pid, "VmRSS") {
		if rss <= bound {
			fmt.Printf("back within 10 %% of the baseline after %s: %s\n", time.Since(start).Round(time.Second), sample(pid, metrics))
			break
		}
		if time.Since(start) > settle {
			fmt.Printf("still above baseline + 10 %% (%.1f MiB) after %s: %s\n", mib(bound), settle, sample(pid, metrics))
			break
		}
		time.Sleep(time.Second)
	}
	return nil
}

// messageCounter counts the bytes of an answer and its "message" keys (one per error),
// without holding the answer.
type messageCounter struct {
	n, messages int64
	carry       []byte
}

var messageKey = []byte(`"message"`)

func (c *messageCounter) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	buf := append(c.carry, p...)
	c.messages += int64(bytes.Count(buf, messageKey))
	// Keep the tail that could begin a key split across writes (a whole key in it is
	// counted already and cannot be counted again: it is one byte too short).
	keep := min(len(buf), len(messageKey)-1)
	c.carry = append(c.carry[:0], buf[len(buf)-keep:]...)
	return len(p), nil
}

// memorySample is the server's memory at one moment.
type memorySample struct {
	rss, heapInuse, heapSys float64 // bytes (0: not measured)
}

func (m memorySample) String() string {
	return fmt.Sprintf("RSS %.1f MiB, heap in use %.1f MiB, heap from the OS %.1f MiB", mib(m.rss), mib(m.heapInuse), mib(m.heapSys))
}

func mib(b float64) float64 { return b / (1 << 20) }

func sample(pid int, metrics string) memorySample {
	s := memorySample{rss: procStatusBytes(pid, "VmRSS")}
	if metrics == "" {
		return s
	}
	res, err := http.Get(strings.TrimSuffix(metrics, "/") + "/metrics")
	if err != nil {
		return s
	}
	defer func() { _ = res.Body.Close() }()
	b, _ := io.ReadAll(res.Body)
	for line := range strings.SplitSeq(string(b), "\n") {
		name, v, ok := strings.Cut(line, " ")
		if !ok {
			continue
		}
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			continue
		}
		switch name {
		case "go_memstats_heap_inuse_bytes":
			s.heapInuse = f
		case "go_memstats_heap_sys_bytes":
			s.heapSys = f
		}
	}
	return s
}

// procStatusBytes reads a "kB" line of /proc/pid/status, in bytes (0 when unknown).
func procStatusBytes(pid int, key string) float64 {
	if pid <= 0 {
		return 0
	}
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && k == key {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
			return kb * 1024
		}
	}
	return 0
}

// peakWatch samples the server's resident memory until stopped: VmHWM would give the peak
// of the whole life of the process, warm-up included.
type peakWatch struct {
	done chan struct{}
	max  chan float64
}

func newPeakWatch(pid int) *peakWatch {
	w := &peakWatch{done: make(chan struct{}), max: make(chan float64, 1)}
	go func() {
		var peak float64
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			peak = max(peak, procStatusBytes(pid, "VmRSS"))
			select {
			case <-w.done:
				w.max <- peak
				return
			case <-t.C:
			}
		}
	}()
	return w
}

func (w *peakWatch) stop() float64 {
	close(w.done)
	return <-w.max
}
