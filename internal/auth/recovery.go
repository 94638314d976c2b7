package auth

import (
	"context"
	"fmt"
	"net/url"
	"time"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/ent/passwordreset"
	"github.com/mifmaroc/erp/ent/user"
	"github.com/mifmaroc/erp/internal/database"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/i18n"
	"github.com/mifmaroc/erp/internal/notify"
	"github.com/mifmaroc/erp/internal/pubsub"
	"github.com/mifmaroc/erp/internal/viewer"
)

// Password recovery: a user who forgot his password asks for a link by email; the link
// carries a single-use token valid for ResetTTL.
const (
	ResetTTL = 30 * time.Minute
	// ResetsPerHour bounds the links sent to one account in an hour, whatever the address
	// asking (the HTTP layer also limits each address): a mailbox cannot be flooded.
	ResetsPerHour = 3
)

// SetPassword stores a new password hash for the user, inside tx: the password becomes
// temporary (the user must change it) or his own, a lockout is lifted, reset links not yet
// used stop working, and every session of the account ends. It is the one way a password
// changes: by the user, by an admin, by a reset link.
func SetPassword(ctx context.Context, tx *ent.Client, userID int, hash string, temporary bool, now time.Time) error {
	sys := viewer.SystemContext(ctx)
	err := tx.User.UpdateOneID(userID).
		SetPasswordHash(hash).
		SetPasswordChangedAt(now).
		SetMustChangePassword(temporary).
		SetFailedLoginAttempts(0).
		ClearLockedUntil().
		ClearLastFailedLoginAt().
		Exec(sys)
	if err != nil {
		return fmt.Errorf("storing new password of %d: %w", userID, err)
	}
	err = tx.PasswordReset.Update().
		Where(passwordreset.UserID(userID), passwordreset.UsedAtIsNil()).
		SetUsedAt(now).
		Exec(sys)
	if err != nil {
		return fmt.Errorf("spending reset links of %d: %w", userID, err)
	}
	return EndSessions(sys, tx, userID, now)
}

// Recovery sends and honours "forgot password" links.
type Recovery struct {
	Client     *ent.Client
	BcryptCost int
	// LinkURL is the frontend page that asks for the new password; the token is added as
	// its query parameter "token". Empty: the email gives the token alone.
	LinkURL string
	Now     func() time.Time
	Events  *pubsub.Bus
	Log     interface {
		InfoContext(ctx context.Context, msg string, args ...any)
		WarnContext(ctx context.Context, msg string, args ...any)
	}
}

// Request emails a reset link to the account of email, if there is an active one. Its answer
// is the same whether or not there is: nil, unless the server fails. Links already sent stay
// valid until they expire or one is used.
func (r *Recovery) Request(ctx context.Context, email, ip string) error {
	sys := viewer.SystemContext(ctx)
	norm, valid := validEmail(email)
	if !valid {
		return nil // no account has a malformed address: the same silence
	}
	u, err := r.Client.User.Query().
		Where(user.Email(norm), user.IsActive(true), user.DeletedAtIsNil()).
		Only(sys)
	if ent.IsNotFound(err) {
		r.Log.InfoContext(ctx, "password reset asked for an unknown or inactive account", "event", "password_reset_unknown", "email", norm, "ip", ip)
		return nil
	}
	if err != nil {
		return fmt.Errorf("looking up %s: %w", norm, err)
	}
	now := r.Now()
	recent, err := r.Client.PasswordReset.Query().
		Where(passwordreset.UserID(u.ID), passwordreset.CreatedAtGT(now.Add(-time.Hour))).
		Count(sys)
	if err != nil {
		return fmt.Errorf("counting reset links of %d: %w", u.ID, err)
	}
	if recent >= ResetsPerHour {
		r.Log.WarnContext(ctx, "password reset refused: too many links this hour", "event", "password_reset_limited", "user_id", u.ID, "ip", ip)
		return nil
	}
	token := randomToken()
	var events []pubsub.Event
	err = r.Events.Collect(sys, r.Client, &events, func(tx *ent.Client) error {
		err := tx.PasswordReset.Create().
			SetUserID(u.ID).
			SetTokenHash(hashToken(token)).
			SetExpiresAt(now.Add(ResetTTL)).
			SetIP(ip).
			Exec(sys)
		if err != nil {
			return fmt.Errorf("storing reset link: %w", err)
		}
		// Through the notification outbox: stored with the token, sent with retries, so an
		// SMTP outage delays the email instead of losing it.
		events, err = notify.Send(sys, tx, notify.Notice{
			Type:   domain.NotificationInformation,
			Sujet:  i18n.M("Resetting your password"),
			Always: true,
			Message: i18n.M("A reset of your account's password was requested. %s "+
				"This link is valid for %d minutes and works once. If you did not ask for it, ignore this message: your password stays as it is.",
				r.link(token), int(ResetTTL/time.Minute)),
		}, u.ID)
		return err
	})
	if err != nil {
		return err
	}
	r.Log.InfoContext(ctx, "password reset link sent", "event", "password_reset_requested", "user_id", u.ID, "ip", ip)
	return nil
}

func (r *Recovery) link(token string) i18n.Message {
	if r.LinkURL == "" {
		return i18n.M("Reset code: %s.", token)
	}
	u, err := url.Parse(r.LinkURL)
	if err != nil {
		return i18n.M("Reset code: %s.", token)
	}
	q := u.Query()
	q.Set("token", token)
	u.RawQuery = q.Encode()
	return i18n.M("Choose a new password here: %s", u.String())
}

var errResetRefused = domain.Errorf(domain.CodeBadUserInput, "this reset link is invalid, expired or already used: ask for a new one")

// Reset sets a new password with the token of a reset link, which it spends, and ends every
// session of the account. Errors: BAD_USER_INPUT (password policy; a link invalid, expired
// or used: one answer for all three).
func (r *Recovery) Reset(ctx context.Context, token, password, ip string) error {
	sys := viewer.SystemContext(ctx)
	hash, err := HashPassword(password, r.BcryptCost)
	if err != nil {
		return err
	}
	now := r.Now()
	var userID int
	err = database.WithTx(sys, r.Client, func(tx *ent.Client) error {
		pr, err := tx.PasswordReset.Query().
			Where(passwordreset.TokenHash(hashToken(token))).
			WithUser().
			Only(sys)
		if ent.IsNotFound(err) {
			return errResetRefused
		}
		if err != nil {
			return fmt.Errorf("looking up reset link: %w", err)
		}
		if u := pr.Edges.User; u == nil || !u.IsActive || u.DeletedAt != nil {
			return errResetRefused
		}
		// Spent only if nobody spent it in between: of two racing resets, one wins.
		n, err := tx.PasswordReset.Update().
			Where(passwordreset.ID(pr.ID), passwordreset.UsedAtIsNil(), passwordreset.ExpiresAtGT(now)).
			SetUsedAt(now).
			Save(sys)
		if err != nil {
			return fmt.Errorf("spending reset link: %w", err)
		}
		if n == 0 {
			return errResetRefused
		}
		userID = pr.UserID
		return SetPassword(sys, tx, userID, hash, false, now)
	})
	if err != nil {
		return err
	}
	r.Log.InfoContext(ctx, "password reset", "event", "password_reset", "user_id", userID, "ip", ip)
	return nil
}

// validEmail is email normalized, and whether it is an address at all.
func validEmail(email string) (string, bool) {
	norm, err := NormalizeEmail(email)
	return norm, err == nil
}
