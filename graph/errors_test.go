package graph_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"

	"github.com/mifmaroc/erp/graph"
	"github.com/mifmaroc/erp/internal/apptest"
	"github.com/mifmaroc/erp/internal/config"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/gqltest"
	"github.com/mifmaroc/erp/internal/httpserver"
)

// TestSuggestions: validation errors suggest names in development only; in production they
// would reveal the schema that disabled introspection hides.
func TestSuggestions(t *testing.T) {
	e := apptest.New(t)
	token := e.Token(t, e.User(t, "Admin", domain.RoleAdmin))
	deps := e.Deps
	deps.Config.Env = config.EnvProduction
	prod := httptest.NewServer(httpserver.NewHandler(deps))
	t.Cleanup(prod.Close)
	servers := map[string]*gqltest.Client{
		"Development": e.GraphQL(t, token),
		"Production":  gqltest.NewClient(t, prod.URL+"/graphql"),
	}
	servers["Production"].Token = token

	tests := []struct {
		name, query, wantMsg string
	}{
		{"Field", `{ me { emai } }`, `Cannot query field "emai" on type "User".`},
		{"Argument", `{ equipements(frist: 1) { totalCount } }`, `Unknown argument "frist" on field "Query.equipements".`},
		{"EnumValue", `{ interventions(where: {statut: EN_COUR}) { totalCount } }`, `Value "EN_COUR" does not exist in "InterventionStatut" enum.`},
		{"FragmentType", `{ me { ...F } } fragment F on Usr { email }`, `Unknown type "Usr".`},
	}
	for _, tt := range tests {
		for env, api := range servers {
			t.Run(tt.name+"/"+env, func(t *testing.T) {
				err := api.MustFail(tt.query, nil)
				if !strings.HasPrefix(err.Message, tt.wantMsg) || err.Code() != "GRAPHQL_VALIDATION_FAILED" {
					t.Errorf("error %q (%s), want GRAPHQL_VALIDATION_FAILED starting with %q", err.Message, err.Code(), tt.wantMsg)
				}
				if suggests := strings.Contains(err.Message, "Did you mean"); suggests != (env == "Development") {
					t.Errorf("%s: %q suggests: %t", env, err.Message, suggests)
				}
			})
		}
	}
}

// TestClassify: errors that are not the API's own get the code their cause deserves.
func TestClassify(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want domain.Code
	}{
		{"domain error kept", domain.Errorf(domain.CodeConflict, "taken"), domain.CodeConflict},
		{"client gone", fmt.Errorf("querying interventions: %w", context.Canceled), domain.CodeCanceled},
		{"too slow", fmt.Errorf("querying: %w", context.DeadlineExceeded), domain.CodeInternal},
		{"full disk", fmt.Errorf("writing: %w", syscall.ENOSPC), domain.CodeInsufficientStorage},
		{"anything else", errors.New("boom"), domain.CodeInternal},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := graph.Classify(tt.err).Code; got != tt.want {
				t.Errorf("Classify(%v) = %s, want %s", tt.err, got, tt.want)
			}
		})
	}
}
