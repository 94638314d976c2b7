package graph

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"reflect"

	"entgo.io/contrib/entgql"
	entsql "entgo.io/ent/dialect/sql"
	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/mifmaroc/erp/ent"
	entintervention "github.com/mifmaroc/erp/ent/intervention"
	"github.com/mifmaroc/erp/internal/database"
	"github.com/mifmaroc/erp/internal/render"
)

// Every use of gqlgen beyond its documented handler API is in this file, so that an upgrade
// of gqlgen (go.mod) is checked here. After `go generate ./...` with the new version, check:
//
//  1. newExecutionContext and ec.field_Query_interventions_args / ec.field_Query_node_args
//     (generated, private) still exist with the same signatures, and the argument maps keep
//     their keys and types (after, first, before, last, orderBy, where; id). They decode the
//     arguments exactly as the executor would; a change fails to compile.
//  2. withSelections builds a graphql.FieldContext by hand (Object, Field, Args, IsMethod,
//     IsResolver) for the interventions resolver: entgql's Paginate and CollectFields must
//     still read the selections and the pagination arguments from those fields.
//  3. renderDirect is a RootFieldMiddleware that returns its own graphql.Marshaler (rawJSON):
//     gqlgen must still write a root field's marshaler as it is, and GetRootFieldContext
//     still give the field's definition (its directives) and its collected selections.
//  4. renderKey, a context value, carries the rendered columns to the interventions resolver
//     (ent.resolvers.go calls withRender on its query): the resolver must still be called
//     with the context the middleware passes.
//  5. siblings walks fc.Parent and reads fc.Result: the generated code must still set Result
//     on a list field's context before its elements resolve, with the elements' contexts
//     under it. If it stops, nothing fails but batching: loaders fall back to their 0.5 ms
//     window, and TestNestedListStatementCount, TestKPIStatementCount and
//     TestLoadersOutsideCollection see the statements grow with the list.
//  6. collected reads fc.Field.Alias: entgql (contrib) must still store collected list edges
//     under the field's alias (Named… methods).
//  7. newRenderer reflects on the generated ResolverRoot interface (a method per type, named
//     after it, returning the type's resolvers, a method per field) and DirectiveRoot struct
//     (a field per run-time directive), and reads the generated parsedSchema:
//     TestDirectFieldRules checks the derivation, TestDirectRendering its outcome.
//  8. transport.go implements graphql.Transport (CreateOperationContext, DispatchOperation,
//     DispatchError of graphql.GraphExecutor), as gqlgen's own POST and GET transports do:
//     compare with transport/http_post.go and http_get.go of the new version for behaviour
//     they gained (TestTransport… cover ours).

// newRenderer is direct rendering for r, derived from the generated code.
func newRenderer(r *Resolver) *render.Renderer {
	return render.New(render.Config{
		Schema:        parsedSchema,
		ResolverRoot:  reflect.TypeFor[ResolverRoot](),
		DirectiveRoot: reflect.TypeFor[DirectiveRoot](),
		Resolvers:     ResolverRoot(r),
		KPINeeds:      kpiNeeds,
	})
}

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

// rootArgs are the arguments of a root field, decoded as the executor decodes them (decode is
// the generated ec.field_Query_<name>_args); an error is for the resolvers to report.
func rootArgs(ctx context.Context, es *executableSchema, field graphql.CollectedField,
	decode func(*executionContext, context.Context, map[string]any) (map[string]any, error)) (map[string]any, error) {
	opCtx := graphql.GetOperationContext(ctx)
	ec := newExecutionContext(opCtx, es, nil)
	args, err := decode(ec, ctx, field.ArgumentMap(opCtx.Variables))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errResolvers, err)
	}
	return args, nil
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
// must answer (a selection it does not take, or an error they will report). The page comes
// from the resolver itself, with the selections of its rows only and the rendered column.
func (r *Resolver) renderInterventions(ctx context.Context, es *executableSchema, field graphql.CollectedField) ([]byte, error) {
	opCtx := graphql.GetOperationContext(ctx)
	conn, ok := r.render.Connection(opCtx, field, func(sel ast.SelectionSet, path string) (render.Plan, bool) {
		return r.plan(opCtx, field.Selections, sel, path)
	})
	if !ok {
		return nil, nil
	}
	args, err := rootArgs(ctx, es, field, (*executionContext).field_Query_interventions_args)
	if err != nil {
		return nil, err
	}
	pageCtx := withSelections(ctx, field, args, conn.Selections)
	if !conn.Node.Empty() {
		m, err := conn.Node.Modifier(ctx)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", errResolvers, err)
		}
		pageCtx = context.WithValue(pageCtx, renderKey{}, m)
	}
	pageCtx = database.Prepared(pageCtx)
	page, err := r.Query().Interventions(pageCtx, args["after"].(*entgql.Cursor[int]), args["first"].(*int),
		args["before"].(*entgql.Cursor[int]), args["last"].(*int), args["orderBy"].([]*ent.InterventionOrder),
		args["where"].(*ent.InterventionWhereInput))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errResolvers, err)
	}
	rendered, err := r.rendered(ctx, conn.Node, conn.Node.Columns, edgeNodes(page.Edges)...)
	if err != nil {
		return nil, err
	}
	return conn.Write(ctx, page, rendered)
}

// renderNode renders node(id:) when the node is an intervention the viewer may read: one
// query of interventions by id (the access rules apply) that brings the rendered columns,
// or the row alone when nothing was committed since they were kept (renderedRow).
// Any other node, or none, goes to the resolvers, which say why.
func (r *Resolver) renderNode(ctx context.Context, es *executableSchema, field graphql.CollectedField) ([]byte, error) {
	opCtx := graphql.GetOperationContext(ctx)
	plan, ok := r.plan(opCtx, field.Selections, field.Selections, field.Alias)
	if !ok {
		return nil, nil
	}
	args, err := rootArgs(ctx, es, field, (*executionContext).field_Query_node_args)
	if err != nil {
		return nil, err
	}
	q := r.client.Intervention.Query().Where(entintervention.ID(args["id"].(int)))
	// The whole row only when resolvers compute from any of it: the text columns
	// (description, report, search text) are the bulk of a row, and the statement renders
	// whatever the client asked of them.
	if fields, all := plan.RowFields(); !all {
		q.Select(fields...)
	}
	iv, columns, err := r.renderedRow(ctx, plan, q, args["id"].(int))
	if err != nil {
		return nil, err
	}
	rendered, err := r.rendered(ctx, plan, columns, iv)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := plan.WriteNode(ctx, &b, iv, rendered[iv.ID]); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// renderedRow reads the row of q, intervention id, with the columns of plan: those kept
// from an earlier request when the row, read alone, comes under the same snapshot
// (render.Kept), else those the statement renders, kept in turn.
func (r *Resolver) renderedRow(ctx context.Context, plan render.Plan, q *ent.InterventionQuery, id int) (
	*ent.Intervention, func(*ent.Intervention) ([]string, error), error) {
	if plan.Empty() {
		iv, err := q.Only(database.Prepared(ctx))
		if err != nil {
			return nil, nil, fmt.Errorf("%w: %w", errResolvers, err)
		}
		return iv, plan.Columns, nil
	}
	key, err := plan.Key(ctx, id)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %w", errResolvers, err)
	}
	// Kept under another snapshot than the last one read, the rendering is out of date
	// unless the database went back: while commits follow each other, the row alone would
	// only add a statement.
	if kept, ok := r.renders.Get(ctx, key); ok && kept.Snapshot == r.snapshot() {
		iv, err := q.Clone().Modify(render.AddSnapshot).Only(database.Prepared(ctx))
		if err != nil {
			return nil, nil, fmt.Errorf("%w: %w", errResolvers, err)
		}
		if render.Snapshot(iv) == kept.Snapshot {
			reusedRenders.Add(1)
			return iv, func(*ent.Intervention) ([]string, error) { return kept.Columns, nil }, nil
		}
	}
	bound, err := plan.Bind(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %w", errResolvers, err)
	}
	iv, err := q.Modify(bound.Keeping()).Only(database.Prepared(ctx))
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %w", errResolvers, err)
	}
	return iv, func(iv *ent.Intervention) ([]string, error) {
		cols, fresh, err := bound.Kept(iv)
		if fresh != nil {
			r.renders.Add(ctx, key, *fresh)
			r.lastSnapshot.Store(&fresh.Snapshot)
		}
		return cols, err
	}, nil
}

// snapshot is the database snapshot a rendering statement last read under ("" before any).
func (r *Resolver) snapshot() string {
	if s := r.lastSnapshot.Load(); s != nil {
		return *s
	}
	return ""
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

// siblings are the elements of the nearest list of Ts above the current field (the nodes of
// a page of interventions included).
func siblings[T any](ctx context.Context) []T {
	for fc := graphql.GetFieldContext(ctx); fc != nil; fc = fc.Parent {
		switch res := fc.Result.(type) {
		case []T:
			return res
		case []*ent.InterventionEdge:
			if nodes, ok := any(edgeNodes(res)).([]T); ok {
				return nodes
			}
		case []*ent.EmplacementEdge:
			nodes := make([]*ent.Emplacement, 0, len(res))
			for _, e := range res {
				if e != nil && e.Node != nil {
					nodes = append(nodes, e.Node)
				}
			}
			if nodes, ok := any(nodes).([]T); ok {
				return nodes
			}
		}
	}
	return nil
}

// siblingIDs are the ids of the interventions of the nearest list above the current field.
func siblingIDs(ctx context.Context) []int {
	ivs := siblings[*ent.Intervention](ctx)
	ids := make([]int, len(ivs))
	for i, iv := range ivs {
		ids[i] = iv.ID
	}
	return ids
}

// collected is the list edge as field collection (under the field's alias) or a service
// loaded it, if either did.
func collected[V any](ctx context.Context, named func(string) ([]V, error), loaded func() ([]V, error)) ([]V, bool) {
	if fc := graphql.GetFieldContext(ctx); fc != nil && fc.Field.Alias != "" {
		if v, err := named(fc.Field.Alias); err == nil {
			return v, true
		}
	}
	if v, err := loaded(); err == nil {
		return v, true
	}
	return nil, false
}
