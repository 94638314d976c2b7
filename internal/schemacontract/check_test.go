package schemacontract_test

import (
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/mifmaroc/erp/internal/schemacontract"
)

// base is the old schema of most cases; each case's new schema is base with one change.
const base = `
directive @audit(reason: String) on FIELD_DEFINITION | OBJECT
interface Node { id: ID! kind: String }
type Query {
  node(id: ID!): Node
  items(first: Int, after: String, filter: ItemFilter): [Item!]!
  count: Int
  search(text: String! = "", tags: [String!]): [Result]
}
type Item implements Node { id: ID! kind: String name: String! note: String statut: Statut }
type Other { id: ID! }
union Result = Item | Other
enum Statut { OUVERTE FERMEE }
input ItemFilter { name: String statut: Statut ids: [ID!] limit: Int! = 10 }
`

func TestBreaking(t *testing.T) {
	tests := []struct {
		name string
		new  string
		want []string
	}{
		{"Unchanged", base, nil},
		{"TypeAdded", base + "type Added { x: Int }", nil},
		{"TypeRemoved", replace(replace(base, "type Other { id: ID! }", ""), "Item | Other", "Item"), []string{
			"type Other was removed",
			"union Result no longer includes Other",
		}},
		{"TypeKindChanged", replace(base, "enum Statut { OUVERTE FERMEE }", "scalar Statut"), []string{
			"type Statut changed kind from ENUM to SCALAR",
		}},
		{"FieldAdded", replace(base, "note: String", "note: String added: Int"), nil},
		{"FieldRemoved", replace(base, "note: String", ""), []string{"field Item.note was removed"}},
		{"OutputBecomesNonNull", replace(base, "note: String", "note: String!"), nil},
		{"OutputBecomesNullable", replace(base, "name: String!", "name: String"), []string{
			"field Item.name changed type from String! to String",
		}},
		{"OutputListElementBecomesNullable", replace(base, "[Item!]!", "[Item]!"), []string{
			"field Query.items changed type from [Item!]! to [Item]!",
		}},
		{"OutputNamedTypeChanged", replace(base, "count: Int", "count: Float"), []string{
			"field Query.count changed type from Int to Float",
		}},
		{"OutputBecomesList", replace(base, "count: Int", "count: [Int]"), []string{
			"field Query.count changed type from Int to [Int]",
		}},
		{"ArgumentAddedOptional", replace(base, "count: Int", "count(min: Int, max: Int! = 5): Int"), nil},
		{"ArgumentAddedRequired", replace(base, "count: Int", "count(min: Int!): Int"), []string{
			"argument Query.count(min:) was added as required",
		}},
		{"ArgumentRemoved", replace(base, "first: Int, ", ""), []string{"argument Query.items(first:) was removed"}},
		{"ArgumentBecomesNonNull", replace(base, "first: Int,", "first: Int!,"), []string{
			"argument Query.items(first:) changed type from Int to Int!",
		}},
		{"ArgumentBecomesNullable", replace(base, "node(id: ID!)", "node(id: ID)"), nil},
		{"ArgumentDefaultRemoved", replace(base, `text: String! = ""`, "text: String!"), []string{
			"argument Query.search(text:) is now required: its default was removed",
		}},
		{"ArgumentDefaultAdded", replace(base, "first: Int,", "first: Int = 20,"), nil},
		{"ArgumentBecomesListOfIt", replace(base, "first: Int,", "first: [Int!],"), nil},
		{"ArgumentListBecomesSingle", replace(base, "tags: [String!]", "tags: String"), []string{
			"argument Query.search(tags:) changed type from [String!] to String",
		}},
		{"ArgumentListElementBecomesNonNull", replace(base, "ids: [ID!]", "ids: [ID!]!"), []string{
			"input field ItemFilter.ids changed type from [ID!] to [ID!]!",
		}},
		{"EnumValueAdded", replace(base, "OUVERTE FERMEE", "OUVERTE FERMEE ANNULEE"), nil},
		{"EnumValueRemoved", replace(base, "OUVERTE FERMEE", "OUVERTE"), []string{"enum value Statut.FERMEE was removed"}},
		{"UnionMemberAdded", base + "type Third { x: Int } extend union Result = Third", nil},
		{"UnionMemberRemoved", replace(base, "Item | Other", "Item"), []string{"union Result no longer includes Other"}},
		{"InputFieldAddedOptional", replace(base, "ids: [ID!]", "ids: [ID!] after: String sort: Int! = 1"), nil},
		{"InputFieldAddedRequired", replace(base, "ids: [ID!]", "ids: [ID!] sort: Int!"), []string{
			"input field ItemFilter.sort was added as required",
		}},
		{"InputFieldBecomesNonNull", replace(base, "name: String statut", "name: String! statut"), []string{
			"input field ItemFilter.name changed type from String to String!",
		}},
		{"InputFieldBecomesNullable", replace(base, "limit: Int! = 10", "limit: Int"), nil},
		{"InputFieldDefaultRemoved", replace(base, "limit: Int! = 10", "limit: Int!"), []string{
			"input field ItemFilter.limit is now required: its default was removed",
		}},
		{"InputFieldRemoved", replace(base, "statut: Statut ids", "ids"), []string{"input field ItemFilter.statut was removed"}},
		{"InterfaceAdded", base + "interface Named { name: String! } extend type Item implements Named", nil},
		{"InterfaceRemoved", replace(base, "type Item implements Node", "type Item"), []string{
			"type Item no longer implements Node",
		}},
		{"InterfaceFieldRemoved", replace(base, "interface Node { id: ID! kind: String }", "interface Node { id: ID! }"), []string{
			"field Node.kind was removed",
		}},
		{"DirectiveAdded", base + "directive @added on FIELD", nil},
		{"DirectiveRemoved", replace(base, "directive @audit(reason: String) on FIELD_DEFINITION | OBJECT", ""), []string{
			"directive @audit was removed",
		}},
		{"DirectiveLocationRemoved", replace(base, "FIELD_DEFINITION | OBJECT", "FIELD_DEFINITION"), []string{
			"directive @audit can no longer be used on OBJECT",
		}},
		{"DirectiveArgumentRequired", replace(base, "@audit(reason: String)", "@audit(reason: String, by: ID!)"), []string{
			"argument @audit(by:) was added as required",
		}},
		{"DescriptionsAndDeprecations", replace(base,
			"type Item implements Node { id: ID! kind: String name: String! note: String",
			`"An item." type Item implements Node { id: ID! kind: String "Its name." name: String! note: String @deprecated(reason: "Use name.")`), nil},
	}
	old := mustLoad(t, base)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := schemacontract.Breaking(old, mustLoad(t, tt.new))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Breaking (-want +got):\n%s", diff)
			}
		})
	}
}

// replace is strings.Replace that fails loudly when a case's edit finds nothing to change.
func replace(s, old, new string) string {
	if !strings.Contains(s, old) {
		panic("base has no " + old)
	}
	return strings.Replace(s, old, new, 1)
}

func mustLoad(t *testing.T, sdl string) *ast.Schema {
	t.Helper()
	s, err := schemacontract.Load("test", sdl)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestParseAllowList(t *testing.T) {
	got, err := schemacontract.ParseAllowList(strings.NewReader(`# header
# the mobile app no longer reads it (ticket 12)
  field Item.note was removed  

enum value Statut.FERMEE was removed
`))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"field Item.note was removed", "enum value Statut.FERMEE was removed"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ParseAllowList (-want +got):\n%s", diff)
	}
}

// TestRealSchema breaks a copy of the published schema the way a careless change would,
// and checks that the contract fails until the allow-list names each break.
func TestRealSchema(t *testing.T) {
	text, err := os.ReadFile("../../schema.graphql")
	if err != nil {
		t.Fatal(err)
	}
	release := mustLoad(t, string(text))
	if got := schemacontract.Breaking(release, mustLoad(t, string(text))); len(got) != 0 {
		t.Fatalf("the schema breaks itself: %q", got)
	}

	current := mustLoad(t, string(text))
	intervention := current.Types["Intervention"]
	i := intervention.Fields.ForName("titre")
	if i == nil {
		t.Fatal("Intervention has no field titre: pick another field to remove")
	}
	intervention.Fields = removeField(intervention.Fields, "titre")
	change := current.Mutation.Fields.ForName("changeInterventionStatut")
	change.Arguments = append(change.Arguments, &ast.ArgumentDefinition{
		Name: "motif", Type: ast.NonNullNamedType("String", nil),
	})

	breaking := schemacontract.Breaking(release, current)
	want := []string{
		"argument Mutation.changeInterventionStatut(motif:) was added as required",
		"field Intervention.titre was removed",
	}
	if diff := cmp.Diff(want, breaking); diff != "" {
		t.Fatalf("Breaking (-want +got):\n%s", diff)
	}

	unlisted, unused := schemacontract.Filter(breaking, nil)
	if diff := cmp.Diff(want, unlisted); diff != "" || unused != nil {
		t.Errorf("with no allow-list: unlisted (-want +got):\n%s\nunused: %q", diff, unused)
	}
	allowed, err := schemacontract.ParseAllowList(strings.NewReader("# intended\n" + strings.Join(want, "\n") + "\n"))
	if err != nil {
		t.Fatal(err)
	}
	if unlisted, unused := schemacontract.Filter(breaking, allowed); unlisted != nil || unused != nil {
		t.Errorf("with both listed: unlisted %q, unused %q", unlisted, unused)
	}
	unlisted, unused = schemacontract.Filter(breaking, append(allowed[:1:1], "field Intervention.statut was removed"))
	if diff := cmp.Diff(want[1:], unlisted); diff != "" {
		t.Errorf("with one listed: unlisted (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"field Intervention.statut was removed"}, unused); diff != "" {
		t.Errorf("with one listed: unused (-want +got):\n%s", diff)
	}
}

func removeField(fields ast.FieldList, name string) ast.FieldList {
	var out ast.FieldList
	for _, f := range fields {
		if f.Name != name {
			out = append(out, f)
		}
	}
	return out
}
