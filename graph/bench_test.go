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
	"github.com/mifmaroc/erp/internal/domain"
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

// Hot resolvers through the whole HTTP stack:
//
//	TEST_DB=postgres go test -run '^$' -bench 'Nested|Detail' ./graph/
func BenchmarkNestedList50(b *testing.B) {
	e, token := benchEnv(b)
	api := e.GraphQL(b, token)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		api.MustData(`{ interventions(first: 50) { totalCount edges { node { titre equipement { nom } technicien { user { email } }
		  documents { filename } historique { nouveauStatut user { email } } } } } }`, nil, &struct{}{})
	}
}

func BenchmarkDetail(b *testing.B) {
	e, token := benchEnv(b)
	api := e.GraphQL(b, token)
	ids := e.Client.Intervention.Query().Where(intervention.HasTechnicien()).Limit(100).IDsX(e.Sys)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		api.MustData(`query($id: ID!) { node(id: $id) { ... on Intervention { titre statut equipement { nom } technicien { user { email } }
		  historique { nouveauStatut } availableTransitions coutTotalCentimes } } }`, map[string]any{"id": ids[i%len(ids)]}, &struct{}{})
	}
}
