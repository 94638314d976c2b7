package graph_test

import (
	"bytes"
	"encoding/json"
	"hash/fnv"
	"io"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/mifmaroc/erp/graph"
	"github.com/mifmaroc/erp/internal/domain"
)

// FuzzArguments sends arbitrary values, as an ADMIN, to every argument of every query and
// mutation of the schema and to every field of the input objects they take, through the
// real HTTP handler: whatever the value, the answer is never INTERNAL_SERVER_ERROR (nor a
// 500) and the server logs nothing at ERROR. The targets are found by walking the schema,
// so a new argument is fuzzed without a change here.
//
// A target is named Operation.field.argument[.inputField…]; the value is JSON when it
// parses as JSON, else a string. Names that are not targets (the fuzzer's mutations of
// them) pick one by their hash. The other arguments get ordinary values, ids those of the
// test's rows, so that resolvers run past their lookups. go test runs the seeds (the
// committed corpus in testdata/fuzz and the seeds below); `go test -fuzz FuzzArguments
// ./graph/` explores from them.
func FuzzArguments(f *testing.F) {
	e := newInputEnv(f)
	e.watch.quiet = true // *testing.F may not log once fuzzing
	targets := argumentTargets(graph.NewExecutableSchema(graph.Config{}).Schema(), e.ids)
	byName := map[string]*target{}
	for _, t := range targets {
		byName[t.name] = t
	}
	// Seeds: the first target of each leaf type gets that type's tricky values.
	seeded := map[string]bool{}
	for _, t := range targets {
		leaf := t.leaf.Name()
		if seeded[leaf] {
			continue
		}
		seeded[leaf] = true
		for _, v := range trickyValues(t.leafDef) {
			f.Add(t.name, v)
		}
	}

	f.Fuzz(func(t *testing.T, name, value string) {
		tg := byName[name]
		if tg == nil {
			h := fnv.New32a()
			_, _ = h.Write([]byte(name))
			tg = targets[int(h.Sum32()%uint32(len(targets)))]
		}
		var v any = value
		if json.Valid([]byte(value)) {
			v = json.RawMessage(value)
		}
		query, vars := tg.request(v)
		status, body := post(t, e.api.URL, e.api.Token, query, vars)
		var res struct {
			Errors []struct {
				Message    string         `json:"message"`
				Extensions map[string]any `json:"extensions"`
			} `json:"errors"`
		}
		if err := json.Unmarshal(body, &res); err != nil {
			t.Fatalf("%s = %.200s: answer %d is not JSON: %.300s", tg.name, value, status, body)
		}
		for _, err := range res.Errors {
			if err.Extensions["code"] == string(domain.CodeInternal) || err.Extensions["code"] == nil {
				t.Errorf("%s = %.200s: %q (code %v)\n%s\n%.300s", tg.name, value, err.Message, err.Extensions["code"], query, mustJSON(vars))
			}
		}
		if status >= 500 {
			t.Errorf("%s = %.200s: status %d", tg.name, value, status)
		}
		if lines := e.watch.taken(); len(lines) > 0 {
			t.Errorf("%s = %.200s: logged at ERROR:\n%s", tg.name, value, strings.Join(lines, "\n"))
		}
	})
}

// target is one argument, or one field inside an argument's input objects.
type target struct {
	name     string
	op       string // "query" or "mutation"
	field    *ast.FieldDefinition
	path     []string // the argument, then input fields
	leaf     *ast.Type
	leafDef  *ast.Definition
	schema   *ast.Schema
	defaults func(t *ast.Type, name string) any
}

// argumentTargets walks the arguments of every query and mutation, and the fields of the
// input objects they take (under each field, each input object once, where it is first met).
func argumentTargets(s *ast.Schema, ids map[string]string) []*target {
	var out []*target
	var seen map[string]bool
	var walk func(base target, t *ast.Type, path []string)
	walk = func(base target, t *ast.Type, path []string) {
		tg := base
		tg.path = path
		tg.leaf = t
		tg.leafDef = s.Types[t.Name()]
		tg.name = base.name + "." + strings.Join(path, ".")
		out = append(out, &tg)
		def := s.Types[t.Name()]
		if def == nil || def.Kind != ast.InputObject || seen[def.Name] {
			return
		}
		seen[def.Name] = true
		for _, f := range def.Fields {
			walk(base, f.Type, append(append([]string(nil), path...), f.Name))
		}
	}
	for _, root := range []struct {
		op  string
		def *ast.Definition
	}{{"query", s.Query}, {"mutation", s.Mutation}} {
		for _, f := range root.def.Fields {
			if strings.HasPrefix(f.Name, "__") {
				continue
			}
			base := target{name: root.def.Name + "." + f.Name, op: root.op, field: f, schema: s}
			base.defaults = defaultValues(s, ids, f.Name)
			seen = map[string]bool{}
			for _, a := range f.Arguments {
				walk(base, a.Type, []string{a.Name})
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

// request is the operation calling the target's field with v at the target, ordinary
// values for the other required arguments, and no optional one.
func (tg *target) request(v any) (string, map[string]any) {
	vars := map[string]any{}
	var decls, args []string
	for _, a := range tg.field.Arguments {
		var val any
		switch {
		case a.Name == tg.path[0]:
			val = tg.build(a.Type, tg.path[1:], v)
		case a.Type.NonNull && a.DefaultValue == nil:
			val = tg.defaults(a.Type, a.Name)
		default:
			continue
		}
		vars[a.Name] = val
		decls = append(decls, "$"+a.Name+": "+a.Type.String())
		args = append(args, a.Name+": $"+a.Name)
	}
	query := tg.op
	if len(decls) > 0 {
		query += "(" + strings.Join(decls, ", ") + ")"
	}
	query += " { " + tg.field.Name
	if len(args) > 0 {
		query += "(" + strings.Join(args, ", ") + ")"
	}
	return query + selection(tg.schema, tg.field.Type) + " }", vars
}

// build is a value of type t holding v at path.
func (tg *target) build(t *ast.Type, path []string, v any) any {
	if len(path) == 0 {
		return v
	}
	if t.Elem != nil {
		return []any{tg.build(t.Elem, path, v)}
	}
	def := tg.schema.Types[t.Name()]
	obj := map[string]any{}
	for _, f := range def.Fields {
		switch {
		case f.Name == path[0]:
			obj[f.Name] = tg.build(f.Type, path[1:], v)
		case f.Type.NonNull && f.DefaultValue == nil:
			obj[f.Name] = tg.defaults(f.Type, f.Name)
		}
	}
	return obj
}

// defaultValues gives ordinary values: ids of the test's rows (the entity named by the
// argument, or by the field for a plain id), a date, the first value of an enum.
func defaultValues(s *ast.Schema, ids map[string]string, field string) func(*ast.Type, string) any {
	var value func(t *ast.Type, name string) any
	value = func(t *ast.Type, name string) any {
		if t.Elem != nil {
			return []any{value(t.Elem, name)}
		}
		switch t.NamedType {
		case "ID":
			entity := strings.TrimSuffix(strings.TrimSuffix(strings.ToLower(name), "id"), "s")
			if entity == "" {
				entity = strings.ToLower(field)
			}
			for kind, id := range ids {
				if strings.Contains(entity, kind) {
					return id
				}
			}
			return "1"
		case "String":
			return "x"
		case "Int", "Float":
			return 1
		case "Boolean":
			return true
		case "Time":
			return "2027-01-01T00:00:00Z"
		}
		def := s.Types[t.NamedType]
		switch {
		case def == nil:
			return nil
		case def.Kind == ast.Enum:
			return def.EnumValues[0].Name
		case def.Kind == ast.InputObject:
			obj := map[string]any{}
			for _, f := range def.Fields {
				if f.Type.NonNull && f.DefaultValue == nil {
					obj[f.Name] = value(f.Type, f.Name)
				}
			}
			return obj
		}
		return nil
	}
	return value
}

// selection selects enough of a result for its resolvers to run: a connection's count and
// cursors, else its type name.
func selection(s *ast.Schema, t *ast.Type) string {
	def := s.Types[t.Name()]
	switch {
	case def == nil || def.Kind == ast.Scalar || def.Kind == ast.Enum:
		return ""
	case def.Fields.ForName("totalCount") != nil:
		return " { totalCount edges { cursor } }"
	default:
		return " { __typename }"
	}
}

// trickyValues are the JSON values a type's seeds send: what once made internal errors,
// and the edges of what is valid.
func trickyValues(def *ast.Definition) []string {
	values := []string{`null`, `{}`, `[]`, `true`, `-1`, `1e400`}
	str := func(ss ...string) {
		for _, s := range ss {
			values = append(values, mustJSON(s))
		}
	}
	switch {
	case def == nil:
	case def.Name == "ID":
		str("abc", "1e10", "9223372036854775808", "-1", "0", " 1", "")
		values = append(values, `1.5`, `9223372036854775808`, `1`)
	case def.Name == "String":
		str("a\x00b", strings.Repeat("é", graph.MaxStringLength+1))
		values = append(values, `"\ud800"`, `12`)
	case def.Name == "Int":
		values = append(values, `9223372036854775808`, `-9223372036854775809`, `1.5`, `2147483648`, `9223372036854775807`)
		str("12")
	case def.Name == "Float":
		values = append(values, `1e308`, `-0`)
		str("NaN")
	case def.Name == "Time":
		str("2024-02-30T00:00:00Z", "10000-01-01T00:00:00Z", "2024-01-01T00:00:00+25:00", "0001-01-01T00:00:00Z",
			"1899-12-31T23:59:59Z", "9999-12-31T23:59:59Z", "2026-03-01", "")
	case def.Name == "Cursor":
		str("zzz", "gqFp", "gqFpAaF2kYGhYQE", "gqFp/6F2kQ", "gqFpzwAAAAEAAAABoXaRpUJydWl0")
	case def.Kind == ast.Enum:
		v := def.EnumValues[len(def.EnumValues)-1].Name
		str(strings.ToLower(v), v+"X")
	}
	return values
}

// post sends one GraphQL request and returns its status and body.
func post(t *testing.T, url, token, query string, vars map[string]any) (int, []byte) {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := fuzzClient.Do(req)
	if err != nil {
		t.Fatalf("%s\n%.300s: %v", query, body, err)
	}
	defer func() { _ = res.Body.Close() }()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, raw
}

// fuzzClient gives up on an answer that does not come: a request that hangs is a finding.
var fuzzClient = &http.Client{Timeout: 20 * time.Second}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
