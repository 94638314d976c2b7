package app_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"entgo.io/ent/dialect"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/ent/equipement"
	entuser "github.com/mifmaroc/erp/ent/user"
	"github.com/mifmaroc/erp/graph"
	"github.com/mifmaroc/erp/internal/apptest"
	"github.com/mifmaroc/erp/internal/auth"
	"github.com/mifmaroc/erp/internal/database"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/gqltest"
	"github.com/mifmaroc/erp/internal/testdb"
	"github.com/mifmaroc/erp/internal/viewer"
)

// The routing tests put a stand-in "replica" behind the server: another database with other
// rows, so that every answer shows which database served it. The stand-in is no standby
// (nothing to measure), so the server takes it as current at each check.

const (
	// replicaRead goes through the direct renderer (interventions), a nested edge and a
	// plain ent list: each must read the database the operation was given.
	replicaRead = `{ interventions(first: 50) { edges { node { titre equipement { code } } } }
  equipements(first: 50) { edges { node { code } } } }`
	replicaWrite = `mutation($in: CreateEquipementInput!) { createEquipement(input: $in) { id } }`
)

// replicaSetup is a server whose primary and stand-in replica hold the same users (same
// ids) but an intervention titled after each, on an equipment coded EQ-<title>.
type replicaSetup struct {
	env              *apptest.Env
	primary, replica *database.DB
	alice, bob       *ent.User
}

func newReplicaSetup(t *testing.T, r database.Replica) *replicaSetup {
	t.Helper()
	if testdb.Dialect() != dialect.Postgres {
		t.Skip("read replicas are PostgreSQL's: runs with TEST_DB=postgres (scripts/test.sh runs both)")
	}
	primary, standIn := testdb.Open(t), testdb.Open(t)
	seedReplicaWorld(t, primary.Ent, "primary")
	seedReplicaWorld(t, standIn.Ent, "replica")
	if r.URL == "" {
		r.URL = standIn.URL
	}
	env := apptest.NewWithReplica(t, primary, r)
	s := &replicaSetup{env: env, primary: primary, replica: standIn}
	sys := viewer.SystemContext(context.Background())
	s.alice = env.Client.User.Query().Where(entuser.Email("alice@example.com")).OnlyX(sys)
	s.bob = env.Client.User.Query().Where(entuser.Email("bob@example.com")).OnlyX(sys)
	return s
}

func seedReplicaWorld(t *testing.T, c *ent.Client, label string) {
	t.Helper()
	sys := viewer.SystemContext(context.Background())
	hash, err := auth.HashPassword(apptest.Password, 4)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"alice", "bob"} {
		c.User.Create().SetEmail(name + "@example.com").SetNomComplet(name).SetPasswordHash(hash).SetRole(domain.RoleAdmin).SaveX(sys)
	}
	eq := c.Equipement.Create().SetNom("Pompe").SetCode("EQ-" + label).SaveX(sys)
	c.Intervention.Create().SetTitre(label).SetEquipement(eq).SaveX(sys)
}

// served says which database answered replicaRead for api: "primary" or "replica". An
// answer that mixes both (a loader or a fast path reading elsewhere) fails the test.
func served(t *testing.T, api *gqltest.Client) (string, []string) {
	t.Helper()
	var out struct {
		Interventions struct {
			Edges []struct {
				Node struct {
					Titre      string
					Equipement struct{ Code string }
				}
			}
		}
		Equipements struct {
			Edges []struct{ Node struct{ Code string } }
		}
	}
	api.MustData(replicaRead, nil, &out)
	var codes []string
	for _, e := range out.Equipements.Edges {
		codes = append(codes, e.Node.Code)
	}
	slices.Sort(codes)
	if len(out.Interventions.Edges) != 1 {
		t.Fatalf("interventions = %+v, want the one of the database that served", out.Interventions)
	}
	iv := out.Interventions.Edges[0].Node
	label := iv.Titre
	other := map[string]string{"primary": "replica", "replica": "primary"}[label]
	if other == "" || iv.Equipement.Code != "EQ-"+label || !slices.Contains(codes, "EQ-"+label) || slices.Contains(codes, "EQ-"+other) {
		t.Fatalf("one answer read both databases: intervention %+v, equipements %v", iv, codes)
	}
	return label, codes
}

func wantServed(t *testing.T, who string, api *gqltest.Client, want string) []string {
	t.Helper()
	got, codes := served(t, api)
	if got != want {
		t.Fatalf("%s's query was served by the %s, want the %s (equipements %v)", who, got, want, codes)
	}
	return codes
}

func createEquipement(t *testing.T, api *gqltest.Client, code string) {
	t.Helper()
	var out struct{ CreateEquipement struct{ ID string } }
	api.MustData(replicaWrite, map[string]any{"in": map[string]any{"nom": "Nouveau", "code": code}}, &out)
}

func exists(t *testing.T, db *database.DB, code string) bool {
	t.Helper()
	ok, err := db.Ent.Equipement.Query().Where(equipement.Code(code)).Exist(viewer.SystemContext(context.Background()))
	if err != nil {
		t.Fatal(err)
	}
	return ok
}

// TestReplicaReads: queries read the replica; a mutation writes the primary, and its author
// reads the primary until the window has passed and the replica is known to hold his write,
// while everybody else keeps reading the replica.
func TestReplicaReads(t *testing.T) {
	s := newReplicaSetup(t, database.Replica{ReadYourWrites: 5 * time.Second, MaxLag: time.Minute, CheckInterval: time.Hour})
	alice, bob := s.env.As(t, s.alice), s.env.As(t, s.bob)

	direct := graph.DirectRenders()
	wantServed(t, "bob", bob, "replica")
	if graph.DirectRenders() == direct {
		t.Error("the direct renderer did not answer the interventions: this test does not cover it")
	}
	wantServed(t, "alice", alice, "replica")

	createEquipement(t, alice, "EQ-ALICE")
	if !exists(t, s.primary, "EQ-ALICE") || exists(t, s.replica, "EQ-ALICE") {
		t.Fatal("the mutation's row is not on the primary alone")
	}
	s.env.DB.CheckReplica(context.Background()) // the replica holds what was committed before now: not after
	if codes := wantServed(t, "alice", alice, "primary"); !slices.Contains(codes, "EQ-ALICE") {
		t.Errorf("alice does not read her own write: %v", codes)
	}
	wantServed(t, "bob", bob, "replica")

	// The window has passed, but no check has seen the replica hold her write.
	s.env.Clock.Advance(6 * time.Second)
	wantServed(t, "alice past the window, before a check", alice, "primary")
	s.env.DB.CheckReplica(context.Background())
	wantServed(t, "alice past the window, after a check", alice, "replica")

	// The replica holds the write, but the window has not passed.
	createEquipement(t, alice, "EQ-ALICE-2")
	s.env.Clock.Advance(time.Second)
	s.env.DB.CheckReplica(context.Background())
	wantServed(t, "alice within the window", alice, "primary")
	wantServed(t, "bob", bob, "replica")
	s.env.Clock.Advance(5 * time.Second)
	wantServed(t, "alice after the window", alice, "replica")

	// A REST write counts as a write of its author: logging out of a session of bob's.
	pair := s.env.Session(t, s.bob)
	req, err := http.NewRequest(http.MethodPost, s.env.URL+"/auth/logout", strings.NewReader(`{"refresh_token":"`+pair.RefreshToken+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+s.env.Token(t, s.bob))
	res, err := apptest.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = res.Body.Close()
	if res.StatusCode >= 300 {
		t.Fatalf("logout: %s", res.Status)
	}
	wantServed(t, "bob after a REST write", bob, "primary")
	wantServed(t, "alice", alice, "replica")

	rec := httptest.NewRecorder()
	s.env.Deps.Metrics.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	for _, want := range []string{"\nerp_db_replica_in_service 1\n", "\nerp_db_replica_lag_seconds 0\n", "\nerp_db_replica_reads_total "} {
		if !strings.Contains(rec.Body.String(), want) {
			t.Errorf("/metrics lacks %q", strings.TrimSpace(want))
		}
	}
	if strings.Contains(rec.Body.String(), "\nerp_db_replica_reads_total 0\n") {
		t.Error("/metrics counts no replica read")
	}
}

// TestReplicaReadsRealClock: the same with the wall clock and a short window: the writer
// reads the primary at once, and comes back to the replica by himself.
func TestReplicaReadsRealClock(t *testing.T) {
	s := newReplicaSetup(t, database.Replica{ReadYourWrites: time.Second, MaxLag: time.Minute, CheckInterval: 50 * time.Millisecond, Now: time.Now})
	s.env.Clock.Run()
	alice, bob := s.env.As(t, s.alice), s.env.As(t, s.bob)
	wantServed(t, "alice", alice, "replica")
	createEquipement(t, alice, "EQ-ALICE")
	if codes := wantServed(t, "alice", alice, "primary"); !slices.Contains(codes, "EQ-ALICE") {
		t.Errorf("alice does not read her own write: %v", codes)
	}
	wantServed(t, "bob", bob, "replica")
	deadline := time.Now().Add(30 * time.Second)
	for {
		if got, _ := served(t, alice); got == "replica" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("alice still reads the primary 30s after a 1s window")
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestReplicaExport: an export is a read: the replica serves it, but not to a user who has
// just written.
func TestReplicaExport(t *testing.T) {
	s := newReplicaSetup(t, database.Replica{ReadYourWrites: 5 * time.Second, MaxLag: time.Minute, CheckInterval: time.Hour})
	export := func(u *ent.User) string {
		t.Helper()
		req, err := http.NewRequest(http.MethodGet, s.env.URL+"/export/interventions.csv", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+s.env.Token(t, u))
		res, err := apptest.HTTP.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = res.Body.Close() }()
		b, err := io.ReadAll(res.Body)
		if err != nil || res.StatusCode != http.StatusOK {
			t.Fatalf("export: %s %v\n%s", res.Status, err, b)
		}
		return string(b)
	}
	hasTitle := func(csv, title string) bool {
		return strings.Contains(csv, ","+title+",") || strings.Contains(csv, ";"+title+";")
	}
	if csv := export(s.bob); !hasTitle(csv, "replica") || hasTitle(csv, "primary") {
		t.Errorf("bob's export was not served by the replica:\n%s", csv)
	}
	createEquipement(t, s.env.As(t, s.alice), "EQ-ALICE")
	if csv := export(s.alice); !hasTitle(csv, "primary") || hasTitle(csv, "replica") {
		t.Errorf("alice's export right after her write was not served by the primary:\n%s", csv)
	}
}

// TestReplicaFallback: a replica that cannot be reached, from the start or from the middle
// of the run, leaves every read to the primary; nothing fails.
func TestReplicaFallback(t *testing.T) {
	t.Run("Unreachable", func(t *testing.T) {
		s := newReplicaSetup(t, database.Replica{URL: "postgres://postgres@127.0.0.1:1/nowhere", ReadYourWrites: 5 * time.Second,
			MaxLag: time.Minute, CheckInterval: 50 * time.Millisecond})
		wantServed(t, "bob", s.env.As(t, s.bob), "primary")
		s.env.DB.CheckReplica(context.Background())
		wantServed(t, "bob after a check", s.env.As(t, s.bob), "primary")
		if st, _ := s.env.DB.Replica(); st.InService || st.Reads != 0 {
			t.Errorf("replica status = %+v, want out of service, no read", st)
		}
	})
	t.Run("Lost", func(t *testing.T) {
		s := newReplicaSetup(t, database.Replica{ReadYourWrites: 5 * time.Second, MaxLag: time.Minute, CheckInterval: time.Hour})
		bob := s.env.As(t, s.bob)
		wantServed(t, "bob", bob, "replica")
		// The replica's database goes away under its open connections: the next read fails
		// on it and is answered by the primary.
		u, err := url.Parse(s.replica.URL)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.primary.SQL.ExecContext(context.Background(), "DROP DATABASE "+strings.TrimPrefix(u.Path, "/")+" WITH (FORCE)"); err != nil {
			t.Fatal(err)
		}
		wantServed(t, "bob after the replica is lost", bob, "primary")
		wantServed(t, "bob again", bob, "primary")
	})
}
