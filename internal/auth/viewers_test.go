package auth_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/mifmaroc/erp/ent/refreshtoken"
	"github.com/mifmaroc/erp/ent/user"
	"github.com/mifmaroc/erp/internal/auth"
	"github.com/mifmaroc/erp/internal/database"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/gqltest"
	"github.com/mifmaroc/erp/internal/testdb"
	"github.com/mifmaroc/erp/internal/viewer"
)

// cachingService is an auth service on a fresh database whose token checks are cached for
// ttl, with access tokens of an hour and sessions of a week on the clock *now, which the test
// moves.
func cachingService(t *testing.T, ttl time.Duration) (*database.DB, *auth.Service, *time.Time) {
	t.Helper()
	db := testdb.Open(t)
	now := new(time.Time)
	*now = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	tokens := auth.Tokens{Key: []byte("clé de test de trente-deux octets!"), Issuer: "i", Audience: "a", TTL: time.Hour, Now: func() time.Time { return *now }}
	svc, err := auth.NewService(db.Ent, db.Dialect, tokens, 7*24*time.Hour, bcrypt.MinCost, gqltest.Logger(t))
	if err != nil {
		t.Fatal(err)
	}
	svc.CacheViewers(ttl)
	return db, svc, now
}

// TestViewerCache: a token check reuses the previous one's read for the TTL, sees at once
// what is written through the server (role, revoked session, deactivation, a technician
// profile), and what is written behind its back (deactivation, deleted session) once the TTL
// has passed; with no TTL it reads every time.
func TestViewerCache(t *testing.T) {
	sys := viewer.SystemContext(context.Background())
	db, svc, now := cachingService(t, time.Second)
	u := db.Ent.User.Create().SetEmail("tech@example.com").SetPasswordHash("x").SetRole(domain.RoleResponsable).SaveX(sys)
	token := func() string {
		pair, err := svc.OpenSession(sys, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		return pair.AccessToken
	}
	check := func(tok string) (*viewer.Viewer, int64) {
		t.Helper()
		before := db.Statements()
		v, err := svc.Authenticate(context.Background(), tok)
		if err != nil && !errors.Is(err, auth.ErrSessionEnded) {
			t.Fatal(err)
		}
		return v, db.Statements() - before
	}

	tok := token()
	if v, n := check(tok); v == nil || n != 1 {
		t.Fatalf("first check: viewer %v after %d statements, want one read", v, n)
	}
	if v, n := check(tok); v == nil || v.Role != domain.RoleResponsable || n != 0 {
		t.Fatalf("second check: viewer %v after %d statements, want the cached one", v, n)
	}

	// Written through the server: seen on the next check.
	tech := db.Ent.Technicien.Create().SetUserID(u.ID).SaveX(sys)
	if v, _ := check(tok); v == nil || v.TechnicienID != tech.ID {
		t.Errorf("after the technician profile: %+v, want technicien %d", v, tech.ID)
	}
	db.Ent.User.UpdateOneID(u.ID).AddTokenVersion(1).ExecX(sys) // what a password change does
	if v, _ := check(tok); v != nil {
		t.Error("a token of before the password change is still accepted")
	}
	tok = token()
	check(tok) // cached while the session is alive
	// What a logout does: the session's refresh tokens are revoked.
	db.Ent.RefreshToken.Update().Where(refreshtoken.UserID(u.ID)).SetRevokedAt(*now).ExecX(sys)
	if v, _ := check(tok); v != nil {
		t.Error("a token of a revoked session is still accepted")
	}
	tok = token()
	if v, _ := check(tok); v == nil {
		t.Fatal("the new token is refused")
	}
	db.Ent.User.UpdateOneID(u.ID).SetIsActive(false).ExecX(sys)
	if v, _ := check(tok); v != nil {
		t.Error("a deactivated user is still accepted")
	}

	// Written behind the server's back: seen once the TTL has passed.
	behind := func(stmt string) {
		t.Helper()
		check(tok) // cached, accepted
		if _, err := db.SQL.ExecContext(sys, stmt); err != nil {
			t.Fatal(err)
		}
		if v, n := check(tok); v == nil || n != 0 {
			t.Fatalf("within the TTL: %v after %d statements, want the cached viewer", v, n)
		}
		*now = now.Add(time.Second)
		if v, n := check(tok); v != nil || n != 1 {
			t.Errorf("after the TTL: %v after %d statements, want a read that refuses", v, n)
		}
	}
	db.Ent.User.UpdateOneID(u.ID).SetIsActive(true).ExecX(sys)
	behind("UPDATE " + user.Table + " SET is_active = false WHERE id = " + strconv.Itoa(u.ID))
	db.Ent.User.UpdateOneID(u.ID).SetIsActive(true).ExecX(sys)
	tok = token()
	behind("DELETE FROM " + refreshtoken.Table + " WHERE user_id = " + strconv.Itoa(u.ID))
	tok = token()

	// Off: every check reads.
	svc.CacheViewers(0)
	db.Ent.User.Update().Where(user.ID(u.ID)).SetIsActive(true).ExecX(sys)
	for range 2 {
		if v, n := check(tok); v == nil || n != 1 {
			t.Errorf("without cache: %v after %d statements, want one read", v, n)
		}
	}
}

// The cache keeps a verified token's claims, never past their expiry, and only for that exact
// token.
func TestTokenClaimsCache(t *testing.T) {
	sys := viewer.SystemContext(context.Background())
	db, svc, now := cachingService(t, time.Minute)
	u := db.Ent.User.Create().SetEmail("resp@example.com").SetPasswordHash("x").SetRole(domain.RoleResponsable).SaveX(sys)
	pair, err := svc.OpenSession(sys, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	tok := pair.AccessToken
	if _, err := svc.Authenticate(context.Background(), tok); err != nil {
		t.Fatalf("fresh token: %v", err)
	}
	// Another signature on the same header and claims: not the cached token.
	forged := tok[:strings.LastIndexByte(tok, '.')+1] + "AAAA" + tok[len(tok)-10:]
	if _, err := svc.Authenticate(context.Background(), forged); err == nil || !strings.Contains(err.Error(), "signature is invalid") {
		t.Errorf("forged signature: %v, want a refused signature", err)
	}
	cases := []struct {
		name  string
		after time.Duration
		want  error
	}{
		{"before expiry", 59 * time.Minute, nil},
		{"within the leeway", time.Hour + 4*time.Second, nil},
		{"past expiry", time.Hour + 6*time.Second, auth.ErrTokenExpired},
	}
	start := *now
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			*now = start.Add(tc.after)
			_, err := svc.Authenticate(context.Background(), tok)
			if !errors.Is(err, tc.want) {
				t.Errorf("Authenticate = %v, want %v", err, tc.want)
			}
		})
	}
}

// TestSessionExpiry: an access token is refused once the last refresh token of its session
// has expired, even when the access token itself has not.
func TestSessionExpiry(t *testing.T) {
	sys := viewer.SystemContext(context.Background())
	db, svc, now := cachingService(t, time.Second)
	svc.RefreshTTL = 30 * time.Minute // shorter than the access tokens' hour
	u := db.Ent.User.Create().SetEmail("court@example.com").SetPasswordHash("x").SetRole(domain.RoleTechnicien).SaveX(sys)
	pair, err := svc.OpenSession(sys, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	start := *now
	cases := []struct {
		name  string
		after time.Duration
		want  error
	}{
		{"SessionAlive", 29 * time.Minute, nil},
		{"SessionExpired", 31 * time.Minute, auth.ErrSessionEnded},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			*now = start.Add(tc.after)
			if _, err := svc.Authenticate(context.Background(), pair.AccessToken); !errors.Is(err, tc.want) {
				t.Errorf("Authenticate = %v, want %v", err, tc.want)
			}
		})
	}
}
