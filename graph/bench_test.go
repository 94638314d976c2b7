package graph_test

import (
	"context"
	"io"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/mifmaroc/erp/ent/intervention"
	"github.com/mifmaroc/erp/ent/user"
	"github.com/mifmaroc/erp/internal/apptest"
	"github.com/mifmaroc/erp/internal/config"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/gqltest"
	"github.com/mifmaroc/erp/internal/seed"
)

// benchEnv is a server on the small seeded dataset, with a RESPONSABLE's client.
func benchEnv(b *testing.B) (*apptest.Env, string) {
	b.Helper()
	e := apptest.New(b)
	if err := seed.Run(context.Background(), e.Client, seed.Sizes["small"], time.Now(), bcrypt.MinCost, io.Discard); err != nil {
		b.Fatal(err)
	}
	resp := e.Client.User.Query().Where(user.RoleEQ(domain.RoleResponsable)).FirstX(e.Sys)
	return e, e.Token(b, resp)
}

// Hot resolvers through the whole HTTP stack, rendered by PostgreSQL (direct, the default)
// and field by field (resolvers, GRAPHQL_DIRECT_RENDERING=false) on the same database:
//
//	TEST_DB=postgres go test -run '^$' -bench 'Nested|Detail' ./graph/
func benchBothWays(b *testing.B, e *apptest.Env, token string, run func(b *testing.B, api *gqltest.Client)) {
	resolvers := e.Replica(b, func(c *config.Config) { c.DirectRendering = false })
	b.Run("direct", func(b *testing.B) { run(b, e.GraphQL(b, token)) })
	b.Run("resolvers", func(b *testing.B) { run(b, resolvers.GraphQL(b, token)) })
}

func BenchmarkNestedList50(b *testing.B) {
	e, token := benchEnv(b)
	benchBothWays(b, e, token, func(b *testing.B, api *gqltest.Client) {
		for i := 0; i < b.N; i++ {
			api.MustData(`{ interventions(first: 50) { totalCount edges { node { titre equipement { nom } technicien { user { email } }
			  documents { filename } historique { nouveauStatut user { email } } } } } }`, nil, &struct{}{})
		}
	})
}

func BenchmarkDetail(b *testing.B) {
	e, token := benchEnv(b)
	ids := e.Client.Intervention.Query().Where(intervention.HasTechnicien()).Limit(100).IDsX(e.Sys)
	benchBothWays(b, e, token, func(b *testing.B, api *gqltest.Client) {
		for i := 0; i < b.N; i++ {
			api.MustData(`query($id: ID!) { node(id: $id) { ... on Intervention { titre statut equipement { nom } technicien { user { email } }
			  historique { nouveauStatut } availableTransitions coutTotalCentimes } } }`, map[string]any{"id": ids[i%len(ids)]}, &struct{}{})
		}
	})
}
