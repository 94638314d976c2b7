// Package config reads the server's configuration from the environment (and a .env file),
// applies defaults and validates it, so that a bad setting stops the server at start with a
// one-line reason instead of failing later.
package config

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/mail"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/joho/godotenv"

	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/etiquette"
	"github.com/mifmaroc/erp/internal/localtime"
)

// Environments.
const (
	EnvDevelopment = "development"
	EnvProduction  = "production"
)

// MinSecretKeyBytes is the shortest SECRET_KEY production accepts: HS256 wants a key at least
// as long as its 256-bit output (RFC 7518 §3.2).
const MinSecretKeyBytes = 32

// MaxUploadURLTTL bounds UPLOAD_URL_TTL: a signed link cannot be revoked, so it should not
// outlive by much the access of whoever asked for it.
const MaxUploadURLTTL = 7 * 24 * time.Hour

// Config is the whole configuration. Every field comes from the variable its comment names;
// .env.example documents them all.
type Config struct {
	Env            string // APP_ENV
	Host           string // HOST
	Port           int    // PORT
	DatabaseURL    string // DATABASE_URL, with DATABASE_PASSWORD in it when set; empty means the embedded SQLite file
	DataDir        string // DATA_DIR
	MigrateOnStart bool   // MIGRATE_ON_START
	// DatabaseDirectURL is a session connection to the same database, not through a
	// transaction pooler (DATABASE_DIRECT_URL, with DATABASE_PASSWORD in it when set):
	// the live events listener, the scheduler's lock and migrations. DatabaseURL when unset.
	DatabaseDirectURL string
	// PreparedStatements keeps the hot statements prepared per connection
	// (DATABASE_PREPARED_STATEMENTS); off by default when DatabaseDirectURL differs from
	// DatabaseURL, since a transaction pooler hands each statement to any server connection.
	PreparedStatements bool
	// Zone is where people are (APP_TIMEZONE): plannings recur on its wall clock and the
	// texts of notifications and emails show its time.
	Zone localtime.Zone

	DB DBConfig

	SecretKey          string        // SECRET_KEY
	SecretKeyGenerated bool          // true when SECRET_KEY was empty in development and a random one is used
	AccessTokenTTL     time.Duration // ACCESS_TOKEN_EXPIRE_MINUTES
	RefreshTokenTTL    time.Duration // REFRESH_TOKEN_EXPIRE_DAYS
	JWTIssuer          string        // JWT_ISSUER
	JWTAudience        string        // JWT_AUDIENCE
	BcryptCost         int           // BCRYPT_COST
	LoginRateLimit     int           // LOGIN_RATE_LIMIT: login attempts per minute, per address and per account
	AuthCacheTTL       time.Duration // AUTH_CACHE_TTL: how long a token check's read of the user is reused; 0 off
	// PasswordResetURL is the frontend page a "forgot password" email links to, with the
	// token as its query parameter (PASSWORD_RESET_URL); empty: the email gives the token.
	PasswordResetURL string
	// EquipementURLTemplate is the frontend page of an equipement, {code} standing for its
	// code: what its QR code carries (EQUIPEMENT_URL_TEMPLATE; default: /equipements/{code}
	// at the origin of PASSWORD_RESET_URL, or else of the first CORS origin).
	EquipementURLTemplate string
	// SubscriptionCheck is how often an open websocket re-checks its token and account
	// (SUBSCRIPTION_CHECK_INTERVAL).
	SubscriptionCheck time.Duration
	// LiveEventsRetention is how long live events are kept for subscribers that resume
	// (LIVE_EVENTS_RETENTION); past it they are told to refetch.
	LiveEventsRetention time.Duration

	AdminEmail    string // ADMIN_EMAIL
	AdminPassword string // ADMIN_PASSWORD

	CORSAllowOrigins []string // CORS_ALLOW_ORIGINS

	UploadDirectory string        // UPLOAD_DIRECTORY
	MaxUploadBytes  int64         // MAX_UPLOAD_SIZE_MB, in bytes
	UploadURLTTL    time.Duration // UPLOAD_URL_TTL: lifetime of a document's signed URL
	ExportMaxRows   int           // EXPORT_MAX_ROWS: the most rows one export may hold
	ExportLinkTTL   time.Duration // EXPORT_LINK_TTL: lifetime of a signed export link

	EnableScheduler bool // ENABLE_SCHEDULER
	// DirectRendering lets PostgreSQL write the interventions list and details
	// (GRAPHQL_DIRECT_RENDERING); off, every field goes through the resolvers.
	DirectRendering   bool
	SchedulerInterval time.Duration // SCHEDULER_INTERVAL
	// TrustedDocuments is the path of the manifest of the only operations /graphql runs
	// (GRAPHQL_TRUSTED_DOCUMENTS); empty: any operation runs.
	TrustedDocuments string
	// FreeformRoles may still send any operation with TrustedDocuments set, where GraphiQL
	// is served (GRAPHQL_FREEFORM_ROLES; "none": nobody).
	FreeformRoles []domain.Role

	// SLA is the deadline after creation per priority (SLA_HOURS); a priority left out has none.
	SLA map[domain.Priorite]time.Duration

	SMTP SMTPConfig

	NotifyInterval time.Duration // NOTIFY_INTERVAL: how often pending notifications are sent
	// NotifyLease is how long the email worker's claim on the notifications it is sending
	// keeps other workers away; renewed while the worker lives, it bounds how long mail
	// claimed by a crashed worker waits (NOTIFY_LEASE).
	NotifyLease     time.Duration
	DeadlineWarning time.Duration // DEADLINE_WARNING: warn (RETARD) this long before a deadline; 0 off
	RapportRequis   bool          // CLOTURE_RAPPORT_REQUIS: closing an intervention needs its rapport

	LogLevel  string // LOG_LEVEL: debug, info, warn, error
	LogFormat string // LOG_FORMAT: json or text

	ShutdownTimeout time.Duration // SHUTDOWN_TIMEOUT
	MetricsAddr     string        // METRICS_ADDR: where /metrics is served; empty: not served

	// Tracing is the OpenTelemetry export; off unless an OTLP endpoint is set.
	Tracing TracingConfig

	// MaxInflight bounds the GraphQL requests served at once (MAX_INFLIGHT_REQUESTS); those
	// beyond wait InflightQueueWait (INFLIGHT_QUEUE_WAIT) for a slot, then get 503.
	MaxInflight       int
	InflightQueueWait time.Duration

	// CompanyName and CompanyAddress head the PDF reports (COMPANY_NAME, COMPANY_ADDRESS; a
	// "|" in the address starts a new line).
	CompanyName    string
	CompanyAddress string
}

// TracingConfig says where spans go (OTLP over HTTP). The OTEL_* names are the
// OpenTelemetry SDK's own, so a collector's documentation applies as is.
type TracingConfig struct {
	// Endpoint is the URL spans are posted to: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, or
	// OTEL_EXPORTER_OTLP_ENDPOINT followed by /v1/traces. Empty: tracing is off.
	Endpoint string
	// ServiceName names this server in the traces (OTEL_SERVICE_NAME).
	ServiceName string
	// SampleRatio is the share of new traces recorded (OTEL_TRACES_SAMPLER_ARG, 0 to 1); a
	// request whose caller sampled its trace (traceparent) is always recorded.
	SampleRatio float64
}

// On says whether spans are recorded and exported.
func (t TracingConfig) On() bool { return t.Endpoint != "" }

// DBConfig holds the connection pool settings (seed §10.9).
type DBConfig struct {
	MaxOpenConns     int           // DB_MAX_OPEN_CONNS
	MaxIdleConns     int           // DB_MAX_IDLE_CONNS
	ConnMaxLifetime  time.Duration // DB_CONN_MAX_LIFETIME
	ConnMaxIdleTime  time.Duration // DB_CONN_MAX_IDLE_TIME
	ConnectTimeout   time.Duration // DB_CONNECT_TIMEOUT
	StatementTimeout time.Duration // DB_STATEMENT_TIMEOUT; 0 disables

	// ReplicaURL is a streaming replica of DATABASE_URL that serves read-only requests
	// (DATABASE_REPLICA_URL, with DATABASE_PASSWORD in it when set); empty: none.
	ReplicaURL string
	// ReplicaReadYourWrites is how long a user who wrote reads the primary, at least
	// (DATABASE_REPLICA_READ_YOUR_WRITES).
	ReplicaReadYourWrites time.Duration
	// ReplicaMaxLag is the replay lag beyond which the replica serves nobody
	// (DATABASE_REPLICA_MAX_LAG).
	ReplicaMaxLag time.Duration
}

// SMTPConfig says how emails leave; an empty Host means they are logged, not sent.
type SMTPConfig struct {
	Host     string // SMTP_HOST
	Port     int    // SMTP_PORT
	User     string // SMTP_USER
	Password string // SMTP_PASSWORD
	From     string // SMTP_FROM
	TLSMode  string // SMTP_TLS: starttls, tls or none
	// MessageIDDomain is the right-hand side of every email's Message-ID
	// (SMTP_MESSAGE_ID_DOMAIN); default: the domain of SMTP_FROM.
	MessageIDDomain string
}

// Production reports whether the strict production checks apply.
func (c Config) Production() bool { return c.Env == EnvProduction }

// GraphiQL reports whether the server serves GraphiQL at /: not in production, which
// serves the API only.
func (c Config) GraphiQL() bool { return !c.Production() }

// Addr is the address the HTTP server listens on.
func (c Config) Addr() string { return fmt.Sprintf("%s:%d", c.Host, c.Port) }

// SQLitePath is the embedded database file used when DATABASE_URL is empty.
func (c Config) SQLitePath() string { return filepath.Join(c.DataDir, "erp.db") }

// FromEnv loads .env from the working directory when it exists (variables already set in the
// environment win), then reads the configuration from the environment.
func FromEnv() (Config, error) {
	if err := godotenv.Load(); err != nil && !errors.Is(err, os.ErrNotExist) {
		return Config{}, fmt.Errorf("reading .env: %w", err)
	}
	return Load(os.LookupEnv)
}

// DefaultMaxOpenConns is the pool's bound on a machine with procs cores: twice the cores,
// at least 4. Statements beyond what the cores can run at once do not finish sooner; they
// queue in the kernel's scheduler, where every backend of a burst slows every other, instead
// of queueing in the pool, where they wait their turn and cost nothing (the measurements are
// in docs/decisions.md). The database's cores are what count; when it has more than the
// server, raise DB_MAX_OPEN_CONNS.
func DefaultMaxOpenConns(procs int) int { return max(4, 2*procs) }

// DefaultMaxInflight is how many GraphQL requests a machine with procs cores serves at once:
// enough to keep the cores and the connection pool busy while some requests wait on the
// database, few enough that an overload queues outside, where it costs nothing, rather than
// inside, where every request holds its memory and slows the others (the measurements are
// in BENCHMARKS.md).
func DefaultMaxInflight(procs int) int { return max(8, 8*procs) }

// Load reads the configuration through lookup, applies defaults and validates it. The error
// lists every bad variable, one per line, each with what is wrong and what is expected.
func Load(lookup func(string) (string, bool)) (Config, error) {
	r := reader{lookup: lookup}
	c := Config{
		Env:            r.oneOf("APP_ENV", EnvDevelopment, EnvDevelopment, EnvProduction),
		Host:           r.str("HOST", "0.0.0.0"),
		Port:           r.intRange("PORT", 8000, 1, 65535),
		DatabaseURL:    r.str("DATABASE_URL", ""),
		DataDir:        r.str("DATA_DIR", "./data"),
		MigrateOnStart: r.boolean("MIGRATE_ON_START", true),
		DB: DBConfig{
			MaxOpenConns:     r.intRange("DB_MAX_OPEN_CONNS", DefaultMaxOpenConns(runtime.GOMAXPROCS(0)), 1, 10000),
			ConnMaxLifetime:  r.duration("DB_CONN_MAX_LIFETIME", 30*time.Minute),
			ConnMaxIdleTime:  r.duration("DB_CONN_MAX_IDLE_TIME", 5*time.Minute),
			ConnectTimeout:   r.duration("DB_CONNECT_TIMEOUT", 5*time.Second),
			StatementTimeout: r.duration("DB_STATEMENT_TIMEOUT", 30*time.Second),

			ReplicaURL:            r.str("DATABASE_REPLICA_URL", ""),
			ReplicaReadYourWrites: r.duration("DATABASE_REPLICA_READ_YOUR_WRITES", 5*time.Second),
			ReplicaMaxLag:         r.duration("DATABASE_REPLICA_MAX_LAG", 10*time.Second),
		},
		SecretKey:           r.str("SECRET_KEY", ""),
		AccessTokenTTL:      time.Duration(r.intRange("ACCESS_TOKEN_EXPIRE_MINUTES", 15, 1, 24*60)) * time.Minute,
		RefreshTokenTTL:     time.Duration(r.intRange("REFRESH_TOKEN_EXPIRE_DAYS", 7, 1, 365)) * 24 * time.Hour,
		JWTIssuer:           r.str("JWT_ISSUER", "mif-erp"),
		JWTAudience:         r.str("JWT_AUDIENCE", "mif-erp-api"),
		BcryptCost:          r.intRange("BCRYPT_COST", 12, 10, 16),
		LoginRateLimit:      r.intRange("LOGIN_RATE_LIMIT", 10, 1, 1000000),
		AuthCacheTTL:        r.duration("AUTH_CACHE_TTL", time.Second),
		SubscriptionCheck:   r.duration("SUBSCRIPTION_CHECK_INTERVAL", 500*time.Millisecond),
		LiveEventsRetention: r.duration("LIVE_EVENTS_RETENTION", 24*time.Hour),
		AdminEmail:          r.str("ADMIN_EMAIL", ""),
		AdminPassword:       r.str("ADMIN_PASSWORD", ""),
		UploadDirectory:     r.str("UPLOAD_DIRECTORY", "./uploads"),
		MaxUploadBytes:      int64(r.intRange("MAX_UPLOAD_SIZE_MB", 10, 1, 1024)) << 20,
		UploadURLTTL:        r.duration("UPLOAD_URL_TTL", 15*time.Minute),
		ExportMaxRows:       r.intRange("EXPORT_MAX_ROWS", 100000, 1, 10000000),
		ExportLinkTTL:       r.duration("EXPORT_LINK_TTL", 5*time.Minute),
		EnableScheduler:     r.boolean("ENABLE_SCHEDULER", false),
		DirectRendering:     r.boolean("GRAPHQL_DIRECT_RENDERING", true),
		SchedulerInterval:   r.duration("SCHEDULER_INTERVAL", 5*time.Minute),
		SMTP: SMTPConfig{
			Host:     r.str("SMTP_HOST", ""),
			Port:     r.intRange("SMTP_PORT", 587, 1, 65535),
			User:     r.str("SMTP_USER", ""),
			Password: r.str("SMTP_PASSWORD", ""),
			From:     r.str("SMTP_FROM", "maintenance@localhost"),
			TLSMode:  r.oneOf("SMTP_TLS", "starttls", "starttls", "tls", "none"),
		},
		NotifyInterval:  r.duration("NOTIFY_INTERVAL", 5*time.Second),
		NotifyLease:     r.duration("NOTIFY_LEASE", 15*time.Second),
		DeadlineWarning: r.duration("DEADLINE_WARNING", time.Hour),
		RapportRequis:   r.boolean("CLOTURE_RAPPORT_REQUIS", true),
		LogLevel:        r.oneOf("LOG_LEVEL", "info", "debug", "info", "warn", "error"),
		LogFormat:       r.oneOf("LOG_FORMAT", "json", "json", "text"),
		ShutdownTimeout: r.duration("SHUTDOWN_TIMEOUT", 10*time.Second),
		MetricsAddr:     r.str("METRICS_ADDR", ""),

		MaxInflight:       r.intRange("MAX_INFLIGHT_REQUESTS", DefaultMaxInflight(runtime.GOMAXPROCS(0)), 1, 100000),
		InflightQueueWait: r.duration("INFLIGHT_QUEUE_WAIT", 100*time.Millisecond),
	}
	c.Zone = r.zone("APP_TIMEZONE", localtime.DefaultName)
	c.Tracing = r.tracing()
	c.CompanyName = r.str("COMPANY_NAME", "MIF Maroc")
	c.CompanyAddress = strings.ReplaceAll(r.str("COMPANY_ADDRESS", "Service maintenance|Casablanca, Maroc"), "|", "\n")
	c.SLA = r.sla("SLA_HOURS", "URGENTE=2,HAUTE=24,NORMALE=72,BASSE=168")
	c.CORSAllowOrigins = splitList(r.str("CORS_ALLOW_ORIGINS", "http://localhost:3000,http://localhost:5173"))
	c.TrustedDocuments = r.readableFile("GRAPHQL_TRUSTED_DOCUMENTS")
	c.FreeformRoles = r.roles("GRAPHQL_FREEFORM_ROLES", string(domain.RoleAdmin))
	c.PasswordResetURL = r.str("PASSWORD_RESET_URL", "")
	if u, err := url.Parse(c.PasswordResetURL); c.PasswordResetURL != "" && (err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "") {
		r.fail("PASSWORD_RESET_URL", fmt.Sprintf("is %q; expected the absolute URL of the frontend's reset page, e.g. https://erp.mif-maroc.ma/reset-password", c.PasswordResetURL))
	}
	c.EquipementURLTemplate = r.str("EQUIPEMENT_URL_TEMPLATE", frontendOrigin(c.PasswordResetURL, c.CORSAllowOrigins)+"/equipements/{code}")
	if err := etiquette.CheckTemplate(c.EquipementURLTemplate); err != nil {
		r.fail("EQUIPEMENT_URL_TEMPLATE", fmt.Sprintf("is %q: %v; e.g. https://erp.mif-maroc.ma/equipements/{code}", c.EquipementURLTemplate, err))
	}

	r.database(&c)
	r.replica(&c)
	if c.AdminEmail != "" {
		if _, err := mail.ParseAddress(c.AdminEmail); err != nil {
			r.fail("ADMIN_EMAIL", fmt.Sprintf("%q is not an email address", c.AdminEmail))
		}
	}
	if c.NotifyInterval < 100*time.Millisecond {
		r.fail("NOTIFY_INTERVAL", "must be at least 100ms (e.g. 5s)")
	}
	if c.NotifyLease < time.Second || c.NotifyLease > time.Hour {
		// Under a second, a renewal delayed by a busy database would let another worker send
		// the same email; beyond an hour, mail claimed by a crashed worker waits that long.
		r.fail("NOTIFY_LEASE", "must be between 1s and 1h (e.g. 15s)")
	}
	c.SMTP.MessageIDDomain = r.str("SMTP_MESSAGE_ID_DOMAIN", domainOf(c.SMTP.From))
	if !validDomain(c.SMTP.MessageIDDomain) {
		r.fail("SMTP_MESSAGE_ID_DOMAIN", fmt.Sprintf("is %q; expected a domain name such as mif-maroc.ma", c.SMTP.MessageIDDomain))
	}
	if c.LiveEventsRetention < time.Minute || c.LiveEventsRetention > 30*24*time.Hour {
		r.fail("LIVE_EVENTS_RETENTION", fmt.Sprintf("is %s; expected from 1m to 720h (e.g. 24h)", c.LiveEventsRetention))
	}
	if c.SubscriptionCheck < 10*time.Millisecond || c.SubscriptionCheck > time.Second {
		// Beyond a second, a logged-out or demoted subscriber would keep receiving longer
		// than the API promises.
		r.fail("SUBSCRIPTION_CHECK_INTERVAL", "must be between 10ms and 1s (e.g. 500ms)")
	}
	if c.UploadURLTTL < time.Second || c.UploadURLTTL > MaxUploadURLTTL {
		// Links are signed to the second: below one, a link could be dead when it arrives.
		r.fail("UPLOAD_URL_TTL", fmt.Sprintf("is %s; expected from 1s to %.0fh (e.g. 15m)", c.UploadURLTTL, MaxUploadURLTTL.Hours()))
	}
	if c.ExportLinkTTL < time.Second || c.ExportLinkTTL > MaxUploadURLTTL {
		r.fail("EXPORT_LINK_TTL", fmt.Sprintf("is %s; expected from 1s to %.0fh (e.g. 5m)", c.ExportLinkTTL, MaxUploadURLTTL.Hours()))
	}
	if c.SchedulerInterval < time.Second {
		r.fail("SCHEDULER_INTERVAL", "must be at least 1s (e.g. 5m)")
	}
	// Idle connections default to the open bound: a pool that closes what it cannot keep idle
	// reopens it at the next burst, and on PostgreSQL each new connection forks a backend and
	// prepares the hot statements again, which under load prolongs the very burst that caused it.
	c.DB.MaxIdleConns = r.intRange("DB_MAX_IDLE_CONNS", c.DB.MaxOpenConns, 0, 10000)
	if c.DB.MaxIdleConns > c.DB.MaxOpenConns {
		r.fail("DB_MAX_IDLE_CONNS", fmt.Sprintf("(%d) must not exceed DB_MAX_OPEN_CONNS (%d)", c.DB.MaxIdleConns, c.DB.MaxOpenConns))
	}

	switch {
	case c.Production() && c.SecretKey == "":
		r.fail("SECRET_KEY", "is required when APP_ENV=production (generate one with: openssl rand -hex 32)")
	case c.Production() && len(c.SecretKey) < MinSecretKeyBytes:
		r.fail("SECRET_KEY", fmt.Sprintf("is %d bytes; production needs at least %d (openssl rand -hex 32)", len(c.SecretKey), MinSecretKeyBytes))
	case c.SecretKey == "":
		c.SecretKey = randomKey()
		c.SecretKeyGenerated = true
	}
	if c.Production() {
		for _, o := range c.CORSAllowOrigins {
			if o == "*" {
				r.fail("CORS_ALLOW_ORIGINS", "must list the allowed origins; * is refused when APP_ENV=production")
			}
		}
	}
	if len(r.errs) > 0 {
		return Config{}, errors.Join(r.errs...)
	}
	return c, nil
}

// frontendOrigin is where the frontend is served: the origin of its reset page when known,
// else the first origin CORS lets call the API (http://localhost:3000 when none is named).
func frontendOrigin(resetURL string, origins []string) string {
	if u, err := url.Parse(resetURL); resetURL != "" && err == nil {
		return u.Scheme + "://" + u.Host
	}
	for _, o := range origins {
		if o != "*" {
			return strings.TrimRight(o, "/")
		}
	}
	return "http://localhost:3000"
}

// domainOf is the domain of the address in from ("Name <user@example.com>" or
// "user@example.com"), or "localhost" when it has none.
func domainOf(from string) string {
	addr := from
	if a, err := mail.ParseAddress(from); err == nil {
		addr = a.Address
	}
	if i := strings.LastIndexByte(addr, '@'); i >= 0 && validDomain(addr[i+1:]) {
		return addr[i+1:]
	}
	return "localhost"
}

// validDomain accepts what may stand right of the @ of a Message-ID: letters, digits, dots
// and hyphens.
func validDomain(s string) bool {
	if s == "" || len(s) > 253 {
		return false
	}
	return !strings.ContainsFunc(s, func(c rune) bool {
		return c != '.' && c != '-' && (c < '0' || c > '9') && (c < 'a' || c > 'z') && (c < 'A' || c > 'Z')
	})
}

func randomKey() string {
	b := make([]byte, MinSecretKeyBytes)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return hex.EncodeToString(b)
}

func splitList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if p := strings.TrimSpace(part); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// database reads DATABASE_URL, DATABASE_DIRECT_URL, DATABASE_PASSWORD (escaped into both)
// and DATABASE_PREPARED_STATEMENTS, whose default follows the topology: a direct URL apart
// from DATABASE_URL means DATABASE_URL goes through a transaction pooler, where a statement
// prepared on one server connection is gone at the next transaction (docs/decisions.md,
// "Behind PgBouncer: prepared statements off").
func (r *reader) database(c *Config) {
	direct := r.str("DATABASE_DIRECT_URL", "")
	pw, ok := r.lookup("DATABASE_PASSWORD")
	if !ok {
		pw = ""
	}
	switch {
	case c.DatabaseURL != "" && !isPostgresURL(c.DatabaseURL):
		r.fail("DATABASE_URL", "must be a postgres:// URL (leave it empty for the embedded SQLite database)")
	case direct != "" && c.DatabaseURL == "":
		r.fail("DATABASE_DIRECT_URL", "is set but DATABASE_URL is empty: it is the direct connection beside DATABASE_URL's pooled one")
	case direct != "" && !isPostgresURL(direct):
		r.fail("DATABASE_DIRECT_URL", "must be a postgres:// URL to the database itself, not through the pooler (e.g. postgres://erp@db:5432/erp)")
	default:
		if pw != "" {
			c.DatabaseURL = r.withPassword("DATABASE_URL", c.DatabaseURL, pw)
			if direct != "" {
				direct = r.withPassword("DATABASE_DIRECT_URL", direct, pw)
			}
		}
	}
	pooled := direct != "" && direct != c.DatabaseURL
	c.DatabaseDirectURL = c.DatabaseURL
	if pooled {
		c.DatabaseDirectURL = direct
	}
	switch r.oneOf("DATABASE_PREPARED_STATEMENTS", "auto", "auto", "on", "off") {
	case "auto":
		c.PreparedStatements = !pooled
	case "on":
		c.PreparedStatements = true
	}
	if u, err := url.Parse(c.DatabaseURL); pooled && err == nil {
		// Without it lib/pq prepares each statement with arguments (unnamed) and binds it in
		// a second exchange, which the pooler may send to another server connection.
		if bp := u.Query().Get("binary_parameters"); bp != "" && bp != "yes" {
			r.fail("DATABASE_URL", fmt.Sprintf("has binary_parameters=%s; behind a transaction pooler (DATABASE_DIRECT_URL set) it must be yes (or left out)", bp))
		}
	}
}

func isPostgresURL(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// withPassword puts pw into the PostgreSQL URL dbURL (of the variable name) as its password,
// escaped: a password pasted into a URL by hand (or by compose) breaks on the first @, / or #.
func (r *reader) withPassword(name, dbURL, pw string) string {
	u, err := url.Parse(dbURL)
	switch {
	case dbURL == "":
		r.fail("DATABASE_PASSWORD", "is set but "+name+" is empty: give the URL without its password, e.g. postgres://erp@db:5432/erp")
	case err != nil:
		// Not the whole error: it quotes the URL, password included.
		r.fail(name, "is not a valid URL (a password with special characters belongs in DATABASE_PASSWORD)")
	case u.User == nil || u.User.Username() == "":
		r.fail(name, "must name the user when DATABASE_PASSWORD is set, e.g. postgres://erp@db:5432/erp")
	default:
		if _, has := u.User.Password(); has {
			r.fail("DATABASE_PASSWORD", "is set but "+name+" has a password too: keep one of them")
			return dbURL
		}
		u.User = url.UserPassword(u.User.Username(), pw)
		return u.String()
	}
	return dbURL
}

// replica checks the DATABASE_REPLICA_* variables: a replica is of a PostgreSQL primary,
// reached as the primary is (DATABASE_PASSWORD), and its bounds are durations a request can
// feel.
func (r *reader) replica(c *Config) {
	db := &c.DB
	if db.ReplicaReadYourWrites > time.Hour {
		r.fail("DATABASE_REPLICA_READ_YOUR_WRITES", fmt.Sprintf("is %s; expected from 0s to 1h (e.g. 5s)", db.ReplicaReadYourWrites))
	}
	// Under two checks of the lag (one a second), a replica in good health would flap in
	// and out of service.
	if db.ReplicaMaxLag < 2*time.Second || db.ReplicaMaxLag > time.Hour {
		r.fail("DATABASE_REPLICA_MAX_LAG", fmt.Sprintf("is %s; expected from 2s to 1h (e.g. 10s)", db.ReplicaMaxLag))
	}
	if db.ReplicaURL == "" {
		return
	}
	if !strings.HasPrefix(db.ReplicaURL, "postgres://") && !strings.HasPrefix(db.ReplicaURL, "postgresql://") {
		r.fail("DATABASE_REPLICA_URL", "must be a postgres:// URL (a streaming replica of DATABASE_URL)")
		return
	}
	if c.DatabaseURL == "" {
		r.fail("DATABASE_REPLICA_URL", "is set but DATABASE_URL is empty: a read replica needs a PostgreSQL primary")
		return
	}
	if _, err := url.Parse(db.ReplicaURL); err != nil {
		r.fail("DATABASE_REPLICA_URL", "is not a valid URL (a password with special characters belongs in DATABASE_PASSWORD)")
		return
	}
	if pw, ok := r.lookup("DATABASE_PASSWORD"); ok && pw != "" {
		db.ReplicaURL = r.withPassword("DATABASE_REPLICA_URL", db.ReplicaURL, pw)
	}
}

// reader collects every bad variable instead of stopping at the first.
type reader struct {
	lookup func(string) (string, bool)
	errs   []error
}

// tracing reads the OpenTelemetry variables; OTEL_SDK_DISABLED=true turns tracing off
// whatever the endpoint.
func (r *reader) tracing() TracingConfig {
	t := TracingConfig{ServiceName: r.str("OTEL_SERVICE_NAME", "mif-erp"), SampleRatio: 1}
	if r.boolean("OTEL_SDK_DISABLED", false) {
		return t
	}
	name, endpoint := "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", r.str("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "")
	if endpoint == "" {
		name = "OTEL_EXPORTER_OTLP_ENDPOINT"
		if base := r.str(name, ""); base != "" {
			endpoint = strings.TrimSuffix(base, "/") + "/v1/traces"
		}
	}
	if endpoint == "" {
		return t
	}
	if u, err := url.Parse(endpoint); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		r.fail(name, fmt.Sprintf("is %q; expected the URL of an OTLP/HTTP receiver, e.g. http://localhost:4318", endpoint))
		return t
	}
	t.Endpoint = endpoint
	if v := r.str("OTEL_TRACES_SAMPLER_ARG", ""); v != "" {
		ratio, err := strconv.ParseFloat(v, 64)
		if err != nil || ratio < 0 || ratio > 1 {
			r.fail("OTEL_TRACES_SAMPLER_ARG", fmt.Sprintf("is %q; expected a ratio from 0 to 1 (e.g. 0.1)", v))
		} else {
			t.SampleRatio = ratio
		}
	}
	return t
}

func (r *reader) fail(name, reason string) {
	r.errs = append(r.errs, fmt.Errorf("%s %s", name, reason))
}

func (r *reader) str(name, def string) string {
	if v, ok := r.lookup(name); ok && strings.TrimSpace(v) != "" {
		return strings.TrimSpace(v)
	}
	return def
}

func (r *reader) oneOf(name, def string, allowed ...string) string {
	v := strings.ToLower(r.str(name, def))
	for _, a := range allowed {
		if v == a {
			return v
		}
	}
	r.fail(name, fmt.Sprintf("is %q; expected one of %s", v, strings.Join(allowed, ", ")))
	return def
}

func (r *reader) intRange(name string, def, lo, hi int) int {
	s := r.str(name, "")
	if s == "" {
		return def
	}
	v, err := strconv.Atoi(s)
	if err != nil || v < lo || v > hi {
		r.fail(name, fmt.Sprintf("is %q; expected a whole number from %d to %d", s, lo, hi))
		return def
	}
	return v
}

func (r *reader) boolean(name string, def bool) bool {
	s := r.str(name, "")
	if s == "" {
		return def
	}
	v, err := strconv.ParseBool(s)
	if err != nil {
		r.fail(name, fmt.Sprintf("is %q; expected true or false", s))
		return def
	}
	return v
}

// sla reads PRIORITE=hours pairs.
func (r *reader) sla(name, def string) map[domain.Priorite]time.Duration {
	out := map[domain.Priorite]time.Duration{}
	for _, pair := range splitList(r.str(name, def)) {
		k, v, ok := strings.Cut(pair, "=")
		p := domain.Priorite(strings.ToUpper(strings.TrimSpace(k)))
		hours, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if !ok || err != nil || hours <= 0 || !slices.Contains(p.Values(), string(p)) {
			r.fail(name, fmt.Sprintf("has %q; expected PRIORITE=hours pairs such as URGENTE=2,HAUTE=24 (priorities: %s)",
				pair, strings.Join(p.Values(), ", ")))
			continue
		}
		out[p] = time.Duration(hours * float64(time.Hour))
	}
	return out
}

// readableFile reads the path of a file the server reads at start, refused here when it
// cannot be opened; empty when unset.
func (r *reader) readableFile(name string) string {
	path := r.str(name, "")
	if path == "" {
		return ""
	}
	f, err := os.Open(path)
	if err == nil {
		var st os.FileInfo
		if st, err = f.Stat(); err == nil && st.IsDir() {
			err = errors.New("is a directory")
		}
		_ = f.Close()
	}
	if pe := (*fs.PathError)(nil); errors.As(err, &pe) {
		err = pe.Err // the path is named already
	}
	if err != nil {
		r.fail(name, fmt.Sprintf("is %q, which cannot be read: %v", path, err))
	}
	return path
}

// roles reads a comma-separated list of roles; "none" is the empty list.
func (r *reader) roles(name, def string) []domain.Role {
	s := r.str(name, def)
	if strings.EqualFold(s, "none") {
		return nil
	}
	var out []domain.Role
	for _, part := range splitList(s) {
		role := domain.Role(strings.ToUpper(part))
		if !slices.Contains(role.Values(), string(role)) {
			r.fail(name, fmt.Sprintf("has %q; expected roles among %s separated by commas, or none", part, strings.Join(role.Values(), ", ")))
			continue
		}
		out = append(out, role)
	}
	return out
}

// zone reads an IANA time zone name.
func (r *reader) zone(name, def string) localtime.Zone {
	s := r.str(name, def)
	z, err := localtime.Load(s)
	if err != nil {
		r.fail(name, fmt.Sprintf("is %q; expected an IANA time zone name such as Africa/Casablanca, Europe/Paris or UTC", s))
		return localtime.Default()
	}
	return z
}

func (r *reader) duration(name string, def time.Duration) time.Duration {
	s := r.str(name, "")
	if s == "" {
		return def
	}
	v, err := time.ParseDuration(s)
	if err != nil || v < 0 {
		r.fail(name, fmt.Sprintf("is %q; expected a duration such as 30s, 5m or 1h", s))
		return def
	}
	return v
}
