package app_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mifmaroc/erp/internal/app"
	"github.com/mifmaroc/erp/internal/config"
	"github.com/mifmaroc/erp/internal/gqltest"
	"github.com/mifmaroc/erp/internal/testdb"
	"github.com/mifmaroc/erp/internal/viewer"
)

// TestServeBehindPooler (TEST_DATABASE_POOLER_URL, scripts/pgbouncer-check.sh): `erp serve`
// with DATABASE_URL through PgBouncer in transaction pooling and DATABASE_DIRECT_URL to the
// database keeps each coordination on the connection it needs. The requests go through the
// pooler; the live events listener (LISTEN) and the scheduler's session advisory lock are
// on backends that are none of the pooler's server connections.
func TestServeBehindPooler(t *testing.T) {
	if testdb.PoolerURL() == "" {
		t.Skip("needs PgBouncer: scripts/pgbouncer-check.sh runs it with TEST_DATABASE_POOLER_URL")
	}
	created := testdb.Open(t)
	// What docs/deployment.md asks of the operator: the statement timeout on the role, since
	// PgBouncer drops it from the connection's parameters, and the pooler reconnected.
	testdb.SetOnRole(t, created, "statement_timeout = '30s'")
	name := testdb.Name(t, created)
	env := map[string]string{"DATABASE_URL": created.URL, "DATABASE_DIRECT_URL": created.DirectURL}
	fromEnv, err := config.Load(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	if err != nil {
		t.Fatal(err)
	}
	if fromEnv.PreparedStatements {
		t.Error("DATABASE_PREPARED_STATEMENTS is on by default with a DATABASE_DIRECT_URL apart from DATABASE_URL")
	}
	cfg := testConfig(t)
	cfg.DatabaseURL, cfg.DatabaseDirectURL, cfg.PreparedStatements = fromEnv.DatabaseURL, fromEnv.DatabaseDirectURL, fromEnv.PreparedStatements
	a, err := app.Open(context.Background(), cfg, gqltest.Logger(t), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = a.Close() })
	db := a.DB
	srv := serve(t, db, cfg)
	token := login(t, srv.URL)
	if r := postGraphQL(&http.Client{Timeout: 10 * time.Second}, srv.URL, token, "{ me { email } equipements { totalCount } }", nil); !r.ok() {
		t.Fatalf("a query through the pooler: %s", r)
	}
	sys := viewer.SystemContext(context.Background())
	waitFor(t, "a scheduler run", 10*time.Second, func() bool {
		n, err := db.Ent.SchedulerRun.Query().Count(sys)
		return err == nil && n > 0
	})

	if n, err := testdb.PoolerClients(name); err != nil || n == 0 {
		t.Errorf("PgBouncer's clients on %s: %d (%v), want the API pool's", name, n, err)
	}
	// The pooler's server connections, by the local port the database sees them come from.
	servers, err := testdb.PoolerShow("SERVERS")
	if err != nil {
		t.Fatal(err)
	}
	pooled := map[string]bool{}
	for _, s := range servers {
		if s["database"] == name {
			pooled[s["local_port"]] = true
		}
	}
	if len(pooled) == 0 {
		t.Fatalf("PgBouncer has no server connection to %s: the requests did not go through it", name)
	}
	// Each backend of the database, with the last statement it ran, read from a connection
	// of its own (one of the server's would overwrite its own last statement).
	rows, err := created.Direct.Query(`SELECT client_port::text, query FROM pg_stat_activity
		WHERE datname = $1 AND pid <> pg_backend_pid() AND client_port IS NOT NULL`, name)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = rows.Close() }()
	session := map[string]string{"listener": "LISTEN", "scheduler lock": "pg_advisory_unlock"}
	seen := map[string]bool{}
	var backends []string
	for rows.Next() {
		var port, query string
		if err := rows.Scan(&port, &query); err != nil {
			t.Fatal(err)
		}
		backends = append(backends, fmt.Sprintf("%s (pooled %v): %s", port, pooled[port], query))
		for what, marker := range session {
			if strings.Contains(query, marker) || (what == "scheduler lock" && strings.Contains(query, "pg_try_advisory_lock")) {
				if pooled[port] {
					t.Errorf("the %s ran on a PgBouncer server connection: %s", what, query)
				}
				seen[what] = true
			}
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	for what := range session {
		if !seen[what] {
			t.Errorf("no backend of %s ran the %s's statement; backends:\n%s", name, what, strings.Join(backends, "\n"))
		}
	}
}
