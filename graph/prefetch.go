package graph

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"entgo.io/ent/dialect"
	"github.com/99designs/gqlgen/graphql"
	"github.com/lib/pq"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/ent/document"
	"github.com/mifmaroc/erp/ent/equipement"
	"github.com/mifmaroc/erp/ent/historiqueintervention"
	entintervention "github.com/mifmaroc/erp/ent/intervention"
	"github.com/mifmaroc/erp/ent/technicien"
	"github.com/mifmaroc/erp/ent/user"
)

// The list screen asks, for each intervention of a page, its equipment, its technician and
// his user, its documents and its history with their authors. Field collection reads these
// with one statement per edge and level (six); on PostgreSQL a page prefetch reads them all in
// one statement that aggregates each edge as JSON, and primes the operation's loaders with
// the rows, so that the edge resolvers find them there. (Direct rendering, direct.go, takes
// most such requests on PostgreSQL; this serves those it leaves, and every request when it is
// off.)
//
// The prefetch reads these tables without going through ent's privacy rules: it may, because
// every row it reads hangs from an intervention the viewer was allowed to list, and
// internal/access lets whoever sees an intervention see its equipment, technician, documents,
// history and the users on them (TestPrefetchVisibility checks it per role). Document
// uploaders are not among them, so documents with uploadedBy stay with field collection.

// prefetchPlan is what a page prefetch reads.
type prefetchPlan struct {
	equipement, technicien, technicienUser, documents, historique, historiqueUser bool
}

func (p prefetchPlan) empty() bool {
	return !p.equipement && !p.technicien && !p.documents && !p.historique
}

// edgeUse is what the selections of a page ask of one edge: its scalar fields and those of
// its user, by GraphQL name.
type edgeUse struct {
	seen, complex, user bool
	fields, userFields  map[string]bool
}

// planPrefetch looks at the selections of an interventions connection and returns what a
// prefetch can read, and the selections with those edges removed for field collection.
// Anything it does not follow (a fragment spread on the way to the node, an edge selection
// that reaches further than the prefetch reads) leaves the edge to field collection.
func planPrefetch(sel ast.SelectionSet, over nodeSets) (prefetchPlan, ast.SelectionSet, map[string]*edgeUse) {
	uses := map[string]*edgeUse{}
	for _, name := range []string{"equipement", "technicien", "documents", "historique"} {
		uses[name] = &edgeUse{fields: map[string]bool{}, userFields: map[string]bool{}}
	}
	spread := false
	over(sel, &spread, func(node ast.SelectionSet) ast.SelectionSet {
		forFields(node, &spread, func(f *ast.Field) {
			u := uses[f.Name]
			if u == nil {
				return
			}
			u.seen = true
			collectLeaves(f.SelectionSet, u.fields, u.userFields)
			switch f.Name {
			case "equipement", "documents":
				u.complex = u.complex || !leaves(f.SelectionSet)
			case "technicien", "historique":
				ok, withUser := leavesAndUser(f.SelectionSet)
				u.complex, u.user = u.complex || !ok, u.user || withUser
			}
		})
		return node
	})
	if spread {
		return prefetchPlan{}, sel, nil
	}
	take := func(name string) bool { return uses[name].seen && !uses[name].complex }
	p := prefetchPlan{
		equipement: take("equipement"),
		technicien: take("technicien"), technicienUser: take("technicien") && uses["technicien"].user,
		documents:  take("documents"),
		historique: take("historique"), historiqueUser: take("historique") && uses["historique"].user,
	}
	drop := map[string]bool{"equipement": p.equipement, "technicien": p.technicien, "documents": p.documents, "historique": p.historique}
	stripped := over(sel, &spread, func(node ast.SelectionSet) ast.SelectionSet {
		out := make(ast.SelectionSet, 0, len(node))
		for _, s := range node {
			switch s := s.(type) {
			case *ast.Field:
				if drop[s.Name] {
					continue
				}
			case *ast.InlineFragment:
				c := *s
				c.SelectionSet = make(ast.SelectionSet, 0, len(s.SelectionSet))
				for _, in := range s.SelectionSet {
					if f, ok := in.(*ast.Field); ok && drop[f.Name] {
						continue
					}
					c.SelectionSet = append(c.SelectionSet, in)
				}
				out = append(out, &c)
				continue
			}
			out = append(out, s)
		}
		return out
	})
	return p, stripped, uses
}

// collectLeaves adds the scalar fields of sel to fields, and those of its user to user.
func collectLeaves(sel ast.SelectionSet, fields, user map[string]bool) {
	for _, s := range sel {
		if f, ok := s.(*ast.Field); ok {
			switch {
			case len(f.SelectionSet) == 0:
				fields[f.Name] = true
			case f.Name == "user":
				collectLeaves(f.SelectionSet, user, nil)
			}
		}
	}
}

// nodeSets rewrites, with fn, the selections that apply to an intervention under a field's
// selections, and returns the rewritten copy. A fragment spread on the way sets *spread.
type nodeSets func(sel ast.SelectionSet, spread *bool, fn func(ast.SelectionSet) ast.SelectionSet) ast.SelectionSet

// forInterventionFragments is the nodeSets of node(id:): its `... on Intervention` fragments.
func forInterventionFragments(sel ast.SelectionSet, spread *bool, fn func(ast.SelectionSet) ast.SelectionSet) ast.SelectionSet {
	out := make(ast.SelectionSet, 0, len(sel))
	for _, s := range sel {
		switch s := s.(type) {
		case *ast.InlineFragment:
			if s.TypeCondition == "Intervention" {
				c := *s
				c.SelectionSet = fn(s.SelectionSet)
				out = append(out, &c)
				continue
			}
		case *ast.FragmentSpread:
			*spread = true
		}
		out = append(out, s)
	}
	return out
}

// forNodes rewrites, with fn, the selections of every edges { node } under a connection's
// selections, and returns the rewritten copy. A fragment spread on the way sets *spread.
func forNodes(sel ast.SelectionSet, spread *bool, fn func(ast.SelectionSet) ast.SelectionSet) ast.SelectionSet {
	return rewrite(sel, spread, "edges", func(edges ast.SelectionSet) ast.SelectionSet {
		return rewrite(edges, spread, "node", fn)
	})
}

// rewrite copies sel with fn applied to the selections of its fields called name (also in
// inline fragments).
func rewrite(sel ast.SelectionSet, spread *bool, name string, fn func(ast.SelectionSet) ast.SelectionSet) ast.SelectionSet {
	out := make(ast.SelectionSet, 0, len(sel))
	for _, s := range sel {
		switch s := s.(type) {
		case *ast.Field:
			if s.Name == name {
				c := *s
				c.SelectionSet = fn(s.SelectionSet)
				out = append(out, &c)
				continue
			}
		case *ast.InlineFragment:
			c := *s
			c.SelectionSet = rewrite(s.SelectionSet, spread, name, fn)
			out = append(out, &c)
			continue
		case *ast.FragmentSpread:
			*spread = true
		}
		out = append(out, s)
	}
	return out
}

// forFields calls fn on every field of sel, inline fragments included.
func forFields(sel ast.SelectionSet, spread *bool, fn func(*ast.Field)) {
	for _, s := range sel {
		switch s := s.(type) {
		case *ast.Field:
			fn(s)
		case *ast.InlineFragment:
			forFields(s.SelectionSet, spread, fn)
		case *ast.FragmentSpread:
			*spread = true
		}
	}
}

// leaves reports whether sel selects only scalar fields.
func leaves(sel ast.SelectionSet) bool {
	for _, s := range sel {
		f, ok := s.(*ast.Field)
		if !ok || len(f.SelectionSet) > 0 {
			return false
		}
	}
	return true
}

// leavesAndUser reports whether sel selects only scalar fields and a user with scalar
// fields, and whether it selects the user.
func leavesAndUser(sel ast.SelectionSet) (ok, withUser bool) {
	for _, s := range sel {
		f, isField := s.(*ast.Field)
		switch {
		case !isField:
			return false, false
		case len(f.SelectionSet) == 0:
		case f.Name == "user" && leaves(f.SelectionSet):
			withUser = true
		default:
			return false, false
		}
	}
	return true, withUser
}

// withPrefetch runs a query of interventions (run) with field collection, prefetching on
// PostgreSQL what planPrefetch takes over; over finds the intervention selections under the
// field, and loaded lists what run returned.
func withPrefetch[T any](ctx context.Context, r *Resolver, over nodeSets, run func(context.Context) (T, error), loaded func(T) []*ent.Intervention) (T, error) {
	fc := graphql.GetFieldContext(ctx)
	if r.dialect != dialect.Postgres || fc == nil {
		return run(ctx)
	}
	plan, stripped, uses := planPrefetch(fc.Field.Selections, over)
	if plan.empty() {
		return run(ctx)
	}
	narrowed := *fc
	narrowed.Field.Selections = stripped
	res, err := run(graphql.WithFieldContext(ctx, &narrowed))
	if err != nil {
		return res, err
	}
	ivs := map[int]*ent.Intervention{}
	for _, iv := range loaded(res) {
		ivs[iv.ID] = iv
	}
	if len(ivs) > 0 {
		if err := r.prefetch(ctx, plan, uses, ivs); err != nil {
			var zero T
			return zero, err
		}
	}
	return res, nil
}

// paginateInterventions is a page of interventions with its edges prefetched.
func (r *Resolver) paginateInterventions(ctx context.Context, page func(context.Context) (*ent.InterventionConnection, error)) (*ent.InterventionConnection, error) {
	return withPrefetch(ctx, r, forNodes, page, func(c *ent.InterventionConnection) []*ent.Intervention {
		return edgeNodes(c.Edges)
	})
}

// node is node(id:), with the edges of an intervention prefetched.
func (r *Resolver) node(ctx context.Context, id int) (ent.Noder, error) {
	return withPrefetch(ctx, r, forInterventionFragments, func(ctx context.Context) (ent.Noder, error) {
		return r.client.Noder(ctx, id)
	}, func(n ent.Noder) []*ent.Intervention {
		if iv, ok := n.(*ent.Intervention); ok {
			return []*ent.Intervention{iv}
		}
		return nil
	})
}

// prefetch reads the edges of plan for the interventions ivs (by id) in one statement, sets
// their unique edges and primes the operation's loaders with the lists. Each row becomes a
// JSON object of the columns the operation asks for (keys are column names, as ent's JSON
// tags), so that decoding costs little.
func (r *Resolver) prefetch(ctx context.Context, plan prefetchPlan, uses map[string]*edgeUse, ivs map[int]*ent.Intervention) error {
	ids := make([]int, 0, len(ivs))
	for id := range ivs {
		ids = append(ids, id)
	}
	cols := []string{"i." + entintervention.FieldID}
	if plan.equipement {
		cols = append(cols, fmt.Sprintf("(SELECT %s FROM %s e WHERE e.id = i.%s)",
			jsonObject("e", "Equipement", uses["equipement"].fields), equipement.Table, entintervention.FieldEquipementID))
	}
	if plan.technicien {
		cols = append(cols, fmt.Sprintf("(SELECT %s FROM %s t WHERE t.id = i.%s)",
			jsonObject("t", "Technicien", uses["technicien"].fields, technicien.FieldUserID),
			technicien.Table, entintervention.FieldTechnicienID))
	}
	if plan.technicienUser {
		cols = append(cols, fmt.Sprintf("(SELECT %s FROM %s u JOIN %s t ON u.id = t.%s WHERE t.id = i.%s)",
			jsonObject("u", "User", uses["technicien"].userFields),
			user.Table, technicien.Table, technicien.FieldUserID, entintervention.FieldTechnicienID))
	}
	if plan.documents {
		cols = append(cols, fmt.Sprintf("(SELECT json_agg(%s ORDER BY d.id) FROM %s d WHERE d.%s = i.id)",
			jsonObject("d", "Document", uses["documents"].fields, document.FieldInterventionID),
			document.Table, document.FieldInterventionID))
	}
	if plan.historique {
		cols = append(cols, fmt.Sprintf("(SELECT json_agg(%s ORDER BY h.%s, h.id) FROM %s h WHERE h.%s = i.id)",
			jsonObject("h", "HistoriqueIntervention", uses["historique"].fields,
				historiqueintervention.FieldInterventionID, historiqueintervention.FieldUserID),
			historiqueintervention.FieldHorodatage, historiqueintervention.Table, historiqueintervention.FieldInterventionID))
	}
	if plan.historiqueUser {
		cols = append(cols, fmt.Sprintf("(SELECT json_agg(%s) FROM %s u WHERE u.id IN (SELECT h.%s FROM %s h WHERE h.%s = i.id))",
			jsonObject("u", "User", uses["historique"].userFields),
			user.Table, historiqueintervention.FieldUserID, historiqueintervention.Table, historiqueintervention.FieldInterventionID))
	}
	query := fmt.Sprintf("SELECT %s FROM %s i WHERE i.id = ANY($1)", strings.Join(cols, ", "), entintervention.Table)
	rows, err := r.client.QueryContext(ctx, query, pq.Array(ids))
	if err != nil {
		return fmt.Errorf("prefetching the edges of %d interventions: %w", len(ids), err)
	}
	defer func() { _ = rows.Close() }()
	l := r.loadersFrom(ctx)
	for rows.Next() {
		var (
			id   int
			raw  = make([][]byte, len(cols)-1)
			dest = []any{&id}
		)
		for i := range raw {
			dest = append(dest, &raw[i])
		}
		if err := rows.Scan(dest...); err != nil {
			return fmt.Errorf("reading prefetched edges: %w", err)
		}
		iv := ivs[id]
		if iv == nil {
			continue
		}
		if err := primeRow(ctx, l, plan, iv, raw); err != nil {
			return fmt.Errorf("decoding the prefetched edges of intervention %d: %w", id, err)
		}
	}
	return rows.Err()
}

// primeRow decodes one row of a prefetch (the columns in prefetch's order) into the
// intervention's unique edges (with their keys: field selection may have left them out of the
// page query) and the loaders of its lists and users.
func primeRow(ctx context.Context, l *loaders, plan prefetchPlan, iv *ent.Intervention, raw [][]byte) error {
	next := func() []byte { b := raw[0]; raw = raw[1:]; return b }
	if plan.equipement {
		e, err := decode[ent.Equipement](next())
		if err != nil {
			return err
		}
		if e != nil {
			iv.Edges.Equipement, iv.EquipementID = e, &e.ID
		}
	}
	var tech *ent.Technicien
	if plan.technicien {
		t, err := decode[ent.Technicien](next())
		if err != nil {
			return err
		}
		if t != nil {
			tech, iv.Edges.Technicien, iv.TechnicienID = t, t, &t.ID
		}
	}
	if plan.technicienUser {
		u, err := decode[ent.User](next())
		if err != nil {
			return err
		}
		if u != nil && tech != nil {
			tech.Edges.User = u
		}
	}
	if plan.documents {
		docs := []*ent.Document{}
		if err := unmarshalList(next(), &docs); err != nil {
			return err
		}
		l.documents.prime(ctx, iv.ID, docs)
	}
	if plan.historique {
		lines := []*ent.HistoriqueIntervention{}
		if err := unmarshalList(next(), &lines); err != nil {
			return err
		}
		l.historique.prime(ctx, iv.ID, lines)
	}
	if plan.historiqueUser {
		var users []*ent.User
		if err := unmarshalList(next(), &users); err != nil {
			return err
		}
		for _, u := range users {
			l.user.prime(ctx, u.ID, u)
		}
	}
	return nil
}

// jsonObject is the SQL expression of a JSON object of the row alias of GraphQL type typ:
// its id, the columns of the fields in selected (by GraphQL name) that the executor hands
// out as they are (directRules), and keys. When a selected field is anything else (it has a
// resolver or a directive, which may read any column of the object: Document.url needs the
// path), every column ent hands out goes, never a sensitive one (a password hash).
func jsonObject(alias, typ string, selected map[string]bool, keys ...string) string {
	rules := directRules[typ]
	take := map[string]bool{"id": true}
	for _, k := range keys {
		take[k] = true
	}
	all := false
	for name := range selected {
		if f := rules.fields[name]; f.plain && f.column != "" {
			take[f.column] = true
		} else if !strings.HasPrefix(name, "__") {
			all = true
		}
	}
	columns := sqlShapes[typ].columns
	args := make([]string, 0, 2*len(columns))
	for _, c := range columns {
		if (all || take[c]) && rules.handedOut[c] {
			args = append(args, "'"+c+"'", alias+"."+c)
		}
	}
	return "json_build_object(" + strings.Join(args, ", ") + ")"
}

// unmarshalList decodes a json_agg, which is NULL for no row.
func unmarshalList[V any](b []byte, v *[]V) error {
	if b == nil {
		return nil
	}
	return json.Unmarshal(b, v)
}

// decode reads the JSON row b, if any (NULL: the edge is empty).
func decode[V any](b []byte) (*V, error) {
	if b == nil {
		return nil, nil
	}
	v := new(V)
	if err := json.Unmarshal(b, v); err != nil {
		return nil, err
	}
	return v, nil
}
