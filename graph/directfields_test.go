package graph

import (
	"context"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/internal/render"
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

// renderer is direct rendering derived from the generated code, or from edited copies of it.
func renderer(schema *ast.Schema, resolverRoot, directiveRoot reflect.Type) *render.Renderer {
	return render.New(render.Config{Schema: schema, ResolverRoot: resolverRoot, DirectiveRoot: directiveRoot, Resolvers: ResolverRoot(&Resolver{}), KPINeeds: kpiNeeds})
}

// compiles reports whether rr takes node(id:) of an intervention with sel.
func compiles(t *testing.T, rr *render.Renderer, sel string) bool {
	t.Helper()
	doc, errs := gqlparser.LoadQueryWithRules(parsedSchema, `{ node(id: 1) { ... on Intervention { `+sel+` } } }`, nil)
	if errs != nil {
		t.Fatal(errs)
	}
	opCtx := &graphql.OperationContext{Doc: doc, Variables: map[string]any{}}
	_, ok := rr.Plan(opCtx, doc.Operations[0].SelectionSet[0].(*ast.Field).SelectionSet)
	return ok
}

// TestDirectFieldRules: what direct rendering may read follows from the generated code and
// the schema. A resolver, an argument or a run-time directive added to a field (or a
// directive to its type) takes it away from direct rendering with no other edit.
func TestDirectFieldRules(t *testing.T) {
	real := newRenderer(&Resolver{})
	mask := ast.DirectiveList{{Name: "mask"}}
	root, directives := reflect.TypeFor[ResolverRoot](), reflect.TypeFor[DirectiveRoot]()
	tests := []struct {
		name       string
		rr         *render.Renderer
		telephone  bool // demandeur { telephone } is rendered directly
		clientName bool // client { nom } is rendered directly
	}{
		{"as generated", real, true, true},
		{"a masking resolver on User.telephone", renderer(parsedSchema, reflect.TypeFor[maskingRoot](), directives), false, true},
		{"a run-time directive on User.telephone",
			renderer(editedSchema("User", "telephone", nil, func(f *ast.FieldDefinition) { f.Directives = mask }),
				root, reflect.TypeFor[maskingDirectives]()), false, true},
		{"a directive that only shapes the generated code",
			renderer(editedSchema("User", "telephone", nil, func(f *ast.FieldDefinition) { f.Directives = mask }), root, directives), true, true},
		{"an argument on User.telephone",
			renderer(editedSchema("User", "telephone", nil, func(f *ast.FieldDefinition) {
				f.Arguments = ast.ArgumentDefinitionList{{Name: "masked", Type: ast.NamedType("Boolean", nil)}}
			}), root, directives), false, true},
		{"a run-time directive on the type Societe",
			renderer(editedSchema("Societe", "", func(d *ast.Definition) { d.Directives = mask }, nil),
				root, reflect.TypeFor[maskingDirectives]()), true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := compiles(t, tt.rr, "titre demandeur { email telephone }"); got != tt.telephone {
				t.Errorf("demandeur { telephone } rendered directly: %v, want %v", got, tt.telephone)
			}
			if got := compiles(t, tt.rr, "demandeur { email }"); !got {
				t.Error("demandeur { email } is no longer rendered directly")
			}
			if got := compiles(t, tt.rr, "client { nom }"); got != tt.clientName {
				t.Errorf("client { nom } rendered directly: %v, want %v", got, tt.clientName)
			}
		})
	}

	t.Run("generated resolvers compute, columns are read", func(t *testing.T) {
		if r := real.Rule("Intervention", "availableTransitions"); r.Resolver != "AvailableTransitions" || r.Column != "" {
			t.Errorf("availableTransitions: %+v", r)
		}
		if r := real.Rule("Intervention", "statut"); !r.Plain || r.Column != "statut" || r.Resolver != "" {
			t.Errorf("statut (an enum with @goModel): %+v", r)
		}
		if r := real.Rule("Document", "url"); r.Resolver == "" || r.Column != "" {
			t.Errorf("Document.url: %+v", r)
		}
		if real.HandsOut("User", "password_hash") {
			t.Error("the password hash is handed out")
		}
		if !compiles(t, real, "availableTransitions coutTotalCentimes slaRespecte") {
			t.Error("the intervention's computed fields are not rendered directly")
		}
		if compiles(t, real, "documents { url }") {
			t.Error("Document.url, which has a resolver, is rendered directly")
		}
	})
}

// TestEveryColumnRendered: every column ent reads for a type direct rendering reads, and the
// schema exposes as a plain field of that type, is rendered directly, with no list to
// extend: a column added to the schema (and exposed) renders with `go generate` alone.
// (TestDirectRendering then compares its value with the resolvers', set and unset.)
func TestEveryColumnRendered(t *testing.T) {
	rr := newRenderer(&Resolver{})
	shapes := rr.Shapes()
	// The path from an intervention to each type, through the edges followed.
	// (A connection's rows are selected through its edges' nodes.)
	paths := map[string][]string{"Intervention": nil}
	for todo := []string{"Intervention"}; len(todo) > 0; todo = todo[1:] {
		for name, e := range shapes[todo[0]].Edges {
			if _, seen := paths[e.Target]; !seen {
				if strings.HasSuffix(parsedSchema.Types[todo[0]].Fields.ForName(name).Type.Name(), "Connection") {
					name += " { edges { node"
				}
				paths[e.Target] = append(slices.Clone(paths[todo[0]]), name)
				todo = append(todo, e.Target)
			}
		}
	}
	if len(paths) != len(shapes) {
		t.Fatalf("types reached %v, shapes %v", paths, rr.Tables())
	}
	norm := func(s string) string { return strings.ToLower(strings.ReplaceAll(s, "_", "")) }
	checked := 0
	for typ, s := range shapes {
		def := parsedSchema.Types[typ]
		for _, col := range s.Columns {
			var field *ast.FieldDefinition
			for _, f := range def.Fields {
				if norm(f.Name) == norm(col) && f.Type.Elem == nil && parsedSchema.Types[f.Type.Name()].Kind != ast.Object {
					field = f
				}
			}
			rule := rr.Rule(typ, col)
			if field != nil {
				rule = rr.Rule(typ, field.Name)
			}
			switch {
			case field == nil || !rr.HandsOut(typ, col) || rule.Resolver != "" || !rule.Plain:
				continue // not exposed as a column, or computed, masked, refused: the resolvers' business
			case rule.Column != col:
				t.Errorf("%s.%s: read from column %q, want %q", typ, field.Name, rule.Column, col)
			}
			sel := field.Name
			for i := len(paths[typ]) - 1; i >= 0; i-- {
				step := paths[typ][i]
				sel = step + " { " + sel + strings.Repeat(" }", 1+strings.Count(step, "{"))
			}
			if !compiles(t, rr, sel) {
				t.Errorf("%s.%s (column %s) is not rendered directly: %s", typ, field.Name, col, sel)
			}
			checked++
		}
	}
	t.Logf("%d columns exposed as plain fields, all rendered directly", checked)
	if checked < len(shapes) {
		t.Errorf("only %d columns checked: the test lost its way to the fields", checked)
	}
}
