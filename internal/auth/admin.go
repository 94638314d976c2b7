package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/mail"
	"strings"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/ent/user"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/viewer"
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
	exists, err := client.User.Query().Where(user.EmailNEQ(SystemEmail)).Exist(ctx)
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

// SystemEmail is the account that signs what the server does on its own (the scheduler's
// interventions and their history). It cannot log in.
const SystemEmail = "systeme@mif-maroc.local"

// EnsureSystemUser returns the system account, creating it the first time.
func EnsureSystemUser(ctx context.Context, client *ent.Client) (*ent.User, error) {
	sys := viewer.SystemContext(ctx)
	u, err := client.User.Query().Where(user.Email(SystemEmail)).Only(sys)
	if err == nil || !ent.IsNotFound(err) {
		return u, err
	}
	err = client.User.Create().
		SetEmail(SystemEmail).
		SetNomComplet("Système (planificateur)").
		SetPasswordHash("!system"). // no bcrypt hash matches: no login
		SetRole(domain.RoleAdmin).
		SetIsActive(false).
		SetEmailNotifications(false).
		OnConflictColumns(user.FieldEmail).
		DoNothing().
		Exec(sys)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("creating the system user: %w", err)
	}
	return client.User.Query().Where(user.Email(SystemEmail)).Only(sys)
}
