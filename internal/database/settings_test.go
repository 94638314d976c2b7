package database_test

import (
	"database/sql"
	"testing"

	"entgo.io/ent/dialect"

	"github.com/mifmaroc/erp/internal/testdb"
)

// TestSessionSettings: the settings OpenPostgres asks for are those the server runs the
// statements with, on the API's pool and on the direct connections.
func TestSessionSettings(t *testing.T) {
	db := testdb.Open(t)
	if db.Dialect != dialect.Postgres {
		t.Skip("PostgreSQL's run-time settings; SQLite has none of these")
	}
	conns := map[string]*sql.DB{"DATABASE_URL": db.SQL}
	if db.Direct != nil {
		conns["DATABASE_DIRECT_URL"] = db.Direct
	}
	for name, conn := range conns {
		for setting, want := range map[string]string{"TimeZone": "UTC", "jit": "off", "random_page_cost": "1.1"} {
			var got string
			if err := conn.QueryRow("SELECT current_setting($1)", setting).Scan(&got); err != nil {
				t.Fatalf("%s: reading %s: %v", name, setting, err)
			}
			if got != want {
				t.Errorf("%s: %s = %q, want %q", name, setting, got, want)
			}
		}
	}
}
