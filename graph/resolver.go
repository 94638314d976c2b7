// Package graph is the GraphQL layer: thin resolvers that translate between the schema and
// the ent client and domain packages, the @hasRole directive, the error presenter, and the
// handler that serves it. generated.go and *.resolvers.go signatures come from
// `go generate ./...` (gqlgen).
package graph

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/graph/model"
	"github.com/mifmaroc/erp/internal/account"
	"github.com/mifmaroc/erp/internal/auth"
	"github.com/mifmaroc/erp/internal/checklist"
	"github.com/mifmaroc/erp/internal/clientele"
	"github.com/mifmaroc/erp/internal/commentaire"
	"github.com/mifmaroc/erp/internal/compteur"
	"github.com/mifmaroc/erp/internal/demande"
	"github.com/mifmaroc/erp/internal/document"
	"github.com/mifmaroc/erp/internal/emplacement"
	"github.com/mifmaroc/erp/internal/equipement"
	"github.com/mifmaroc/erp/internal/export"
	"github.com/mifmaroc/erp/internal/intervention"
	"github.com/mifmaroc/erp/internal/notify"
	"github.com/mifmaroc/erp/internal/planning"
	"github.com/mifmaroc/erp/internal/pubsub"
	"github.com/mifmaroc/erp/internal/render"
	"github.com/mifmaroc/erp/internal/report"
	"github.com/mifmaroc/erp/internal/stats"
	"github.com/mifmaroc/erp/internal/stock"
	"github.com/mifmaroc/erp/internal/technicien"
)

// Resolver holds what the resolvers need; one per server.
type Resolver struct {
	client        *ent.Client
	onOperation   func(ctx context.Context, name, kind string)
	dialect       string
	direct        bool // PostgreSQL renders interventions lists and details
	plans         *boundedCache[cachedPlan]
	renders       *boundedCache[render.Kept]
	lastSnapshot  atomic.Pointer[string] // the snapshot a rendering statement last read under
	render        *render.Renderer       // direct rendering (gqlgen.go)
	log           *slog.Logger
	auth          *auth.Service
	accounts      *account.Service
	clientele     *clientele.Service
	interventions *intervention.Service
	equipements   *equipement.Service
	techniciens   *technicien.Service
	plannings     *planning.Service
	stock         *stock.Service
	commentaires  *commentaire.Service
	demandes      *demande.Service
	checklists    *checklist.Service
	emplacements  *emplacement.Service
	compteurs     *compteur.Service
	scheduler     *planning.Runner
	documents     *document.Store
	notifications *notify.Service
	stats         *stats.Service
	exports       *export.Service
	reports       *report.Service
	events        *pubsub.Bus
	now           func() time.Time
	suggestions   bool // "Did you mean …?" in validation errors
}

func authPayload(p *auth.TokenPair) *model.AuthPayload {
	return &model.AuthPayload{
		AccessToken:  p.AccessToken,
		TokenType:    "bearer",
		ExpiresIn:    int(p.ExpiresIn.Seconds()),
		RefreshToken: p.RefreshToken,
	}
}
