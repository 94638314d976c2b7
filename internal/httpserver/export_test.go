package httpserver

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/export"
	"github.com/mifmaroc/erp/internal/viewer"
)

// TestExportsBusy: with every export slot taken, a further export is refused with 429 and
// a delay to retry after, before it reads anything (the service here has no database).
func TestExportsBusy(t *testing.T) {
	e := exportRoutes{svc: &export.Service{}, log: slog.New(slog.NewTextHandler(io.Discard, nil)), now: time.Now,
		slots: make(chan struct{}, 1)}
	e.slots <- struct{}{}
	r := httptest.NewRequest(http.MethodGet, "/export/interventions.csv", nil)
	r.SetPathValue("file", "interventions.csv")
	r = r.WithContext(viewer.NewContext(r.Context(), &viewer.Viewer{UserID: 1, Role: domain.RoleAdmin}))
	w := httptest.NewRecorder()
	e.serve(w, r)
	var body struct{ Code string }
	if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
		t.Fatalf("body %q: %v", w.Body, err)
	}
	if w.Code != http.StatusTooManyRequests || body.Code != string(domain.CodeRateLimited) || w.Header().Get("Retry-After") == "" {
		t.Errorf("got %d %s (Retry-After %q), want 429 RATE_LIMITED with Retry-After", w.Code, body.Code, w.Header().Get("Retry-After"))
	}
}
