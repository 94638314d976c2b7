package graph

import (
	"context"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/mifmaroc/erp/internal/domain"
)

// inputChecks refuses, once the operation is validated and before anything runs, the
// arguments whose fault shows only beside the others or inside a filter, which ent would
// otherwise report as plain errors mid-way: a cursor made for another orderBy, a field
// named twice in orderBy, an empty filter under not, and, or has…With. With introspection
// off, it also refuses __schema and __type as validation errors, as if they did not exist
// (gqlgen would run the operation and fail those fields as internal errors).
type inputChecks struct {
	schema        *ast.Schema
	introspection bool
}

var (
	_ graphql.HandlerExtension        = &inputChecks{}
	_ graphql.OperationContextMutator = &inputChecks{}
)

func (*inputChecks) ExtensionName() string { return "InputChecks" }

func (c *inputChecks) Validate(s graphql.ExecutableSchema) error {
	c.schema = s.Schema()
	return nil
}

func (c *inputChecks) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	seen := map[string]bool{}
	return forEachField(oc.Doc, oc.Operation.SelectionSet, seen, func(f *ast.Field) *gqlerror.Error {
		if !c.introspection && (f.Name == "__schema" || f.Name == "__type") {
			return &gqlerror.Error{
				Message:    fmt.Sprintf("Cannot query field %q: introspection is disabled on this server.", f.Name),
				Locations:  []gqlerror.Location{{Line: f.Position.Line, Column: f.Position.Column}},
				Extensions: map[string]any{"code": "GRAPHQL_VALIDATION_FAILED"},
			}
		}
		if f.Definition == nil || len(f.Arguments) == 0 {
			return nil
		}
		return c.checkArguments(f, oc.Variables)
	})
}

// forEachField calls fn on every field of the selection set, through fragments (each
// fragment once), until fn refuses one.
func forEachField(doc *ast.QueryDocument, set ast.SelectionSet, seen map[string]bool, fn func(*ast.Field) *gqlerror.Error) *gqlerror.Error {
	for _, sel := range set {
		var err *gqlerror.Error
		switch s := sel.(type) {
		case *ast.Field:
			if err = fn(s); err == nil {
				err = forEachField(doc, s.SelectionSet, seen, fn)
			}
		case *ast.InlineFragment:
			err = forEachField(doc, s.SelectionSet, seen, fn)
		case *ast.FragmentSpread:
			if seen[s.Name] {
				continue
			}
			seen[s.Name] = true
			def := s.Definition
			if def == nil && doc != nil {
				def = doc.Fragments.ForName(s.Name)
			}
			if def != nil {
				err = forEachField(doc, def.SelectionSet, seen, fn)
			}
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// checkArguments checks one field's arguments. Values that do not coerce are left to the
// coercion, which names them.
func (c *inputChecks) checkArguments(f *ast.Field, vars map[string]any) *gqlerror.Error {
	args := map[string]any{}
	for _, a := range f.Arguments {
		if v, err := a.Value.Value(vars); err == nil {
			args[a.Name] = v
		}
	}
	for _, def := range f.Definition.Arguments {
		v, ok := args[def.Name]
		if !ok || v == nil {
			continue
		}
		if msg, at := c.emptyFilter(def.Type, v, def.Name); msg != "" {
			return argumentRefused(f, at, msg)
		}
	}
	kinds, known, msg := c.orderKinds(f, args["orderBy"])
	if msg != "" {
		return argumentRefused(f, "orderBy", msg)
	}
	for _, def := range f.Definition.Arguments {
		v, ok := args[def.Name]
		if !ok || v == nil || def.Type.Name() != "Cursor" {
			continue
		}
		// Checked here as well as by the scalar: ent's field collection reads the cursors
		// of nested connections before their field coerces them, and fails on a bad one.
		cur, ok := decodeCursor(v)
		if !ok {
			return argumentRefused(f, def.Name, cursorRefused(v).Message)
		}
		if values, _ := cur.Value.([]any); known && cur.Value != nil && !kindsMatch(values, kinds) {
			return argumentRefused(f, def.Name, "this cursor belongs to another orderBy: start again from the first page")
		}
	}
	return nil
}

// argumentRefused is the error of an argument refused before the operation runs.
func argumentRefused(f *ast.Field, arg, msg string) *gqlerror.Error {
	err := &gqlerror.Error{
		Message:    fmt.Sprintf("invalid argument %s of %s: %s", arg, f.Name, msg),
		Extensions: map[string]any{"code": string(domain.CodeBadUserInput)},
	}
	if f.Position != nil {
		err.Locations = []gqlerror.Location{{Line: f.Position.Line, Column: f.Position.Column}}
	}
	return err
}

// isFilter tells entgql's where inputs: they combine themselves with not, and, or.
func isFilter(def *ast.Definition) bool {
	if def == nil || def.Kind != ast.InputObject {
		return false
	}
	not := def.Fields.ForName("not")
	return not != nil && not.Type.Name() == def.Name
}

// emptyFilter finds a filter with no condition under another filter's not, and, or, or
// has…With, at any depth of v (a value of type t at path): ent cannot make a predicate of
// it. (An empty where at the top selects everything, which ent allows.)
func (c *inputChecks) emptyFilter(t *ast.Type, v any, path string) (msg, at string) {
	if t.Elem != nil {
		for i, e := range asList(v) {
			if msg, at := c.emptyFilter(t.Elem, e, path+"["+strconv.Itoa(i)+"]"); msg != "" {
				return msg, at
			}
		}
		return "", ""
	}
	def := c.schema.Types[t.NamedType]
	obj, ok := v.(map[string]any)
	if def == nil || def.Kind != ast.InputObject || !ok {
		return "", ""
	}
	for _, field := range def.Fields {
		fv, ok := obj[field.Name]
		if !ok || fv == nil {
			continue
		}
		sub := c.schema.Types[field.Type.Name()]
		if isFilter(def) && isFilter(sub) {
			for i, e := range asList(fv) {
				if inner, ok := e.(map[string]any); ok && !hasCondition(inner) {
					at := path + "." + field.Name
					if field.Type.Elem != nil {
						at += "[" + strconv.Itoa(i) + "]"
					}
					return "an empty filter: give it at least one condition, or leave it out", at
				}
			}
		}
		if msg, at := c.emptyFilter(field.Type, fv, path+"."+field.Name); msg != "" {
			return msg, at
		}
	}
	return "", ""
}

// asList is the elements of a list value, whatever the type of its slice (variables
// coerce to []map[string]any, literals to []any), or a single value as a list of one, as
// GraphQL coerces it.
func asList(v any) []any {
	if l, ok := v.([]any); ok {
		return l
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Slice {
		return []any{v}
	}
	out := make([]any, rv.Len())
	for i := range out {
		out[i] = rv.Index(i).Interface()
	}
	return out
}

// hasCondition tells whether ent makes a predicate of a filter: a field set, but an empty
// list, which ent skips.
func hasCondition(filter map[string]any) bool {
	for _, v := range filter {
		if v == nil {
			continue
		}
		if rv := reflect.ValueOf(v); rv.Kind() != reflect.Slice || rv.Len() > 0 {
			return true
		}
	}
	return false
}

// orderKinds reads a connection's orderBy: what the values of its cursors must be, in
// order (none without orderBy: the cursor's ID alone orders), or why it is refused (a
// field named twice). known is false when f is not a connection or orderBy does not coerce.
func (c *inputChecks) orderKinds(f *ast.Field, orderBy any) (kinds []kind, known bool, refused string) {
	def := f.Definition.Arguments.ForName("orderBy")
	node := c.connectionNode(f.Definition.Type)
	if def == nil || node == nil {
		return nil, false, ""
	}
	if orderBy == nil {
		return nil, true, ""
	}
	orders := asList(orderBy)
	kinds = make([]kind, 0, len(orders))
	named := map[string]bool{}
	for _, o := range orders {
		m, ok := o.(map[string]any)
		if !ok {
			return nil, false, ""
		}
		name, ok := m["field"].(string)
		if !ok {
			return nil, false, ""
		}
		if named[name] {
			return nil, false, fmt.Sprintf("%s is named twice", name)
		}
		named[name] = true
		kinds = append(kinds, c.orderFieldKind(node, name))
	}
	return kinds, true, ""
}

// connectionNode is the node type of a Relay connection type (XConnection → X), nil for
// other types.
func (c *inputChecks) connectionNode(t *ast.Type) *ast.Definition {
	field := func(def *ast.Definition, name string) *ast.Definition {
		if def == nil {
			return nil
		}
		f := def.Fields.ForName(name)
		if f == nil {
			return nil
		}
		return c.schema.Types[f.Type.Name()]
	}
	if t.Elem != nil || !strings.HasSuffix(t.NamedType, "Connection") {
		return nil
	}
	return field(field(c.schema.Types[t.NamedType], "edges"), "node")
}

// orderFieldKind is what the cursor holds for an order field. entgql names the order field
// of a column after it (DATE_CREATION orders by dateCreation), or of the rank column of an
// enumeration with a business order (PRIORITE orders by priorite's rank); the others order
// by a count of an edge. kindInvalid, which matches anything, when the column is not in the schema.
func (c *inputChecks) orderFieldKind(node *ast.Definition, value string) kind {
	f := node.Fields.ForName(fieldName(strings.ToLower(value)))
	if f == nil {
		if strings.HasSuffix(value, "_COUNT") {
			return kindNumber
		}
		return kindInvalid
	}
	t := c.schema.Types[f.Type.Name()]
	switch {
	case t == nil:
		return kindInvalid
	case t.Kind == ast.Enum && domain.HasRank(t.Name):
		return kindNumber // ordered by its rank column (ent/schema/rank.go)
	case t.Kind == ast.Enum:
		return kindString
	}
	switch t.Name {
	case "String", "ID":
		return kindString
	case "Int", "Float":
		return kindNumber
	case "Boolean":
		return kindBool
	case "Time":
		return kindTime
	}
	return kindInvalid
}
