package auth

import (
	"context"
	"fmt"
	"net/mail"
	"strings"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/internal/domain"
)

// DefaultAdminEmail is the first admin's email when ADMIN_EMAIL is not set.
const DefaultAdminEmail = "admin@mif-maroc.local"

// NormalizeEmail trims and lower-cases an email and checks its form (BAD_USER_INPUT).
func NormalizeEmail(email string) (string, error) {
	e := strings.ToLower(strings.TrimSpace(email))
	if a, err := mail.ParseAddress(e); err != nil || a.Address != e {
		return "", domain.Errorf(domain.CodeBadUserInput, "%q is not a valid email address", email)
	}
	return e, nil
}

// CreateAdmin creates an active ADMIN user. An empty password is replaced by a generated one,
// returned so that it can be shown once. A taken email is CONFLICT.
func CreateAdmin(ctx context.Context, client *ent.Client, email, password string, cost int) (*ent.User, string, error) {
	email, err := NormalizeEmail(email)
	if err != nil {
		return nil, "", err
	}
	if password == "" {
		password = GeneratePassword()
	}
	hash, err := HashPassword(password, cost)
	if err != nil {
		return nil, "", err
	}
	u, err := client.User.Create().
		SetEmail(email).
		SetPasswordHash(hash).
		SetRole(domain.RoleAdmin).
		SetNomComplet("Administrateur").
		Save(ctx)
	if ent.IsConstraintError(err) {
		return nil, "", domain.Errorf(domain.CodeConflict, "a user with email %s already exists", email)
	}
	if err != nil {
		return nil, "", fmt.Errorf("creating admin %s: %w", email, err)
	}
	return u, password, nil
}

// EnsureFirstAdmin creates the first admin when the database has no user at all, and does
// nothing otherwise. It reports the user and password it created (nil when none).
func EnsureFirstAdmin(ctx context.Context, client *ent.Client, email, password string, cost int) (*ent.User, string, error) {
	exists, err := client.User.Query().Exist(ctx)
	if err != nil {
		return nil, "", fmt.Errorf("looking for users: %w", err)
	}
	if exists {
		return nil, "", nil
	}
	if email == "" {
		email = DefaultAdminEmail
	}
	return CreateAdmin(ctx, client, email, password, cost)
}
