package graph

import (
	"context"
	"log/slog"
	"net/url"
	"time"

	"entgo.io/ent/dialect"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/internal/account"
	"github.com/mifmaroc/erp/internal/auth"
	"github.com/mifmaroc/erp/internal/checklist"
	"github.com/mifmaroc/erp/internal/clientele"
	"github.com/mifmaroc/erp/internal/commentaire"
	"github.com/mifmaroc/erp/internal/compteur"
	"github.com/mifmaroc/erp/internal/database"
	"github.com/mifmaroc/erp/internal/demande"
	"github.com/mifmaroc/erp/internal/document"
	"github.com/mifmaroc/erp/internal/emplacement"
	"github.com/mifmaroc/erp/internal/equipement"
	"github.com/mifmaroc/erp/internal/export"
	"github.com/mifmaroc/erp/internal/intervention"
	"github.com/mifmaroc/erp/internal/notify"
	"github.com/mifmaroc/erp/internal/planning"
	"github.com/mifmaroc/erp/internal/pubsub"
	"github.com/mifmaroc/erp/internal/report"
	"github.com/mifmaroc/erp/internal/stats"
	"github.com/mifmaroc/erp/internal/stock"
	"github.com/mifmaroc/erp/internal/technicien"
	"github.com/mifmaroc/erp/internal/viewer"
)

// Options configures the GraphQL server.
type Options struct {
	Client  *ent.Client
	Dialect string // entgo.io/ent/dialect name: PostgreSQL may render directly
	// Direct lets PostgreSQL render interventions lists and details (internal/render).
	Direct bool
	Logger *slog.Logger
	// Services are what the resolvers call, built by internal/app.
	Services Services
	// Metrics times operations and counts errors (nil: none).
	Metrics graphql.HandlerExtension
	// Tracing opens the spans of operations and resolvers (nil: tracing is off).
	Tracing graphql.HandlerExtension
	// AllowedOrigins are the browser origins allowed to open websockets (CORS_ALLOW_ORIGINS).
	AllowedOrigins []string
	Introspection  bool // on for GraphiQL in development
	// OnOperation receives each operation's name and type ("query", "mutation"…), for the
	// request's log line (nil: nobody).
	OnOperation func(ctx context.Context, name, kind string)
	// Websockets tracks the open websockets for the shutdown (nil: a set of its own, never
	// shut down).
	Websockets *Websockets
	// SessionCheck is how often an open websocket re-checks its viewer (0:
	// DefaultSessionCheck); every event is checked too.
	SessionCheck time.Duration
	// Suggestions lets validation errors say "Did you mean …?", naming fields, arguments
	// and types that introspection would show; off in production with introspection.
	Suggestions bool
	// TrustedDocuments, when set, is the manifest of the only operations that run
	// (GRAPHQL_TRUSTED_DOCUMENTS), in place of automatic persisted queries.
	TrustedDocuments *TrustedDocuments
	// Writes learns who ran a mutation, so that his next queries read what he wrote
	// (read replicas, internal/database; nil: nobody is told).
	Writes interface{ Wrote(user int) }
}

// routeReads lets a query operation read the replica, and tells writes who ran a mutation
// once it is committed. Subscriptions are neither: the events they deliver are read from the
// primary, which they follow.
func routeReads(writes interface{ Wrote(user int) }) graphql.OperationMiddleware {
	return func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		oc := graphql.GetOperationContext(ctx)
		if oc == nil || oc.Operation == nil {
			return next(ctx)
		}
		user := 0
		if v := viewer.FromContext(ctx); v != nil {
			user = v.UserID
		}
		switch oc.Operation.Operation {
		case ast.Query:
			return next(database.ReadOnly(ctx, user))
		case ast.Mutation:
			if writes == nil {
				return next(ctx)
			}
			respond := next(ctx)
			return func(ctx context.Context) *graphql.Response {
				resp := respond(ctx)
				writes.Wrote(user)
				return resp
			}
		}
		return next(ctx)
	}
}

// originHosts turns origins (https://erp.mif.ma) into the host patterns the websocket
// library checks the Origin header against.
func originHosts(origins []string) []string {
	var out []string
	for _, o := range origins {
		if u, err := url.Parse(o); err == nil && u.Host != "" {
			out = append(out, u.Host)
		} else if o == "*" {
			out = append(out, "*")
		}
	}
	return out
}

// formOverhead is room for the operations and map parts of a multipart request.
const formOverhead = 1 << 20

// Services are the domain services the API calls and the clock they share: built once, by
// internal/app (the composition root), so that the server and the tests wire them alike.
type Services struct {
	Auth          *auth.Service
	Accounts      *account.Service
	Clientele     *clientele.Service
	Interventions *intervention.Service
	Equipements   *equipement.Service
	Techniciens   *technicien.Service
	Plannings     *planning.Service
	Stock         *stock.Service
	Commentaires  *commentaire.Service
	Demandes      *demande.Service
	Checklists    *checklist.Service
	Emplacements  *emplacement.Service
	Compteurs     *compteur.Service
	Scheduler     *planning.Runner
	Documents     *document.Store
	Notifications *notify.Service
	Stats         *stats.Service
	// Exports serves /export/… and signs the links of the export fields.
	Exports *export.Service
	Reports *report.Service
	Events  *pubsub.Bus
	// Now is the clock of what the API computes from the time (KPIs, the enRetard filter).
	Now func() time.Time
}

// NewServer builds the GraphQL handler with its transports (GET, POST, multipart uploads;
// see transport.go), a parsed-query cache, automatic persisted queries, the query limits
// and the error presenter.
func NewServer(o Options) *handler.Server {
	r := &Resolver{
		client:        o.Client,
		onOperation:   o.OnOperation,
		dialect:       o.Dialect,
		direct:        o.Direct && o.Dialect == dialect.Postgres,
		plans:         newPlanCache(),
		renders:       newRenderCache(),
		log:           o.Logger,
		auth:          o.Services.Auth,
		accounts:      o.Services.Accounts,
		clientele:     o.Services.Clientele,
		interventions: o.Services.Interventions,
		equipements:   o.Services.Equipements,
		stats:         o.Services.Stats,
		exports:       o.Services.Exports,
		reports:       o.Services.Reports,
		techniciens:   o.Services.Techniciens,
		plannings:     o.Services.Plannings,
		stock:         o.Services.Stock,
		commentaires:  o.Services.Commentaires,
		demandes:      o.Services.Demandes,
		checklists:    o.Services.Checklists,
		emplacements:  o.Services.Emplacements,
		compteurs:     o.Services.Compteurs,
		scheduler:     o.Services.Scheduler,
		documents:     o.Services.Documents,
		notifications: o.Services.Notifications,
		events:        o.Services.Events,
		now:           o.Services.Now,
		suggestions:   o.Suggestions,
	}
	r.render = newRenderer(r)
	cfg := Config{Resolvers: r}
	cfg.Directives.HasRole = hasRole
	es := NewExecutableSchema(cfg).(*executableSchema)
	srv := handler.New(sharingSchema{ExecutableSchema: es, fan: newFanout()})
	render := r.renderDirect(es)
	srv.AroundRootFields(func(ctx context.Context, next graphql.RootResolver) graphql.Marshaler {
		return requireViewer(ctx, func(ctx context.Context) graphql.Marshaler { return render(ctx, next) })
	})
	// Before the request cache, whose loaders read with the operation's context.
	srv.AroundOperations(routeReads(o.Writes))
	srv.AroundOperations(r.withRequestCache)
	sockets := o.Websockets
	if sockets == nil {
		sockets = NewWebsockets()
	}
	srv.AddTransport(newWebsocketTransport(o.Services.Auth, sockets, o.AllowedOrigins, o.SessionCheck, o.Logger))
	srv.AddTransport(transport.Options{})
	srv.AddTransport(get{})
	srv.AddTransport(postJSON{})
	// Uploads over 2 MiB are spooled to a temporary file (removed after the request),
	// never held whole in memory; the body is cut at the upload limit plus the form's parts.
	srv.AddTransport(uploads{transport.MultipartForm{MaxUploadSize: o.Services.Documents.MaxBytes + formOverhead, MaxMemory: 2 << 20}})
	srv.AddTransport(unsupported{}) // last: what no transport above took
	srv.SetDisableSuggestion(!o.Suggestions)
	srv.SetParserTokenLimit(MaxTokens)
	parsed := newDocumentCache()
	srv.SetQueryCache(parsed)
	if o.Introspection {
		srv.Use(extension.Introspection{})
	}
	if o.TrustedDocuments != nil {
		srv.Use(o.TrustedDocuments)
	} else {
		srv.Use(extension.AutomaticPersistedQuery{Cache: newQueryCache()})
	}
	srv.Use(limits{parsed: parsed, keepCost: o.Tracing != nil, costs: newCostCache()}) // after APQ or the manifest, which fill in the query of a hash
	// After the limits, which bound the document it walks.
	srv.Use(&inputChecks{introspection: o.Introspection})
	if o.Metrics != nil {
		srv.Use(o.Metrics)
	}
	if o.Tracing != nil {
		srv.Use(o.Tracing)
	}
	// Whatever the transport, and whether the errors come from validation or execution.
	srv.AroundResponses(func(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
		resp := next(ctx)
		if resp != nil {
			resp.Errors = capErrors(resp.Errors)
		}
		return resp
	})
	srv.SetErrorPresenter(r.presentError)
	srv.SetRecoverFunc(r.recoverPanic)
	return srv
}
