package i18n_test

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mifmaroc/erp/internal/i18n"
)

// keyArg says which argument of a call is a message key: a format passed to domain.Errorf
// (second), to i18n.M, to i18n.Lookup or i18n.Translate (second), or to a package's own
// wrapper around Errorf.
var keyArg = map[string]int{
	"domain.Errorf":  1,
	"i18n.M":         0,
	"i18n.Lookup":    1,
	"i18n.Translate": 1,
	"invalidInput":   0, // graph/scalars.go
	// An action named in a refusal (i18n.Text).
	"viewer.Require":       1,
	"CanWork":              2,
	"OpenFor":              4,
	"intervention.OpenFor": 4,
}

// codeKeys collects the message keys written in the repository's Go code: the literal
// formats of the calls in keyArg and the Message of &domain.Error{…} literals. Generated
// code (ent/, graph/generated.go) writes no message.
func codeKeys(t *testing.T) map[string][]string {
	t.Helper()
	root := filepath.Join("..", "..")
	keys := map[string][]string{}
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if d.IsDir() {
			if rel == "ent" || strings.HasPrefix(d.Name(), ".") && rel != "." {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") || rel == filepath.Join("graph", "generated.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		add := func(e ast.Expr) {
			pos := fset.Position(e.Pos())
			where, _ := filepath.Rel(root, pos.Filename)
			where += ":" + strconv.Itoa(pos.Line)
			if s, ok := literal(e); ok {
				keys[s] = append(keys[s], where)
			} else if id, ok := e.(*ast.Ident); (!ok || id.Name != "format" && id.Name != "what") && rel != filepath.Join("internal", "domain", "error.go") {
				// Only a wrapper may pass its own format parameter on (and domain.Error
				// render its own); anything else cannot be found in a catalogue.
				t.Errorf("%s: a message key must be a literal", where)
			}
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				if i, ok := keyArg[callName(n.Fun)]; ok && i >= 0 && i < len(n.Args) {
					add(n.Args[i])
				}
			case *ast.CompositeLit:
				if callName(n.Type) == "domain.Error" {
					for _, el := range n.Elts {
						if kv, ok := el.(*ast.KeyValueExpr); ok {
							if id, ok := kv.Key.(*ast.Ident); ok && id.Name == "Message" {
								add(kv.Value)
							}
						}
					}
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range templateKeys(t, filepath.Join(root, "templates")) {
		keys[k] = append(keys[k], v...)
	}
	return keys
}

// templateKeys collects the keys of the email templates: the literal of every {{t "…"}}.
func templateKeys(t *testing.T, dir string) map[string][]string {
	t.Helper()
	keys := map[string][]string{}
	call := regexp.MustCompile(`\{\{-?\s*t\s+("(?:[^"\\]|\\.)*")`)
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".html") && !strings.HasSuffix(path, ".txt") {
			return err
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range call.FindAllStringSubmatch(string(raw), -1) {
			s, err := strconv.Unquote(m[1])
			if err != nil {
				return err
			}
			keys[s] = append(keys[s], path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return keys
}

// callName is pkg.Name or Name of a called function or a type.
func callName(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name
	case *ast.SelectorExpr:
		if x, ok := e.X.(*ast.Ident); ok {
			return x.Name + "." + e.Sel.Name
		}
	}
	return ""
}

// literal is the value of a string literal, or of literals joined by +.
func literal(e ast.Expr) (string, bool) {
	switch e := e.(type) {
	case *ast.BasicLit:
		if e.Kind != token.STRING {
			return "", false
		}
		s, err := strconv.Unquote(e.Value)
		return s, err == nil
	case *ast.BinaryExpr:
		if e.Op != token.ADD {
			return "", false
		}
		a, ok1 := literal(e.X)
		b, ok2 := literal(e.Y)
		return a + b, ok1 && ok2
	case *ast.ParenExpr:
		return literal(e.X)
	}
	return "", false
}

var verb = regexp.MustCompile(`%(?:\[(\d+)\])?[-+# 0]*\d*(?:\.\d+)?([a-zA-Z%])`)

// verbs lists a format's verbs by the argument they print (1-based): %[2]s and a second
// plain %s both print argument 2.
func verbs(format string) map[int]string {
	out := map[int]string{}
	next := 1
	for _, m := range verb.FindAllStringSubmatch(format, -1) {
		if m[2] == "%" {
			continue
		}
		if m[1] != "" {
			next, _ = strconv.Atoi(m[1])
		}
		out[next] += m[2]
		next++
	}
	return out
}

// TestCatalogues: every message of the code is translated in every language, with the same
// verbs for the same arguments, and no catalogue keeps a message the code no longer has.
// A missing translation would show English to a French or Arabic reader: add the key it
// names to internal/i18n/locales/<lang>.json.
func TestCatalogues(t *testing.T) {
	keys := codeKeys(t)
	if len(keys) < 100 {
		t.Fatalf("found %d keys in the code: the walk misses the calls", len(keys))
	}
	for _, l := range i18n.Langs {
		if l == i18n.EN {
			continue
		}
		t.Run(string(l), func(t *testing.T) {
			cat := i18n.Catalogue(l)
			var missing []string
			for k, where := range keys {
				tr, ok := cat[k]
				if !ok || strings.TrimSpace(tr) == "" {
					missing = append(missing, k)
					t.Errorf("%s: no %s translation of %q", where[0], l, k)
					continue
				}
				if diff := cmp.Diff(verbs(k), verbs(tr)); diff != "" {
					t.Errorf("%s: the %s translation of %q has other verbs (-key +translation):\n%s", where[0], l, k, diff)
				}
			}
			if len(missing) > 0 {
				slices.Sort(missing)
				stub := map[string]string{}
				for _, k := range missing {
					stub[k] = ""
				}
				raw, _ := json.MarshalIndent(stub, "", "  ")
				t.Logf("missing %s keys, to translate:\n%s", l, raw)
			}
			for k := range cat {
				if _, ok := keys[k]; !ok {
					t.Errorf("locales/%s.json: %q is no longer in the code: remove it", l, k)
				}
			}
		})
	}
}

func TestVerbs(t *testing.T) {
	for _, tt := range []struct {
		format string
		want   map[int]string
	}{
		{"plain", map[int]string{}},
		{"%d of %s, 100%%", map[int]string{1: "d", 2: "s"}},
		{"%[2]s then %[1]d", map[int]string{1: "d", 2: "s"}},
		{"%q %-5.2f", map[int]string{1: "q", 2: "f"}},
	} {
		t.Run(tt.format, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, verbs(tt.format)); diff != "" {
				t.Error(diff)
			}
		})
	}
}
