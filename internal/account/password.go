package account

import (
	"context"
	"fmt"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/internal/auth"
	"github.com/mifmaroc/erp/internal/database"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/viewer"
)

// SetTemporaryPassword gives a user a password chosen by an admin (or generated when
// password is empty, and returned so that the admin can hand it over): every session of the
// account ends, and until the user changes it his sessions may only read me and change the
// password. It is how an admin lets back in a user who cannot use "forgot password" (no
// mailbox at hand). Errors: FORBIDDEN (not an admin), NOT_FOUND, CONFLICT (deleted account),
// BAD_USER_INPUT (password policy).
func (s *Service) SetTemporaryPassword(ctx context.Context, id int, password string) (*ent.User, string, error) {
	if err := viewer.Require(ctx, "set passwords", domain.RoleAdmin); err != nil {
		return nil, "", err
	}
	if password == "" {
		password = auth.GeneratePassword()
	}
	hash, err := auth.HashPassword(password, s.BcryptCost)
	if err != nil {
		return nil, "", err
	}
	var out *ent.User
	err = database.WithTx(ctx, s.Client, func(tx *ent.Client) error {
		u, err := tx.User.Get(ctx, id)
		if err != nil {
			return err
		}
		if u.DeletedAt != nil {
			return domain.Errorf(domain.CodeConflict, "user %d was deleted", id)
		}
		if err := auth.SetPassword(ctx, tx, id, hash, true, s.Now()); err != nil {
			return err
		}
		out, err = tx.User.Get(ctx, id)
		if err != nil {
			return fmt.Errorf("reading user %d: %w", id, err)
		}
		return nil
	})
	if err != nil {
		return nil, "", err
	}
	s.audit(ctx, "temporary password set", "password_set_by_admin", id)
	return out, password, nil
}
