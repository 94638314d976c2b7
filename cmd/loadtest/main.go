// Command loadtest drives a running server at a fixed rate (open loop, with vegeta) and
// prints throughput and latency percentiles per scenario: the nested intervention list,
// node(id:) details, work orders (a detail with its checklist, time sheet and comments),
// status changes, stock movements and logins.
//
//	erp seed --size large && erp serve &   # then:
//	go run ./cmd/loadtest -email responsable1@seed.mif.ma -password seed-mot-de-passe \
//	    -scenario list -rate 300 -duration 60s -pid $(pgrep -f 'erp serve')
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"runtime/pprof"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(1)
	}
}

// nestedList is the list of the performance targets: every edge a row of the list screen shows.
const nestedList = `query { interventions(first: 50) { edges { node { titre statut equipement { nom }
  technicien { user { email } } documents { filename } historique { nouveauStatut user { email } } } } } }`

// urlList is the list screen with signed document links: Document.url has a resolver, so
// direct rendering leaves the request to the resolvers (the fallback path's cost).
const urlList = `query { interventions(first: 50) { edges { node { titre statut equipement { nom }
  technicien { user { email } } documents { filename url } historique { nouveauStatut user { email } } } } } }`

// filteredList is the screen as users open it: open work, newest first, with the total.
const filteredList = `query { interventions(first: 50, orderBy: [{field: DATE_CREATION, direction: DESC}], where: {statutIn: [OUVERTE, AFFECTEE, EN_COURS]}) {
  totalCount edges { node { titre statut equipement { nom } technicien { user { email } } documents { filename }
  historique { nouveauStatut user { email } } } } } }`

const detail = `query($id: ID!) { node(id: $id) { ... on Intervention { titre statut priorite dateLimite
  equipement { nom code } technicien { equipe user { email } } client { nom } documents { filename }
  historique { ancienStatut nouveauStatut horodatage user { email } } availableTransitions delaiRestant coutTotalCentimes } } }`

// subtree is a site's or a building's work, newest first, with the total: the filter on
// everything under a place.
const subtree = `query($p: ID!) { interventions(first: 20, orderBy: [{field: DATE_CREATION, direction: DESC}], where: {sousEmplacement: $p}) {
  totalCount edges { node { titre statut priorite dateCreation equipement { nom code } technicien { user { email } } } } } }`

const move = `mutation($id: ID!, $s: InterventionStatut!) { changeInterventionStatut(id: $id, statut: $s) { statut } }`

// restock and use are the stock movements: a restock of a part, and parts used on an
// intervention (a SORTIE of the ledger, its line and its audit line).
const (
	restock = `mutation($p: ID!) { entreeStock(pieceId: $p, quantite: 2, coutUnitaireCentimes: 1234, motif: "bench") { quantite coutMoyenCentimes } }`
	use     = `mutation($iv: ID!, $p: ID!) { addPieceToIntervention(interventionId: $iv, pieceId: $p, quantite: 1) { coutPiecesCentimes } }`
)

func run() error {
	base := flag.String("url", "http://localhost:8000", "server base URL")
	email := flag.String("email", "responsable1@seed.mif.ma", "user to log in as (RESPONSABLE or ADMIN)")
	password := flag.String("password", "seed-mot-de-passe", "its password")
	asTechnician := flag.Bool("as-technician", false, "workorder: read the work orders as the technician they are assigned to (same password)")
	scenario := flag.String("scenario", "list", "list, list-url, filtered, subtree, detail, workorder, status, stock, login, mix, baseline or amplify")
	rate := flag.Int("rate", 100, "requests per second")
	duration := flag.Duration("duration", 60*time.Second, "measured duration")
	warmup := flag.Duration("warmup", 10*time.Second, "unmeasured warm-up at the same rate")
	pid := flag.Int("pid", 0, "server process id: report its CPU time per request and its memory (Linux)")
	metrics := flag.String("metrics", "", "the server's METRICS_ADDR URL (http://127.0.0.1:9100): report goroutines before and after")
	dbCPU := flag.Bool("postgres-cpu", false, "report the CPU time per request of this machine's PostgreSQL processes (Linux)")
	cpuprofile := flag.String("cpuprofile", "", "write the load tool's own CPU profile of the measured run to this file")
	label := flag.String("label", "", "name of the run in the summary line (default: the scenario)")
	parallel := flag.Int("parallel", 16, "amplify: requests sent at once")
	rounds := flag.Int("rounds", 4, "amplify: bursts of each shape")
	warm := flag.Int("warm", 2000, "amplify: small requests sent before the baseline is measured")
	settle := flag.Duration("settle", 5*time.Minute, "amplify: how long to wait for the server's memory to come back")
	only := flag.String("shapes", "", "amplify: the shapes to send, by name, comma-separated (default: all)")
	tail := flag.Duration("tail", 0, "print, in slices of this length (250ms), when the requests slower than the p99 were sent: a tail's bursts from its background")
	sink := flag.String("otlp-sink", "", "instead of a load: receive OTLP/HTTP traces on this address (127.0.0.1:4318) until interrupted, then print how many spans came")
	flag.Parse()

	if *sink != "" {
		return otlpSink(*sink)
	}
	if *scenario == "amplify" {
		// Anonymous: no login, no rate.
		return amplify(*base, *pid, *metrics, *parallel, *rounds, *warm, *settle, *only)
	}

	token, err := login(*base, *email, *password)
	if err != nil {
		return fmt.Errorf("logging in as %s (seed the database with `erp seed --size large`?): %w", *email, err)
	}
	// Status changes add history lines: they work on the oldest open interventions, which
	// neither list shows (the list reads the first ids, the filtered screen the newest), so
	// that repeated runs do not make the lists heavier. Details read the newest.
	moved, err := interventionIDs(*base, token, "ASC")
	if err != nil {
		return err
	}
	viewed, err := interventionIDs(*base, token, "DESC")
	if err != nil {
		return err
	}
	var parts, orders, places []string
	if *scenario == "workorder" {
		if orders, err = workOrderIDs(*base, token); err != nil {
			return err
		}
		if *asTechnician {
			if token, err = assigneeToken(*base, token, orders[0], *password); err != nil {
				return err
			}
		}
	}
	if *scenario == "stock" {
		if parts, err = pieceIDs(*base, token); err != nil {
			return err
		}
	}
	if *scenario == "subtree" {
		if places, err = placeIDs(*base, token); err != nil {
			return err
		}
	}
	targeter, err := targeterFor(*scenario, *base, token, *email, *password, viewed, moved, parts, orders, places)
	if err != nil {
		return err
	}
	goroutinesBefore := goroutines(*metrics)
	// One transport for all attackers, so that its connections can be closed before the
	// server's goroutines are counted (each open connection holds one).
	transport := &http.Transport{MaxIdleConnsPerHost: 512, IdleConnTimeout: time.Minute}
	newAttacker := func() *vegeta.Attacker {
		return vegeta.NewAttacker(vegeta.Client(&http.Client{Transport: transport, Timeout: 10 * time.Second}),
			vegeta.MaxWorkers(512))
	}
	pace := vegeta.Rate{Freq: *rate, Per: time.Second}
	if *warmup > 0 {
		fmt.Printf("warm-up: %s at %d/s\n", *warmup, *rate)
		for range newAttacker().Attack(targeter, pace, *warmup, "warmup") {
		}
	}
	attacker := newAttacker()
	cpuBefore, selfBefore, machineBefore := cpuTime(*pid), cpuTime(os.Getpid()), machineCPU()
	var dbBefore time.Duration
	if *dbCPU {
		dbBefore = postgresCPU()
	}
	fmt.Printf("measuring: %s, %d/s for %s\n", *scenario, *rate, *duration)
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			return fmt.Errorf("creating the CPU profile: %w", err)
		}
		defer func() { _ = f.Close() }()
		if err := pprof.StartCPUProfile(f); err != nil {
			return fmt.Errorf("starting the CPU profile: %w", err)
		}
		defer pprof.StopCPUProfile()
	}
	// served are the requests answered without error: under overload the others are mostly
	// refusals (503), whose latency says nothing of the work done.
	var m, served vegeta.Metrics
	errs := map[string]int{}
	var sent []timed
	for res := range attacker.Attack(targeter, pace, *duration, *scenario) {
		if *tail > 0 {
			sent = append(sent, timed{at: res.Timestamp, latency: res.Latency})
		}
		if res.Error == "" && res.Code == http.StatusOK && bytes.Contains(res.Body, []byte(`"errors"`)) {
			res.Error = "graphql error: " + firstError(res.Body)
		}
		if res.Error != "" {
			errs[res.Error]++
		} else {
			served.Add(res)
		}
		m.Add(res)
	}
	m.Close()
	served.Close()
	cpu, self := cpuTime(*pid)-cpuBefore, cpuTime(os.Getpid())-selfBefore
	machine := machineCPU().since(machineBefore)
	var db time.Duration
	if *dbCPU {
		db = postgresCPU() - dbBefore
	}

	// perRequest spreads a CPU time over the measured requests.
	perRequest := func(d time.Duration) time.Duration { return d / time.Duration(m.Requests) }
	// The summary line's columns, "–" where not measured.
	serverCPU, stolen := "–", "–"
	fmt.Printf("requests %d, throughput %.1f/s, success %.2f%%\n", m.Requests, m.Throughput, m.Success*100)
	fmt.Printf("latency p50 %s  p95 %s  p99 %s  max %s\n", m.Latencies.P50, m.Latencies.P95, m.Latencies.P99, m.Latencies.Max)
	if served.Requests < m.Requests {
		fmt.Printf("served without error: %d, latency p50 %s  p95 %s  p99 %s  max %s\n", served.Requests,
			served.Latencies.P50, served.Latencies.P95, served.Latencies.P99, served.Latencies.Max)
	}
	if *tail > 0 {
		printTail(os.Stdout, sent, m.Latencies.P99, *tail)
	}
	if *pid > 0 && m.Requests > 0 {
		fmt.Printf("server CPU %.2f ms per request\n", milliseconds(perRequest(cpu)))
		fmt.Printf("server memory: %s\n", memory(*pid))
		serverCPU = millis(perRequest(cpu))
	}
	if m.Requests > 0 {
		// The load tool shares the machine's cores with the server: what it costs is CPU the
		// server does not have.
		fmt.Printf("load tool CPU %.2f ms per request\n", milliseconds(perRequest(self)))
		if *dbCPU {
			fmt.Printf("PostgreSQL CPU %.2f ms per request\n", milliseconds(perRequest(db)))
		}
	}
	if machine.total() > 0 {
		fmt.Printf("machine: %s\n", machine)
		stolen = fmt.Sprintf("%.1f %%", machine.stolen())
	}
	if *metrics != "" {
		transport.CloseIdleConnections()
		time.Sleep(2 * time.Second) // let the server see the connections close
		fmt.Printf("server goroutines: %s before, %s after\n", goroutinesBefore, goroutines(*metrics))
	}
	failed := 0
	for e, n := range errs {
		fmt.Printf("error ×%d: %.200s\n", n, e)
		failed += n
	}
	if *label == "" {
		*label = *scenario
	}
	// One line a script can gather into the table of BENCHMARKS.md.
	fmt.Printf("summary | %s | %d/s | %.0f/s | %s | %s | %s | %s | %s | %d |\n", *label, *rate, m.Throughput,
		millis(m.Latencies.P50), millis(m.Latencies.P95), millis(m.Latencies.P99), serverCPU, stolen, failed)
	return nil
}

func milliseconds(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// millis writes d in milliseconds with three significant digits (0.482 ms, 16.9 ms, 285 ms).
func millis(d time.Duration) string {
	v := milliseconds(d)
	decimals := 0
	switch {
	case v < 1:
		decimals = 3
	case v < 10:
		decimals = 2
	case v < 100:
		decimals = 1
	}
	return strconv.FormatFloat(v, 'f', decimals, 64) + " ms"
}

func targeterFor(scenario, base, token, email, password string, viewed, moved, parts, orders, places []string) (vegeta.Targeter, error) {
	gql := func(query string, vars map[string]any) vegeta.Target {
		body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
		return vegeta.Target{Method: http.MethodPost, URL: base + "/graphql", Body: body,
			Header: http.Header{"Content-Type": {"application/json"}, "Authorization": {"Bearer " + token}}}
	}
	var n atomic.Uint64
	list := func(t *vegeta.Target) error { *t = gql(nestedList, nil); return nil }
	filtered := func(t *vegeta.Target) error { *t = gql(filteredList, nil); return nil }
	det := func(t *vegeta.Target) error {
		*t = gql(detail, map[string]any{"id": viewed[n.Add(1)%uint64(len(viewed))]})
		return nil
	}
	// Status changes toggle EN_COURS ⇄ EN_ATTENTE on the moved ids; a request on a row in
	// another status (after a timed-out move) gets an error and counts as one.
	toggles := make([]atomic.Bool, len(moved))
	status := func(t *vegeta.Target) error {
		i := n.Add(1) % uint64(len(moved))
		to := "EN_ATTENTE"
		if toggles[i].Load() {
			to = "EN_COURS"
		}
		toggles[i].Store(!toggles[i].Load())
		*t = gql(move, map[string]any{"id": moved[i], "s": to})
		return nil
	}
	// Stock movements alternate a restock of 2 and a use of 1 (stock only grows: no request
	// fails for want of it), spread over the parts and the moved interventions, so that
	// concurrent requests seldom wait for the same part's row.
	movement := func(t *vegeta.Target) error {
		k := n.Add(1)
		p := parts[(k/2)%uint64(len(parts))]
		if k%2 == 0 {
			*t = gql(restock, map[string]any{"p": p})
		} else {
			*t = gql(use, map[string]any{"iv": moved[(k/2)%uint64(len(moved))], "p": p})
		}
		return nil
	}
	loginT := func(t *vegeta.Target) error {
		*t = vegeta.Target{Method: http.MethodPost, URL: base + "/auth/token",
			Body:   []byte(url.Values{"username": {email}, "password": {password}}.Encode()),
			Header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}}
		return nil
	}
	switch scenario {
	case "list":
		return list, nil
	case "list-url":
		return func(t *vegeta.Target) error { *t = gql(urlList, nil); return nil }, nil
	case "baseline":
		// What every request costs before its fields: HTTP, the token check, the executor.
		return func(t *vegeta.Target) error { *t = gql(`{ __typename }`, nil); return nil }, nil
	case "filtered":
		return filtered, nil
	case "detail":
		return det, nil
	case "workorder":
		return func(t *vegeta.Target) error {
			*t = gql(workOrder, map[string]any{"id": orders[n.Add(1)%uint64(len(orders))]})
			return nil
		}, nil
	case "subtree":
		return func(t *vegeta.Target) error {
			*t = gql(subtree, map[string]any{"p": places[n.Add(1)%uint64(len(places))]})
			return nil
		}, nil
	case "status":
		return status, nil
	case "stock":
		return movement, nil
	case "login":
		return loginT, nil
	case "mix":
		// Of 100 requests: 50 filtered lists, 40 details, 9 status changes, 1 login.
		return func(t *vegeta.Target) error {
			switch k := n.Load() % 100; {
			case k < 50:
				n.Add(1)
				return filtered(t)
			case k < 90:
				return det(t)
			case k < 99:
				return status(t)
			default:
				n.Add(1)
				return loginT(t)
			}
		}, nil
	}
	return nil, fmt.Errorf("unknown scenario %q: list, list-url, filtered, subtree, detail, workorder, status, stock, login, mix or baseline", scenario)
}

func login(base, email, password string) (string, error) {
	res, err := http.PostForm(base+"/auth/token", url.Values{"username": {email}, "password": {password}})
	if err != nil {
		return "", err
	}
	defer func() { _ = res.Body.Close() }()
	var out struct {
		AccessToken string `json:"access_token"`
		Detail      string `json:"detail"`
	}
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		return "", err
	}
	if out.AccessToken == "" {
		return "", errors.New(out.Detail)
	}
	return out.AccessToken, nil
}

// interventionIDs returns ids of 100 interventions in EN_COURS, the oldest or the newest
// (direction ASC or DESC of their creation date).
func interventionIDs(base, token, direction string) ([]string, error) {
	return connectionIDs(base, token, "interventions", `{ interventions(first: 100, where: {statut: EN_COURS},
	  orderBy: [{field: DATE_CREATION, direction: `+direction+`}]) { edges { node { id } } } }`,
		"no EN_COURS intervention to work on: seed the database first")
}

// pieceIDs returns the ids of up to 100 active parts.
// placeIDs are the sites and buildings of the seeded tree of places.
func placeIDs(base, token string) ([]string, error) {
	return connectionIDs(base, token, "emplacements", `{ emplacements(first: 100, where: {typeIn: [SITE, BATIMENT]}) { edges { node { id } } } }`,
		"no site nor building: seed the database with a version of erp that seeds places")
}

func pieceIDs(base, token string) ([]string, error) {
	return connectionIDs(base, token, "pieces", `{ pieces(first: 100, where: {actif: true}) { edges { node { id } } } }`,
		"no active part to move: seed the database first")
}

// connectionIDs runs query and returns the ids of the nodes of its connection field, or an
// error saying what to do (empty) when there are none.
func connectionIDs(base, token, field, query, empty string) ([]string, error) {
	body, _ := json.Marshal(map[string]any{"query": query})
	req, _ := http.NewRequest(http.MethodPost, base+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer func() { _ = res.Body.Close() }()
	var out struct {
		Data map[string]struct {
			Edges []struct{ Node struct{ ID string } }
		}
	}
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		return nil, err
	}
	var ids []string
	for _, e := range out.Data[field].Edges {
		ids = append(ids, e.Node.ID)
	}
	if len(ids) == 0 {
		return nil, errors.New(empty)
	}
	return ids, nil
}

func firstError(body []byte) string {
	var out struct{ Errors []struct{ Message string } }
	if json.Unmarshal(body, &out) == nil && len(out.Errors) > 0 {
		return out.Errors[0].Message
	}
	return "unknown"
}

// goroutines reads go_goroutines from the server's Prometheus endpoint.
func goroutines(base string) string {
	if base == "" {
		return ""
	}
	res, err := http.Get(strings.TrimSuffix(base, "/") + "/metrics")
	if err != nil {
		return "unknown (" + err.Error() + ")"
	}
	defer func() { _ = res.Body.Close() }()
	b, _ := io.ReadAll(res.Body)
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "go_goroutines "); ok {
			return v
		}
	}
	return "unknown"
}

// memory is the resident memory of process pid, now and at its peak.
func memory(pid int) string {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return "unknown"
	}
	var out []string
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && (k == "VmRSS" || k == "VmHWM" || k == "Threads") {
			out = append(out, k+" "+strings.TrimSpace(v))
		}
	}
	return strings.Join(out, ", ")
}

// postgresCPU is the CPU time of the processes named postgres on this machine, the server's
// and its children's (a backend that exits during the run takes its share with it, which the
// pool's kept connections make rare).
func postgresCPU() time.Duration {
	dirs, _ := os.ReadDir("/proc")
	var total time.Duration
	for _, d := range dirs {
		pid, err := strconv.Atoi(d.Name())
		if err != nil {
			continue
		}
		if comm, err := os.ReadFile("/proc/" + d.Name() + "/comm"); err == nil && strings.TrimSpace(string(comm)) == "postgres" {
			total += cpuTime(pid)
		}
	}
	return total
}

// cpuTime is the user+system CPU time of process pid (0: not measured).
func cpuTime(pid int) time.Duration {
	if pid <= 0 {
		return 0
	}
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+2:]))
	if len(f) < 13 {
		return 0
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(utime+stime) * 10 * time.Millisecond // clock ticks of 1/100 s
}

// cpuTimes are the machine's CPU times from /proc/stat, all cores together, in clock ticks.
type cpuTimes struct {
	busy, idle, steal int64
}

func (c cpuTimes) since(before cpuTimes) cpuTimes {
	return cpuTimes{busy: c.busy - before.busy, idle: c.idle - before.idle, steal: c.steal - before.steal}
}

func (c cpuTimes) total() int64 { return c.busy + c.idle + c.steal }

// String says how busy the machine was and how much of its time the hypervisor gave to
// other guests (steal): with steal above a percent or so, latencies measure the host's
// contention as much as the server, and runs are not comparable.
func (c cpuTimes) String() string {
	return fmt.Sprintf("CPU %.0f%% busy, %.1f%% stolen by the host", 100*float64(c.busy)/float64(c.total()), c.stolen())
}

// stolen is the percentage of the machine's time the host took.
func (c cpuTimes) stolen() float64 { return 100 * float64(c.steal) / float64(c.total()) }

// machineCPU reads the machine's CPU times (zero when /proc/stat is not there).
func machineCPU() cpuTimes {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return cpuTimes{}
	}
	return parseProcStat(string(b))
}

// parseProcStat reads the first line of /proc/stat: "cpu user nice system idle iowait irq
// softirq steal guest guest_nice". Guest time is already counted in user and nice.
func parseProcStat(stat string) cpuTimes {
	line, _, _ := strings.Cut(stat, "\n")
	f := strings.Fields(line)
	if len(f) < 9 || f[0] != "cpu" {
		return cpuTimes{}
	}
	var v [8]int64
	for i := range v {
		n, err := strconv.ParseInt(f[i+1], 10, 64)
		if err != nil {
			return cpuTimes{}
		}
		v[i] = n
	}
	return cpuTimes{busy: v[0] + v[1] + v[2] + v[5] + v[6], idle: v[3] + v[4], steal: v[7]}
}

// timed is when a request was sent and how long its answer took.
type timed struct {
	at      time.Time
	latency time.Duration
}

// printTail writes, for each slice of width since the first request that holds a request
// slower than p99, how many it holds and the slowest: whether the tail is spread over the run
// or comes in bursts, and when (to set beside the server's log).
func printTail(w io.Writer, samples []timed, p99, width time.Duration) {
	if len(samples) == 0 {
		return
	}
	start := samples[0].at
	for _, s := range samples {
		if s.at.Before(start) {
			start = s.at
		}
	}
	type slice struct {
		slow int
		max  time.Duration
	}
	slices := map[int64]*slice{}
	var keys []int64
	for _, s := range samples {
		if s.latency <= p99 {
			continue
		}
		k := int64(s.at.Sub(start) / width)
		if slices[k] == nil {
			slices[k] = &slice{}
			keys = append(keys, k)
		}
		slices[k].slow++
		slices[k].max = max(slices[k].max, s.latency)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	_, _ = fmt.Fprintf(w, "requests slower than the p99 (%s), by when they were sent (run started %s):\n", millis(p99), start.Format("15:04:05.000"))
	for _, k := range keys {
		at := time.Duration(k) * width
		_, _ = fmt.Fprintf(w, "  +%-8s %s  %4d slow, slowest %s\n", at, start.Add(at).Format("15:04:05.000"), slices[k].slow, millis(slices[k].max))
	}
}
