package render

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"reflect"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/mifmaroc/erp/internal/render/shape"
)

// What direct rendering may do with each field of the types it renders is decided here, once,
// from what gqlgen generated and from the schema, never from a list kept by hand: a field is
// read from its column only when the executor itself would hand out that column as it is.
// A field with a resolver (a computed value, a mask, a check) is computed by that resolver or
// not rendered directly at all; a field with arguments, or with a directive that acts at run
// time on it, on its type or on its object, is never rendered directly. Adding a resolver,
// an argument or a directive to a field therefore takes it away from direct rendering with
// no edit here (TestDirectFieldRules).

// fieldRule is how direct rendering may produce one field of a GraphQL object type.
type fieldRule struct {
	// plain: no arguments and no directive that acts at run time, on the field's definition
	// (or that of an interface it implements), on its object type or on its own type.
	plain bool
	// free: no directive that acts at run time, as for plain (arguments allowed).
	free bool
	// column is the table's column the executor hands out as it is (a field of the ent
	// struct, without resolver or method), with zeroed set when ent reads NULL into a plain
	// value; empty otherwise.
	column string
	zeroed bool
	// texts: the column is a JSON array of texts ([]string).
	texts bool
	// resolver is the method of the type's resolver interface that computes the field, if
	// any, and out its result type.
	resolver string
	out      reflect.Type
}

// objectRules are the rules of one GraphQL object type, and how to reach its resolver.
type objectRules struct {
	fields map[string]fieldRule // by GraphQL name
	// rootMethod is the ResolverRoot method that returns the type's resolvers ("" if none).
	rootMethod string
	// handedOut are the columns ent hands out in its JSON form (its struct's json tags):
	// every column but the sensitive ones.
	handedOut map[string]bool
}

// norm is a name as gqlgen matches Go names to GraphQL ones (slaRespecte: SLARespecte,
// url: URL, nouveau_statut: NouveauStatut).
func norm(name string) string { return strings.ToLower(strings.ReplaceAll(name, "_", "")) }

// runtimeDirectives are the schema directives that act at run time: those gqlgen asks
// the server to implement (a field of DirectiveRoot each). The others (@goModel,
// @goField, @deprecated) only shape the generated code or document the schema.
func runtimeDirectives(directiveRoot reflect.Type) map[string]bool {
	out := map[string]bool{}
	for i := range directiveRoot.NumField() {
		out[norm(directiveRoot.Field(i).Name)] = true
	}
	return out
}

// acts reports whether one of ds acts at run time.
func acts(ds ast.DirectiveList, runtime map[string]bool) bool {
	for _, d := range ds {
		if runtime[norm(d.Name)] {
			return true
		}
	}
	return false
}

// deriveRules computes the rules of the types in models (GraphQL name: ent struct) from the
// schema, the generated ResolverRoot interface and DirectiveRoot struct, and each type's
// table columns.
func deriveRules(schema *ast.Schema, resolverRoot, directiveRoot reflect.Type, models map[string]shape.Shape) map[string]objectRules {
	runtime := runtimeDirectives(directiveRoot)
	out := make(map[string]objectRules, len(models))
	for typ, sh := range models {
		def := schema.Types[typ]
		if def == nil {
			panic(fmt.Sprintf("direct rendering: no type %s in the schema", typ))
		}
		rules := objectRules{fields: map[string]fieldRule{}, handedOut: map[string]bool{}}
		// The type's resolvers: ResolverRoot's method named after the type returns them.
		var resolvers reflect.Type
		for i := range resolverRoot.NumMethod() {
			if m := resolverRoot.Method(i); norm(m.Name) == norm(typ) {
				rules.rootMethod, resolvers = m.Name, m.Type.Out(0)
			}
		}
		model := reflect.TypeOf(sh.Model)
		columns := map[string]bool{}
		for _, c := range sh.Columns {
			columns[c] = true
		}
		structFields := map[string]reflect.StructField{}
		for i := range model.NumField() {
			f := model.Field(i)
			if !f.IsExported() {
				continue
			}
			structFields[norm(f.Name)] = f
			if tag, _, _ := strings.Cut(f.Tag.Get("json"), ","); columns[tag] {
				rules.handedOut[tag] = true
			}
		}
		methods := map[string]bool{}
		for i := range reflect.PointerTo(model).NumMethod() {
			methods[norm(reflect.PointerTo(model).Method(i).Name)] = true
		}
		for _, f := range def.Fields {
			if strings.HasPrefix(f.Name, "__") {
				continue
			}
			r := fieldRule{free: !acts(f.Directives, runtime) && !acts(def.Directives, runtime)}
			if t := schema.Types[f.Type.Name()]; t != nil && acts(t.Directives, runtime) {
				r.free = false
			}
			args := len(f.Arguments) > 0
			for _, iface := range def.Interfaces {
				if idef := schema.Types[iface]; idef != nil {
					if fi := idef.Fields.ForName(f.Name); fi != nil {
						args = args || len(fi.Arguments) > 0
						r.free = r.free && !acts(fi.Directives, runtime)
					}
				}
			}
			r.plain = r.free && !args
			switch m, resolved := methodNamed(resolvers, f.Name); {
			case resolved:
				r.resolver, r.out = m.Name, m.Type.Out(0)
			case methods[norm(f.Name)]:
				// Bound to a method of the ent struct: Go computes it.
			default:
				sf, ok := structFields[norm(f.Name)]
				if tag, _, _ := strings.Cut(sf.Tag.Get("json"), ","); ok && rules.handedOut[tag] {
					r.column, r.zeroed = tag, sf.Type.Kind() != reflect.Pointer
					r.texts = sf.Type == reflect.TypeFor[[]string]()
				}
			}
			rules.fields[f.Name] = r
		}
		out[typ] = rules
	}
	return out
}

// methodNamed is the method of the resolver interface (nil: none) that gqlgen generated for
// the field called name.
func methodNamed(resolvers reflect.Type, name string) (reflect.Method, bool) {
	if resolvers == nil {
		return reflect.Method{}, false
	}
	for i := range resolvers.NumMethod() {
		if m := resolvers.Method(i); norm(m.Name) == norm(name) {
			return m, true
		}
	}
	return reflect.Method{}, false
}

// computable reports whether direct rendering may write the result of the field's resolver:
// a scalar or an enum (or a list of them) of a Go type resultWriter writes as the executor
// does.
func (r *Renderer) computable(t *ast.Type, out reflect.Type) bool {
	for out.Kind() == reflect.Pointer {
		out = out.Elem()
	}
	if t.Elem != nil {
		return out.Kind() == reflect.Slice && r.computable(t.Elem, out.Elem())
	}
	if out.Implements(reflect.TypeFor[graphql.Marshaler]()) {
		return true
	}
	switch t.Name() {
	case "Int":
		return out.Kind() >= reflect.Int && out.Kind() <= reflect.Int64
	case "Boolean":
		return out.Kind() == reflect.Bool
	case "String":
		return out.Kind() == reflect.String
	case "Time":
		return out == reflect.TypeFor[time.Time]()
	}
	if def := r.schema.Types[t.Name()]; def != nil && def.Kind == ast.Enum {
		return out.Kind() == reflect.String
	}
	return false
}

// errNull is a resolver's null for a non-null field: the executor reports it, not us.
var errNull = errors.New("a non-null field resolved to null")

// writeResult writes v, the result of a resolver for a field of type t, as the executor's
// marshalers write it (computable told which).
func writeResult(w io.Writer, v reflect.Value, t *ast.Type) error {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			if t.NonNull {
				return errNull
			}
			graphql.Null.MarshalGQL(w)
			return nil
		}
		v = v.Elem()
	}
	if t.Elem != nil {
		if v.IsNil() && !t.NonNull {
			graphql.Null.MarshalGQL(w)
			return nil
		}
		_, _ = io.WriteString(w, "[")
		for i := range v.Len() {
			if i > 0 {
				_, _ = io.WriteString(w, ",")
			}
			if err := writeResult(w, v.Index(i), t.Elem); err != nil {
				return err
			}
		}
		_, _ = io.WriteString(w, "]")
		return nil
	}
	if m, ok := v.Interface().(graphql.Marshaler); ok {
		m.MarshalGQL(w)
		return nil
	}
	switch {
	case v.Kind() >= reflect.Int && v.Kind() <= reflect.Int64:
		graphql.MarshalInt64(v.Int()).MarshalGQL(w)
	case v.Kind() == reflect.Bool:
		graphql.MarshalBoolean(v.Bool()).MarshalGQL(w)
	case v.Kind() == reflect.String:
		graphql.MarshalString(v.String()).MarshalGQL(w)
	case v.Type() == reflect.TypeFor[time.Time]():
		graphql.MarshalTime(v.Interface().(time.Time)).MarshalGQL(w)
	default:
		return fmt.Errorf("no writer for %s", v.Type())
	}
	return nil
}

// boundResolver is a field's resolver method bound to the server's resolvers.
type boundResolver struct {
	fn  reflect.Value
	out *ast.Type
}

// bind returns the resolver method of field name of type typ on the server's resolvers.
func (r *Renderer) bind(typ, name string, out *ast.Type) boundResolver {
	rules := r.rules[typ]
	impl := r.resolvers.MethodByName(rules.rootMethod).Call(nil)[0]
	return boundResolver{fn: impl.MethodByName(rules.fields[name].resolver), out: out}
}

// write calls the resolver on obj and writes its result; a panic is an error, as the
// executor would recover it.
func (b boundResolver) write(ctx context.Context, w io.Writer, obj any) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("resolver panicked: %v", p)
		}
	}()
	res := b.fn.Call([]reflect.Value{reflect.ValueOf(ctx), reflect.ValueOf(obj)})
	if e, _ := res[1].Interface().(error); e != nil {
		return e
	}
	return writeResult(w, res[0], b.out)
}

// FieldRule is how a field of a type the renderer reads is produced, as derived from the
// generated code and the schema: read from Column, computed by Resolver, or neither (the
// request then goes to the resolvers); never rendered directly unless Plain.
type FieldRule struct {
	Plain    bool
	Column   string
	Resolver string
}

// Rule is the rule of field of typ (the zero rule for a field it does not know).
func (r *Renderer) Rule(typ, field string) FieldRule {
	f := r.rules[typ].fields[field]
	return FieldRule{Plain: f.plain, Column: f.column, Resolver: f.resolver}
}

// HandsOut reports whether ent hands out column of typ (a sensitive column, such as a
// password hash, has no JSON tag and is never read).
func (r *Renderer) HandsOut(typ, column string) bool { return r.rules[typ].handedOut[column] }

// Shapes are the shapes of the types the renderer reads, with the edges it follows.
func (r *Renderer) Shapes() map[string]shape.Shape { return maps.Clone(r.shapes) }
