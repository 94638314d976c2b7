package graph

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync/atomic"

	"entgo.io/contrib/entgql"
	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/mifmaroc/erp/ent"
	entintervention "github.com/mifmaroc/erp/ent/intervention"
	"github.com/mifmaroc/erp/internal/access"
	"github.com/mifmaroc/erp/internal/database"
	"github.com/mifmaroc/erp/internal/intervention"
	"github.com/mifmaroc/erp/internal/render"
	"github.com/mifmaroc/erp/internal/render/shape"
)

// Direct rendering: on PostgreSQL, the interventions list and node(id:) of an intervention
// are written by the database. The executor resolves every field of every element in its own
// goroutine and marshals it through several layers; for the list screen (50 interventions,
// each with equipment, technician, documents and history) that is most of the server's CPU.
// Here the root field's selections become SQL that writes each selected field as JSON; the
// statement that reads the rows carries it as one more column, and the handler copies those
// bytes into the response.
//
// What decides the rows stays where it is: the page comes from the resolver itself (filters,
// order, cursors, access rules), node(id:) from a query of interventions by id under the same
// access rules. Only the fields are read directly, and only as directRules allows
// (directfields.go, derived at start-up from the generated resolver interfaces and the
// schema): the columns the executor would hand out as they are, the edges every viewer of
// an intervention may follow (internal/access lets whoever sees an intervention see its
// equipment, client, technician and his user, requester, documents, history and its authors;
// TestPrefetchVisibility checks it per role), and the intervention's fields that have a
// resolver, which Go computes by calling that very resolver. A selection that reaches
// anything else (a field with a resolver below the intervention, such as Document.url, an
// argument, a directive that acts at run time, @defer) goes to the resolvers unchanged, as
// does every request on SQLite. TestDirectRendering compares both ways byte for byte, for
// every role, with every nullable column empty and then set.

// sqlShapes are how the types direct rendering reads lie in SQL: ent's shapes (generated
// from the schema, internal/render/shape) of the types an intervention reaches by the edges
// internal/access lets every viewer of an intervention follow (access.WithIntervention),
// with those edges only.
var sqlShapes = reachable(ent.Shapes, access.WithIntervention, ent.TypeIntervention)

// reachable are the shapes of root and of what its allowed edges reach, with those edges
// only. An allowed edge the schema lacks is a mistake of the rule: it panics at start-up.
func reachable(all map[string]shape.Shape, allowed map[string][]string, root string) map[string]shape.Shape {
	out := map[string]shape.Shape{}
	var visit func(typ string)
	visit = func(typ string) {
		if _, done := out[typ]; done {
			return
		}
		s, ok := all[typ]
		if !ok {
			panic(fmt.Sprintf("direct rendering: no shape for %s", typ))
		}
		edges := map[string]shape.Edge{}
		for _, name := range allowed[typ] {
			e, ok := s.Edges[name]
			if !ok {
				panic(fmt.Sprintf("direct rendering: %s has no edge %s", typ, name))
			}
			edges[name] = e
		}
		s.Edges = edges
		out[typ] = s
		for _, e := range edges {
			visit(e.Target)
		}
	}
	visit(root)
	return out
}

// nodeField is one field of a rendered intervention, under its response key: a column of the
// statement, the result of its resolver, or the type name.
type nodeField struct {
	key      string
	column   int    // index among the statement's JSON columns; -1 otherwise
	resolver string // the GraphQL field whose resolver computes it
	out      *ast.Type
	typename string
}

// nodePlan is what a query of interventions adds to its rows (one JSON column per field
// the database renders, then the KPIs' facts) and how to write each intervention.
type nodePlan struct {
	exprs  []string
	column string // the exprs as the one text column renderModifier adds
	fields []nodeField
	kpis   bool // some field needs the KPIs
	// bound are the resolvers of the fields they compute, bound to the server's (by field
	// index; Resolver.plan binds them).
	bound []boundResolver
}

// compiler turns selections into SQL; it fails (ok false) on anything it does not know.
type compiler struct {
	opCtx   *graphql.OperationContext
	aliases int
}

func (c *compiler) alias() string {
	c.aliases++
	return "r" + strconv.Itoa(c.aliases)
}

// implementors is what an object of type name satisfies in fragments: itself and its
// interfaces.
func implementors(name string) []string {
	def := parsedSchema.Types[name]
	return append([]string{name}, def.Interfaces...)
}

// fieldDef is the schema definition of field f of type typ and its rule, if the field may be
// rendered directly in some way: plain (directRules), not deferred.
func fieldDef(typ string, f graphql.CollectedField) (*ast.FieldDefinition, fieldRule, bool) {
	rule, ok := directRules[typ].fields[f.Name]
	if f.IsDeferred() || !ok || !rule.plain {
		return nil, fieldRule{}, false
	}
	return parsedSchema.Types[typ].Fields.ForName(f.Name), rule, true
}

// object is the SQL of a JSON object of type typ for the row alias, with the fields sel asks,
// as compact text: json_build_object and json_agg write a space around every colon and
// after every comma, a tenth of a page of the list.
func (c *compiler) object(typ, alias string, sel ast.SelectionSet) (string, bool) {
	fields := graphql.CollectFields(c.opCtx, sel, implementors(typ))
	parts := make([]string, 0, len(fields))
	for i, f := range fields {
		expr, ok := c.field(typ, alias, f)
		if !ok {
			return "", false
		}
		key := `"` + f.Alias + `":` // a GraphQL name: nothing to escape
		if i > 0 {
			key = "," + key
		}
		parts = append(parts, "'"+key+"' || COALESCE(("+expr+")::text, 'null')")
	}
	if len(parts) == 0 {
		return "'{}'", true
	}
	return "('{' || " + strings.Join(parts, " || ") + " || '}')", true
}

// field is the SQL of the JSON value (json, or its text) of field f of type typ on the row alias.
func (c *compiler) field(typ, alias string, f graphql.CollectedField) (string, bool) {
	if f.Name == "__typename" {
		return "'\"" + typ + "\"'::json", true
	}
	def, rule, ok := fieldDef(typ, f)
	s, known := sqlShapes[typ]
	if !ok || !known {
		return "", false
	}
	if e, ok := s.Edges[f.Name]; ok {
		target := sqlShapes[e.Target]
		child := c.alias()
		obj, ok := c.object(e.Target, child, f.Selections)
		if !ok {
			return "", false
		}
		switch {
		case e.ParentKey != "":
			return fmt.Sprintf("(SELECT %s FROM %s %s WHERE %s.id = %s.%s)", obj, target.Table, child, child, alias, e.ParentKey), true
		case e.Unique:
			return fmt.Sprintf("(SELECT %s FROM %s %s WHERE %s.%s = %s.id)", obj, target.Table, child, child, e.ChildKey, alias), true
		}
		order := make([]string, len(e.Order))
		for i, o := range e.Order {
			order[i] = child + "." + o
		}
		return fmt.Sprintf("COALESCE((SELECT '[' || string_agg(%s, ',' ORDER BY %s) || ']' FROM %s %s WHERE %s.%s = %s.id), '[]')",
			obj, strings.Join(order, ", "), target.Table, child, child, e.ChildKey, alias), true
	}
	if rule.column == "" || def.Type.Elem != nil {
		return "", false
	}
	return leaf(alias+"."+rule.column, def.Type.Name(), rule.zeroed)
}

// leaf is the SQL of a scalar or enum value as the executor writes it: IDs as strings, times
// in UTC as RFC 3339 with the fraction's trailing zeros cut (time.RFC3339Nano) and the zero
// time as null (graphql.MarshalTime), NULL as the zero value when ent reads the column into a
// plain value (zeroed). Strings still need fixEscapes.
func leaf(col, typ string, zeroed bool) (string, bool) {
	if zeroed && typ != "Time" {
		zero := map[string]string{"ID": "0", "Int": "0", "Boolean": "false"}[typ]
		if zero == "" {
			zero = "''" // strings and enums
		}
		col = "COALESCE(" + col + ", " + zero + ")"
	}
	switch typ {
	case "ID":
		return "to_json(" + col + "::text)", true
	case "String", "Int", "Boolean":
		return "to_json(" + col + ")", true
	case "Time":
		col = "NULLIF(" + col + ", '0001-01-01 00:00:00+00')"
		return fmt.Sprintf(`to_json(to_char(%[1]s AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS') || rtrim(to_char(%[1]s, '.US'), '.0') || 'Z')`, col), true
	}
	if def := parsedSchema.Types[typ]; def != nil && def.Kind == ast.Enum {
		return "to_json(" + col + ")", true
	}
	return "", false
}

// rootRef is how the statement of an intervention query names its table; the modifier
// adapts the expressions should ent alias it.
const rootRef = `"` + entintervention.Table + `"`

// planNodes compiles the selections of an intervention into the JSON columns a query of
// interventions adds to its rows (renderModifier).
func planNodes(opCtx *graphql.OperationContext, sel ast.SelectionSet) (nodePlan, bool) {
	c := &compiler{opCtx: opCtx}
	var p nodePlan
	for _, f := range graphql.CollectFields(opCtx, sel, implementors("Intervention")) {
		nf := nodeField{key: f.Alias, column: -1}
		def, rule, ok := fieldDef("Intervention", f)
		_, edge := sqlShapes["Intervention"].Edges[f.Name]
		switch {
		case f.Name == "__typename":
			nf.typename = "Intervention"
		case ok && rule.resolver != "" && !edge:
			// Its resolver computes it, from the row: the KPIs' ones find their facts
			// primed from the statement (any resolver may ask; the facts are cheap).
			if !computable(def.Type, rule.out) {
				return nodePlan{}, false
			}
			nf.resolver, nf.out = f.Name, def.Type
			p.kpis = true
		default:
			expr, ok := c.field("Intervention", rootRef, f)
			if !ok {
				return nodePlan{}, false
			}
			nf.column = len(p.exprs)
			p.exprs = append(p.exprs, expr)
		}
		p.fields = append(p.fields, nf)
	}
	if p.kpis {
		p.exprs = append(p.exprs, render.FactColumns(dialect.Postgres, rootRef)...)
	}
	p.column = joinColumns(p.exprs, p.kpis)
	return p, true
}

// cachedPlan is a compiled selection: the same document compiles the same way, unless
// @skip or @include make it depend on the variables.
type cachedPlan struct {
	plan nodePlan
	ok   bool
}

// plan is planNodes through the server's cache of compiled selections, by document,
// operation and path (the root field's selections, root, tell the variable-dependent ones).
func (r *Resolver) plan(opCtx *graphql.OperationContext, root, sel ast.SelectionSet, path string) (nodePlan, bool) {
	key := opCtx.RawQuery + "\x00" + opCtx.OperationName + "\x00" + path
	if c, ok := r.plans.Get(context.Background(), key); ok {
		return c.plan, c.ok
	}
	p, ok := planNodes(opCtx, sel)
	p.bound = p.bind(r)
	if !usesDirectives(opCtx.Doc, root) {
		r.plans.Add(context.Background(), key, cachedPlan{p, ok})
	}
	return p, ok
}

// usesDirectives reports whether sel, its fragments included, carries a directive.
func usesDirectives(doc *ast.QueryDocument, sel ast.SelectionSet) bool {
	for _, s := range sel {
		switch s := s.(type) {
		case *ast.Field:
			if len(s.Directives) > 0 || usesDirectives(doc, s.SelectionSet) {
				return true
			}
		case *ast.InlineFragment:
			if len(s.Directives) > 0 || usesDirectives(doc, s.SelectionSet) {
				return true
			}
		case *ast.FragmentSpread:
			if len(s.Directives) > 0 {
				return true
			}
			if f := doc.Fragments.ForName(s.Name); f == nil || len(f.Directives) > 0 || usesDirectives(doc, f.SelectionSet) {
				return true
			}
		}
	}
	return false
}

// renderColumn is the one column a query of interventions gets: the plan's expressions as
// text, JSON null for SQL NULL (the KPIs' facts: empty), separated by a byte JSON text
// never holds raw. (One column rather than one per field: database/sql describes every
// column a driver does not type, row after row.)
const renderColumn = "rendered"

// joinColumns is the text column of exprs (renderColumn).
func joinColumns(exprs []string, kpis bool) string {
	parts := make([]string, len(exprs))
	for i, e := range exprs {
		null := "'null'"
		if kpis && i >= len(exprs)-render.FactCount {
			null = "''"
		}
		parts[i] = "COALESCE((" + e + ")::text, " + null + ")"
	}
	return strings.Join(parts, " || chr(1) || ")
}

// renderModifier adds the plan's column to a query of interventions.
func (p nodePlan) renderModifier() func(*entsql.Selector) {
	return func(s *entsql.Selector) {
		e := p.column
		if ref := strings.TrimSuffix(s.C(entintervention.FieldID), `."`+entintervention.FieldID+`"`); ref != rootRef {
			e = strings.ReplaceAll(e, rootRef+".", ref+".")
		}
		s.AppendSelectExprAs(entsql.Expr(e), renderColumn)
	}
}

// columns are the rendered values of iv, in the plan's order; ok is false when the row
// was not read with them. They share the row's text: splitting copies nothing.
func (p nodePlan) columns(iv *ent.Intervention) ([]string, bool) {
	if len(p.exprs) == 0 {
		return nil, true
	}
	v, err := iv.Value(renderColumn)
	if err != nil {
		return nil, false
	}
	if u, ok := v.(*entsql.UnknownType); ok {
		v = *u
	}
	var raw string
	switch v := v.(type) {
	case string:
		raw = v
	case []byte:
		raw = string(v)
	default:
		return nil, false
	}
	out := strings.Split(raw, "\x01")
	return out, len(out) == len(p.exprs)
}

// facts are what the KPIs of iv are computed from: its row and the plan's last columns.
func (p nodePlan) facts(iv *ent.Intervention, cols []string) (intervention.Facts, error) {
	return render.ParseFacts(iv, cols[len(cols)-render.FactCount:])
}

// bind binds the plan's resolver fields to r's resolvers, by field index.
func (p nodePlan) bind(r *Resolver) []boundResolver {
	var out []boundResolver
	for i, f := range p.fields {
		if f.resolver != "" {
			if out == nil {
				out = make([]boundResolver, len(p.fields))
			}
			out[i] = r.bind("Intervention", f.resolver, f.out)
		}
	}
	return out
}

// writeNode writes one intervention: its JSON columns cols and the results of its resolver
// fields.
func (p nodePlan) writeNode(ctx context.Context, b *bytes.Buffer, iv *ent.Intervention, cols []string) error {
	b.WriteByte('{')
	for i, f := range p.fields {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('"')
		b.WriteString(f.key)
		b.WriteString(`":`)
		switch {
		case f.typename != "":
			b.WriteString(strconv.Quote(f.typename))
		case f.resolver != "":
			if err := p.bound[i].write(ctx, b, iv); err != nil {
				return fmt.Errorf("%s: %w", f.resolver, err)
			}
		default:
			b.WriteString(cols[f.column])
		}
	}
	b.WriteByte('}')
	return nil
}

// directRenders counts the root fields rendered in PostgreSQL, for the metrics: a count that
// stops growing under load means the resolvers took over (a selection the shapes do not know).
var directRenders atomic.Int64

// DirectRenders is how many root fields this process rendered in PostgreSQL.
func DirectRenders() int64 { return directRenders.Load() }

// errResolvers marks what the resolvers must answer themselves: a request they will refuse
// with the proper error (a bad argument, a node the viewer may not read). Not worth a log.
var errResolvers = errors.New("left to the resolvers")

// rawJSON is a rendered root field.
type rawJSON []byte

func (j rawJSON) MarshalGQL(w io.Writer) { _, _ = w.Write(j) }

// renderDirect is the root field middleware that renders interventions and node(id:) in
// PostgreSQL; whatever it does not take, or fails to render, the resolvers answer.
func (r *Resolver) renderDirect(es *executableSchema) graphql.RootFieldMiddleware {
	return func(ctx context.Context, next graphql.RootResolver) graphql.Marshaler {
		fc := graphql.GetRootFieldContext(ctx)
		if !r.direct || fc == nil || len(fc.Field.Definition.Directives) > 0 {
			return next(ctx)
		}
		// (fc.Object holds the field's name, not its type: the operation says which root.)
		if op := graphql.GetOperationContext(ctx).Operation; op == nil || op.Operation != ast.Query {
			return next(ctx)
		}
		var (
			out []byte
			err error
		)
		switch fc.Field.Name {
		case "interventions":
			out, err = r.renderInterventions(ctx, es, fc.Field)
		case "node":
			out, err = r.renderNode(ctx, es, fc.Field)
		default:
			return next(ctx)
		}
		if err != nil && !errors.Is(err, errResolvers) {
			r.log.WarnContext(ctx, "rendering in PostgreSQL failed; the resolvers answer", "field", fc.Field.Name, "error", err)
		}
		if out == nil {
			return next(ctx)
		}
		directRenders.Add(1)
		return rawJSON(out)
	}
}

// rowSelections are the selections the resolver's field collection sees in place of the
// client's: the row's columns (every one when Go computes fields from it, else the id) and
// no edge, which the statement reads.
func rowSelections(all bool) ast.SelectionSet {
	if all {
		// A field collection does not know makes it read every column.
		return ast.SelectionSet{&ast.Field{Name: "row", Alias: "row"}}
	}
	return ast.SelectionSet{&ast.Field{Name: "id", Alias: "id"}}
}

// withSelections is ctx with a field context for field whose selections are sel.
func withSelections(ctx context.Context, field graphql.CollectedField, args map[string]any, sel ast.SelectionSet) context.Context {
	f := *field.Field
	f.SelectionSet = sel
	return graphql.WithFieldContext(ctx, &graphql.FieldContext{
		Object: "Query", Field: graphql.CollectedField{Field: &f, Selections: sel}, Args: args, IsMethod: true, IsResolver: true,
	})
}

// renderInterventions renders Query.interventions; nil without error means the resolvers
// must answer (a selection it does not take, or an error they will report).
func (r *Resolver) renderInterventions(ctx context.Context, es *executableSchema, field graphql.CollectedField) ([]byte, error) {
	opCtx := graphql.GetOperationContext(ctx)
	conn := graphql.CollectFields(opCtx, field.Selections, implementors("InterventionConnection"))
	var (
		edgeFields, pageFields []graphql.CollectedField
		plan                   nodePlan
		synthetic              ast.SelectionSet
	)
	seen := map[string]bool{}
	for _, f := range conn {
		// One plan per connection: the same field twice under two aliases (with their own
		// selections) is left to the resolvers.
		if f.IsDeferred() || (seen[f.Name] && f.Name != "__typename" && f.Name != "totalCount") ||
			!written("InterventionConnection", f.Name) {
			return nil, nil
		}
		seen[f.Name] = true
		switch f.Name {
		case "edges":
			edgeFields = graphql.CollectFields(opCtx, f.Selections, implementors("InterventionEdge"))
			nodes := 0
			for _, e := range edgeFields {
				if e.IsDeferred() || !written("InterventionEdge", e.Name) {
					return nil, nil
				}
				if e.Name == "node" {
					if nodes++; nodes > 1 {
						return nil, nil
					}
					var ok bool
					if plan, ok = r.plan(opCtx, field.Selections, e.Selections, field.Alias+"."+f.Alias+"."+e.Alias); !ok {
						return nil, nil
					}
				}
			}
			synthetic = append(synthetic, &ast.Field{Name: "edges", Alias: "edges", SelectionSet: ast.SelectionSet{
				&ast.Field{Name: "node", Alias: "node", SelectionSet: rowSelections(plan.usesRow())}}})
		case "pageInfo":
			pageFields = graphql.CollectFields(opCtx, f.Selections, implementors("PageInfo"))
			for _, p := range pageFields {
				if p.IsDeferred() || !written("PageInfo", p.Name) {
					return nil, nil
				}
			}
			synthetic = append(synthetic, &ast.Field{Name: "pageInfo", Alias: "pageInfo"})
		case "totalCount":
			synthetic = append(synthetic, &ast.Field{Name: "totalCount", Alias: "totalCount"})
		case "__typename":
		default:
			return nil, nil
		}
	}
	ec := newExecutionContext(opCtx, es, nil)
	args, err := ec.field_Query_interventions_args(ctx, field.ArgumentMap(opCtx.Variables))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errResolvers, err)
	}
	pageCtx := withSelections(ctx, field, args, synthetic)
	if len(plan.exprs) > 0 {
		pageCtx = context.WithValue(pageCtx, renderKey{}, plan.renderModifier())
	}
	pageCtx = database.Prepared(pageCtx)
	page, err := r.Query().Interventions(pageCtx, args["after"].(*entgql.Cursor[int]), args["first"].(*int),
		args["before"].(*entgql.Cursor[int]), args["last"].(*int), args["orderBy"].([]*ent.InterventionOrder),
		args["where"].(*ent.InterventionWhereInput))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errResolvers, err)
	}
	rendered := make(map[int][]string, len(page.Edges))
	size := 256 // around the edges: the connection's keys, the page's information
	perEdge := plan.keysSize() + edgeOverhead
	for _, f := range edgeFields {
		perEdge += len(f.Alias) + 4
	}
	for _, iv := range edgeNodes(page.Edges) {
		cols, ok := plan.columns(iv)
		if !ok {
			return nil, errors.New("the page came without its rendered columns")
		}
		fixEscapes(cols)
		rendered[iv.ID] = cols
		size += perEdge
		for _, c := range cols {
			size += len(c)
		}
		if plan.kpis {
			if err := r.primeKPIs(ctx, plan, iv, cols); err != nil {
				return nil, err
			}
		}
	}
	// Sized once from what the database wrote: growing a buffer of tens of kilobytes by
	// doubling costs more than writing it.
	var b bytes.Buffer
	b.Grow(size)
	b.WriteByte('{')
	for i, f := range conn {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`"` + f.Alias + `":`)
		switch f.Name {
		case "__typename":
			b.WriteString(`"InterventionConnection"`)
		case "totalCount":
			b.WriteString(strconv.Itoa(page.TotalCount))
		case "pageInfo":
			writePageInfo(&b, pageFields, page.PageInfo)
		case "edges":
			b.WriteByte('[')
			for j, e := range page.Edges {
				if j > 0 {
					b.WriteByte(',')
				}
				if err := writeEdge(ctx, &b, edgeFields, plan, e, rendered); err != nil {
					return nil, err
				}
			}
			b.WriteByte(']')
		}
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// edgeOverhead is what an edge adds to its node beyond keys: braces and a cursor.
const edgeOverhead = 48

// keysSize is what writing a node adds to its rendered columns: keys, punctuation, type
// names (computed values are few and short; the buffer grows for them if need be).
func (p nodePlan) keysSize() int {
	n := 2
	for _, f := range p.fields {
		n += len(f.key) + 4 + len(f.typename) + 2
	}
	return n
}

// renderKey carries to the interventions resolver the columns its query must add.
type renderKey struct{}

// withRender adds to q the rendered columns the context asks for (direct rendering).
func withRender(ctx context.Context, q *ent.InterventionQuery) *ent.InterventionQuery {
	if m, ok := ctx.Value(renderKey{}).(func(*entsql.Selector)); ok {
		q.Modify(m)
	}
	return q
}

// usesRow reports whether Go computes fields from the intervention's row (their resolvers
// may read any of its columns).
func (p nodePlan) usesRow() bool {
	for _, f := range p.fields {
		if f.resolver != "" {
			return true
		}
	}
	return false
}

// primeKPIs computes the KPIs of iv from its rendered columns into the operation's cache,
// where the computed fields find them.
func (r *Resolver) primeKPIs(ctx context.Context, p nodePlan, iv *ent.Intervention, cols []string) error {
	c, _ := ctx.Value(cacheKey{}).(*requestCache)
	if c == nil {
		return nil
	}
	f, err := p.facts(iv, cols)
	if err != nil {
		return fmt.Errorf("intervention %d: %w", iv.ID, err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.kpis[iv.ID] = intervention.Compute(f, r.now())
	return nil
}

func writeEdge(ctx context.Context, b *bytes.Buffer, fields []graphql.CollectedField, plan nodePlan, e *ent.InterventionEdge, rendered map[int][]string) error {
	if e == nil {
		b.WriteString("null")
		return nil
	}
	b.WriteByte('{')
	for i, f := range fields {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`"` + f.Alias + `":`)
		switch f.Name {
		case "__typename":
			b.WriteString(`"InterventionEdge"`)
		case "cursor":
			e.Cursor.MarshalGQL(b)
		case "node":
			if e.Node == nil {
				b.WriteString("null")
				continue
			}
			if err := plan.writeNode(ctx, b, e.Node, rendered[e.Node.ID]); err != nil {
				return err
			}
		}
	}
	b.WriteByte('}')
	return nil
}

func writePageInfo(b *bytes.Buffer, fields []graphql.CollectedField, p entgql.PageInfo[int]) {
	cursor := func(c *entgql.Cursor[int]) {
		if c == nil {
			b.WriteString("null")
			return
		}
		c.MarshalGQL(b)
	}
	b.WriteByte('{')
	for i, f := range fields {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`"` + f.Alias + `":`)
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
	}
	b.WriteByte('}')
}

// renderNode renders node(id:) when the node is an intervention the viewer may read: one
// query of interventions by id (the access rules apply) that brings the rendered columns.
// Any other node, or none, goes to the resolvers, which say why.
func (r *Resolver) renderNode(ctx context.Context, es *executableSchema, field graphql.CollectedField) ([]byte, error) {
	opCtx := graphql.GetOperationContext(ctx)
	plan, ok := r.plan(opCtx, field.Selections, field.Selections, field.Alias)
	if !ok {
		return nil, nil
	}
	ec := newExecutionContext(opCtx, es, nil)
	args, err := ec.field_Query_node_args(ctx, field.ArgumentMap(opCtx.Variables))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errResolvers, err)
	}
	q := r.client.Intervention.Query().Where(entintervention.ID(args["id"].(int)))
	// The whole row only when resolvers compute from it: the text columns (description,
	// report, search text) are the bulk of a row, and the statement renders whatever the
	// client asked of them.
	if !plan.usesRow() {
		q.Select(entintervention.FieldID)
	}
	if len(plan.exprs) > 0 {
		q.Modify(plan.renderModifier())
	}
	iv, err := q.Only(database.Prepared(ctx))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errResolvers, err)
	}
	cols, ok := plan.columns(iv)
	if !ok {
		return nil, errors.New("the intervention came without its rendered columns")
	}
	fixEscapes(cols)
	if plan.kpis {
		if err := r.primeKPIs(ctx, plan, iv, cols); err != nil {
			return nil, err
		}
	}
	var b bytes.Buffer
	if err := plan.writeNode(ctx, &b, iv, cols); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// fixEscapes rewrites, in place, the escapes PostgreSQL's to_json writes differently from
// the executor (graphql.MarshalString): \b and \f become \u0008 and \u000C, and \u00xx
// takes capital hex digits. Text without a backslash is left as it is, without copying.
func fixEscapes(cols []string) {
	for i, c := range cols {
		if strings.IndexByte(c, '\\') >= 0 {
			cols[i] = fixEscape(c)
		}
	}
}

func fixEscape(s string) string {
	var b strings.Builder
	start := 0 // s[start:] is not copied yet
	for i := 0; i+1 < len(s); i++ {
		if s[i] != '\\' {
			continue
		}
		n, with := 2, ""
		switch s[i+1] {
		case 'b':
			with = `\u0008`
		case 'f':
			with = `\u000C`
		case 'u':
			if n = 6; i+n <= len(s) {
				if hex := strings.ToUpper(s[i+2 : i+6]); hex != s[i+2:i+6] {
					with = `\u` + hex
				}
			}
		}
		if with != "" {
			if start == 0 {
				b.Grow(len(s) + 8)
			}
			b.WriteString(s[start:i])
			b.WriteString(with)
			start = i + n
		}
		i += n - 1
	}
	if start == 0 {
		return s
	}
	b.WriteString(s[start:])
	return b.String()
}
