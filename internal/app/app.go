// Package app wires configuration, database and HTTP server into the commands of cmd/erp:
// serve, migrate up|status, createadmin.
package app

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"strings"
	"time"

	"entgo.io/ent/dialect"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/ent/notification"
	"github.com/mifmaroc/erp/graph"
	"github.com/mifmaroc/erp/internal/account"
	"github.com/mifmaroc/erp/internal/auth"
	"github.com/mifmaroc/erp/internal/checklist"
	"github.com/mifmaroc/erp/internal/clientele"
	"github.com/mifmaroc/erp/internal/commentaire"
	"github.com/mifmaroc/erp/internal/compteur"
	"github.com/mifmaroc/erp/internal/config"
	"github.com/mifmaroc/erp/internal/database"
	"github.com/mifmaroc/erp/internal/demande"
	"github.com/mifmaroc/erp/internal/document"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/emplacement"
	"github.com/mifmaroc/erp/internal/equipement"
	"github.com/mifmaroc/erp/internal/etiquette"
	"github.com/mifmaroc/erp/internal/export"
	"github.com/mifmaroc/erp/internal/httpserver"
	"github.com/mifmaroc/erp/internal/idempotency"
	"github.com/mifmaroc/erp/internal/intervention"
	"github.com/mifmaroc/erp/internal/metrics"
	"github.com/mifmaroc/erp/internal/notify"
	"github.com/mifmaroc/erp/internal/planning"
	"github.com/mifmaroc/erp/internal/pubsub"
	"github.com/mifmaroc/erp/internal/report"
	"github.com/mifmaroc/erp/internal/seed"
	"github.com/mifmaroc/erp/internal/stats"
	"github.com/mifmaroc/erp/internal/stock"
	"github.com/mifmaroc/erp/internal/technicien"
	"github.com/mifmaroc/erp/internal/tracing"
	"github.com/mifmaroc/erp/internal/viewer"
	"github.com/mifmaroc/erp/migrate"
)

// App is an opened configuration and database.
type App struct {
	Config config.Config
	DB     *database.DB
	Log    *slog.Logger
	Out    io.Writer // where commands print what the operator must read (first admin, status)
	// Tracing exports spans when OTEL_EXPORTER_OTLP_ENDPOINT is set; off otherwise.
	Tracing *tracing.Tracing
	// Listener, when set, is where Serve accepts connections instead of HOST:PORT: tests and
	// socket activation hand over a listener already open.
	Listener net.Listener
	// Now is the clock every service reads (nil: the wall clock); tests set their own.
	Now func() time.Time
}

// clock is a.Now, or the wall clock.
func (a *App) clock() func() time.Time {
	if a.Now != nil {
		return a.Now
	}
	return time.Now
}

// NewLogger builds the process logger from LOG_LEVEL and LOG_FORMAT.
func NewLogger(cfg config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel)) // validated by config
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

// Open connects to the configured database: PostgreSQL when DATABASE_URL is set, the
// embedded SQLite file under DATA_DIR otherwise.
func Open(ctx context.Context, cfg config.Config, log *slog.Logger, out io.Writer) (*App, error) {
	tr, err := tracing.Setup(ctx, cfg.Tracing, tracing.Version())
	if err != nil {
		return nil, err
	}
	if tr.On() {
		log = slog.New(tr.LogHandler(log.Handler()))
		log.Info("tracing on", "endpoint", cfg.Tracing.Endpoint, "service", cfg.Tracing.ServiceName, "sample_ratio", cfg.Tracing.SampleRatio)
	}
	pool := database.Pool{
		Tracer:           tr.Provider,
		MaxOpenConns:     cfg.DB.MaxOpenConns,
		MaxIdleConns:     cfg.DB.MaxIdleConns,
		ConnMaxLifetime:  cfg.DB.ConnMaxLifetime,
		ConnMaxIdleTime:  cfg.DB.ConnMaxIdleTime,
		ConnectTimeout:   cfg.DB.ConnectTimeout,
		StatementTimeout: cfg.DB.StatementTimeout,
		DirectURL:        cfg.DatabaseDirectURL,
		Unprepared:       !cfg.PreparedStatements,
	}
	var db *database.DB
	if cfg.DatabaseURL != "" {
		db, err = database.OpenPostgresWithReplica(ctx, cfg.DatabaseURL, pool, database.Replica{
			URL:            cfg.DB.ReplicaURL,
			ReadYourWrites: cfg.DB.ReplicaReadYourWrites,
			MaxLag:         cfg.DB.ReplicaMaxLag,
			Log:            log,
		})
	} else {
		db, err = database.OpenSQLite(ctx, cfg.SQLitePath(), pool)
	}
	if err != nil {
		_ = tr.Shutdown(ctx)
		return nil, err
	}
	log.Info("database opened", "dialect", db.Dialect, "target", describe(cfg), "prepared_statements", cfg.PreparedStatements)
	return &App{Config: cfg, DB: db, Log: log, Out: out, Tracing: tr}, nil
}

func describe(cfg config.Config) string {
	if cfg.DatabaseURL == "" {
		return cfg.SQLitePath()
	}
	out := "DATABASE_URL"
	if cfg.DatabaseURL != cfg.DatabaseDirectURL {
		out += ", sessions on DATABASE_DIRECT_URL"
	}
	if cfg.DB.ReplicaURL != "" {
		out += ", reads from DATABASE_REPLICA_URL"
	}
	return out
}

// flushTimeout bounds how long closing waits for the last spans to reach the collector.
const flushTimeout = 5 * time.Second

// Close releases the database, then sends the spans still buffered.
func (a *App) Close() error {
	err := a.DB.Close()
	ctx, cancel := context.WithTimeout(context.Background(), flushTimeout)
	defer cancel()
	return errors.Join(err, a.Tracing.Shutdown(ctx))
}

// MigrateUp applies the pending migrations and says how many ran. Migrations run on the
// direct connection: golang-migrate holds a session advisory lock while it applies them.
func (a *App) MigrateUp(ctx context.Context) error {
	n, err := migrate.Up(ctx, a.DB.Direct, a.DB.Dialect)
	if err != nil {
		return err
	}
	st, err := migrate.CurrentStatus(ctx, a.DB.Direct, a.DB.Dialect)
	if err != nil {
		return err
	}
	if n == 0 {
		a.Log.Info("migrations: database already up to date", "version", st.Current)
	} else {
		a.Log.Info("migrations applied", "count", n, "version", st.Current)
	}
	return nil
}

// MigrateStatus prints the applied and pending migrations.
func (a *App) MigrateStatus(ctx context.Context) error {
	st, err := migrate.CurrentStatus(ctx, a.DB.Direct, a.DB.Dialect)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(a.Out, "dialect: %s\ncurrent version: %d\nlatest version: %d\npending: %d\ndirty: %t\n",
		a.DB.Dialect, st.Current, st.Latest, st.Pending, st.Dirty)
	return err
}

// CreateAdmin creates an admin; with an empty password it prints the generated one once.
func (a *App) CreateAdmin(ctx context.Context, email, password string) error {
	u, pw, err := auth.CreateAdmin(viewer.SystemContext(ctx), a.DB.Ent, email, password, a.Config.BcryptCost)
	if err != nil {
		return err
	}
	a.Log.Info("admin created", "user_id", u.ID, "email", u.Email)
	if password == "" {
		a.printCredentials("Administrator created", u.Email, pw)
	} else {
		_, _ = fmt.Fprintf(a.Out, "Admin %s created.\n", u.Email)
	}
	return nil
}

func (a *App) printCredentials(title, email, pw string) {
	line := strings.Repeat("=", 72)
	_, _ = fmt.Fprintf(a.Out, "\n%s\n%s\n  email:    %s\n  password: %s\nThis password is shown once: log in and change it.\n%s\n\n",
		line, title, email, pw, line)
}

// EnsureFirstAdmin creates the first administrator when the database has no user, from
// ADMIN_EMAIL and ADMIN_PASSWORD, and prints the password once when it generated it. Serve
// and Seed both start with it, so a seeded database has the admin the configuration names.
func (a *App) EnsureFirstAdmin(ctx context.Context) error {
	u, pw, err := auth.EnsureFirstAdmin(viewer.SystemContext(ctx), a.DB.Ent, a.Config.AdminEmail, a.Config.AdminPassword, a.Config.BcryptCost)
	if err != nil {
		return fmt.Errorf("creating the first admin: %w", err)
	}
	if u == nil {
		return nil
	}
	a.Log.Info("first admin created", "user_id", u.ID, "email", u.Email)
	if a.Config.AdminPassword == "" {
		a.printCredentials("First administrator", u.Email, pw)
	} else {
		_, _ = fmt.Fprintf(a.Out, "First administrator %s created with ADMIN_PASSWORD.\n", u.Email)
	}
	return nil
}

// Serve migrates (unless MIGRATE_ON_START=false), creates the first admin on an empty
// database, and serves HTTP until ctx is cancelled.
func (a *App) Serve(ctx context.Context) error {
	if a.Config.SecretKeyGenerated {
		a.Log.Warn("SECRET_KEY is not set: using a random key, so tokens will not survive a restart; set SECRET_KEY to keep them")
	}
	if a.Config.MigrateOnStart {
		if err := a.MigrateUp(ctx); err != nil {
			return err
		}
	} else if st, err := migrate.CurrentStatus(ctx, a.DB.Direct, a.DB.Dialect); err != nil {
		return err
	} else if st.Pending > 0 {
		return fmt.Errorf("%d migrations are pending and MIGRATE_ON_START=false: run `erp migrate up` first", st.Pending)
	}

	if err := a.EnsureFirstAdmin(ctx); err != nil {
		return err
	}

	var err error
	ln := a.Listener
	if ln == nil {
		if ln, err = net.Listen("tcp", a.Config.Addr()); err != nil {
			return fmt.Errorf("listening on %s (is PORT free?): %w", a.Config.Addr(), err)
		}
	}
	a.Log.Info("listening", "addr", ln.Addr().String(), "graphql", "/graphql", "graphiql", "/")
	_, _ = fmt.Fprintf(a.Out, "MIF maintenance ERP listening on http://%s — GraphiQL at /, GraphQL at /graphql\n", displayAddr(ln.Addr()))
	deps, err := a.Services(ctx)
	if err != nil {
		return err
	}
	worker, err := a.NotificationWorker(deps.Events)
	if err != nil {
		return err
	}
	var mln net.Listener
	if addr := a.Config.MetricsAddr; addr != "" {
		if mln, err = net.Listen("tcp", addr); err != nil {
			return fmt.Errorf("listening on METRICS_ADDR %s: %w", addr, err)
		}
	}
	// What runs beside the HTTP server, stopped with it, all within SHUTDOWN_TIMEOUT.
	stops := []func(context.Context) error{deps.Websockets.Shutdown}
	if a.Config.EnableScheduler {
		var lockDB *sql.DB
		if a.DB.Dialect == dialect.Postgres {
			// A session lock: through a transaction pooler it would stay on whichever
			// server connection took it, and be released on another or never.
			lockDB = a.DB.Direct
		}
		job, err := planning.StartJob(ctx, deps.Scheduler, a.Config.SchedulerInterval, lockDB, a.Log)
		if err != nil {
			if mln != nil {
				_ = mln.Close()
			}
			return err
		}
		stops = append(stops, job.Stop)
	}
	worker.Start(ctx, a.Config.NotifyInterval)
	stops = append(stops, worker.Stop)
	// Reads bring a few equipment's figures up to date themselves; this keeps the rest.
	stops = append(stops, deps.Stats.KeepRollup(ctx, time.Minute, a.Log))
	if mln != nil {
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", deps.Metrics.Handler())
		// Profiles share the metrics listener: operators reach both, the public port neither.
		mux.HandleFunc("/debug/pprof/", pprof.Index)
		mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
		mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
		done := make(chan struct{})
		go func() {
			defer close(done)
			if err := httpserver.Run(ctx, mln, mux, a.Config.ShutdownTimeout, a.Log); err != nil {
				a.Log.Error("metrics server", "error", err)
			}
		}()
		stops = append(stops, func(sctx context.Context) error {
			select {
			case <-done:
				return nil
			case <-sctx.Done():
				return fmt.Errorf("metrics server still stopping: %w", sctx.Err())
			}
		})
		a.Log.Info("metrics served", "addr", mln.Addr().String(), "path", "/metrics")
	}
	h := httpserver.NewHandler(deps)
	return httpserver.Run(ctx, ln, h, a.Config.ShutdownTimeout, a.Log, stops...)
}

// Services builds the application services on the opened database. ctx bounds the live
// events listener.
func (a *App) Services(ctx context.Context) (httpserver.Deps, error) {
	deps, err := NewDeps(ctx, a.Config, a.DB, a.clock(), a.Log)
	if err != nil {
		return deps, err
	}
	return Traced(deps, a.Tracing), nil
}

// Traced gives deps' request handling and scheduler the spans of tr (nil or off: none).
func Traced(deps httpserver.Deps, tr *tracing.Tracing) httpserver.Deps {
	deps.Tracing = tr
	deps.Scheduler.Tracer = tr.Tracer()
	return deps
}

// NewDeps wires every service on db with the clock now: the one wiring the server and the
// tests share. On PostgreSQL the live events go through LISTEN/NOTIFY until ctx ends, the
// LISTEN on db's direct connection (a transaction pooler would not deliver notifications).
func NewDeps(ctx context.Context, cfg config.Config, db *database.DB, now func() time.Time, log *slog.Logger) (httpserver.Deps, error) {
	trusted, err := trustedDocuments(cfg, log)
	if err != nil {
		return httpserver.Deps{}, err
	}
	var events *pubsub.Bus
	if db.Dialect == dialect.Postgres {
		events, err = pubsub.NewPostgres(ctx, db.Ent, db.DirectURL, log)
	} else {
		events, err = pubsub.New(ctx, db.Ent, db.Dialect, log)
	}
	if err != nil {
		return httpserver.Deps{}, err
	}
	events.Retention = cfg.LiveEventsRetention
	tokens := auth.Tokens{Key: []byte(cfg.SecretKey), Issuer: cfg.JWTIssuer, Audience: cfg.JWTAudience, TTL: cfg.AccessTokenTTL, Now: now}
	authSvc, err := auth.NewService(db.Ent, db.Dialect, tokens, cfg.RefreshTokenTTL, cfg.BcryptCost, log)
	if err != nil {
		return httpserver.Deps{}, err
	}
	authSvc.CacheViewers(cfg.AuthCacheTTL)
	interventions := &intervention.Service{Client: db.Ent, SLA: intervention.SLA(cfg.SLA), Now: now, Log: log, Events: events, Zone: cfg.Zone,
		RapportRequis: cfg.RapportRequis}
	interventions.AfterMove = func(ctx context.Context, tx *ent.Client, after *ent.Intervention) error {
		return planning.FollowClosure(ctx, tx, cfg.Zone, after)
	}
	sys := viewer.SystemContext(ctx)
	scheduler := &planning.Runner{Client: db.Ent, Interventions: interventions, Now: now, Log: log, Events: events, Zone: cfg.Zone}
	statsSvc := &stats.Service{Client: db.Ent, SQL: db.SQL, Dialect: db.Dialect, Zone: cfg.Zone, Now: now, Rollup: true}
	var replica func() (bool, float64, float64)
	if _, ok := db.Replica(); ok {
		replica = func() (bool, float64, float64) {
			st, _ := db.Replica()
			return st.InService, st.Lag.Seconds(), float64(st.Reads)
		}
	}
	m := metrics.New(metrics.Sources{
		Replica: replica,
		DB:      db.SQL,
		PendingNotifications: func() float64 {
			n, _ := db.Ent.Notification.Query().Where(notification.StatutEnvoiEQ(domain.EnvoiEnAttente)).Count(sys)
			return float64(n)
		},
		SchedulerRuns: func() float64 { n, _ := db.Ent.SchedulerRun.Query().Count(sys); return float64(n) },
		Subscribers:   func() float64 { return float64(events.Subscribers()) },
		DirectRenders: func() float64 { return float64(graph.DirectRenders()) },
		ReusedRenders: func() float64 { return float64(graph.ReusedRenders()) },
	})
	return httpserver.Deps{
		Metrics: m,
		Config:  cfg,
		DB:      db,
		Logger:  log,
		Services: graph.Services{
			Auth:          authSvc,
			Accounts:      &account.Service{Client: db.Ent, BcryptCost: cfg.BcryptCost, Now: now, Log: log},
			Clientele:     &clientele.Service{Client: db.Ent, Log: log},
			Interventions: interventions,
			Equipements:   &equipement.Service{Client: db.Ent, Now: now},
			Techniciens:   &technicien.Service{Client: db.Ent},
			Plannings:     &planning.Service{Client: db.Ent, Zone: cfg.Zone},
			Stock:         &stock.Service{Client: db.Ent, Now: now, Log: log, Events: events},
			Commentaires:  &commentaire.Service{Client: db.Ent, Log: log, Events: events},
			Demandes:      &demande.Service{Client: db.Ent, Interventions: interventions, Now: now, Log: log, Events: events},
			Checklists:    &checklist.Service{Client: db.Ent, Now: now, Log: log, Events: events},
			Emplacements:  &emplacement.Service{Client: db.Ent, Now: now, Log: log},
			Scheduler:     scheduler,
			Compteurs:     &compteur.Service{Client: db.Ent, Now: now, Log: log, Zone: cfg.Zone, Releve: scheduler.DeclencherCompteur},
			Documents: &document.Store{Client: db.Ent, Root: cfg.UploadDirectory, MaxBytes: cfg.MaxUploadBytes,
				Key: []byte("documents:" + cfg.SecretKey), URLTTL: cfg.UploadURLTTL, Now: now, Log: log},
			Notifications: &notify.Service{Client: db.Ent, Now: now, Events: events},
			Stats:         statsSvc,
			Exports: &export.Service{Client: db.Ent, Stats: statsSvc, Zone: cfg.Zone, MaxRows: cfg.ExportMaxRows,
				Links: export.Signer{Key: []byte("exports:" + cfg.SecretKey), TTL: cfg.ExportLinkTTL, Now: now}},
			Reports: &report.Service{Client: db.Ent, Dialect: db.Dialect, Stats: statsSvc, Zone: cfg.Zone, Now: now,
				Company: report.Company{Name: cfg.CompanyName, Address: cfg.CompanyAddress},
				Links:   report.Links{Key: []byte("reports:" + cfg.SecretKey), Now: now}, EquipementURL: etiquette.Template(cfg.EquipementURLTemplate)},
			Events: events,
			Now:    now,
		},
		Websockets: graph.NewWebsockets(),
		Recovery: &auth.Recovery{Client: db.Ent, BcryptCost: cfg.BcryptCost, LinkURL: cfg.PasswordResetURL,
			Now: now, Events: events, Log: log},
		Idempotency:      &idempotency.Store{Client: db.Ent, MaxBody: cfg.MaxUploadBytes + (1 << 20), Now: now, Log: log},
		TrustedDocuments: trusted,
	}, nil
}

// trustedDocuments loads the manifest of GRAPHQL_TRUSTED_DOCUMENTS (nil when unset): a bad
// entry stops the server at start rather than refusing its operation in front of a user.
// GRAPHQL_FREEFORM_ROLES apply only where GraphiQL is served, which is what they are for.
func trustedDocuments(cfg config.Config, log *slog.Logger) (*graph.TrustedDocuments, error) {
	if cfg.TrustedDocuments == "" {
		return nil, nil
	}
	t, err := graph.LoadTrustedDocuments(cfg.TrustedDocuments)
	if err != nil {
		return nil, fmt.Errorf("GRAPHQL_TRUSTED_DOCUMENTS=%s: %w", cfg.TrustedDocuments, err)
	}
	if cfg.GraphiQL() {
		t.Freeform = cfg.FreeformRoles
	}
	log.Info("only the operations of the trusted documents manifest run", "path", cfg.TrustedDocuments,
		"documents", t.Len(), "freeform_roles", t.Freeform)
	return t, nil
}

// NotificationWorker builds the sender of notifications: SMTP when SMTP_HOST is set, the log
// otherwise.
func (a *App) NotificationWorker(events *pubsub.Bus) (*notify.Worker, error) {
	tpl, err := notify.LoadTemplates()
	if err != nil {
		return nil, err
	}
	var sender notify.Sender = notify.LogSender{Log: a.Log}
	if c := a.Config.SMTP; c.Host != "" {
		sender = notify.SMTPSender{Host: c.Host, Port: c.Port, User: c.User, Password: c.Password, From: c.From, TLSMode: c.TLSMode}
	} else {
		a.Log.Warn("SMTP_HOST is not set: notification emails are logged, not sent")
	}
	return &notify.Worker{
		Client: a.DB.Ent, Dialect: a.DB.Dialect, Sender: sender, Templates: tpl, Now: a.clock(), Log: a.Log,
		Zone:            a.Config.Zone,
		Breaker:         &notify.Breaker{Threshold: 5, Cooldown: time.Minute},
		Lease:           a.Config.NotifyLease,
		MessageIDDomain: a.Config.SMTP.MessageIDDomain,
		DeadlineWarning: a.Config.DeadlineWarning,
		Events:          events,
		Tracer:          a.Tracing.Tracer(),
	}, nil
}

// Seed migrates the database, creates the first admin as Serve does, then fills it with the
// dataset of the named size, with interventions of them instead of the size's number when it
// is positive.
func (a *App) Seed(ctx context.Context, size string, interventions int) error {
	s, ok := seed.Sizes[size]
	if !ok {
		return fmt.Errorf("unknown size %q: use small or large", size)
	}
	if interventions < 0 {
		return fmt.Errorf("--interventions %d: give a positive number, or 0 for the size's own", interventions)
	}
	if interventions > 0 {
		s.Interventions = interventions
	}
	if err := a.MigrateUp(ctx); err != nil {
		return err
	}
	// Before the dataset: the first admin is created only while the database has no user.
	if err := a.EnsureFirstAdmin(ctx); err != nil {
		return err
	}
	return seed.Run(ctx, a.DB.Ent, s, a.clock()(), a.Config.BcryptCost, a.Out)
}

// ErrStockMismatch is the outcome of a stock verification that found parts whose quantity
// is not the sum of their ledger.
var ErrStockMismatch = errors.New("stock verify: quantities disagree with the ledger")

// StockVerify compares every part's quantity with the sum of its stock movements, printing
// its progress, each mismatch and a summary; a mismatch makes it fail (ErrStockMismatch).
func (a *App) StockVerify(ctx context.Context) error {
	r, err := stock.Verify(ctx, a.DB.Ent, a.Out)
	if err != nil {
		return err
	}
	if len(r.Ecarts) > 0 {
		return fmt.Errorf("%w: %d of %d parts", ErrStockMismatch, len(r.Ecarts), r.Pieces)
	}
	return nil
}

// HealthCheck asks the server running on this machine's PORT whether it is ready; it is
// what container health checks run, since the image has no shell or curl.
func HealthCheck(ctx context.Context, cfg config.Config) error {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	url := fmt.Sprintf("http://127.0.0.1:%d/ready", cfg.Port)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("GET %s: %w", url, err)
	}
	_ = res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", url, res.Status)
	}
	return nil
}

func displayAddr(addr net.Addr) string {
	tcp, ok := addr.(*net.TCPAddr)
	if ok && tcp.IP.IsUnspecified() {
		return fmt.Sprintf("localhost:%d", tcp.Port)
	}
	return addr.String()
}
