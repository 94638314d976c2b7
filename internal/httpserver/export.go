package httpserver

import (
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"time"

	"github.com/mifmaroc/erp/internal/auth"
	"github.com/mifmaroc/erp/internal/database"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/export"
	"github.com/mifmaroc/erp/internal/viewer"
)

// exportWriteTimeout replaces the server's write timeout for a download: an export of the
// largest size allowed takes longer to write than an ordinary answer.
const exportWriteTimeout = 15 * time.Minute

// maxConcurrentExports bounds the exports written at once: each holds a connection to the
// database and up to some 60 MiB (an XLSX, BENCHMARKS.md) for seconds; the others are asked
// to retry.
const maxConcurrentExports = 4

// exportRoutes serves GET /export/<kind>.<csv|xlsx> (internal/export): with the bearer token,
// or by a signed link (exportInterventionsLink, …) that runs the export as the user it was
// made for.
type exportRoutes struct {
	svc  *export.Service
	auth *auth.Service
	log  *slog.Logger
	now  func() time.Time
	// slots holds one token per export being written.
	slots chan struct{}
}

func (e exportRoutes) register(mux *http.ServeMux) {
	mux.HandleFunc("GET "+export.URLPrefix+"{file}", e.serve)
}

func (e exportRoutes) fail(w http.ResponseWriter, r *http.Request, err error) {
	authRoutes{log: e.log}.fail(w, r, err)
}

func (e exportRoutes) serve(w http.ResponseWriter, r *http.Request) {
	ctx, file, q := r.Context(), r.PathValue("file"), r.URL.Query()
	if export.Signed(q) {
		uid, rest, err := e.svc.Links.Verify(file, q)
		if err != nil {
			e.fail(w, r, err)
			return
		}
		v, err := e.auth.LinkViewer(ctx, uid)
		if err != nil {
			e.fail(w, r, err)
			return
		}
		ctx, q = viewer.NewContext(ctx, v), rest
	}
	v := viewer.FromContext(ctx)
	if v == nil {
		err := viewer.AuthError(ctx)
		if err == nil {
			err = domain.Errorf(domain.CodeUnauthenticated, "authentication required: send Authorization: Bearer <token>, or use a signed link (exportInterventionsLink)")
		}
		e.fail(w, r, err)
		return
	}
	if v.MustChangePassword {
		e.fail(w, r, domain.Errorf(domain.CodePasswordChangeRequired, "change your password (changePassword) before exporting"))
		return
	}
	// An export reads, as the user it is for: the replica may serve it (internal/database).
	ctx = database.ReadOnly(ctx, v.UserID)
	req, err := export.ParseRequest(file, q)
	if err != nil {
		e.fail(w, r, err)
		return
	}
	select {
	case e.slots <- struct{}{}:
		defer func() { <-e.slots }()
	default:
		w.Header().Set("Retry-After", "10")
		writeJSON(w, http.StatusTooManyRequests, map[string]string{"detail": "trop d'exports en cours : réessayez dans quelques secondes", "code": string(domain.CodeRateLimited)})
		return
	}
	job, err := e.svc.Prepare(ctx, req)
	if err != nil {
		e.fail(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", job.ContentType())
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": job.Filename(e.now())}))
	h.Set("X-Export-Rows", strconv.Itoa(job.Rows()))
	rc := http.NewResponseController(w)
	_ = rc.SetWriteDeadline(time.Now().Add(exportWriteTimeout))
	w.WriteHeader(http.StatusOK)
	if err := job.Write(ctx, w, rc.Flush); err != nil {
		level := slog.LevelError
		if ctx.Err() != nil {
			level = slog.LevelInfo // the client went away
		}
		e.log.Log(ctx, level, "export cut after its first bytes", "file", file, "error", err)
		// The status is sent: only cutting the connection tells the client that the file
		// is incomplete, instead of leaving him a well-formed but short one.
		panic(http.ErrAbortHandler)
	}
	e.log.InfoContext(ctx, "export", "event", "export", "file", file, "rows", job.Rows(), "user_id", v.UserID)
}
