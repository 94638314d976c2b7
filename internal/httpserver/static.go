package httpserver

import (
	"errors"
	"io/fs"
	"log/slog"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/ent/document"
	docstore "github.com/mifmaroc/erp/internal/document"
	"github.com/mifmaroc/erp/internal/viewer"
)

// staticRoutes serves uploaded documents at /static/uploads/<path>?exp=…&sig=…: only with a
// valid, unexpired signature (the url field of Document), only files that have a row, never
// a directory listing, and never outside the upload root.
type staticRoutes struct {
	store  *docstore.Store
	client *ent.Client
	log    *slog.Logger
}

func (s staticRoutes) register(mux *http.ServeMux) {
	mux.HandleFunc("GET "+docstore.URLPrefix+"{path...}", s.serve)
}

func (s staticRoutes) serve(w http.ResponseWriter, r *http.Request) {
	rel := r.PathValue("path")
	q := r.URL.Query()
	if !s.store.Verify(rel, q.Get("exp"), q.Get("sig")) {
		http.Error(w, "invalid or expired link: ask the API for a fresh url", http.StatusForbidden)
		return
	}
	doc, err := s.client.Document.Query().Where(document.Path(rel)).Only(viewer.SystemContext(r.Context()))
	if ent.IsNotFound(err) {
		http.NotFound(w, r)
		return
	} else if err != nil {
		s.log.ErrorContext(r.Context(), "looking up a document", "path", rel, "error", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	// os.Root refuses any path that would leave the upload root, links included.
	root, err := os.OpenRoot(s.store.Root)
	if err != nil {
		s.log.ErrorContext(r.Context(), "opening the upload root", "error", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	defer func() { _ = root.Close() }()
	f, err := root.Open(filepath.FromSlash(rel))
	if errors.Is(err, fs.ErrNotExist) {
		http.NotFound(w, r)
		return
	} else if err != nil {
		s.log.ErrorContext(r.Context(), "opening a document", "path", rel, "error", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	defer func() { _ = f.Close() }()
	if st, err := f.Stat(); err != nil || st.IsDir() {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", doc.MimeType)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Disposition", mime.FormatMediaType("inline", map[string]string{"filename": doc.Filename}))
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Cache-Control", "private, max-age=300")
	http.ServeContent(w, r, "", doc.DateUpload, f)
}

// limitUploads answers an upload whose declared size is over the limit before reading it,
// with a GraphQL error that carries a code (gqlgen's own refusal has none).
func limitUploads(max int64, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") && r.ContentLength > max {
			writeJSON(w, http.StatusRequestEntityTooLarge, map[string]any{"errors": []map[string]any{{
				"message":    "the upload is too large",
				"extensions": map[string]any{"code": "BAD_USER_INPUT"},
			}}})
			return
		}
		next.ServeHTTP(w, r)
	})
}
