package schemacontract

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

// Breaking lists, sorted, the changes from old to new that can break a client written
// against old: a query it sends may no longer validate, a variable it sends may be refused,
// or a value it reads may not be one it expects. Additions, descriptions and deprecations
// are not listed. Each line is the text an allow-list (ParseAllowList) names it by.
func Breaking(old, new *ast.Schema) []string {
	var c changes
	for _, name := range sortedKeys(old.Types) {
		o := old.Types[name]
		if o.BuiltIn {
			continue
		}
		n := new.Types[name]
		switch {
		case n == nil:
			c.add("type %s was removed", name)
			continue
		case n.Kind != o.Kind:
			c.add("type %s changed kind from %s to %s", name, o.Kind, n.Kind)
			continue
		}
		switch o.Kind {
		case ast.Object, ast.Interface:
			c.outputFields(o, n)
			for _, i := range o.Interfaces {
				if !slices.Contains(n.Interfaces, i) {
					c.add("type %s no longer implements %s", name, i)
				}
			}
		case ast.InputObject:
			c.inputFields(o, n)
		case ast.Enum:
			for _, v := range o.EnumValues {
				if n.EnumValues.ForName(v.Name) == nil {
					c.add("enum value %s.%s was removed", name, v.Name)
				}
			}
		case ast.Union:
			for _, m := range o.Types {
				if !slices.Contains(n.Types, m) {
					c.add("union %s no longer includes %s", name, m)
				}
			}
		}
	}
	for _, name := range sortedKeys(old.Directives) {
		o := old.Directives[name]
		if o.Position != nil && o.Position.Src != nil && o.Position.Src.BuiltIn {
			continue
		}
		n := new.Directives[name]
		if n == nil {
			c.add("directive @%s was removed", name)
			continue
		}
		for _, l := range o.Locations {
			if !slices.Contains(n.Locations, l) {
				c.add("directive @%s can no longer be used on %s", name, l)
			}
		}
		c.arguments("@"+name, o.Arguments, n.Arguments)
	}
	sort.Strings(c)
	return c
}

type changes []string

func (c *changes) add(format string, args ...any) {
	*c = append(*c, fmt.Sprintf(format, args...))
}

// outputFields: a client selects the old fields and reads values of their old types.
func (c *changes) outputFields(o, n *ast.Definition) {
	for _, of := range o.Fields {
		if strings.HasPrefix(of.Name, "__") {
			continue
		}
		path := o.Name + "." + of.Name
		nf := n.Fields.ForName(of.Name)
		if nf == nil {
			c.add("field %s was removed", path)
			continue
		}
		if !outputAccepts(of.Type, nf.Type) {
			c.add("field %s changed type from %s to %s", path, of.Type, nf.Type)
		}
		c.arguments(path, of.Arguments, nf.Arguments)
	}
}

// inputFields: a client sends the old fields, and leaves out those it did not need.
func (c *changes) inputFields(o, n *ast.Definition) {
	for _, of := range o.Fields {
		path := o.Name + "." + of.Name
		nf := n.Fields.ForName(of.Name)
		switch {
		case nf == nil:
			c.add("input field %s was removed", path)
		case !inputAccepts(of.Type, nf.Type):
			c.add("input field %s changed type from %s to %s", path, of.Type, nf.Type)
		case required(nf.Type, nf.DefaultValue) && !required(of.Type, of.DefaultValue):
			c.add("input field %s is now required: its default was removed", path)
		}
	}
	for _, nf := range n.Fields {
		if o.Fields.ForName(nf.Name) == nil && required(nf.Type, nf.DefaultValue) {
			c.add("input field %s.%s was added as required", o.Name, nf.Name)
		}
	}
}

// arguments of a field or a directive, named owner(arg:) as a client writes them.
func (c *changes) arguments(owner string, o, n ast.ArgumentDefinitionList) {
	for _, oa := range o {
		path := owner + "(" + oa.Name + ":)"
		na := n.ForName(oa.Name)
		switch {
		case na == nil:
			c.add("argument %s was removed", path)
		case !inputAccepts(oa.Type, na.Type):
			c.add("argument %s changed type from %s to %s", path, oa.Type, na.Type)
		case required(na.Type, na.DefaultValue) && !required(oa.Type, oa.DefaultValue):
			c.add("argument %s is now required: its default was removed", path)
		}
	}
	for _, na := range n {
		if o.ForName(na.Name) == nil && required(na.Type, na.DefaultValue) {
			c.add("argument %s(%s:) was added as required", owner, na.Name)
		}
	}
}

// required: a client that leaves the value out gets a validation error.
func required(t *ast.Type, def *ast.Value) bool {
	return t.NonNull && def == nil
}

// outputAccepts tells whether every value of type n is one a reader of type o expects: a
// field may become non-null, never nullable.
func outputAccepts(o, n *ast.Type) bool {
	if o.NonNull && !n.NonNull {
		return false
	}
	if (o.Elem == nil) != (n.Elem == nil) {
		return false
	}
	if o.Elem != nil {
		return outputAccepts(o.Elem, n.Elem)
	}
	return o.NamedType == n.NamedType
}

// inputAccepts tells whether type n accepts every value a client sends for type o: an input
// may become nullable, never non-null; a single value may become a list of it, since
// GraphQL coerces a lone value to a one-element list.
func inputAccepts(o, n *ast.Type) bool {
	if n.NonNull && !o.NonNull {
		return false
	}
	switch {
	case o.Elem != nil && n.Elem != nil:
		return inputAccepts(o.Elem, n.Elem)
	case o.Elem == nil && n.Elem != nil:
		// A null, when o allowed one, stays the list's own null (checked above).
		lone := *o
		lone.NonNull = true
		return inputAccepts(&lone, n.Elem)
	case o.Elem != nil && n.Elem == nil:
		return false
	}
	return o.NamedType == n.NamedType
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// ParseAllowList reads the intended breaking changes: one per line, in Breaking's text;
// blank lines and lines starting with # are ignored, as are spaces around a line.
func ParseAllowList(r io.Reader) ([]string, error) {
	var out []string
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		out = append(out, line)
	}
	return out, sc.Err()
}

// Filter splits breaking changes into those the allow-list does not name (unlisted), and
// returns the allow-list's lines that name no change (unused: a typo, or a change undone).
func Filter(breaking, allowed []string) (unlisted, unused []string) {
	for _, b := range breaking {
		if !slices.Contains(allowed, b) {
			unlisted = append(unlisted, b)
		}
	}
	for _, a := range allowed {
		if !slices.Contains(breaking, a) {
			unused = append(unused, a)
		}
	}
	return unlisted, unused
}
