package auth_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/mifmaroc/erp/internal/auth"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/gqltest"
	"github.com/mifmaroc/erp/internal/testdb"
	"github.com/mifmaroc/erp/internal/viewer"
)

// TestLoginCostsOneComparisonWhateverTheRefusal proves that no refusal can be told from
// another by its time, without measuring time: every path, known email or not, spends
// exactly one bcrypt comparison (the work that dominates a login), counted through the
// service's comparison seam.
func TestLoginCostsOneComparisonWhateverTheRefusal(t *testing.T) {
	ctx := viewer.SystemContext(context.Background())
	db := testdb.Open(t)
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	tokens := auth.Tokens{Key: []byte("clé de test de trente-deux octets!"), Issuer: "i", Audience: "a", TTL: time.Minute, Now: func() time.Time { return now }}
	svc, err := auth.NewService(db.Ent, db.Dialect, tokens, time.Hour, bcrypt.MinCost, gqltest.Logger(t))
	if err != nil {
		t.Fatal(err)
	}
	var comparisons int
	svc.VerifyPassword = func(hash, pw string) bool { comparisons++; return auth.VerifyPassword(hash, pw) }

	const password = "le bon mot de passe"
	hash, err := auth.HashPassword(password, bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	user := func(email string) int {
		return db.Ent.User.Create().SetEmail(email).SetPasswordHash(hash).SetRole(domain.RoleTechnicien).SaveX(ctx).ID
	}
	user("actif@example.com")
	db.Ent.User.UpdateOneID(user("inactif@example.com")).SetIsActive(false).ExecX(ctx)
	db.Ent.User.UpdateOneID(user("supprime@example.com")).SetIsActive(false).SetDeletedAt(now.Add(-time.Hour)).ExecX(ctx)
	db.Ent.User.UpdateOneID(user("verrouille@example.com")).SetLockedUntil(now.Add(time.Minute)).ExecX(ctx)

	tests := []struct {
		name, email, password string
		refused               bool
	}{
		{"OK", "actif@example.com", password, false},
		{"UnknownEmail", "personne@example.com", password, true},
		{"InvalidEmail", "pas un email", password, true},
		{"WrongPassword", "actif@example.com", "pas le bon mot de passe", true},
		{"InactiveRightPassword", "inactif@example.com", password, true},
		{"InactiveWrongPassword", "inactif@example.com", "pas le bon mot de passe", true},
		{"DeletedRightPassword", "supprime@example.com", password, true},
		{"LockedRightPassword", "verrouille@example.com", password, true},
		{"LockedWrongPassword", "verrouille@example.com", "pas le bon mot de passe", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			comparisons = 0
			_, err := svc.Login(context.Background(), tt.email, tt.password, "192.0.2.1")
			switch {
			case tt.refused && !errors.Is(err, auth.ErrBadCredentials):
				t.Errorf("Login = %v, want the one refusal %v", err, auth.ErrBadCredentials)
			case !tt.refused && err != nil:
				t.Errorf("Login = %v, want a session", err)
			}
			if comparisons != 1 {
				t.Errorf("%d bcrypt comparisons, want 1 on every path", comparisons)
			}
		})
	}
}
