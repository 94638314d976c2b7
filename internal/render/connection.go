package render

import (
	"bytes"
	"context"
	"strconv"

	"entgo.io/contrib/entgql"
	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/mifmaroc/erp/ent"
)

// Connection is a compiled interventions connection: what the client asked of it, the plan
// of its nodes, and the selections the resolver's field collection must see instead.
type Connection struct {
	fields, edgeFields, pageFields []graphql.CollectedField
	// Node is the plan of the nodes (empty when no node is asked).
	Node Plan
	// Selections are what the resolver's field collection sees in place of the client's:
	// the rows' columns (every one when Go computes fields from them, else the id), the
	// page's information and count when asked, and no edge, which the statement reads.
	Selections ast.SelectionSet
}

// Connection compiles the selections of field, an interventions connection; plan compiles
// (or finds compiled) the selections of its node at path. ok is false for a selection it
// does not take: a field of the connection it does not write itself, a node asked twice,
// @defer.
func (r *Renderer) Connection(opCtx *graphql.OperationContext, field graphql.CollectedField,
	plan func(sel ast.SelectionSet, path string) (Plan, bool)) (c *Connection, ok bool) {
	c = &Connection{fields: graphql.CollectFields(opCtx, field.Selections, r.implementors("InterventionConnection"))}
	seen := map[string]bool{}
	for _, f := range c.fields {
		// One plan per connection: the same field twice under two aliases (with their own
		// selections) is left to the resolvers.
		if f.IsDeferred() || (seen[f.Name] && f.Name != "__typename" && f.Name != "totalCount") ||
			!r.written("InterventionConnection", f.Name) {
			return nil, false
		}
		seen[f.Name] = true
		switch f.Name {
		case "edges":
			c.edgeFields = graphql.CollectFields(opCtx, f.Selections, r.implementors("InterventionEdge"))
			nodes := 0
			for _, e := range c.edgeFields {
				if e.IsDeferred() || !r.written("InterventionEdge", e.Name) {
					return nil, false
				}
				if e.Name == "node" {
					if nodes++; nodes > 1 {
						return nil, false
					}
					if c.Node, ok = plan(e.Selections, field.Alias+"."+f.Alias+"."+e.Alias); !ok {
						return nil, false
					}
				}
			}
			c.Selections = append(c.Selections, &ast.Field{Name: "edges", Alias: "edges", SelectionSet: ast.SelectionSet{
				&ast.Field{Name: "node", Alias: "node", SelectionSet: RowSelections(c.Node.UsesRow())}}})
		case "pageInfo":
			c.pageFields = graphql.CollectFields(opCtx, f.Selections, r.implementors("PageInfo"))
			for _, p := range c.pageFields {
				if p.IsDeferred() || !r.written("PageInfo", p.Name) {
					return nil, false
				}
			}
			c.Selections = append(c.Selections, &ast.Field{Name: "pageInfo", Alias: "pageInfo"})
		case "totalCount":
			c.Selections = append(c.Selections, &ast.Field{Name: "totalCount", Alias: "totalCount"})
		case "__typename":
		default:
			return nil, false
		}
	}
	return c, true
}

// RowSelections are the selections of an intervention the resolvers' field collection sees
// in place of the client's: every column when Go computes fields from the row, else the id.
func RowSelections(all bool) ast.SelectionSet {
	if all {
		// A field collection does not know makes it read every column.
		return ast.SelectionSet{&ast.Field{Name: "row", Alias: "row"}}
	}
	return ast.SelectionSet{&ast.Field{Name: "id", Alias: "id"}}
}

// written reports whether direct rendering may write field name of the connection type typ
// itself: a plain field without resolver.
func (r *Renderer) written(typ, name string) bool {
	if name == "__typename" {
		return true
	}
	rule, ok := r.conn[typ].fields[name]
	return ok && rule.plain && rule.resolver == ""
}

// Write writes the connection of page, whose nodes' rendered columns are in rendered (by id).
func (c *Connection) Write(ctx context.Context, page *ent.InterventionConnection, rendered map[int][]string) ([]byte, error) {
	// Sized once from what the database wrote: growing a buffer of tens of kilobytes by
	// doubling costs more than writing it.
	size := 256 // around the edges: the connection's keys, the page's information
	perEdge := c.Node.keysSize() + edgeOverhead
	for _, f := range c.edgeFields {
		perEdge += len(f.Alias) + 4
	}
	for _, cols := range rendered {
		size += perEdge
		for _, col := range cols {
			size += len(col)
		}
	}
	var b bytes.Buffer
	b.Grow(size)
	err := writeObject(&b, c.fields, func(f graphql.CollectedField) error {
		switch f.Name {
		case "__typename":
			b.WriteString(`"InterventionConnection"`)
		case "totalCount":
			b.WriteString(strconv.Itoa(page.TotalCount))
		case "pageInfo":
			writePageInfo(&b, c.pageFields, page.PageInfo)
		case "edges":
			b.WriteByte('[')
			for j, e := range page.Edges {
				if j > 0 {
					b.WriteByte(',')
				}
				if err := writeEdge(ctx, &b, c.edgeFields, c.Node, e, rendered); err != nil {
					return err
				}
			}
			b.WriteByte(']')
		}
		return nil
	})
	return b.Bytes(), err
}

// writeObject writes a JSON object of fields, each key its response key and each value
// what value writes.
func writeObject(b *bytes.Buffer, fields []graphql.CollectedField, value func(graphql.CollectedField) error) error {
	b.WriteByte('{')
	for i, f := range fields {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`"` + f.Alias + `":`)
		if err := value(f); err != nil {
			return err
		}
	}
	b.WriteByte('}')
	return nil
}

// edgeOverhead is what an edge adds to its node beyond keys: braces and a cursor.
const edgeOverhead = 48

func writeEdge(ctx context.Context, b *bytes.Buffer, fields []graphql.CollectedField, plan Plan, e *ent.InterventionEdge, rendered map[int][]string) error {
	if e == nil {
		b.WriteString("null")
		return nil
	}
	return writeObject(b, fields, func(f graphql.CollectedField) error {
		switch {
		case f.Name == "__typename":
			b.WriteString(`"InterventionEdge"`)
		case f.Name == "cursor":
			e.Cursor.MarshalGQL(b)
		case f.Name == "node" && e.Node == nil:
			b.WriteString("null")
		case f.Name == "node":
			return plan.WriteNode(ctx, b, e.Node, rendered[e.Node.ID])
		}
		return nil
	})
}

func writePageInfo(b *bytes.Buffer, fields []graphql.CollectedField, p entgql.PageInfo[int]) {
	cursor := func(c *entgql.Cursor[int]) {
		if c == nil {
			b.WriteString("null")
			return
		}
		c.MarshalGQL(b)
	}
	_ = writeObject(b, fields, func(f graphql.CollectedField) error {
		switch f.Name {
		case "__typename":
			b.WriteString(`"PageInfo"`)
		case "hasNextPage":
			b.WriteString(strconv.FormatBool(p.HasNextPage))
		case "hasPreviousPage":
			b.WriteString(strconv.FormatBool(p.HasPreviousPage))
		case "startCursor":
			cursor(p.StartCursor)
		case "endCursor":
			cursor(p.EndCursor)
		}
		return nil
	})
}
