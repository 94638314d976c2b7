package config_test

import (
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mifmaroc/erp/internal/config"
	"github.com/mifmaroc/erp/internal/domain"
)

func env(vars map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		v, ok := vars[k]
		return v, ok
	}
}

func TestDefaults(t *testing.T) {
	c, err := config.Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"Env", c.Env, config.EnvDevelopment},
		{"Addr", c.Addr(), "0.0.0.0:8000"},
		{"SQLitePath", c.SQLitePath(), "data/erp.db"},
		{"MigrateOnStart", c.MigrateOnStart, true},
		{"AccessTokenTTL", c.AccessTokenTTL, 15 * time.Minute},
		{"MaxUploadBytes", c.MaxUploadBytes, int64(10 << 20)},
		{"BcryptCost", c.BcryptCost, 12},
		{"SecretKeyGenerated", c.SecretKeyGenerated, true},
		{"SecretKeyLen", len(c.SecretKey), 64},
		{"EnableScheduler", c.EnableScheduler, false},
		{"MaxOpenConns", c.DB.MaxOpenConns, config.DefaultMaxOpenConns(runtime.GOMAXPROCS(0))},
		{"MaxIdleConns", c.DB.MaxIdleConns, config.DefaultMaxOpenConns(runtime.GOMAXPROCS(0))},
		{"MaxInflight", c.MaxInflight, config.DefaultMaxInflight(runtime.GOMAXPROCS(0))},
		{"InflightQueueWait", c.InflightQueueWait, 100 * time.Millisecond},
		{"UploadURLTTL", c.UploadURLTTL, 15 * time.Minute},
		{"Zone", c.Zone.Name(), "Africa/Casablanca"},
		{"SLAHaute", c.SLA[domain.PrioriteHaute], 24 * time.Hour},
		{"SLAProgrammeeNone", c.SLA[domain.PrioriteProgrammee], time.Duration(0)},
	}
	for _, ck := range checks {
		if ck.got != ck.want {
			t.Errorf("%s = %v, want %v", ck.name, ck.got, ck.want)
		}
	}
}

// The idle bound follows the open one unless set, so that a pool does not close and reopen
// connections at every burst.
func TestIdleConns(t *testing.T) {
	pool := config.DefaultMaxOpenConns(runtime.GOMAXPROCS(0))
	cases := []struct {
		name       string
		vars       map[string]string
		open, idle int
	}{
		{"Defaults", nil, pool, pool},
		{"FollowsOpen", map[string]string{"DB_MAX_OPEN_CONNS": "8"}, 8, 8},
		{"SetLower", map[string]string{"DB_MAX_OPEN_CONNS": "8", "DB_MAX_IDLE_CONNS": "2"}, 8, 2},
		{"Zero", map[string]string{"DB_MAX_IDLE_CONNS": "0"}, pool, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := config.Load(env(tc.vars))
			if err != nil {
				t.Fatal(err)
			}
			if c.DB.MaxOpenConns != tc.open || c.DB.MaxIdleConns != tc.idle {
				t.Errorf("open, idle = %d, %d, want %d, %d", c.DB.MaxOpenConns, c.DB.MaxIdleConns, tc.open, tc.idle)
			}
		})
	}
}

// The pool follows the cores, with a floor for the small machines: the scheduler, the mail
// worker and requests share it.
func TestDefaultMaxOpenConns(t *testing.T) {
	for _, tc := range []struct{ procs, want int }{{1, 4}, {2, 4}, {3, 6}, {4, 8}, {16, 32}} {
		if got := config.DefaultMaxOpenConns(tc.procs); got != tc.want {
			t.Errorf("DefaultMaxOpenConns(%d) = %d, want %d", tc.procs, got, tc.want)
		}
	}
}

func TestValues(t *testing.T) {
	c, err := config.Load(env(map[string]string{
		"APP_ENV":              "production",
		"SECRET_KEY":           strings.Repeat("k", 40),
		"PORT":                 "9000",
		"DATABASE_URL":         "postgres://u:p@db:5432/erp",
		"CORS_ALLOW_ORIGINS":   "https://erp.mif.ma, https://admin.mif.ma",
		"MAX_UPLOAD_SIZE_MB":   "25",
		"MIGRATE_ON_START":     "false",
		"DB_CONN_MAX_LIFETIME": "1h",
		"SLA_HOURS":            "urgente=0.5, HAUTE=12",
		"UPLOAD_URL_TTL":       "2h",
		"APP_TIMEZONE":         "Europe/Paris",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if !c.Production() || c.Port != 9000 || c.MaxUploadBytes != 25<<20 || c.MigrateOnStart || c.DB.ConnMaxLifetime != time.Hour {
		t.Errorf("config = %+v", c)
	}
	if len(c.CORSAllowOrigins) != 2 || c.CORSAllowOrigins[1] != "https://admin.mif.ma" {
		t.Errorf("CORSAllowOrigins = %q", c.CORSAllowOrigins)
	}
	if c.Zone.Name() != "Europe/Paris" {
		t.Errorf("Zone = %s, want Europe/Paris", c.Zone.Name())
	}
	if c.UploadURLTTL != 2*time.Hour {
		t.Errorf("UploadURLTTL = %v, want 2h", c.UploadURLTTL)
	}
	if c.SecretKeyGenerated {
		t.Error("a given SECRET_KEY must not be replaced")
	}
	if c.SLA[domain.PrioriteUrgente] != 30*time.Minute || c.SLA[domain.PrioriteHaute] != 12*time.Hour || len(c.SLA) != 2 {
		t.Errorf("SLA = %v", c.SLA)
	}
}

func TestInvalid(t *testing.T) {
	tests := []struct {
		name    string
		vars    map[string]string
		wantMsg string
	}{
		{"ProductionWithoutSecret", map[string]string{"APP_ENV": "production"}, "SECRET_KEY is required when APP_ENV=production"},
		{"ProductionShortSecret", map[string]string{"APP_ENV": "production", "SECRET_KEY": "short"}, "SECRET_KEY is 5 bytes; production needs at least 32"},
		{"ProductionWildcardCORS", map[string]string{"APP_ENV": "production", "SECRET_KEY": strings.Repeat("k", 32), "CORS_ALLOW_ORIGINS": "*"}, "CORS_ALLOW_ORIGINS"},
		{"UnknownEnv", map[string]string{"APP_ENV": "staging"}, `APP_ENV is "staging"; expected one of development, production`},
		{"PortNotNumber", map[string]string{"PORT": "http"}, `PORT is "http"; expected a whole number from 1 to 65535`},
		{"PortOutOfRange", map[string]string{"PORT": "70000"}, "PORT"},
		{"BadBool", map[string]string{"ENABLE_SCHEDULER": "yes please"}, "ENABLE_SCHEDULER"},
		{"BadDuration", map[string]string{"DB_CONN_MAX_LIFETIME": "forever"}, "DB_CONN_MAX_LIFETIME"},
		{"NotPostgresURL", map[string]string{"DATABASE_URL": "mysql://x"}, "DATABASE_URL must be a postgres:// URL"},
		{"BadAdminEmail", map[string]string{"ADMIN_EMAIL": "admin"}, "ADMIN_EMAIL"},
		{"IdleAboveOpen", map[string]string{"DB_MAX_OPEN_CONNS": "5", "DB_MAX_IDLE_CONNS": "10"}, "DB_MAX_IDLE_CONNS (10) must not exceed DB_MAX_OPEN_CONNS (5)"},
		{"BadLogLevel", map[string]string{"LOG_LEVEL": "verbose"}, "LOG_LEVEL"},
		{"BadSLAPriority", map[string]string{"SLA_HOURS": "CRITIQUE=1"}, `SLA_HOURS has "CRITIQUE=1"`},
		{"BadSLAHours", map[string]string{"SLA_HOURS": "URGENTE=soon"}, "SLA_HOURS"},
		{"SlowSubscriptionCheck", map[string]string{"SUBSCRIPTION_CHECK_INTERVAL": "5s"}, "SUBSCRIPTION_CHECK_INTERVAL must be between 10ms and 1s"},
		{"NoInflight", map[string]string{"MAX_INFLIGHT_REQUESTS": "0"}, "MAX_INFLIGHT_REQUESTS"},
		{"BadQueueWait", map[string]string{"INFLIGHT_QUEUE_WAIT": "-1s"}, "INFLIGHT_QUEUE_WAIT"},
		{"UnknownZone", map[string]string{"APP_TIMEZONE": "Africa/Marrakech"}, `APP_TIMEZONE is "Africa/Marrakech"; expected an IANA time zone name`},
		{"OffsetIsNotAZone", map[string]string{"APP_TIMEZONE": "+01:00"}, "APP_TIMEZONE"},
		{"HostZone", map[string]string{"APP_TIMEZONE": "Local"}, "APP_TIMEZONE"},
		{"DeadLinks", map[string]string{"UPLOAD_URL_TTL": "0s"}, `UPLOAD_URL_TTL is 0s; expected from 1s to 168h`},
		{"SubSecondLinks", map[string]string{"UPLOAD_URL_TTL": "500ms"}, "UPLOAD_URL_TTL"},
		{"EverlastingLinks", map[string]string{"UPLOAD_URL_TTL": "720h"}, "UPLOAD_URL_TTL"},
		{"BadLinkTTL", map[string]string{"UPLOAD_URL_TTL": "15"}, "UPLOAD_URL_TTL"},
		{"OTLPWithoutScheme", map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "collector:4318"}, `OTEL_EXPORTER_OTLP_ENDPOINT is "collector:4318/v1/traces"; expected the URL of an OTLP/HTTP receiver`},
		{"OTLPTracesGRPC", map[string]string{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "grpc://collector:4317"}, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"},
		{"SamplerAboveOne", map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318", "OTEL_TRACES_SAMPLER_ARG": "10"}, "OTEL_TRACES_SAMPLER_ARG"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := config.Load(env(tt.vars))
			if err == nil {
				t.Fatalf("Load(%v) succeeded, want an error mentioning %q", tt.vars, tt.wantMsg)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("error %q does not mention %q", err, tt.wantMsg)
			}
		})
	}
}

func TestEveryBadVariableReported(t *testing.T) {
	_, err := config.Load(env(map[string]string{"PORT": "x", "LOG_FORMAT": "xml"}))
	if err == nil || !strings.Contains(err.Error(), "PORT") || !strings.Contains(err.Error(), "LOG_FORMAT") {
		t.Errorf("error = %v, want both PORT and LOG_FORMAT named", err)
	}
}

// TestEnvExampleDocumentsEveryVariable keeps .env.example complete: every variable the
// loader reads must appear there.
func TestEnvExampleDocumentsEveryVariable(t *testing.T) {
	example, err := os.ReadFile("../../.env.example")
	if err != nil {
		t.Fatal(err)
	}
	var read []string
	_, _ = config.Load(func(k string) (string, bool) {
		read = append(read, k)
		return "", false
	})
	if len(read) < 20 {
		t.Fatalf("the loader read only %d variables: %v", len(read), read)
	}
	for _, name := range read {
		if !strings.Contains(string(example), "\n"+name+"=") {
			t.Errorf("%s is read by config.Load but missing from .env.example", name)
		}
	}
}

func TestTracing(t *testing.T) {
	tests := []struct {
		name     string
		vars     map[string]string
		endpoint string
		ratio    float64
	}{
		{"OffByDefault", nil, "", 1},
		{"Base", map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318/"}, "http://collector:4318/v1/traces", 1},
		{"TracesWins", map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://a:4318", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "https://b/otlp/traces"}, "https://b/otlp/traces", 1},
		{"Disabled", map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://a:4318", "OTEL_SDK_DISABLED": "true"}, "", 1},
		{"Sampled", map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://a:4318", "OTEL_TRACES_SAMPLER_ARG": "0.25"}, "http://a:4318/v1/traces", 0.25},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := config.Load(env(tt.vars))
			if err != nil {
				t.Fatal(err)
			}
			if c.Tracing.Endpoint != tt.endpoint || c.Tracing.On() != (tt.endpoint != "") || c.Tracing.SampleRatio != tt.ratio {
				t.Errorf("tracing = %+v (on %v), want endpoint %q ratio %v", c.Tracing, c.Tracing.On(), tt.endpoint, tt.ratio)
			}
		})
	}
}

// DATABASE_PASSWORD is escaped into DATABASE_URL: a password with @, /, # or spaces, pasted
// into the URL, would make another URL.
func TestDatabasePassword(t *testing.T) {
	cases := []struct {
		name, url, password string
		wantURL, wantErr    string
	}{
		{"Escaped", "postgres://erp@db:5432/erp?sslmode=disable", "p@ss/w:rd #1%", "postgres://erp:p%40ss%2Fw%3Ard%20%231%25@db:5432/erp?sslmode=disable", ""},
		{"NoPassword", "postgres://erp:secret@db/erp", "", "postgres://erp:secret@db/erp", ""},
		{"BothPasswords", "postgres://erp:secret@db/erp", "other", "", "DATABASE_PASSWORD is set but DATABASE_URL has a password too"},
		{"NoUser", "postgres://db/erp", "secret", "", "DATABASE_URL must name the user"},
		{"NoURL", "", "secret", "", "DATABASE_PASSWORD is set but DATABASE_URL is empty"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg, err := config.Load(env(map[string]string{"DATABASE_URL": c.url, "DATABASE_PASSWORD": c.password}))
			switch {
			case c.wantErr != "":
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Errorf("Load = %v, want an error mentioning %q", err, c.wantErr)
				}
				if err != nil && c.password != "" && strings.Contains(err.Error(), c.password) {
					t.Errorf("the error %q shows the password", err)
				}
			case err != nil:
				t.Errorf("Load: %v", err)
			case cfg.DatabaseURL != c.wantURL:
				t.Errorf("DatabaseURL = %q, want %q", cfg.DatabaseURL, c.wantURL)
			}
		})
	}
}

// DATABASE_DIRECT_URL is the session connection beside a pooled DATABASE_URL: it defaults to
// DATABASE_URL, takes DATABASE_PASSWORD the same way, and turns prepared statements off
// unless DATABASE_PREPARED_STATEMENTS says otherwise.
func TestDatabaseDirectURL(t *testing.T) {
	const pooled, direct = "postgres://erp@pgbouncer:6432/erp", "postgres://erp@db:5432/erp"
	cases := []struct {
		name                string
		vars                map[string]string
		wantURL, wantDirect string
		wantPrepared        bool
		wantErr             string
	}{
		{"Unset", map[string]string{"DATABASE_URL": direct}, direct, direct, true, ""},
		{"SameAsURL", map[string]string{"DATABASE_URL": direct, "DATABASE_DIRECT_URL": direct}, direct, direct, true, ""},
		{"Pooled", map[string]string{"DATABASE_URL": pooled, "DATABASE_DIRECT_URL": direct}, pooled, direct, false, ""},
		{"PooledPreparedOn", map[string]string{"DATABASE_URL": pooled, "DATABASE_DIRECT_URL": direct, "DATABASE_PREPARED_STATEMENTS": "on"}, pooled, direct, true, ""},
		{"DirectPreparedOff", map[string]string{"DATABASE_URL": direct, "DATABASE_PREPARED_STATEMENTS": "off"}, direct, direct, false, ""},
		{"PasswordInBoth", map[string]string{"DATABASE_URL": pooled, "DATABASE_DIRECT_URL": direct, "DATABASE_PASSWORD": "p@ss"},
			"postgres://erp:p%40ss@pgbouncer:6432/erp", "postgres://erp:p%40ss@db:5432/erp", false, ""},
		{"SQLite", nil, "", "", true, ""},
		{"NoURL", map[string]string{"DATABASE_DIRECT_URL": direct}, "", "", false, "DATABASE_DIRECT_URL is set but DATABASE_URL is empty"},
		{"NotPostgres", map[string]string{"DATABASE_URL": pooled, "DATABASE_DIRECT_URL": "mysql://db/erp"}, "", "", false, "DATABASE_DIRECT_URL must be a postgres:// URL"},
		{"DirectPasswordTwice", map[string]string{"DATABASE_URL": pooled, "DATABASE_DIRECT_URL": "postgres://erp:x@db/erp", "DATABASE_PASSWORD": "y"}, "", "", false,
			"DATABASE_PASSWORD is set but DATABASE_DIRECT_URL has a password too"},
		{"BadPreparedValue", map[string]string{"DATABASE_URL": direct, "DATABASE_PREPARED_STATEMENTS": "maybe"}, "", "", false, "DATABASE_PREPARED_STATEMENTS"},
		{"PooledTwoRoundTrips", map[string]string{"DATABASE_URL": pooled + "?binary_parameters=no", "DATABASE_DIRECT_URL": direct}, "", "", false,
			"DATABASE_URL has binary_parameters=no"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg, err := config.Load(env(c.vars))
			switch {
			case c.wantErr != "":
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Errorf("Load = %v, want an error mentioning %q", err, c.wantErr)
				}
			case err != nil:
				t.Errorf("Load: %v", err)
			case cfg.DatabaseURL != c.wantURL || cfg.DatabaseDirectURL != c.wantDirect || cfg.PreparedStatements != c.wantPrepared:
				t.Errorf("DatabaseURL, DatabaseDirectURL, PreparedStatements = %q, %q, %v; want %q, %q, %v",
					cfg.DatabaseURL, cfg.DatabaseDirectURL, cfg.PreparedStatements, c.wantURL, c.wantDirect, c.wantPrepared)
			}
		})
	}
}

func TestNotifySettings(t *testing.T) {
	cases := []struct {
		name       string
		vars       map[string]string
		wantLease  time.Duration
		wantDomain string
	}{
		{"Defaults", nil, 15 * time.Second, "localhost"},
		{"DomainOfSMTPFrom", map[string]string{"SMTP_FROM": "Maintenance MIF <maintenance@mif-maroc.ma>"}, 15 * time.Second, "mif-maroc.ma"},
		{"Set", map[string]string{"NOTIFY_LEASE": "5s", "SMTP_MESSAGE_ID_DOMAIN": "erp.mif-maroc.ma", "SMTP_FROM": "x@y.ma"}, 5 * time.Second, "erp.mif-maroc.ma"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg, err := config.Load(env(c.vars))
			if err != nil {
				t.Fatal(err)
			}
			if cfg.NotifyLease != c.wantLease || cfg.SMTP.MessageIDDomain != c.wantDomain {
				t.Errorf("lease %v, Message-ID domain %q; want %v, %q", cfg.NotifyLease, cfg.SMTP.MessageIDDomain, c.wantLease, c.wantDomain)
			}
		})
	}
	for _, bad := range []map[string]string{{"NOTIFY_LEASE": "500ms"}, {"NOTIFY_LEASE": "2h"}, {"SMTP_MESSAGE_ID_DOMAIN": "mif maroc>"}} {
		if _, err := config.Load(env(bad)); err == nil {
			t.Errorf("Load(%v) succeeded, want a refusal", bad)
		}
	}
}

func TestEquipementURLTemplate(t *testing.T) {
	tests := []struct {
		name string
		vars map[string]string
		want string
	}{
		{"Default", nil, "http://localhost:3000/equipements/{code}"},
		{"FromResetPage", map[string]string{"PASSWORD_RESET_URL": "https://erp.mif-maroc.ma/auth/reset?x=1"}, "https://erp.mif-maroc.ma/equipements/{code}"},
		{"FromCORS", map[string]string{"CORS_ALLOW_ORIGINS": "https://gmao.mif.ma/,http://localhost:5173"}, "https://gmao.mif.ma/equipements/{code}"},
		{"Set", map[string]string{"EQUIPEMENT_URL_TEMPLATE": "https://gmao.mif.ma/scan?c={code}"}, "https://gmao.mif.ma/scan?c={code}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := config.Load(env(tt.vars))
			if err != nil {
				t.Fatal(err)
			}
			if c.EquipementURLTemplate != tt.want {
				t.Errorf("EquipementURLTemplate = %q, want %q", c.EquipementURLTemplate, tt.want)
			}
		})
	}
	for _, bad := range []string{"https://gmao.mif.ma/equipements/", "/equipements/{code}"} {
		if _, err := config.Load(env(map[string]string{"EQUIPEMENT_URL_TEMPLATE": bad})); err == nil || !strings.Contains(err.Error(), "EQUIPEMENT_URL_TEMPLATE") {
			t.Errorf("EQUIPEMENT_URL_TEMPLATE=%q: error %v, want one naming it", bad, err)
		}
	}
}

func TestTrustedDocuments(t *testing.T) {
	manifest := filepath.Join(t.TempDir(), "persisted-documents.json")
	if err := os.WriteFile(manifest, []byte(`{}`), 0o600); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(t.TempDir(), "nope.json")
	tests := []struct {
		name      string
		vars      map[string]string
		wantPath  string
		wantRoles []domain.Role
		wantErr   string // in the error; "" when none
	}{
		{"Off", nil, "", []domain.Role{domain.RoleAdmin}, ""},
		{"On", map[string]string{"GRAPHQL_TRUSTED_DOCUMENTS": manifest}, manifest, []domain.Role{domain.RoleAdmin}, ""},
		{"Roles", map[string]string{"GRAPHQL_FREEFORM_ROLES": "admin, RESPONSABLE"}, "", []domain.Role{domain.RoleAdmin, domain.RoleResponsable}, ""},
		{"NoRoles", map[string]string{"GRAPHQL_FREEFORM_ROLES": "none"}, "", nil, ""},
		{"ErrMissingFile", map[string]string{"GRAPHQL_TRUSTED_DOCUMENTS": missing}, "", nil, `GRAPHQL_TRUSTED_DOCUMENTS is "` + missing + `", which cannot be read: no such file`},
		{"ErrDirectory", map[string]string{"GRAPHQL_TRUSTED_DOCUMENTS": filepath.Dir(manifest)}, "", nil, "is a directory"},
		{"ErrUnknownRole", map[string]string{"GRAPHQL_FREEFORM_ROLES": "ADMIN,ROOT"}, "", nil, `GRAPHQL_FREEFORM_ROLES has "ROOT"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := config.Load(env(tt.vars))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("Load = %v, want an error mentioning %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.TrustedDocuments != tt.wantPath || !slices.Equal(c.FreeformRoles, tt.wantRoles) {
				t.Errorf("TrustedDocuments %q, FreeformRoles %v; want %q, %v", c.TrustedDocuments, c.FreeformRoles, tt.wantPath, tt.wantRoles)
			}
		})
	}
}

// The read replica is of a PostgreSQL primary, reached with the primary's password; its
// window and lag bound are checked like every duration.
func TestReplica(t *testing.T) {
	const primary = "postgres://erp@db:5432/erp"
	cases := []struct {
		name    string
		vars    map[string]string
		wantURL string
		wantRYW time.Duration
		wantLag time.Duration
		wantErr string
	}{
		{"NoneByDefault", map[string]string{"DATABASE_URL": primary}, "", 5 * time.Second, 10 * time.Second, ""},
		{"Set", map[string]string{"DATABASE_URL": primary, "DATABASE_REPLICA_URL": "postgres://erp@replica:5432/erp",
			"DATABASE_REPLICA_READ_YOUR_WRITES": "2s", "DATABASE_REPLICA_MAX_LAG": "30s"},
			"postgres://erp@replica:5432/erp", 2 * time.Second, 30 * time.Second, ""},
		{"Password", map[string]string{"DATABASE_URL": primary, "DATABASE_REPLICA_URL": "postgres://erp@replica/erp", "DATABASE_PASSWORD": "p@ss"},
			"postgres://erp:p%40ss@replica/erp", 5 * time.Second, 10 * time.Second, ""},
		{"NoWindow", map[string]string{"DATABASE_URL": primary, "DATABASE_REPLICA_URL": "postgres://erp@replica/erp", "DATABASE_REPLICA_READ_YOUR_WRITES": "0s"},
			"postgres://erp@replica/erp", 0, 10 * time.Second, ""},
		{"BothPasswords", map[string]string{"DATABASE_URL": primary, "DATABASE_REPLICA_URL": "postgres://erp:x@replica/erp", "DATABASE_PASSWORD": "secret"},
			"", 0, 0, "DATABASE_PASSWORD is set but DATABASE_REPLICA_URL has a password too"},
		{"NoUser", map[string]string{"DATABASE_URL": "postgres://erp@db/erp", "DATABASE_REPLICA_URL": "postgres://replica/erp", "DATABASE_PASSWORD": "secret"},
			"", 0, 0, "DATABASE_REPLICA_URL must name the user"},
		{"NotPostgres", map[string]string{"DATABASE_URL": primary, "DATABASE_REPLICA_URL": "mysql://replica/erp"},
			"", 0, 0, "DATABASE_REPLICA_URL must be a postgres:// URL"},
		{"SQLitePrimary", map[string]string{"DATABASE_REPLICA_URL": "postgres://erp@replica/erp"},
			"", 0, 0, "DATABASE_REPLICA_URL is set but DATABASE_URL is empty"},
		{"WindowTooLong", map[string]string{"DATABASE_REPLICA_READ_YOUR_WRITES": "2h"},
			"", 0, 0, "DATABASE_REPLICA_READ_YOUR_WRITES is 2h0m0s; expected from 0s to 1h"},
		{"WindowNotDuration", map[string]string{"DATABASE_REPLICA_READ_YOUR_WRITES": "5"},
			"", 0, 0, "DATABASE_REPLICA_READ_YOUR_WRITES"},
		{"LagTooShort", map[string]string{"DATABASE_REPLICA_MAX_LAG": "1s"},
			"", 0, 0, "DATABASE_REPLICA_MAX_LAG is 1s; expected from 2s to 1h"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg, err := config.Load(env(c.vars))
			switch {
			case c.wantErr != "":
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Errorf("Load = %v, want an error mentioning %q", err, c.wantErr)
				}
				if err != nil && strings.Contains(err.Error(), "secret") {
					t.Errorf("the error %q shows the password", err)
				}
			case err != nil:
				t.Errorf("Load: %v", err)
			case cfg.DB.ReplicaURL != c.wantURL || cfg.DB.ReplicaReadYourWrites != c.wantRYW || cfg.DB.ReplicaMaxLag != c.wantLag:
				t.Errorf("replica = %q, window %s, max lag %s; want %q, %s, %s",
					cfg.DB.ReplicaURL, cfg.DB.ReplicaReadYourWrites, cfg.DB.ReplicaMaxLag, c.wantURL, c.wantRYW, c.wantLag)
			}
		})
	}
}
