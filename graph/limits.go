package graph

import (
	"context"
	"fmt"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/lexer"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/tracing"
)

// Query limits, checked on the parsed operation before anything runs.
const (
	MaxDepth    = 10  // nesting of selections
	MaxPageSize = 100 // first / last of any connection
	MaxAliases  = 100 // aliased fields in one operation
	// MaxSelections bounds the fields and fragment uses of a document, counted with every
	// fragment expanded where it is used: a small document cannot stand for a huge one.
	MaxSelections = 2000
	// MaxSameField bounds how often one response key (or one fragment) is selected in one
	// selection set, fragments included; only field-duplication attacks need more.
	MaxSameField = 20
	// MaxComplexity bounds the cost of an operation: every field costs 1, and what is
	// selected under a connection costs once per element of the page (first, last, or the
	// default page size). A page of 100 interventions with their equipement, technician,
	// documents and history costs about 1,300; two nested connections of 100 cost over 20,000.
	MaxComplexity = 20_000
	// MaxTokens bounds the tokens of a document (names, punctuation, values, comments), so
	// that what is parsed, held and validated stays proportionate to what a screen asks,
	// whatever the size of the body: the parser is stopped there too.
	MaxTokens = 10_000
	// MaxDirectives bounds the directives written in a document (@include, @skip, @defer…);
	// validation reports each unknown, misplaced or repeated one.
	MaxDirectives = 100
	// MaxInputs bounds the input a document writes: the arguments of fields and directives,
	// variable definitions, and every element of a list and field of an input object in
	// their values. nodes(ids:) with a hundred ids is a hundred and one.
	MaxInputs = 1_000
	// MaxErrors bounds the errors of one answer; one more error says how many were left out.
	MaxErrors = 50
)

// costCap keeps cost arithmetic from overflowing on absurd nestings; any cost at the cap is
// far over MaxComplexity anyway.
const costCap = 1 << 40

// limits refuses operations that would be too expensive, before any resolver or SQL runs.
// It checks twice: the raw document before gqlgen validates it, since validation takes time
// quadratic in repeated fields and reports an error per bad directive, argument or field
// (what either cost is in docs/decisions.md, "Limits before execution"), then the validated
// operation with its variables, for page sizes and cost.
type limits struct {
	// parsed is gqlgen's cache of validated documents: a document found there passed the
	// first check when it was first seen. One refused after validation leaves it.
	parsed *documentCache
	// keepCost leaves each operation's cost in its statistics, for its span (tracing on).
	keepCost bool
	// costs keeps the cost of the operations whose check read no variable, by document
	// and operation name: the same document passes the same way, so the walk of its
	// selections runs once rather than on every request.
	costs *boundedCache[int64]
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
	graphql.OperationContextMutator
} = limits{}

func (limits) ExtensionName() string                   { return "QueryLimits" }
func (limits) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationParameters checks the structure of the raw document: selections, repeats,
// depth and aliases of every operation (one budget of selections for the whole document),
// and repeats within every fragment, used or not, since validation goes through them all.
func (l limits) MutateOperationParameters(ctx context.Context, p *graphql.RawParams) *gqlerror.Error {
	if _, ok := l.parsed.Get(ctx, p.Query); ok {
		return nil
	}
	src := &ast.Source{Input: p.Query}
	if tooManyTokens(src) {
		return limitError("the query has more than %d tokens (names, punctuation, values and comments)", MaxTokens)
	}
	doc, err := parser.ParseQueryWithTokenLimit(src, MaxTokens)
	if err == nil {
		return checkDocument(doc)
	}
	// gqlgen parses it again and reports the error with its code.
	return nil
}

// tooManyTokens reports whether src has more than MaxTokens tokens, counted as the parser
// counts them, reading no further than the token after the limit.
func tooManyTokens(src *ast.Source) bool {
	lex := lexer.New(src)
	for n := 0; n <= MaxTokens; n++ {
		tok, err := lex.ReadToken()
		if err != nil || tok.Kind == lexer.EOF {
			return false // a lexical error is the parser's to report
		}
	}
	return true
}

func checkDocument(doc *ast.QueryDocument) *gqlerror.Error {
	// What is written, each fragment once, as validation visits it.
	var w docNodes
	w.document(doc)
	if w.directives > MaxDirectives {
		return limitError("the query has %d directives; at most %d", w.directives, MaxDirectives)
	}
	if w.inputs > MaxInputs {
		return limitError("the query has %d arguments, variables and input values; at most %d", w.inputs, MaxInputs)
	}
	m := measure{fragments: make(map[string]*ast.FragmentDefinition, len(doc.Fragments)), spreading: map[string]bool{}}
	for _, f := range doc.Fragments {
		m.fragments[f.Name] = f
	}
	for _, op := range doc.Operations {
		m.aliases = 0
		if _, err := m.selectionSet(op.SelectionSet, 1); err != nil {
			return err
		}
		if m.aliases > MaxAliases {
			return tooManyAliases(m.aliases)
		}
	}
	// Fragments one by one, their spreads not followed: this only catches repeats in
	// fragments no operation uses, so it keeps its own budget.
	raw := measure{standalone: true}
	for _, f := range doc.Fragments {
		if _, err := raw.selectionSet(f.SelectionSet, 1); err != nil {
			return err
		}
	}
	return nil
}

// MutateOperationContext checks the validated operation, whose variables are known: page
// sizes and cost, and again the structure, now of this operation alone. A document refused
// here leaves the cache of validated documents: it keeps room for those that run.
func (l limits) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	key := oc.RawQuery + "\x00" + oc.OperationName
	cost, known := l.costs.Get(ctx, key)
	if !known {
		var usesVars bool
		var err *gqlerror.Error
		cost, usesVars, err = checkOperation(oc)
		if err != nil {
			l.parsed.Remove(oc.RawQuery)
			return err
		}
		if !usesVars {
			l.costs.Add(ctx, key, cost)
		}
	}
	if l.keepCost {
		oc.Stats.SetExtension(tracing.ComplexityStat, cost)
	}
	return nil
}

// checkOperation measures the validated operation of oc; usesVars tells whether the
// outcome depends on the values of its variables (a page size given by one).
func checkOperation(oc *graphql.OperationContext) (cost int64, usesVars bool, err *gqlerror.Error) {
	m := measure{validated: true, vars: oc.Variables}
	cost, err = m.selectionSet(oc.Operation.SelectionSet, 1)
	if err != nil {
		return 0, m.usesVars, err
	}
	if m.aliases > MaxAliases {
		return cost, m.usesVars, tooManyAliases(m.aliases)
	}
	if cost > MaxComplexity {
		shown := fmt.Sprint(cost)
		if cost >= costCap {
			shown = fmt.Sprintf("more than %d", costCap)
		}
		return cost, m.usesVars, limitError("the query costs %s; at most %d (each field costs 1, multiplied by the page size of every connection above it: ask for smaller pages or fewer nested lists)", shown, MaxComplexity)
	}
	return cost, m.usesVars, nil
}

// measure walks selections, fragments expanded, counting what the limits bound.
type measure struct {
	// validated: definitions are resolved and variables coerced, so page sizes and cost
	// can be checked; before validation only the structure is.
	validated bool
	vars      map[string]any
	// fragments resolves spreads before validation; nil: spreads are not followed.
	fragments map[string]*ast.FragmentDefinition
	// spreading holds the fragments being expanded: a cycle, which validation refuses
	// later, is not followed round.
	spreading map[string]bool
	// standalone: a fragment alone, whose depth depends on where it is used (or nowhere,
	// as for introspection's, used under __schema).
	standalone bool
	aliases    int
	selections int
	// usesVars: some value measured was, or held, a variable.
	usesVars bool
}

// fragment is the definition a spread expands to, nil when it is not followed.
func (m *measure) fragment(s *ast.FragmentSpread) *ast.FragmentDefinition {
	if m.validated {
		return s.Definition
	}
	if f := m.fragments[s.Name]; f != nil && !m.spreading[s.Name] {
		return f
	}
	return nil
}

// selectionSet returns the cost of a selection set whose fields are at level depth (1 for
// the operation's root fields). Fields that share a response key are merged, as execution
// merges them, so that fragments selecting the same connection are not charged twice.
func (m *measure) selectionSet(set ast.SelectionSet, depth int) (int64, *gqlerror.Error) {
	var (
		keys   []string
		byKey  = map[string][]*ast.Field{}
		seen   = map[string]int{} // fragments spread here
		gather func(set ast.SelectionSet) *gqlerror.Error
	)
	gather = func(set ast.SelectionSet) *gqlerror.Error {
		for _, sel := range set {
			// Counted before expanding, so that fragments spreading fragments stop early.
			if m.selections++; m.selections > MaxSelections {
				return limitError("the query has more than %d selections (fields and fragments, counted where each fragment is used)", MaxSelections)
			}
			switch s := sel.(type) {
			case *ast.Field:
				if s.Name == "__schema" || s.Name == "__type" {
					continue // introspection is bounded by the schema itself
				}
				if s.Alias != "" && s.Alias != s.Name {
					m.aliases++
				}
				key := s.Alias
				if key == "" {
					key = s.Name
				}
				if _, ok := byKey[key]; !ok {
					keys = append(keys, key)
				}
				byKey[key] = append(byKey[key], s)
			case *ast.InlineFragment:
				if err := gather(s.SelectionSet); err != nil {
					return err
				}
			case *ast.FragmentSpread:
				if seen[s.Name]++; seen[s.Name] > MaxSameField {
					return sameField("..."+s.Name, seen[s.Name])
				}
				f := m.fragment(s)
				if f == nil {
					continue
				}
				if m.spreading != nil {
					m.spreading[s.Name] = true
				}
				err := gather(f.SelectionSet)
				delete(m.spreading, s.Name)
				if err != nil {
					return err
				}
			}
		}
		return nil
	}
	if err := gather(set); err != nil {
		return 0, err
	}
	if len(keys) > 0 && depth > MaxDepth && !m.standalone {
		return 0, limitError("the query is nested deeper than %d levels", MaxDepth)
	}
	var cost int64
	for _, key := range keys {
		fields := byKey[key]
		if len(fields) > MaxSameField {
			return 0, sameField(key, len(fields))
		}
		var children ast.SelectionSet
		for _, f := range fields {
			if err := m.checkPage(f); err != nil {
				return 0, err
			}
			children = append(children, f.SelectionSet...)
		}
		childCost, err := m.selectionSet(children, depth+1)
		if err != nil {
			return 0, err
		}
		cost = min(cost+1+min(m.multiplier(fields[0])*childCost, costCap), costCap)
	}
	return cost, nil
}

// checkPage refuses a page size outside 1..MaxPageSize.
func (m *measure) checkPage(f *ast.Field) *gqlerror.Error {
	for _, name := range []string{"first", "last"} {
		if n, ok := m.intArg(f, name); ok && (n < 1 || n > MaxPageSize) {
			return limitError("%s must be between 1 and %d (got %d on %s)", name, MaxPageSize, n, f.Name)
		}
	}
	return nil
}

// multiplier is how many times what is selected under f is produced: the page size of a
// connection, the number of ids of nodes(ids:), once otherwise. Lists that are not
// connections are edges with a handful of rows (documents, history) and count once.
func (m *measure) multiplier(f *ast.Field) int64 {
	if !m.validated {
		return 1
	}
	if f.Definition != nil && f.Definition.Arguments.ForName("first") != nil {
		if n, ok := m.intArg(f, "first"); ok {
			return n
		}
		if n, ok := m.intArg(f, "last"); ok {
			return n
		}
		return defaultPageSize
	}
	if arg := f.Arguments.ForName("ids"); arg != nil {
		if v, err := m.value(arg.Value); err == nil {
			if ids, ok := v.([]any); ok {
				return max(int64(len(ids)), 1)
			}
		}
	}
	return 1
}

// intArg is the value of an Int argument, literal or variable, once variables are coerced.
func (m *measure) intArg(f *ast.Field, name string) (int64, bool) {
	arg := f.Arguments.ForName(name)
	if !m.validated || arg == nil {
		return 0, false
	}
	v, err := m.value(arg.Value)
	n, ok := v.(int64)
	return n, err == nil && ok
}

// value is v with the operation's variables, noting whether it read any.
func (m *measure) value(v *ast.Value) (any, error) {
	if hasVariable(v) {
		m.usesVars = true
	}
	return v.Value(m.vars)
}

// hasVariable reports whether v is a variable or holds one.
func hasVariable(v *ast.Value) bool {
	if v == nil {
		return false
	}
	if v.Kind == ast.Variable {
		return true
	}
	for _, c := range v.Children {
		if hasVariable(c.Value) {
			return true
		}
	}
	return false
}

// docNodes counts what a document writes, each fragment once: the directives and the inputs
// (arguments, variable definitions, list elements and input object fields) that
// validation checks one by one, and every node the parser made, for the cache's weight.
type docNodes struct {
	directives, inputs, nodes int
}

func (w *docNodes) document(doc *ast.QueryDocument) {
	for _, op := range doc.Operations {
		w.nodes++
		w.directiveList(op.Directives)
		for _, v := range op.VariableDefinitions {
			w.inputs++
			w.nodes += 2 // the definition and its type
			w.value(v.DefaultValue)
			w.directiveList(v.Directives)
		}
		w.selectionSet(op.SelectionSet)
	}
	for _, f := range doc.Fragments {
		w.nodes++
		w.directiveList(f.Directives)
		w.selectionSet(f.SelectionSet)
	}
}

func (w *docNodes) selectionSet(set ast.SelectionSet) {
	for _, sel := range set {
		w.nodes++
		switch s := sel.(type) {
		case *ast.Field:
			w.arguments(s.Arguments)
			w.directiveList(s.Directives)
			w.selectionSet(s.SelectionSet)
		case *ast.InlineFragment:
			w.directiveList(s.Directives)
			w.selectionSet(s.SelectionSet)
		case *ast.FragmentSpread:
			w.directiveList(s.Directives)
		}
	}
}

func (w *docNodes) directiveList(list ast.DirectiveList) {
	for _, d := range list {
		w.directives++
		w.nodes++
		w.arguments(d.Arguments)
	}
}

func (w *docNodes) arguments(args ast.ArgumentList) {
	for _, a := range args {
		w.inputs++
		w.nodes++
		w.value(a.Value)
	}
}

func (w *docNodes) value(v *ast.Value) {
	if v == nil {
		return
	}
	w.nodes++
	for _, c := range v.Children {
		w.inputs++
		w.value(c.Value)
	}
}

// capErrors keeps the first MaxErrors errors of list and replaces the rest with one error
// saying how many there were, with the code of the first of them: a document can be wrong
// in thousands of places, and the answer has to stay small.
func capErrors(list gqlerror.List) gqlerror.List {
	if len(list) <= MaxErrors || len(list) == MaxErrors+1 && list[MaxErrors].Rule == tooManyErrors {
		return list
	}
	code := any(string(domain.CodeBadUserInput))
	if c, ok := list[MaxErrors].Extensions["code"]; ok {
		code = c
	}
	out := make(gqlerror.List, MaxErrors, MaxErrors+1)
	copy(out, list)
	return append(out, &gqlerror.Error{
		Message:    fmt.Sprintf("too many errors: %d more not shown", len(list)-MaxErrors),
		Extensions: map[string]any{"code": code},
		Rule:       tooManyErrors,
	})
}

// tooManyErrors marks the error capErrors adds, so that a list capped once (before the
// presenter) is not capped again (in the response interceptor).
const tooManyErrors = "TooManyErrors"

func tooManyAliases(n int) *gqlerror.Error {
	return limitError("the query uses %d aliases; at most %d", n, MaxAliases)
}

func sameField(key string, n int) *gqlerror.Error {
	return limitError("%q is selected %d times in one selection set; at most %d", key, n, MaxSameField)
}

func limitError(format string, args ...any) *gqlerror.Error {
	return &gqlerror.Error{
		Message:    fmt.Sprintf(format, args...),
		Extensions: map[string]any{"code": string(domain.CodeBadUserInput)},
	}
}
