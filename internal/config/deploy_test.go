package config_test

import (
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/goccy/go-yaml"

	"github.com/mifmaroc/erp/internal/config"
)

// compose is what the tests read of docker-compose.yml.
type compose struct {
	Services map[string]struct {
		EnvFile         []string          `yaml:"env_file"`
		Environment     map[string]string `yaml:"environment"`
		StopGracePeriod string            `yaml:"stop_grace_period"`
	} `yaml:"services"`
}

func readCompose(t *testing.T) compose {
	t.Helper()
	b, err := os.ReadFile("../../docker-compose.yml")
	if err != nil {
		t.Fatal(err)
	}
	var c compose
	if err := yaml.Unmarshal(b, &c); err != nil {
		t.Fatalf("docker-compose.yml: %v", err)
	}
	if _, ok := c.Services["backend"]; !ok {
		t.Fatal("docker-compose.yml has no backend service")
	}
	return c
}

// readEnvFile reads the NAME=value lines of an env file (comments and blank lines skipped;
// single quotes kept literal, as compose reads them).
func readEnvFile(t *testing.T, path string) map[string]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{}
	for i, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			t.Fatalf("%s:%d: %q is not NAME=value", path, i+1, line)
		}
		if len(v) >= 2 && v[0] == '\'' && v[len(v)-1] == '\'' {
			v = v[1 : len(v)-1]
		}
		vars[k] = v
	}
	return vars
}

// interpolate does what compose does with ${NAME}, ${NAME:-default} and ${NAME:?message}
// from the variables of .env; a missing required variable fails the test.
func interpolate(t *testing.T, s string, vars map[string]string) string {
	t.Helper()
	re := regexp.MustCompile(`\$\{([A-Z_][A-Z0-9_]*)(?:(:-|:\?)([^}]*))?\}`)
	return re.ReplaceAllStringFunc(s, func(m string) string {
		p := re.FindStringSubmatch(m)
		v := vars[p[1]]
		switch {
		case v != "":
			return v
		case p[2] == ":-":
			return p[3]
		case p[2] == ":?":
			t.Errorf("compose would refuse: %s", p[3])
		}
		return ""
	})
}

// configVariables lists the variables config.Load reads.
func configVariables() []string {
	var read []string
	_, _ = config.Load(func(k string) (string, bool) {
		read = append(read, k)
		return "", false
	})
	return read
}

// TestDockerDeployment follows the README's Docker steps without Docker: .env made from
// deploy/.env.example with the required values set, then the backend's environment as
// compose builds it (env_file, then environment over it). The backend must come up in
// production with the scheduler on, reach PostgreSQL with a password of any characters, and
// stop within stop_grace_period.
func TestDockerDeployment(t *testing.T) {
	c := readCompose(t)
	backend := c.Services["backend"]
	if !slices.Contains(backend.EnvFile, ".env") {
		t.Errorf("backend env_file = %v, want .env: every variable of .env must reach the container", backend.EnvFile)
	}

	const password = `p@ss/w:rd#?&%é 'x"`
	dotenv := readEnvFile(t, "../../deploy/.env.example")
	for _, required := range []string{"POSTGRES_PASSWORD", "SECRET_KEY", "ADMIN_EMAIL"} {
		if _, ok := dotenv[required]; !ok {
			t.Errorf("deploy/.env.example lacks %s, which the README asks to set", required)
		}
	}
	dotenv["POSTGRES_PASSWORD"] = password
	dotenv["SECRET_KEY"] = strings.Repeat("s", 64)
	dotenv["ADMIN_EMAIL"] = "chef@mif-maroc.ma"

	known := configVariables()
	container := map[string]string{}
	for k, v := range dotenv {
		if k != "POSTGRES_PASSWORD" && !slices.Contains(known, k) {
			t.Errorf("deploy/.env.example sets %s, which the server does not read", k)
		}
		container[k] = v
	}
	for k, v := range backend.Environment {
		if !slices.Contains(known, k) {
			t.Errorf("docker-compose.yml gives the backend %s, which the server does not read", k)
		}
		container[k] = interpolate(t, v, dotenv)
	}
	if strings.Contains(backend.Environment["DATABASE_URL"], "POSTGRES_PASSWORD") {
		t.Error("docker-compose.yml pastes the password into DATABASE_URL unescaped: pass it as DATABASE_PASSWORD")
	}

	cfg, err := config.Load(func(k string) (string, bool) { v, ok := container[k]; return v, ok })
	if err != nil {
		t.Fatalf("the container's configuration is refused:\n%v", err)
	}
	if !cfg.Production() || !cfg.EnableScheduler || cfg.SecretKeyGenerated {
		t.Errorf("container: production %t, scheduler %t, generated key %t; want production with the scheduler and the given key",
			cfg.Production(), cfg.EnableScheduler, cfg.SecretKeyGenerated)
	}
	u, err := url.Parse(cfg.DatabaseURL)
	if err != nil {
		t.Fatalf("DATABASE_URL of the container does not parse: %v", err)
	}
	if pw, _ := u.User.Password(); pw != password || u.User.Username() != "erp" || u.Host != "db:5432" || u.Path != "/erp" {
		t.Errorf("DATABASE_URL of the container gives user %q, password %q, host %q, db %q; want erp, %q, db:5432, /erp",
			u.User.Username(), pw, u.Host, u.Path, password)
	}
	if cfg.Port != 8000 || cfg.UploadDirectory != "/app/uploads" || cfg.DataDir != "/app/data" {
		t.Errorf("container: port %d, uploads %s, data %s; want 8000, /app/uploads, /app/data", cfg.Port, cfg.UploadDirectory, cfg.DataDir)
	}

	grace, err := time.ParseDuration(backend.StopGracePeriod)
	if err != nil {
		t.Fatalf("backend stop_grace_period %q: %v", backend.StopGracePeriod, err)
	}
	// The drain, then the process's own exit: a few seconds of margin.
	if grace < cfg.ShutdownTimeout+5*time.Second {
		t.Errorf("stop_grace_period %v leaves no margin over SHUTDOWN_TIMEOUT %v: Docker would kill the drain", grace, cfg.ShutdownTimeout)
	}
}
