package graph

import (
	"context"
	"maps"
	"reflect"
	"slices"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/mifmaroc/erp/ent"
)

// maskingRoot is the generated ResolverRoot as it would be with a resolver on User.telephone
// (a mask): gqlgen would add the method to a UserResolver interface.
type maskingRoot interface {
	ResolverRoot
	User() interface {
		Telephone(ctx context.Context, obj *ent.User) (*string, error)
	}
}

// maskingDirectives is the generated DirectiveRoot as it would be with a directive @mask.
type maskingDirectives struct {
	DirectiveRoot
	Mask func(ctx context.Context, obj any, next graphql.Resolver) (any, error)
}

// editedSchema is a copy of the schema with the definition of typ (and, when field is not
// empty, of that field) changed by edit functions.
func editedSchema(typ, field string, editType func(*ast.Definition), editField func(*ast.FieldDefinition)) *ast.Schema {
	s := *parsedSchema
	s.Types = maps.Clone(parsedSchema.Types)
	def := *s.Types[typ]
	def.Fields = slices.Clone(def.Fields)
	for i, f := range def.Fields {
		if f.Name == field {
			c := *f
			editField(&c)
			def.Fields[i] = &c
		}
	}
	if editType != nil {
		editType(&def)
	}
	s.Types[typ] = &def
	return &s
}

// compiles reports whether direct rendering takes node(id:) of an intervention with sel.
func compiles(t *testing.T, sel string) bool {
	t.Helper()
	doc, errs := gqlparser.LoadQueryWithRules(parsedSchema, `{ node(id: 1) { ... on Intervention { `+sel+` } } }`, nil)
	if errs != nil {
		t.Fatal(errs)
	}
	opCtx := &graphql.OperationContext{Doc: doc, Variables: map[string]any{}}
	_, ok := planNodes(opCtx, doc.Operations[0].SelectionSet[0].(*ast.Field).SelectionSet)
	return ok
}

// TestDirectFieldRules: what direct rendering may read follows from the generated code and
// the schema. A resolver, an argument or a run-time directive added to a field (or a
// directive to its type) takes it away from direct rendering with no other edit.
func TestDirectFieldRules(t *testing.T) {
	real := directRules
	t.Cleanup(func() { directRules = real })
	mask := ast.DirectiveList{{Name: "mask"}}
	tests := []struct {
		name       string
		rules      map[string]objectRules
		telephone  bool // demandeur { telephone } is rendered directly
		clientName bool // client { nom } is rendered directly
	}{
		{"as generated", real, true, true},
		{"a masking resolver on User.telephone",
			deriveRules(parsedSchema, reflect.TypeFor[maskingRoot](), reflect.TypeFor[DirectiveRoot](), sqlShapes), false, true},
		{"a run-time directive on User.telephone",
			deriveRules(editedSchema("User", "telephone", nil, func(f *ast.FieldDefinition) { f.Directives = mask }),
				reflect.TypeFor[ResolverRoot](), reflect.TypeFor[maskingDirectives](), sqlShapes), false, true},
		{"a directive that only shapes the generated code",
			deriveRules(editedSchema("User", "telephone", nil, func(f *ast.FieldDefinition) { f.Directives = mask }),
				reflect.TypeFor[ResolverRoot](), reflect.TypeFor[DirectiveRoot](), sqlShapes), true, true},
		{"an argument on User.telephone",
			deriveRules(editedSchema("User", "telephone", nil, func(f *ast.FieldDefinition) {
				f.Arguments = ast.ArgumentDefinitionList{{Name: "masked", Type: ast.NamedType("Boolean", nil)}}
			}), reflect.TypeFor[ResolverRoot](), reflect.TypeFor[DirectiveRoot](), sqlShapes), false, true},
		{"a run-time directive on the type Societe",
			deriveRules(editedSchema("Societe", "", func(d *ast.Definition) { d.Directives = mask }, nil),
				reflect.TypeFor[ResolverRoot](), reflect.TypeFor[maskingDirectives](), sqlShapes), true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			directRules = tt.rules
			if got := compiles(t, "titre demandeur { email telephone }"); got != tt.telephone {
				t.Errorf("demandeur { telephone } rendered directly: %v, want %v", got, tt.telephone)
			}
			if got := compiles(t, "demandeur { email }"); !got {
				t.Error("demandeur { email } is no longer rendered directly")
			}
			if got := compiles(t, "client { nom }"); got != tt.clientName {
				t.Errorf("client { nom } rendered directly: %v, want %v", got, tt.clientName)
			}
		})
	}

	t.Run("generated resolvers compute, columns are read", func(t *testing.T) {
		directRules = real
		iv := real["Intervention"].fields
		if r := iv["availableTransitions"]; r.resolver != "AvailableTransitions" || r.column != "" {
			t.Errorf("availableTransitions: %+v", r)
		}
		if r := iv["statut"]; !r.plain || r.column != "statut" || r.resolver != "" {
			t.Errorf("statut (an enum with @goModel): %+v", r)
		}
		if r := real["Document"].fields["url"]; r.resolver == "" || r.column != "" {
			t.Errorf("Document.url: %+v", r)
		}
		if real["User"].handedOut["password_hash"] {
			t.Error("the password hash is handed out")
		}
		if !compiles(t, "availableTransitions coutTotalCentimes slaRespecte") {
			t.Error("the intervention's computed fields are not rendered directly")
		}
		if compiles(t, "documents { url }") {
			t.Error("Document.url, which has a resolver, is rendered directly")
		}
	})
}

func TestFixEscapes(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"nothing to fix", `"a\n\t\"b\"\\c"`, `"a\n\t\"b\"\\c"`},
		{"backspace and form feed", `"\b\f"`, `"\u0008\u000C"`},
		{"lower-case hex", `"\u001f\u000b\u0001"`, `"\u001F\u000B\u0001"`},
		{"an escaped backslash before b", `"\\b\\f\\u001f"`, `"\\b\\f\\u001f"`},
		{"mixed", `{"a":"x\by","b":"\\","c":"\u001e"}`, `{"a":"x\u0008y","b":"\\","c":"\u001E"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cols := []string{tt.in}
			fixEscapes(cols)
			if cols[0] != tt.want {
				t.Errorf("fixEscapes(%s) = %s, want %s", tt.in, cols[0], tt.want)
			}
		})
	}
}
