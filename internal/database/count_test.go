package database_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"entgo.io/ent/dialect"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/ent/intervention"
	"github.com/mifmaroc/erp/ent/technicien"
	"github.com/mifmaroc/erp/internal/database"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/testdb"
	"github.com/mifmaroc/erp/internal/viewer"
)

// captured is a PostgreSQL driver that runs nothing: it keeps the statement ent writes.
type captured struct {
	dialect.Driver
	query *string
	args  *[]any
}

var errCaptured = errors.New("captured, not run")

func (c captured) Query(_ context.Context, query string, args, _ any) error {
	*c.query = query
	*c.args, _ = args.([]any)
	return errCaptured
}

func (c captured) Dialect() string { return dialect.Postgres }

// TestCountRowsOfEntQueries holds the COUNT(*) rewrite to the SQL ent really emits for the
// counts the API makes (a list's totalCount: plain, filtered, across an edge, under a
// viewer's read rule): a new ent version that writes counts otherwise fails here instead of
// silently bringing the slow count back. On PostgreSQL both forms run on rows and must agree.
func TestCountRowsOfEntQueries(t *testing.T) {
	db := testdb.Open(t)
	sys := viewer.SystemContext(context.Background())
	c := db.Ent
	u := c.User.Create().SetEmail("t@example.com").SetNomComplet("T").SetPasswordHash("x").SetRole(domain.RoleTechnicien).SaveX(sys)
	froid := c.Technicien.Create().SetUser(u).SetEquipe("Froid").SaveX(sys)
	c.Intervention.Create().SetTitre("a").SetTechnicien(froid).SetStatut(domain.StatutEnCours).SaveX(sys)
	c.Intervention.Create().SetTitre("b").SaveX(sys)
	c.Intervention.Create().SetTitre("c").SetStatut(domain.StatutCloturee).SaveX(sys)
	tech := viewer.NewContext(context.Background(), &viewer.Viewer{UserID: u.ID, Role: domain.RoleTechnicien, TechnicienID: froid.ID})

	var (
		query string
		args  []any
	)
	capture := ent.NewClient(ent.Driver(captured{query: &query, args: &args}))
	counts := []struct {
		name  string
		count func() (int, error)
		want  int
	}{
		{"All", func() (int, error) { return capture.Intervention.Query().Count(sys) }, 3},
		{"Filtered", func() (int, error) {
			return capture.Intervention.Query().Where(intervention.StatutIn(domain.OpenStatuts()...)).Count(sys)
		}, 2},
		{"AcrossAnEdge", func() (int, error) {
			return capture.Intervention.Query().Where(intervention.HasTechnicienWith(technicien.Equipe("Froid"))).Count(sys)
		}, 1},
		{"UnderATechniciansRule", func() (int, error) { return capture.Intervention.Query().Count(tech) }, 1},
		{"OtherEntity", func() (int, error) { return capture.Technicien.Query().Count(sys) }, 1},
	}
	for _, tt := range counts {
		t.Run(tt.name, func(t *testing.T) {
			query, args = "", nil
			if _, err := tt.count(); !errors.Is(err, errCaptured) {
				t.Fatalf("no statement captured: %v", err)
			}
			rewritten := database.CountRows(query)
			if !strings.HasPrefix(rewritten, `SELECT COUNT(*) FROM "`) || rewritten == query {
				t.Fatalf("ent's count\n  %s\nis sent as\n  %s\nwant COUNT(*)", query, rewritten)
			}
			if db.Dialect != dialect.Postgres {
				return // the statements are PostgreSQL's
			}
			for _, q := range []string{query, rewritten} {
				var n int
				if err := db.SQL.QueryRowContext(sys, q, args...).Scan(&n); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
				if n != tt.want {
					t.Errorf("%s counts %d, want %d", q, n, tt.want)
				}
			}
		})
	}
}
