package graph_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/mifmaroc/erp/internal/apptest"
	"github.com/mifmaroc/erp/internal/domain"
)

func TestQueryLimits(t *testing.T) {
	e := apptest.New(t)
	admin := e.User(t, "Admin", domain.RoleAdmin)
	api := e.As(t, admin)
	deep := "{ node(id: 1) { ... on Intervention { equipement { interventions { edges { node { equipement { interventions { edges { node { equipement { nom } } } } } } } } } } } }"
	var b strings.Builder
	b.WriteString("{ ")
	for i := 0; i <= 100; i++ {
		fmt.Fprintf(&b, "m%d: me { email } ", i)
	}
	b.WriteString("}")
	aliases := b.String()
	tests := []struct {
		name, query string
		vars        map[string]any
		wantMsg     string
	}{
		{"FirstTooLarge", `{ interventions(first: 1000) { totalCount } }`, nil, "between 1 and 100"},
		{"FirstZero", `{ equipements(first: 0) { totalCount } }`, nil, "between 1 and 100"},
		{"LastInVariable", `query($n: Int) { users(last: $n) { totalCount } }`, map[string]any{"n": 500}, "between 1 and 100"},
		{"NestedFirst", `{ equipements(first: 10) { edges { node { interventions(first: 5000) { totalCount } } } } }`, nil, "between 1 and 100"},
		{"TooDeep", deep, nil, "deeper than 10"},
		{"TooManyAliases", aliases, nil, "aliases"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := e.DB.Statements()
			res := api.Do(tt.query, tt.vars)
			if len(res.Errors) == 0 || res.Errors[0].Code() != "BAD_USER_INPUT" || !strings.Contains(res.Errors[0].Message, tt.wantMsg) {
				t.Fatalf("errors = %+v, want BAD_USER_INPUT mentioning %q", res.Errors, tt.wantMsg)
			}
			// Refused before execution: only the authentication read ran.
			if n := e.DB.Statements() - before; n > 1 {
				t.Errorf("%d statements ran for a refused query", n)
			}
		})
	}
	var ok struct{ Interventions struct{ TotalCount int } }
	api.MustData(`{ interventions(first: 100) { totalCount } }`, nil, &ok)
}
