package app_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mifmaroc/erp/ent"
	entuser "github.com/mifmaroc/erp/ent/user"
	"github.com/mifmaroc/erp/internal/apptest"
	"github.com/mifmaroc/erp/internal/database"
	"github.com/mifmaroc/erp/internal/gqltest"
	"github.com/mifmaroc/erp/internal/render"
	"github.com/mifmaroc/erp/internal/testdb"
	"github.com/mifmaroc/erp/internal/viewer"
	"github.com/mifmaroc/erp/migrate"
)

// streamRead lists the equipment: on the replica its statement shows in the replica's log.
const streamRead = `{ equipements(first: 100) { edges { node { code } } } }`

// TestStreamingReplica runs against a real streaming replica, which scripts/replica-check.sh
// sets up (primary and hot standby, the standby logging every statement): reads are served
// by the replica; with the replica's replay paused, a user reads his own write at once while
// another does not see it yet; past DATABASE_REPLICA_MAX_LAG nobody reads the paused replica;
// resumed, it serves again.
func TestStreamingReplica(t *testing.T) {
	primaryURL, replicaURL, logPath := os.Getenv("TEST_REPLICA_PRIMARY_URL"), os.Getenv("TEST_REPLICA_URL"), os.Getenv("TEST_REPLICA_LOG")
	if primaryURL == "" && replicaURL == "" {
		t.Skip("needs a streaming replica: run bash scripts/replica-check.sh")
	}
	if primaryURL == "" || replicaURL == "" || logPath == "" {
		t.Fatal("TEST_REPLICA_PRIMARY_URL, TEST_REPLICA_URL and TEST_REPLICA_LOG go together (bash scripts/replica-check.sh sets them)")
	}
	ctx := context.Background()
	sys := viewer.SystemContext(ctx)

	// A database of its own on the primary, which the standby receives like any other.
	name := fmt.Sprintf("erp_stream_%d", time.Now().UnixNano())
	admin, err := sql.Open("postgres", primaryURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = admin.Close() })
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("the primary at %s does not answer: %v", primaryURL, err)
	}
	t.Cleanup(func() { _, _ = admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)") })
	primary, err := database.OpenPostgres(ctx, inDatabase(t, primaryURL, name), testdb.Pool)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = primary.Close() })
	if _, err := migrate.Up(ctx, primary.SQL, primary.Dialect); err != nil {
		t.Fatal(err)
	}
	seedReplicaWorld(t, primary.Ent, "primary")

	replicaDBURL := inDatabase(t, replicaURL, name)
	var replica *database.DB
	waitFor(t, "the database to reach the replica", time.Minute, func() bool {
		replica, err = database.OpenPostgres(ctx, replicaDBURL, testdb.Pool)
		return err == nil
	})
	t.Cleanup(func() { _ = replica.Close() })
	var standby bool
	if err := replica.SQL.QueryRowContext(ctx, "SELECT pg_is_in_recovery()").Scan(&standby); err != nil || !standby {
		t.Fatalf("%s is not a hot standby (in recovery: %v, %v)", replicaURL, standby, err)
	}
	waitFor(t, "the seeded rows to reach the replica", time.Minute, func() bool {
		n, err := replica.Ent.User.Query().Count(sys)
		return err == nil && n == 2
	})
	// A detail rendered on the replica is kept with its snapshot (render.Kept): the standby
	// reads one, and none of its transactions ever writes.
	var snapshot sql.NullString
	if err := replica.SQL.QueryRowContext(ctx, "SELECT "+render.SnapshotExpr).Scan(&snapshot); err != nil || !snapshot.Valid {
		t.Fatalf("the standby's snapshot: %v, %v", snapshot, err)
	}

	// Long enough that bob reads the paused replica before it counts as lagging, even on a
	// busy machine.
	const maxLag = 8 * time.Second
	s := &replicaSetup{env: apptest.NewWithReplica(t, primary, database.Replica{URL: replicaDBURL, ReadYourWrites: 5 * time.Second,
		MaxLag: maxLag, CheckInterval: 200 * time.Millisecond, Now: time.Now}), primary: primary, replica: replica}
	s.env.Clock.Run()
	alice, bob := s.env.As(t, userByEmail(t, s, "alice")), s.env.As(t, userByEmail(t, s, "bob"))

	// The statements the replica ran on the equipment, from its log.
	onReplica := func() int {
		t.Helper()
		b, err := os.ReadFile(logPath)
		if err != nil {
			t.Fatal(err)
		}
		return strings.Count(string(b), `FROM "equipements"`)
	}
	read := func(api *gqltest.Client) (codes []string, replicaRan bool) {
		t.Helper()
		before := onReplica()
		var out struct {
			Equipements struct {
				Edges []struct{ Node struct{ Code string } }
			}
		}
		api.MustData(streamRead, nil, &out)
		for _, e := range out.Equipements.Edges {
			codes = append(codes, e.Node.Code)
		}
		return codes, onReplica() > before
	}

	if codes, fromReplica := read(bob); !fromReplica || !slices.Contains(codes, "EQ-primary") {
		t.Fatalf("bob's read: %v, replica ran it: %v; want the replica to serve the seeded equipment", codes, fromReplica)
	}
	t.Log("a query is served by the replica (its log shows the statement)")

	// Replay paused: the replica really lacks what is written from now on.
	if _, err := replica.SQL.ExecContext(ctx, "SELECT pg_wal_replay_pause()"); err != nil {
		t.Fatal(err)
	}
	resumed := false
	resume := func() {
		if !resumed {
			resumed = true
			if _, err := replica.SQL.ExecContext(ctx, "SELECT pg_wal_replay_resume()"); err != nil {
				t.Error(err)
			}
		}
	}
	t.Cleanup(resume)
	waitFor(t, "the replay to pause", time.Minute, func() bool {
		var state string
		err := replica.SQL.QueryRowContext(ctx, "SELECT pg_get_wal_replay_pause_state()").Scan(&state)
		return err == nil && state == "paused"
	})
	createEquipement(t, alice, "EQ-ALICE")
	wrote := time.Now()
	if codes, fromReplica := read(alice); fromReplica || !slices.Contains(codes, "EQ-ALICE") {
		t.Fatalf("alice right after her write: %v, replica ran it: %v; want her write, read from the primary", codes, fromReplica)
	}
	codes, fromReplica := read(bob)
	if since := time.Since(wrote); !fromReplica || slices.Contains(codes, "EQ-ALICE") {
		t.Fatalf("bob %s after alice's write (max lag %s): %v, replica ran it: %v; want the paused replica, without her write",
			since, maxLag, codes, fromReplica)
	}
	if replica.Ent.Equipement.Query().CountX(sys) != 1 {
		t.Fatal("the paused replica has alice's write: the check proves nothing")
	}
	t.Log("paused replica: alice reads her write from the primary; bob reads the replica, without it")

	// Lagging beyond the bound, the replica serves nobody.
	waitFor(t, "bob's reads to leave the lagging replica", time.Minute, func() bool {
		codes, fromReplica := read(bob)
		return !fromReplica && slices.Contains(codes, "EQ-ALICE")
	})
	if st, _ := s.env.DB.Replica(); st.InService || st.Lag <= maxLag {
		t.Fatalf("bob left the replica, but its status is %+v: want out of service for a lag beyond %s", st, maxLag)
	}
	t.Log("past DATABASE_REPLICA_MAX_LAG: bob reads the primary")

	resume()
	waitFor(t, "bob to read alice's write from the caught-up replica", time.Minute, func() bool {
		codes, fromReplica := read(bob)
		return fromReplica && slices.Contains(codes, "EQ-ALICE")
	})
	t.Log("resumed: the replica serves again, alice's write included")
}

func userByEmail(t *testing.T, s *replicaSetup, name string) *ent.User {
	t.Helper()
	return s.env.Client.User.Query().Where(entuser.Email(name + "@example.com")).OnlyX(viewer.SystemContext(context.Background()))
}

func inDatabase(t *testing.T, raw, name string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}
