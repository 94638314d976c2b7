// Package graphiql serves GraphiQL, the in-browser GraphQL IDE, entirely from the binary:
// the page, its start script and the files of its npm packages (vendor/, written by
// scripts/graphiql-assets.sh from the registry's tarballs after checking their integrity),
// so that it works on a machine without the internet. Subscriptions go over graphql-ws on
// the same endpoint, with the Headers editor's content as connection_init payload.
package graphiql

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"time"
)

// Prefix is where the page's files are served.
const Prefix = "/graphiql/"

//go:embed page.html init.js vendor
var files embed.FS

// The page's files, in the order the page loads them: React before what uses it, the
// start script last. vendor/ paths follow scripts/graphiql-assets.sh.
var (
	styles = []string{
		"vendor/graphiql@4.1.2/graphiql.min.css",
	}
	scripts = []string{
		"vendor/react@18.3.1/react.production.min.js",
		"vendor/react-dom@18.3.1/react-dom.production.min.js",
		"vendor/graphiql@4.1.2/graphiql.min.js",
		"vendor/graphql-ws@6.4.2/graphql-ws.min.js",
		"init.js",
	}
)

// contentTypes are the types of what is served, fixed here rather than taken from the
// system's MIME table, which varies between machines (application/javascript, …).
var contentTypes = map[string]string{
	".js":  "text/javascript; charset=utf-8",
	".css": "text/css; charset=utf-8",
	".md":  "text/plain; charset=utf-8",
	"":     "text/plain; charset=utf-8", // LICENSE
}

// policy lets the page load and connect to its own origin only: a file of the page that
// tried to reach a CDN would be refused by the browser. GraphiQL sets styles inline.
const policy = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data:; font-src 'self' data:; connect-src 'self'; " +
	"base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

var page = template.Must(template.ParseFS(files, "page.html"))

// Assets lists the paths of the files the page loads, as served (under Prefix).
func Assets() []string {
	var out []string
	for _, f := range append(append([]string{}, styles...), scripts...) {
		out = append(out, Prefix+f)
	}
	return out
}

// Register serves the page titled title, for the GraphQL endpoint at endpoint (a path of
// this server), at GET / and its files under Prefix.
func Register(mux *http.ServeMux, title, endpoint string) {
	var html bytes.Buffer
	err := page.Execute(&html, map[string]any{
		"Title":    title,
		"Endpoint": endpoint,
		"Styles":   prefixed(styles),
		"Scripts":  prefixed(scripts),
	})
	if err != nil {
		panic(fmt.Sprintf("rendering the GraphiQL page: %v", err)) // a fixed template and data
	}
	body := html.Bytes()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Type", "text/html; charset=utf-8")
		h.Set("Content-Security-Policy", policy)
		h.Set("Cache-Control", "no-cache")
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
	})
	mux.HandleFunc("GET "+Prefix+"{file...}", serveFile)
}

func prefixed(paths []string) []string {
	out := make([]string, len(paths))
	for i, p := range paths {
		out[i] = Prefix + p
	}
	return out
}

// serveFile serves an embedded file; page.html is served at / only.
func serveFile(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	ctype, known := contentTypes[path.Ext(name)]
	data, err := fs.ReadFile(files, name)
	if !known || name == "page.html" || err != nil {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", ctype)
	if path.Dir(name) != "." {
		// vendor/<package>@<version>/…: a path's content never changes.
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(data))
}
