// Package schemacontract is the GraphQL schema as a contract with its clients: it prints the
// schema the server executes as SDL (the published schema.graphql), and lists the changes
// between two versions of it that would break a client written against the older one.
package schemacontract

import (
	"bytes"
	"fmt"
	"io"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/formatter"
)

// header opens the published file: a reader who finds it should know not to edit it.
const header = "# The public GraphQL schema of the MIF Maroc ERP, printed by `go run ./cmd/erp schema`\n" +
	"# (go generate ./... writes it). Do not edit: change schema.graphqls or graph/*.graphqls.\n\n"

// codegenDirectives tell gqlgen which Go type to bind: a client never sees them, and they
// would tie the contract to our Go package paths.
var codegenDirectives = map[string]bool{
	"goModel":      true,
	"goField":      true,
	"goTag":        true,
	"goExtraField": true,
	"goEnum":       true,
}

// SDL returns the schema as the published SDL: types and directives sorted by name, fields
// in their declaration order, descriptions kept, GraphQL's built-ins and gqlgen's codegen
// directives left out. The same schema always gives the same bytes. s is not changed.
func SDL(s *ast.Schema) string {
	var b bytes.Buffer
	b.WriteString(header)
	formatter.NewFormatter(&b, formatter.WithIndent("  ")).FormatSchema(public(s))
	return b.String()
}

// Print writes SDL(s) to w.
func Print(w io.Writer, s *ast.Schema) error {
	_, err := io.WriteString(w, SDL(s))
	return err
}

// Load parses and validates an SDL document (such as a published schema) against
// GraphQL's built-ins; name appears in its errors.
func Load(name, sdl string) (*ast.Schema, error) {
	s, err := gqlparser.LoadSchema(&ast.Source{Name: name, Input: sdl})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return s, nil
}

// public copies what the formatter reads of s, without the codegen directives. The
// executable schema is shared by every request of a running server: it is never changed.
func public(s *ast.Schema) *ast.Schema {
	out := *s
	out.SchemaDirectives = withoutCodegen(s.SchemaDirectives)
	out.Directives = make(map[string]*ast.DirectiveDefinition, len(s.Directives))
	for name, d := range s.Directives {
		if !codegenDirectives[name] {
			out.Directives[name] = d
		}
	}
	out.Types = make(map[string]*ast.Definition, len(s.Types))
	for name, def := range s.Types {
		d := *def
		d.Directives = withoutCodegen(def.Directives)
		d.Fields = make(ast.FieldList, len(def.Fields))
		for i, f := range def.Fields {
			field := *f
			field.Directives = withoutCodegen(f.Directives)
			field.Arguments = make(ast.ArgumentDefinitionList, len(f.Arguments))
			for j, a := range f.Arguments {
				arg := *a
				arg.Directives = withoutCodegen(a.Directives)
				field.Arguments[j] = &arg
			}
			d.Fields[i] = &field
		}
		d.EnumValues = make(ast.EnumValueList, len(def.EnumValues))
		for i, v := range def.EnumValues {
			value := *v
			value.Directives = withoutCodegen(v.Directives)
			d.EnumValues[i] = &value
		}
		out.Types[name] = &d
	}
	return &out
}

func withoutCodegen(list ast.DirectiveList) ast.DirectiveList {
	var out ast.DirectiveList
	for _, d := range list {
		if !codegenDirectives[d.Name] {
			out = append(out, d)
		}
	}
	return out
}
