package httpserver

import (
	"context"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/mifmaroc/erp/graph"
	"github.com/mifmaroc/erp/internal/auth"
	"github.com/mifmaroc/erp/internal/database"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/i18n"
	"github.com/mifmaroc/erp/internal/report"
	"github.com/mifmaroc/erp/internal/viewer"
)

// reportRoutes serves the PDF reports (internal/report) to the viewer of a bearer token,
// or of a link signed for him (the GraphQL fields rapportLink and rapportMensuelLink):
//
//	GET /reports/interventions/{id}.pdf   the bon d'intervention
//	GET /reports/maintenance.pdf?month=2026-11   the monthly report (default: this month)
//	GET /reports/etiquettes.pdf?emplacement=3   the labels of a place (etiquettes.go)
//	GET /equipements/{id}/qrcode.png|svg   an equipement's QR code (etiquettes.go)
type reportRoutes struct {
	svc  *report.Service
	auth *auth.Service
	log  *slog.Logger
}

func (rr reportRoutes) register(mux *http.ServeMux) {
	mux.HandleFunc("GET "+report.BonPrefix+"{file}", rr.bon)
	mux.HandleFunc("GET "+report.MensuelPath, rr.mensuel)
	rr.registerEtiquettes(mux) // etiquettes.go
}

func (rr reportRoutes) bon(w http.ResponseWriter, r *http.Request) {
	name, ok := strings.CutSuffix(r.PathValue("file"), ".pdf")
	id, err := strconv.Atoi(name)
	if !ok || err != nil {
		rr.fail(w, r, domain.Errorf(domain.CodeNotFound, "no report at %s", r.URL.Path))
		return
	}
	rr.serve(w, r, "bon-intervention-"+name+".pdf", func(ctx context.Context) ([]byte, error) {
		return rr.svc.Bon(ctx, id)
	})
}

func (rr reportRoutes) mensuel(w http.ResponseWriter, r *http.Request) {
	month, err := rr.svc.ParseMonth(r.URL.Query().Get("month"))
	if err != nil {
		rr.fail(w, r, err)
		return
	}
	rr.serve(w, r, "rapport-maintenance-"+month.Format("2006-01")+".pdf", func(ctx context.Context) ([]byte, error) {
		return rr.svc.Mensuel(ctx, month)
	})
}

// serve writes the PDF that build makes with the request's viewer.
func (rr reportRoutes) serve(w http.ResponseWriter, r *http.Request, filename string, build func(context.Context) ([]byte, error)) {
	rr.serveAs(w, r, "application/pdf", filename, build)
}

// serveAs writes the file of type contentType that build makes with the request's viewer.
func (rr reportRoutes) serveAs(w http.ResponseWriter, r *http.Request, contentType, filename string, build func(context.Context) ([]byte, error)) {
	ctx, err := rr.viewerContext(r)
	if err != nil {
		rr.fail(w, r, err)
		return
	}
	pdf, err := build(ctx)
	if err != nil {
		rr.fail(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Disposition", mime.FormatMediaType("inline", map[string]string{"filename": filename}))
	h.Set("Content-Length", strconv.Itoa(len(pdf)))
	h.Set("Cache-Control", "private, no-store")
	_, _ = w.Write(pdf)
}

// viewerContext is the request's context with its viewer: the signed link's user when the
// query carries a signature, the bearer token's otherwise. UNAUTHENTICATED without either.
func (rr reportRoutes) viewerContext(r *http.Request) (context.Context, error) {
	ctx := r.Context()
	q := r.URL.Query()
	if q.Has("sig") {
		uid, ok := rr.svc.Links.Verify(r.URL.Path, q)
		if !ok {
			return nil, domain.Errorf(domain.CodeForbidden, "invalid or expired link: ask the API for a fresh one")
		}
		v, err := rr.auth.LinkViewer(ctx, uid)
		if err != nil {
			return nil, err
		}
		ctx = viewer.NewContext(ctx, v)
	}
	if v := viewer.FromContext(ctx); v != nil {
		if v.MustChangePassword {
			return nil, graph.ErrPasswordTemporary
		}
		return database.ReadOnly(ctx, v.UserID), nil
	}
	if err := viewer.AuthError(ctx); err != nil {
		return nil, err
	}
	return nil, domain.Errorf(domain.CodeUnauthenticated, "a bearer token or a signed link is required")
}

func (rr reportRoutes) fail(w http.ResponseWriter, r *http.Request, err error) {
	e := graph.Classify(err)
	if _, meant := domain.AsError(err); !meant {
		rr.log.ErrorContext(r.Context(), "report failed", "path", r.URL.Path, "code", e.Code, "error", err)
	}
	if e.Code == domain.CodeUnauthenticated {
		w.Header().Set("WWW-Authenticate", `Bearer realm="mif-erp"`)
	}
	writeJSON(w, statusOf(e.Code), map[string]string{"detail": e.Localize(i18n.LangFrom(r.Context())), "code": string(e.Code)})
}
