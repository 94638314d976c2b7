package auth_test

import (
	"context"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/mifmaroc/erp/internal/auth"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/testdb"
	"github.com/mifmaroc/erp/internal/viewer"
)

func TestEnsureFirstAdmin(t *testing.T) {
	ctx := viewer.SystemContext(context.Background())
	db := testdb.Open(t)

	u, pw, err := auth.EnsureFirstAdmin(ctx, db.Ent, "", "", bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	if u == nil || u.Email != auth.DefaultAdminEmail || u.Role != domain.RoleAdmin || !u.IsActive {
		t.Fatalf("first admin = %+v, want an active ADMIN %s", u, auth.DefaultAdminEmail)
	}
	if !auth.VerifyPassword(u.PasswordHash, pw) {
		t.Error("the printed password does not match the stored hash")
	}

	again, _, err := auth.EnsureFirstAdmin(ctx, db.Ent, "other@example.com", "", bcrypt.MinCost)
	if err != nil || again != nil {
		t.Errorf("second call = %v, %v; want nothing created", again, err)
	}
	if n := db.Ent.User.Query().CountX(ctx); n != 1 {
		t.Errorf("%d users, want 1", n)
	}
}

func TestCreateAdmin(t *testing.T) {
	ctx := viewer.SystemContext(context.Background())
	db := testdb.Open(t)
	if _, _, err := auth.CreateAdmin(ctx, db.Ent, " Chef@MIF.ma ", "un mot de passe long", bcrypt.MinCost); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, email, password string
		want                  domain.Code
	}{
		{"DuplicateEmail", "chef@mif.ma", "un mot de passe long", domain.CodeConflict},
		{"BadEmail", "chef", "un mot de passe long", domain.CodeBadUserInput},
		{"WeakPassword", "autre@mif.ma", "court", domain.CodeBadUserInput},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := auth.CreateAdmin(ctx, db.Ent, tt.email, tt.password, bcrypt.MinCost)
			e, ok := domain.AsError(err)
			if !ok || e.Code != tt.want {
				t.Errorf("CreateAdmin(%q) = %v, want %s", tt.email, err, tt.want)
			}
		})
	}
	if n := db.Ent.User.Query().CountX(ctx); n != 1 {
		t.Errorf("%d users after refused creations, want 1", n)
	}
}
