package app_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"entgo.io/ent/dialect"
	"github.com/coder/websocket/wsjson"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/ent/schedulerrun"
	entuser "github.com/mifmaroc/erp/ent/user"
	"github.com/mifmaroc/erp/internal/app"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/gqltest"
	"github.com/mifmaroc/erp/internal/pubsub"
	"github.com/mifmaroc/erp/internal/testdb"
	"github.com/mifmaroc/erp/internal/viewer"
)

// cluster is a private PostgreSQL server the test may stop and start at will: the shared
// one serves the other tests.
type cluster struct {
	t       *testing.T
	bin     string // the directory of pg_ctl and initdb
	data    string
	port    int
	asOwner func(name string, args ...string) *exec.Cmd
}

// newCluster initdbs and starts a cluster in a temporary directory on a free port. As root
// it runs the server as the postgres user, which PostgreSQL requires.
func newCluster(t *testing.T) *cluster {
	t.Helper()
	bin := postgresBin(t)
	dir, err := os.MkdirTemp("", "erp-fault-pg-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	c := &cluster{t: t, bin: bin, data: filepath.Join(dir, "data"), port: freePort(t),
		asOwner: func(name string, args ...string) *exec.Cmd { return exec.Command(name, args...) }}
	if os.Geteuid() == 0 {
		pg, err := user.Lookup("postgres")
		if err != nil {
			t.Fatalf("running as root, PostgreSQL needs the postgres user to run as: %v", err)
		}
		uid, _ := strconv.Atoi(pg.Uid)
		gid, _ := strconv.Atoi(pg.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			t.Fatal(err)
		}
		c.asOwner = func(name string, args ...string) *exec.Cmd {
			return exec.Command("runuser", append([]string{"-u", "postgres", "--", name}, args...)...)
		}
	}
	c.run("initdb", "-D", c.data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync", "--no-instructions")
	c.start()
	t.Cleanup(func() {
		_ = c.asOwner(filepath.Join(c.bin, "pg_ctl"), "stop", "-D", c.data, "-m", "immediate").Run()
	})
	return c
}

// postgresBin finds the server binaries; under TEST_DB=postgres their absence is a failure.
func postgresBin(t *testing.T) string {
	t.Helper()
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	slices.SortFunc(dirs, func(a, b string) int { return pgVersion(b) - pgVersion(a) })
	if p, err := exec.LookPath("pg_ctl"); err == nil {
		dirs = append(dirs, filepath.Dir(p))
	}
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d
		}
	}
	t.Fatal("TEST_DB=postgres: the fault test needs the PostgreSQL server binaries (initdb, pg_ctl) " +
		"in /usr/lib/postgresql/*/bin or on PATH; install them with scripts/postgres.sh or apt-get install postgresql")
	return ""
}

func pgVersion(binDir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return n
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = ln.Close() }()
	return ln.Addr().(*net.TCPAddr).Port
}

func (c *cluster) run(tool string, args ...string) {
	c.t.Helper()
	out, err := c.asOwner(filepath.Join(c.bin, tool), args...).CombinedOutput()
	if err != nil {
		c.t.Fatalf("%s %s: %v\n%s", tool, strings.Join(args, " "), err, out)
	}
}

func (c *cluster) start() {
	c.t.Helper()
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off", c.port, filepath.Dir(c.data))
	c.run("pg_ctl", "start", "-w", "-D", c.data, "-l", filepath.Join(filepath.Dir(c.data), "server.log"), "-o", opts)
}

func (c *cluster) stop(mode string) {
	c.t.Helper()
	c.run("pg_ctl", "stop", "-w", "-D", c.data, "-m", mode)
}

func (c *cluster) URL() string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", c.port)
}

// outcomes records what the requests of a load got, by phase.
type outcomes struct {
	mu      sync.Mutex
	phase   string
	byPhase map[string]map[string]int // phase → "ok", an error code, or "no answer: …"
	slowest map[string]time.Duration
}

func (o *outcomes) setPhase(p string) { o.mu.Lock(); o.phase = p; o.mu.Unlock() }

func (o *outcomes) record(what string, took time.Duration) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.byPhase[o.phase] == nil {
		o.byPhase[o.phase] = map[string]int{}
	}
	o.byPhase[o.phase][what]++
	o.slowest[o.phase] = max(o.slowest[o.phase], took)
}

func (o *outcomes) get(phase string) (map[string]int, time.Duration) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.byPhase[phase], o.slowest[phase]
}

// TestSurvivesPostgresRestart runs the real server on a private PostgreSQL cluster, keeps
// requests coming, and stops the database (fast, then immediate shutdown) and starts it
// again: while it is down /ready answers 503 and requests fail quickly with
// SERVICE_UNAVAILABLE; once it is back, everything recovers by itself within 10 s — requests,
// the live events listener (LISTEN/NOTIFY) and the scheduler's advisory lock.
func TestSurvivesPostgresRestart(t *testing.T) {
	if testdb.Dialect() != dialect.Postgres {
		t.Skip("a PostgreSQL fault test: runs with TEST_DB=postgres (scripts/test.sh runs both)")
	}
	const (
		downFor      = 3 * time.Second
		recoveryMax  = 10 * time.Second
		answerWithin = 6 * time.Second // DB_CONNECT_TIMEOUT (5 s) and some
	)
	pg := newCluster(t)
	cfg := testConfig(t)
	cfg.DatabaseURL = pg.URL()
	a, err := app.Open(context.Background(), cfg, gqltest.Logger(t), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = a.Close() })
	srv := serve(t, a.DB, cfg)
	token := login(t, srv.URL)
	sys := viewer.SystemContext(context.Background())
	adminID := a.DB.Ent.User.Query().Where(entuser.Email(adminEmail)).OnlyIDX(sys)

	// A subscriber, which must go on receiving events published after the restart.
	ctx, cancelWS := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancelWS()
	ws := dialWS(t, ctx, srv.URL)
	events := make(chan string, 100)
	_ = wsjson.Write(ctx, ws, map[string]any{"type": "connection_init", "payload": map[string]any{"Authorization": "Bearer " + token}})
	_ = wsjson.Write(ctx, ws, map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{"query": "subscription { notificationReceived { sujet } }"}})
	go func() {
		defer close(events)
		for {
			var m struct {
				Type    string          `json:"type"`
				Payload json.RawMessage `json:"payload"`
			}
			if err := wsjson.Read(ctx, ws, &m); err != nil {
				return
			}
			if m.Type == "next" {
				events <- string(m.Payload)
			}
		}
	}()

	const query = "{ me { email } equipements { totalCount } }"
	client := &http.Client{Timeout: 30 * time.Second}
	out := &outcomes{phase: "up", byPhase: map[string]map[string]int{}, slowest: map[string]time.Duration{}}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				start := time.Now()
				r := postGraphQL(client, srv.URL, token, query, nil)
				switch {
				case r.ok():
					out.record("ok", time.Since(start))
				case r.Accepted && r.Code != "":
					out.record(r.Code, time.Since(start))
				default:
					out.record("no answer: "+r.String(), time.Since(start))
				}
				time.Sleep(20 * time.Millisecond) // a steady trickle, not a load test
			}
		})
	}
	defer func() { close(stop); wg.Wait() }()

	// publish writes a live event as another replica would: its row, then the NOTIFY.
	notice := a.DB.Ent.Notification.Create().SetUserID(adminID).SetType(domain.NotificationInformation).
		SetSujet("après le redémarrage").SetMessage("m").SaveX(sys)
	replicaCtx, stopReplica := context.WithCancel(context.Background())
	defer stopReplica()
	replica, err := pubsub.NewPostgres(replicaCtx, a.DB.Ent, a.DB.DirectURL, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	publish := func() error {
		return replica.WithTx(context.Background(), a.DB.Ent, func(*ent.Client) ([]pubsub.Event, error) {
			return []pubsub.Event{{Notification: &pubsub.NotificationSent{NotificationID: notice.ID, UserID: adminID}}}, nil
		})
	}

	// The subscription is live, authenticated and registered, before the first stop: under
	// load its connection_init could still be reading the user when the database went down.
	waitFor(t, "the subscriber to receive an event", 10*time.Second, func() bool {
		if publish() != nil {
			return false
		}
		select {
		case ev := <-events:
			return strings.Contains(ev, "après le redémarrage")
		case <-time.After(500 * time.Millisecond):
			return false
		}
	})

	for _, mode := range []string{"fast", "immediate"} {
		t.Run(mode, func(t *testing.T) {
			for len(events) > 0 {
				<-events
			}
			out.setPhase("up before " + mode)
			waitFor(t, "a request to succeed", 10*time.Second, func() bool { return postGraphQL(client, srv.URL, token, query, nil).ok() })

			out.setPhase("down " + mode)
			pg.stop(mode)
			down := time.Now()
			waitFor(t, "/ready to answer 503", 5*time.Second, func() bool {
				s, _ := getStatus(srv.URL + "/ready")
				return s == http.StatusServiceUnavailable
			})
			t.Logf("/ready answered 503 %s after the stop", time.Since(down).Round(time.Millisecond))
			if res, err := http.PostForm(srv.URL+"/auth/token", url.Values{"username": {adminEmail}, "password": {adminPassword}}); err != nil {
				t.Errorf("login with the database down: %v", err)
			} else {
				var body struct{ Code string }
				_ = json.NewDecoder(res.Body).Decode(&body)
				_ = res.Body.Close()
				if res.StatusCode != http.StatusServiceUnavailable || body.Code != string(domain.CodeUnavailable) || res.Header.Get("Retry-After") == "" {
					t.Errorf("login with the database down = %d %q (Retry-After %q), want 503 SERVICE_UNAVAILABLE", res.StatusCode, body.Code, res.Header.Get("Retry-After"))
				}
			}
			for time.Since(down) < downFor {
				if s, err := getStatus(srv.URL + "/ready"); s != http.StatusServiceUnavailable {
					t.Errorf("/ready with the database down = %d %v, want 503", s, err)
				}
				r := postGraphQL(client, srv.URL, token, query, nil)
				if r.Code != string(domain.CodeUnavailable) {
					t.Errorf("query with the database down: %s; want the error SERVICE_UNAVAILABLE", r)
				}
				time.Sleep(200 * time.Millisecond) // the outage lasts downFor: sample it
			}
			if st, _ := getStatus(srv.URL + "/health"); st != http.StatusOK {
				t.Errorf("/health with the database down = %d, want 200", st)
			}

			out.setPhase("recovery " + mode)
			pg.start()
			back := time.Now()
			// Each part recovers on its own schedule; the live events listener reconnects
			// with a backoff up to 5 s. One event is written as soon as the database takes
			// it, most likely before the listener is back: it must arrive all the same.
			var requests, listening, scheduled time.Duration
			published := false
			waitFor(t, "requests, live events and the scheduler to recover", recoveryMax, func() bool {
				if requests == 0 {
					if s, _ := getStatus(srv.URL + "/ready"); s == http.StatusOK && postGraphQL(client, srv.URL, token, query, nil).ok() {
						requests = time.Since(back)
					}
				}
				if listening == 0 {
					if !published {
						published = publish() == nil
					}
					select {
					case ev := <-events:
						if strings.Contains(ev, "après le redémarrage") {
							listening = time.Since(back)
						}
					default:
					}
				}
				if scheduled == 0 {
					if n, err := a.DB.Ent.SchedulerRun.Query().Where(schedulerrun.StartedAtGT(back)).Count(sys); err == nil && n > 0 {
						scheduled = time.Since(back)
					}
				}
				return requests > 0 && listening > 0 && scheduled > 0
			})
			t.Logf("PostgreSQL %s stop, down %s; after the start, recovered: requests and /ready in %s, live events in %s, scheduler in %s",
				mode, downFor, requests.Round(time.Millisecond), listening.Round(time.Millisecond), scheduled.Round(time.Millisecond))
			out.setPhase("after " + mode)

			got, slowest := out.get("down " + mode)
			t.Logf("load while down: %v, slowest answer %s", got, slowest.Round(time.Millisecond))
			for what := range got {
				if what != "ok" && what != string(domain.CodeUnavailable) {
					t.Errorf("while the database was down a request got %q; want SERVICE_UNAVAILABLE", what)
				}
			}
			if slowest > answerWithin {
				t.Errorf("slowest answer while the database was down: %s, want under %s", slowest, answerWithin)
			}
			if rec, _ := out.get("recovery " + mode); rec["ok"] == 0 {
				t.Errorf("no request of the load succeeded during the recovery: %v", rec)
			}
		})
	}
	if t.Failed() {
		return
	}
	select {
	case err := <-srv.done:
		t.Fatalf("the server stopped on its own: %v", err)
	default:
	}
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		t.Error("the websocket timed out")
	}
}

// waitFor polls cond until it holds, failing the test after within.
func waitFor(t *testing.T, what string, within time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("no %s within %s", what, within)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
