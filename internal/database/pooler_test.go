package database_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lib/pq"

	"github.com/mifmaroc/erp/ent/user"
	"github.com/mifmaroc/erp/internal/database"
	"github.com/mifmaroc/erp/internal/gqltest"
	"github.com/mifmaroc/erp/internal/testdb"
	"github.com/mifmaroc/erp/internal/viewer"
)

// TestBehindPooler (TEST_DATABASE_POOLER_URL, scripts/pgbouncer-check.sh): through
// PgBouncer in transaction pooling, the hot statements marked to be prepared and the
// statements with arguments work from many connections at once, and the statement timeout
// holds once set on the role, as docs/deployment.md says; without it the server refuses to
// start rather than run unbounded statements, and a replica behind the pooler serves no
// read.
func TestBehindPooler(t *testing.T) {
	if testdb.PoolerURL() == "" {
		t.Skip("needs PgBouncer: scripts/pgbouncer-check.sh runs it with TEST_DATABASE_POOLER_URL")
	}
	t.Run("StatementsFromManyConnections", func(t *testing.T) {
		db := testdb.Open(t)
		ctx := database.Prepared(viewer.SystemContext(context.Background()))
		var wg sync.WaitGroup
		errs := make(chan error, 20*50)
		for g := range 20 {
			wg.Go(func() {
				for i := range 50 {
					if _, err := db.Ent.User.Query().Where(user.EmailNEQ(fmt.Sprintf("%d-%d", g, i))).Count(ctx); err != nil {
						errs <- err
					}
					var n int
					if err := db.SQL.QueryRowContext(ctx, "SELECT $1::int + $2::int", g, i).Scan(&n); err != nil || n != g+i {
						errs <- fmt.Errorf("%d + %d = %d: %w", g, i, n, err)
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
	})

	t.Run("StatementTimeout", func(t *testing.T) {
		db := testdb.Open(t)
		pool := testdb.PoolFor(testdb.Name(t, db))
		pool.StatementTimeout = 300 * time.Millisecond
		_, err := database.OpenPostgres(context.Background(), db.URL, pool)
		if err == nil || !strings.Contains(err.Error(), "statement_timeout is 0ms") || !strings.Contains(err.Error(), "ALTER ROLE") {
			t.Fatalf("OpenPostgres through PgBouncer without the role's setting = %v, want a refusal naming ALTER ROLE", err)
		}

		testdb.SetOnRole(t, db, "statement_timeout = '300ms'")
		timed, err := database.OpenPostgres(context.Background(), db.URL, pool)
		if err != nil {
			t.Fatalf("OpenPostgres with the role's statement_timeout: %v", err)
		}
		defer func() { _ = timed.Close() }()
		var zone string
		if err := timed.SQL.QueryRow("SELECT current_setting('TimeZone')").Scan(&zone); err != nil || zone != "UTC" {
			t.Errorf("TimeZone through PgBouncer = %q (%v), want UTC", zone, err)
		}
		_, err = timed.SQL.Exec("SELECT pg_sleep(30)")
		var pqErr *pq.Error
		if !errors.As(err, &pqErr) || pqErr.Code != "57014" {
			t.Errorf("a 30 s statement through PgBouncer = %v, want it cancelled by the statement timeout (57014)", err)
		}
	})

	t.Run("ReplicaStatementTimeout", func(t *testing.T) {
		db := testdb.Open(t)
		pool := testdb.PoolFor(testdb.Name(t, db))
		pool.StatementTimeout = 300 * time.Millisecond
		logged := &gqltest.SharedLog{}
		log := slog.New(slog.NewTextHandler(logged, nil))
		// The primary straight to the server, the replica (the same database, taken as
		// current: it is not in recovery) through PgBouncer, which drops the timeout.
		routed, err := database.OpenPostgresWithReplica(context.Background(), db.DirectURL, pool,
			database.Replica{URL: db.URL, MaxLag: time.Minute, CheckInterval: time.Hour, Log: log})
		if err != nil {
			t.Fatalf("a replica whose settings differ stopped the server: %v", err)
		}
		defer func() { _ = routed.Close() }()
		if st, _ := routed.Replica(); st.InService {
			t.Errorf("replica status = %+v, want out of service: reads would run without the statement timeout", st)
		}
		if got := logged.String(); !strings.Contains(got, "statement_timeout is 0ms") || !strings.Contains(got, "ALTER ROLE") {
			t.Errorf("log = %q, want the setting at fault and the ALTER ROLE to run", got)
		}

		testdb.SetOnRole(t, db, "statement_timeout = '300ms'")
		routed.CheckReplica(context.Background())
		if st, _ := routed.Replica(); !st.InService {
			t.Errorf("replica status = %+v once the role has the timeout, want in service", st)
		}
	})
}
