package graphiql_test

import (
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mifmaroc/erp/internal/graphiql"
)

func server(t *testing.T) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	graphiql.Register(mux, "ERP", "/graphql")
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// answer is what a GET received.
type answer struct {
	StatusCode int
	Header     http.Header
}

func get(t *testing.T, url string) (answer, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = res.Body.Close() }()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return answer{res.StatusCode, res.Header}, string(b)
}

// TestPageLoadsOnlyLocalFiles: the page names no other origin (no CDN), only files this
// server has, and the browser is told to load nothing from elsewhere.
func TestPageLoadsOnlyLocalFiles(t *testing.T) {
	srv := server(t)
	res, body := get(t, srv.URL+"/")
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Fatalf("GET / = %d %q", res.StatusCode, res.Header.Get("Content-Type"))
	}
	if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || !strings.Contains(csp, "connect-src 'self'") || strings.Contains(csp, "http") {
		t.Errorf("Content-Security-Policy %q, want scripts and connections limited to 'self'", csp)
	}
	if strings.Contains(body, "<script>") || strings.Contains(body, "<script >") {
		t.Error("the page has an inline script (the policy refuses them)")
	}
	refs := regexp.MustCompile(`(?i)\b(?:src|href)\s*=\s*"([^"]*)"`).FindAllStringSubmatch(body, -1)
	var got []string
	for _, m := range refs {
		if m[1] != "data:," { // the empty icon, so that the browser asks for no /favicon.ico
			got = append(got, m[1])
		}
	}
	if diff := cmp.Diff(graphiql.Assets(), got); diff != "" {
		t.Errorf("files the page loads (-want +got):\n%s", diff)
	}
	for _, ref := range got {
		if !strings.HasPrefix(ref, graphiql.Prefix) || strings.Contains(ref, "//") || strings.Contains(ref, ":") {
			t.Errorf("the page loads %q, not a file of this server", ref)
		}
	}
	if !strings.Contains(body, `data-endpoint="/graphql"`) {
		t.Error("the page does not name its endpoint /graphql")
	}
}

// TestAssetsServed: every file of the page is served with its type, whole.
func TestAssetsServed(t *testing.T) {
	srv := server(t)
	want := map[string]string{
		".js":  "text/javascript; charset=utf-8",
		".css": "text/css; charset=utf-8",
	}
	for _, a := range graphiql.Assets() {
		t.Run(path.Base(a), func(t *testing.T) {
			res, body := get(t, srv.URL+a)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("GET %s = %d", a, res.StatusCode)
			}
			if ct := res.Header.Get("Content-Type"); ct != want[path.Ext(a)] {
				t.Errorf("GET %s: Content-Type %q, want %q", a, ct, want[path.Ext(a)])
			}
			disk, err := os.ReadFile(strings.TrimPrefix(a, graphiql.Prefix))
			if err != nil {
				t.Fatal(err)
			}
			if body != string(disk) {
				t.Errorf("GET %s: %d bytes, the file has %d", a, len(body), len(disk))
			}
			if path.Ext(a) == ".css" {
				// Fonts and images are inlined (data:); nothing is fetched from elsewhere.
				for _, m := range regexp.MustCompile(`url\(\s*["']?([^"')]{0,40})`).FindAllStringSubmatch(body, -1) {
					if !strings.HasPrefix(m[1], "data:") {
						t.Errorf("%s loads %q", a, m[1])
					}
				}
				if strings.Contains(body, "@import") {
					t.Errorf("%s imports another stylesheet", a)
				}
			}
		})
	}
}

// TestVendorFilesKeepTheirLicence: every package copied by scripts/graphiql-assets.sh has its
// licence beside its files, served too, and its checked integrity recorded.
func TestVendorFilesKeepTheirLicence(t *testing.T) {
	srv := server(t)
	integrity, err := os.ReadFile("vendor/INTEGRITY")
	if err != nil {
		t.Fatal(err)
	}
	dirs, err := fs.Glob(os.DirFS("vendor"), "*@*")
	if err != nil || len(dirs) < 4 {
		t.Fatalf("vendor/ has %v (%v), want react, react-dom, graphiql and graphql-ws", dirs, err)
	}
	for _, want := range []string{"react@", "react-dom@", "graphiql@", "graphql-ws@"} {
		if !slices.ContainsFunc(dirs, func(d string) bool { return strings.HasPrefix(d, want) }) {
			t.Errorf("vendor/ has no %s… package: %v", want, dirs)
		}
	}
	for _, dir := range dirs {
		if !regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(dir) + `\tsha512-[A-Za-z0-9+/]{86}==$`).Match(integrity) {
			t.Errorf("vendor/INTEGRITY has no sha512 for %s", dir)
		}
		licences, _ := fs.Glob(os.DirFS("vendor/"+dir), "LICENSE*")
		if len(licences) != 1 {
			t.Errorf("vendor/%s: licence files %v, want one", dir, licences)
			continue
		}
		res, body := get(t, srv.URL+graphiql.Prefix+"vendor/"+dir+"/"+licences[0])
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "text/plain; charset=utf-8" || !strings.Contains(body, "Permission is hereby granted") {
			t.Errorf("licence of %s = %d %q: %.80q", dir, res.StatusCode, res.Header.Get("Content-Type"), body)
		}
	}
}

func TestUnknownFiles(t *testing.T) {
	srv := server(t)
	for _, p := range []string{"page.html", "nothing.js", "vendor", "vendor/", "../graphiql.go", "graphiql.go"} {
		if res, _ := get(t, srv.URL+graphiql.Prefix+p); res.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s%s = %d, want 404", graphiql.Prefix, p, res.StatusCode)
		}
	}
}
