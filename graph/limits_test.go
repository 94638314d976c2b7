package graph_test

import (
	"cmp"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/mifmaroc/erp/graph"
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
		{"FieldDuplicationAttack", "{ me { " + strings.Repeat("email ", 100_000) + "} }", nil, "more than 10000 tokens", ""},
		{"TooManyDirectives", "{ me { email " + strings.Repeat("@include(if: true) ", 101) + "} }", nil, "101 directives; at most 100", ""},
		{"TooManyIDs", "{ nodes(ids: [" + strings.Repeat(`"1" `, 1000) + "]) { id } }", nil, "1001 arguments, variables and input values; at most 1000", ""},
		{"TooManyVariables", "query(" + variables(1001) + ") { me { email } }", nil, "1001 arguments, variables and input values", ""},
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
	var me struct{ Me struct{ ID string } }
	api.MustData(`{ me { id } }`, nil, &me)
	// What a screen asks for stays well within the limits.
	for _, q := range []string{
		`{ interventions(first: 100) { totalCount } }`,
		`{ interventions(first: 100) { edges { node { equipement { nom } technicien { user { email } } documents { filename } historique { nouveauStatut user { email } } } } } }`,
		`{ equipements { edges { node { nom interventions { totalCount edges { node { statut } } } } } } }`,
		`{ me { ...A ...B } } fragment A on User { id email } fragment B on User { id email nomComplet }`,
		`query($full: Boolean!) { me { email nomComplet @include(if: $full) role @skip(if: $full) } }`,
		"{ nodes(ids: [" + strings.Repeat(`"`+me.Me.ID+`" `, 100) + "]) { id } }",
		introspection, // GraphiQL's
	} {
		var data map[string]any
		api.MustData(q, map[string]any{"full": true}, &data)
	}
}

// TestQueryLimitsKeptByDocument: an operation's check is kept by document only when no
// variable decided it. The same document with a page size in a variable passes or is
// refused by the value of each request, in either order; one whose sizes are written in it
// is answered alike the second time.
func TestQueryLimitsKeptByDocument(t *testing.T) {
	e := apptest.New(t)
	api := e.As(t, e.User(t, "Admin", domain.RoleAdmin))
	byVariable := `query($n: Int) { interventions(first: $n) { totalCount } }`
	byDefault := `query($n: Int = 20) { equipements(first: $n) { totalCount } }`
	nested := `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`
	var me struct{ Me struct{ ID string } }
	api.MustData(`{ me { id } }`, nil, &me)
	many := make([]any, 0, 100)
	for range 100 {
		many = append(many, me.Me.ID)
	}
	steps := []struct {
		query   string
		vars    map[string]any
		refused string // the message's part, empty when it passes
	}{
		{byVariable, map[string]any{"n": 10}, ""},
		{byVariable, map[string]any{"n": 500}, "between 1 and 100"},
		{byVariable, map[string]any{"n": 10}, ""},
		{byDefault, nil, ""},
		{byDefault, map[string]any{"n": 0}, "between 1 and 100"},
		{byDefault, nil, ""},
		{nested, map[string]any{"ids": many[:1]}, ""},
		{nested, map[string]any{"ids": many}, ""},
		{`{ interventions(first: 100) { totalCount } }`, nil, ""},
		{`{ interventions(first: 100) { totalCount } }`, nil, ""},
		{`{ interventions(first: 101) { totalCount } }`, nil, "between 1 and 100"},
		{`{ interventions(first: 101) { totalCount } }`, nil, "between 1 and 100"},
	}
	for i, st := range steps {
		res := api.Do(st.query, st.vars)
		switch {
		case st.refused == "" && len(res.Errors) > 0:
			t.Errorf("step %d (%v): refused: %v", i, st.vars, res.Errors)
		case st.refused != "" && (len(res.Errors) == 0 || !strings.Contains(res.Errors[0].Message, st.refused)):
			t.Errorf("step %d (%v): errors = %v, want one mentioning %q", i, st.vars, res.Errors, st.refused)
		}
	}
}

// variables declares n Int variables.
func variables(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "$v%d: Int ", i)
	}
	return b.String()
}

// repeat is head, then unit as many times as fit in a request body of graph.MaxBodyBytes,
// then tail.
func repeat(head, unit, tail string) string {
	n := (graph.MaxBodyBytes - 100 - len(head) - len(tail)) / len(unit)
	return head + strings.Repeat(unit, n) + tail
}

// TestAnswersStaySmall: an anonymous megabyte of directives or arguments is refused before
// validation, with one error, and however many mistakes a smaller document makes, its
// answer holds graph.MaxErrors of them and one saying how many more there were (validation
// reported each one, a megabyte of directives made a hundred megabytes of errors).
func TestAnswersStaySmall(t *testing.T) {
	e := apptest.New(t)
	var unknownFields strings.Builder
	for i := range 200 {
		fmt.Fprintf(&unknownFields, "f%d ", i)
	}
	var failing strings.Builder
	for i := range 60 {
		fmt.Fprintf(&failing, "m%d: me { email } ", i)
	}
	refused := func(msg string) []string { return []string{msg} }
	tests := []struct {
		name, query string
		status      int
		code        string   // of every error
		messages    []string // what the first errors say, and the last one
	}{
		{"UnknownDirectives", repeat("{ __typename ", "@x ", "}"), 400, "BAD_USER_INPUT", refused("more than 10000 tokens")},
		{"RepeatedDirectives", repeat("{ __typename ", "@skip(if: false) ", "}"), 400, "BAD_USER_INPUT", refused("more than 10000 tokens")},
		{"Arguments", repeat("{ __typename(a: 1", ", a: 1", ") }"), 400, "BAD_USER_INPUT", refused("more than 10000 tokens")},
		{"Variables", repeat("query($v: Int", ", $v: Int", ") { __typename }"), 400, "BAD_USER_INPUT", refused("more than 10000 tokens")},
		{"Nesting", repeat("{ ", "a { ", ""), 400, "BAD_USER_INPUT", refused("more than 10000 tokens")},
		{"Aliases", repeat("{ ", "a: __typename ", "}"), 400, "BAD_USER_INPUT", refused("more than 10000 tokens")},
		{"UnusedFragments", repeat("{ __typename } ", "fragment f on Query { __typename } ", ""), 400, "BAD_USER_INPUT", refused("more than 10000 tokens")},
		{"DirectivesWithinTokens", "{ __typename " + strings.Repeat("@x ", 101) + "}", 400, "BAD_USER_INPUT", refused("101 directives; at most 100")},
		{"ArgumentsWithinTokens", "{ __typename(" + strings.Repeat("a: 1 ", 1001) + ") }", 400, "BAD_USER_INPUT", refused("1001 arguments")},
		{"ValidationErrors", "{ " + unknownFields.String() + "}", 400, "GRAPHQL_VALIDATION_FAILED",
			[]string{`Cannot query field "f0" on type "Query".`, "too many errors: 150 more not shown"}},
		{"FieldErrors", "{ " + failing.String() + "}", 200, "UNAUTHENTICATED",
			[]string{"authentication required", "too many errors: 10 more not shown"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := e.DB.Statements()
			res := request{method: http.MethodPost, contentType: "application/json", accept: "application/graphql-response+json",
				body: jsonBody(tt.query)}.send(t, e.URL)
			var errs []struct {
				Message    string
				Extensions struct{ Code string }
			}
			if err := json.Unmarshal(res.body["errors"], &errs); err != nil {
				t.Fatal(err)
			}
			want := 1
			if len(tt.messages) > 1 {
				want = graph.MaxErrors + 1
			}
			if res.status != tt.status || len(errs) != want {
				t.Fatalf("status %d with %d errors (%d bytes), want %d with %d:\n%.500s", res.status, len(errs), len(res.raw), tt.status, want, res.raw)
			}
			for i, err := range errs {
				if err.Extensions.Code != tt.code {
					t.Errorf("error %d: code %q, want %q (%s)", i, err.Extensions.Code, tt.code, err.Message)
				}
			}
			if first := errs[0].Message; !strings.Contains(first, tt.messages[0]) {
				t.Errorf("first error %q, want it to say %q", first, tt.messages[0])
			}
			if last := errs[len(errs)-1].Message; !strings.Contains(last, tt.messages[len(tt.messages)-1]) {
				t.Errorf("last error %q, want it to say %q", last, tt.messages[len(tt.messages)-1])
			}
			if _, ok := res.body["data"]; ok != (tt.status == http.StatusOK) {
				t.Errorf("data present: %v, want it only when the operation ran", ok)
			}
			if n := e.DB.Statements() - before; n > 0 {
				t.Errorf("%d statements ran for an anonymous request", n)
			}
		})
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
