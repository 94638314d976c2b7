package graph_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/mifmaroc/erp/internal/apptest"
	"github.com/mifmaroc/erp/internal/domain"
)

// TestLanguages: error messages come in the language Accept-Language prefers, French when
// the request names none we speak; the code stays the same.
func TestLanguages(t *testing.T) {
	e := apptest.New(t)
	api := e.As(t, e.User(t, "Admin", domain.RoleAdmin))
	tests := []struct {
		name, header, want string
	}{
		{"Absent", "", "intervention 987654 introuvable"},
		{"French", "fr-MA", "intervention 987654 introuvable"},
		{"English", "en-US,en;q=0.9", "intervention 987654 not found"},
		{"Unknown", "de", "intervention 987654 introuvable"},
		{"Arabic", "ar-MA", "التدخل 987654 غير موجود"},
		{"QValues", "en;q=0.5, ar;q=0.8", "التدخل 987654 غير موجود"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// gqltest asks for English unless told otherwise; an empty value sends no header.
			api.Header = http.Header{"Accept-Language": {tt.header}}
			err := api.MustFail(`{ documents(interventionId: 987654) { id } }`, nil)
			if err.Message != tt.want || err.Code() != string(domain.CodeNotFound) {
				t.Errorf("got %q (%s), want %q (NOT_FOUND)", err.Message, err.Code(), tt.want)
			}
		})
	}
}

// TestLanguagesREST: the REST routes' error bodies follow Accept-Language too.
func TestLanguagesREST(t *testing.T) {
	e := apptest.New(t)
	for _, tt := range []struct{ header, want string }{
		{"fr", "l'e-mail est obligatoire"},
		{"ar", "البريد الإلكتروني مطلوب"},
		{"en", "email is required"},
	} {
		t.Run(tt.header, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodPost, e.URL+"/auth/forgot-password", strings.NewReader(""))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Accept-Language", tt.header)
			res, err := apptest.HTTP.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer func() { _ = res.Body.Close() }()
			var body struct{ Detail, Code string }
			if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
				t.Fatal(err)
			}
			if res.StatusCode != http.StatusBadRequest || body.Detail != tt.want {
				t.Errorf("got %d %q, want 400 %q", res.StatusCode, body.Detail, tt.want)
			}
		})
	}
}

// TestMaLangue: a user sets the language of his notifications himself, French until then.
func TestMaLangue(t *testing.T) {
	e := apptest.New(t)
	api := e.As(t, e.User(t, "Tech", domain.RoleTechnicien))
	var before struct{ Me struct{ Langue string } }
	api.MustData(`{ me { langue } }`, nil, &before)
	var after struct{ UpdateMe struct{ Langue string } }
	api.MustData(`mutation { updateMe(input: {langue: AR}) { langue } }`, nil, &after)
	if before.Me.Langue != "FR" || after.UpdateMe.Langue != "AR" {
		t.Errorf("langue %q then %q, want FR then AR", before.Me.Langue, after.UpdateMe.Langue)
	}
	if err := api.MustFail(`mutation { updateMe(input: {langue: DE}) { langue } }`, nil); err.Code() != "GRAPHQL_VALIDATION_FAILED" {
		t.Errorf("langue DE: %s %q, want a validation error", err.Code(), err.Message)
	}
}
