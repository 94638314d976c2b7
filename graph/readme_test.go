package graph

import (
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"
)

// readme is the README a newcomer follows: its GraphQL and its enum table must match the
// schema he will meet.
func readme(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestReadmeDocumentsValidate validates every ```graphql block of the README against the
// schema.
func TestReadmeDocumentsValidate(t *testing.T) {
	schema := NewExecutableSchema(Config{}).Schema()
	blocks := regexp.MustCompile("(?s)```graphql\n(.*?)```").FindAllStringSubmatch(readme(t), -1)
	if len(blocks) == 0 {
		t.Fatal("no graphql block in README.md")
	}
	for _, b := range blocks {
		doc, err := parser.ParseQuery(&ast.Source{Input: b[1]})
		if err != nil {
			t.Errorf("README block does not parse: %v\n%s", err, b[1])
			continue
		}
		if errs := validator.ValidateWithRules(schema, doc, nil); len(errs) > 0 {
			t.Errorf("README block does not validate: %v\n%s", errs, b[1])
		}
	}
}

// enumTable is the README's table of enum values, as the schema has them.
func enumTable(schema *ast.Schema) string {
	var names []string
	for name, def := range schema.Types {
		if def.Kind == ast.Enum && !strings.HasPrefix(name, "__") {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	var b strings.Builder
	b.WriteString("| enum | values |\n|---|---|\n")
	for _, name := range names {
		var vals []string
		for _, v := range schema.Types[name].EnumValues {
			vals = append(vals, "`"+v.Name+"`")
		}
		fmt.Fprintf(&b, "| `%s` | %s |\n", name, strings.Join(vals, ", "))
	}
	return b.String()
}

// TestReadmeEnumTable keeps the README's table of enum values equal to the schema's enums.
func TestReadmeEnumTable(t *testing.T) {
	want := enumTable(NewExecutableSchema(Config{}).Schema())
	if !strings.Contains(readme(t), want) {
		t.Errorf("README.md's table under \"The values of every enum\" is not the schema's; replace it with:\n\n%s", want)
	}
}
