package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/mifmaroc/erp/internal/app"
	"github.com/mifmaroc/erp/internal/gqltest"
	"github.com/mifmaroc/erp/internal/testdb"
)

// TestSeedCreatesFirstAdmin: `erp seed` then `erp serve` on the same database, as an operator
// preparing a demo does: the admin of ADMIN_EMAIL/ADMIN_PASSWORD (or the printed one) logs in.
func TestSeedCreatesFirstAdmin(t *testing.T) {
	cases := []struct {
		name     string
		password string // ADMIN_PASSWORD; empty: generated and printed by seed
	}{
		{"ADMIN_PASSWORD", adminPassword},
		{"GeneratedPassword", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			db := testdb.Open(t)
			cfg := testConfig(t)
			cfg.AdminPassword = c.password
			var out bytes.Buffer
			a := &app.App{Config: cfg, DB: db, Log: gqltest.Logger(t), Out: &out}
			if err := a.Seed(context.Background(), "small", 20); err != nil {
				t.Fatalf("Seed: %v", err)
			}
			password := c.password
			if password == "" {
				m := regexp.MustCompile(`(?m)^\s*password:\s*(\S+)\s*$`).FindStringSubmatch(out.String())
				if m == nil {
					t.Fatalf("seed printed no generated password:\n%s", out.String())
				}
				password = m[1]
			} else if strings.Contains(out.String(), "password:") {
				t.Errorf("seed printed a password although ADMIN_PASSWORD was set:\n%s", out.String())
			}
			if !strings.Contains(out.String(), adminEmail) {
				t.Errorf("seed output does not name the admin %s:\n%s", adminEmail, out.String())
			}

			s := serve(t, db, cfg) // finds users: creates no other admin
			res, err := http.PostForm(s.URL+"/auth/token", url.Values{"username": {adminEmail}, "password": {password}})
			if err != nil {
				t.Fatal(err)
			}
			defer func() { _ = res.Body.Close() }()
			var tok struct {
				AccessToken string `json:"access_token"`
			}
			if err := json.NewDecoder(res.Body).Decode(&tok); err != nil || res.StatusCode != http.StatusOK || tok.AccessToken == "" {
				t.Fatalf("login as %s after seed = %d, %v", adminEmail, res.StatusCode, err)
			}
			var me struct{ Me struct{ Email, Role string } }
			api := gqltest.NewClient(t, s.URL+"/graphql")
			api.Token = tok.AccessToken
			api.MustData(`{ me { email role } }`, nil, &me)
			if me.Me.Email != adminEmail || me.Me.Role != "ADMIN" {
				t.Errorf("me = %+v, want %s ADMIN", me.Me, adminEmail)
			}
		})
	}
}
