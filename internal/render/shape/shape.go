// Package shape describes how each ent entity lies in SQL — its table, its columns and the
// edges that leave it — for the readers that write their own SQL (internal/render) and the
// loaders that must read list edges in the same order. The description is not kept by hand:
// ent/template/shapes.tmpl generates ent.Shapes from ent's graph at `go generate`, and the
// order of a list edge is declared once, on the edge in ent/schema, with OrderBy.
//
// This package imports nothing of ent, so that the generated ent package and the schema may
// both import it.
package shape

// Shape is how one ent entity (and the GraphQL object of the same name) lies in SQL.
type Shape struct {
	Table string
	// Columns are the table's columns as ent reads them, the id first.
	Columns []string
	// Model is a zero value of the ent struct, whose fields and JSON tags say which column
	// ent hands out and how (a pointer: NULL stays null).
	Model any
	// Edges are the edges that leave the entity, by name (the GraphQL field's). Edges
	// through a join table are not described.
	Edges map[string]Edge
}

// Edge is an edge to Target, followed by a key on the parent (ParentKey: parent.ParentKey =
// target.id) or on the children (ChildKey: child.ChildKey = parent.id).
type Edge struct {
	Target    string
	ParentKey string
	ChildKey  string
	// Unique: at most one target.
	Unique bool
	// Order is the order of a list edge's rows, ascending: the edge's OrderBy annotation,
	// else the id. Every reader of the edge uses it.
	Order []string
}

// List reports whether the edge leads to a list.
func (e Edge) List() bool { return !e.Unique }

// Order is the annotation of a list edge that says the order of its rows.
type Order struct {
	// Columns of the target's table, ascending; the last must make the order total (the id).
	Columns []string
}

// Name is the annotation's name, by which ent/template/shapes.tmpl reads it.
func (Order) Name() string { return "EdgeOrder" }

// OrderBy orders a list edge's rows by the target's columns, ascending.
func OrderBy(columns ...string) Order { return Order{Columns: columns} }
