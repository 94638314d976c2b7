package graph_test

import (
	"cmp"
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
	// 100 aliases and 20 repeats are allowed, 2,100 selections are not.
	b.Reset()
	b.WriteString("{ ")
	for i := 0; i < 100; i++ {
		fmt.Fprintf(&b, "u%d: me { %s} ", i, strings.Repeat("email ", 20))
	}
	b.WriteString("}")
	selections := b.String()
	nested := `{ equipements(first: 100) { edges { node { interventions(first: 100) { edges { node { historique { nouveauStatut } } } } } } } }`
	tests := []struct {
		name, query string
		vars        map[string]any
		wantMsg     string
		wantCode    string // BAD_USER_INPUT when empty
	}{
		{"FirstTooLarge", `{ interventions(first: 1000) { totalCount } }`, nil, "between 1 and 100", ""},
		{"FirstZero", `{ equipements(first: 0) { totalCount } }`, nil, "between 1 and 100", ""},
		{"LastInVariable", `query($n: Int) { users(last: $n) { totalCount } }`, map[string]any{"n": 500}, "between 1 and 100", ""},
		{"NestedFirst", `{ equipements(first: 10) { edges { node { interventions(first: 5000) { totalCount } } } } }`, nil, "between 1 and 100", ""},
		{"TooDeep", deep, nil, "deeper than 10", ""},
		{"TooManyAliases", aliases, nil, "aliases", ""},
		{"TooCostly", nested, nil, "costs 40301; at most 20000", ""},
		{"TooCostlyInVariables", `query($n: Int) { equipements(first: $n) { edges { node { interventions(first: $n) { edges { node { statut titre } } } } } } }`,
			map[string]any{"n": 100}, "costs 40301; at most 20000", ""},
		{"TooCostlyByDefaultPageSize", `{ equipements { edges { node { interventions { edges { node { equipement { interventions { totalCount } } } } } } } } }`,
			nil, "at most 20000", ""},
		{"SameField", "{ me { " + strings.Repeat("email ", 21) + "} }", nil, `"email" is selected 21 times in one selection set; at most 20`, ""},
		{"FieldDuplicationAttack", "{ me { " + strings.Repeat("email ", 100_000) + "} }", nil, "selections", ""},
		{"SameFieldThroughFragments", `{ me { ...A ...B } } fragment A on User { ` + strings.Repeat("email ", 15) + `} fragment B on User { ` + strings.Repeat("email ", 15) + `}`,
			nil, `"email" is selected 30 times`, ""},
		{"SameFragment", "{ me { " + strings.Repeat("...A ", 21) + "} } fragment A on User { email }", nil, `"...A" is selected 21 times`, ""},
		{"FragmentExplosion", `{ me { ...A } } fragment A on User { ...B ...B ...B } fragment B on User { ...C ...C ...C } fragment C on User { ...D ...D ...D } fragment D on User { email }`,
			nil, `is selected`, ""},
		{"UnusedFragment", "{ me { email } } fragment X on User { " + strings.Repeat("email ", 21) + "}", nil, `"email" is selected 21 times`, ""},
		{"TooManySelections", selections, nil, "more than 2000 selections", ""},
		{"FragmentCycle", `{ me { ...A } } fragment A on User { email ...B } fragment B on User { email ...A }`, nil, "within itself", "GRAPHQL_VALIDATION_FAILED"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code := cmp.Or(tt.wantCode, "BAD_USER_INPUT")
			before := e.DB.Statements()
			res := api.Do(tt.query, tt.vars)
			if len(res.Errors) == 0 || res.Errors[0].Code() != code || !strings.Contains(res.Errors[0].Message, tt.wantMsg) {
				t.Fatalf("errors = %.500v, want %s mentioning %q", fmt.Sprint(res.Errors), code, tt.wantMsg)
			}
			// Refused before execution: only the authentication read ran.
			if n := e.DB.Statements() - before; n > 1 {
				t.Errorf("%d statements ran for a refused query", n)
			}
		})
	}
	// What a screen asks for stays well within the limits.
	for _, q := range []string{
		`{ interventions(first: 100) { totalCount } }`,
		`{ interventions(first: 100) { edges { node { equipement { nom } technicien { user { email } } documents { filename } historique { nouveauStatut user { email } } } } } }`,
		`{ equipements { edges { node { nom interventions { totalCount edges { node { statut } } } } } } }`,
		`{ me { ...A ...B } } fragment A on User { id email } fragment B on User { id email nomComplet }`,
		introspection, // GraphiQL's
	} {
		var data map[string]any
		api.MustData(q, nil, &data)
	}
}

// introspection is the query GraphiQL sends at start (graphql-js getIntrospectionQuery),
// whose TypeRef fragment nests ofType nine levels deep.
const introspection = `query IntrospectionQuery {
  __schema {
    queryType { name } mutationType { name } subscriptionType { name }
    types { ...FullType }
    directives { name description locations args { ...InputValue } }
  }
}
fragment FullType on __Type {
  kind name description
  fields(includeDeprecated: true) { name description args { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason }
  inputFields { ...InputValue }
  interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
  possibleTypes { ...TypeRef }
}
fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
fragment TypeRef on __Type {
  kind name
  ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name
    ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } } }
}`
