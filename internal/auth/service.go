package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"log/slog"
	"time"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/ent/refreshtoken"
	"github.com/mifmaroc/erp/ent/user"
	"github.com/mifmaroc/erp/internal/database"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/viewer"
)

// Lockout policy: after MaxFailures failed logins within FailureWindow the account is locked
// for LockBase, doubled at each further failure, at most LockMax.
const (
	MaxFailures   = 5
	FailureWindow = 15 * time.Minute
	LockBase      = time.Minute
	LockMax       = time.Hour
)

// ErrBadCredentials is the one answer to a failed login, whatever the cause (unknown email,
// wrong password, locked or inactive account), so that it tells an attacker nothing.
var ErrBadCredentials = &domain.Error{Code: domain.CodeUnauthenticated, Message: "incorrect email or password"}

// errRefreshRefused is the answer to any refresh token that cannot be used.
var errRefreshRefused = &domain.Error{Code: domain.CodeUnauthenticated, Message: "invalid or expired refresh token: log in again"}

// Service authenticates users: login with lockout, access and refresh tokens, sessions.
type Service struct {
	Client     *ent.Client
	Dialect    string // of Client's database: the viewer query is built for it
	Tokens     Tokens
	RefreshTTL time.Duration
	BcryptCost int
	Log        *slog.Logger
	// VerifyPassword compares a password with a hash (nil: the package's VerifyPassword);
	// tests count through it that every refusal costs one comparison.
	VerifyPassword func(hash, password string) bool

	dummyHash string       // compared against when the email is unknown, to keep timing flat
	viewers   *viewerCache // recent token checks (CacheViewers); nil: none
}

// verify is the one bcrypt comparison of a login attempt.
func (s *Service) verify(hash, password string) bool {
	if s.VerifyPassword != nil {
		return s.VerifyPassword(hash, password)
	}
	return VerifyPassword(hash, password)
}

// NewService builds a Service for the database of client, whose dialect is dia.
func NewService(client *ent.Client, dia string, tokens Tokens, refreshTTL time.Duration, cost int, log *slog.Logger) (*Service, error) {
	dummy, err := HashPassword(GeneratePassword(), cost)
	if err != nil {
		return nil, err
	}
	return &Service{Client: client, Dialect: dia, Tokens: tokens, RefreshTTL: refreshTTL, BcryptCost: cost, Log: log, dummyHash: dummy}, nil
}

// TokenPair is what a login or a refresh returns.
type TokenPair struct {
	AccessToken  string
	ExpiresIn    time.Duration
	RefreshToken string
	// MustChangePassword: the password is temporary; the session may only read me and
	// change it.
	MustChangePassword bool
}

// Login checks email and password and opens a session. Every refusal is ErrBadCredentials,
// after exactly one bcrypt comparison (against a dummy hash when there is no usable one), so
// that neither the answer nor its time tells whether the email exists or why it was refused.
func (s *Service) Login(ctx context.Context, email, password, ip string) (*TokenPair, error) {
	sys := viewer.SystemContext(ctx)
	now := s.Tokens.Now()
	norm, _ := NormalizeEmail(email)
	u, err := s.Client.User.Query().Where(user.Email(norm)).Only(sys)
	if ent.IsNotFound(err) {
		s.verify(s.dummyHash, password)
		s.Log.WarnContext(ctx, "login failed", "event", "login_failed", "reason", "unknown_email", "email", norm, "ip", ip)
		return nil, ErrBadCredentials
	}
	if err != nil {
		return nil, fmt.Errorf("looking up %s: %w", norm, err)
	}
	if u.LockedUntil != nil && now.Before(*u.LockedUntil) {
		s.verify(s.dummyHash, password)
		s.Log.WarnContext(ctx, "login refused: account locked", "event", "login_failed", "reason", "locked",
			"user_id", u.ID, "email", norm, "ip", ip, "locked_until", u.LockedUntil)
		return nil, ErrBadCredentials
	}
	if !s.verify(u.PasswordHash, password) {
		if err := s.recordFailure(sys, u.ID, now); err != nil {
			return nil, err
		}
		s.Log.WarnContext(ctx, "login failed", "event", "login_failed", "reason", "bad_password", "user_id", u.ID, "email", norm, "ip", ip)
		return nil, ErrBadCredentials
	}
	if !u.IsActive || u.DeletedAt != nil {
		s.Log.WarnContext(ctx, "login refused: inactive account", "event", "login_failed", "reason", "inactive", "user_id", u.ID, "email", norm, "ip", ip)
		return nil, ErrBadCredentials
	}
	u, err = s.Client.User.UpdateOneID(u.ID).
		SetFailedLoginAttempts(0).
		ClearLockedUntil().
		ClearLastFailedLoginAt().
		SetLastLoginAt(now).
		Save(sys)
	if err != nil {
		return nil, fmt.Errorf("recording login of %d: %w", u.ID, err)
	}
	pair, err := s.issue(sys, u, newFamily(), now)
	if err != nil {
		return nil, err
	}
	s.Log.InfoContext(ctx, "login", "event", "login_succeeded", "user_id", u.ID, "email", u.Email, "role", u.Role, "ip", ip)
	return pair, nil
}

// recordFailure counts a failed login in the current window and locks the account once the
// count reaches MaxFailures. The increment is atomic, so parallel guesses all count.
func (s *Service) recordFailure(ctx context.Context, id int, now time.Time) error {
	// A failure after a quiet window starts a new count.
	err := s.Client.User.Update().
		Where(user.ID(id), user.LastFailedLoginAtLT(now.Add(-FailureWindow))).
		SetFailedLoginAttempts(0).
		Exec(ctx)
	if err != nil {
		return fmt.Errorf("resetting failure count: %w", err)
	}
	u, err := s.Client.User.UpdateOneID(id).AddFailedLoginAttempts(1).SetLastFailedLoginAt(now).Save(ctx)
	if err != nil {
		return fmt.Errorf("counting failure: %w", err)
	}
	if u.FailedLoginAttempts < MaxFailures {
		return nil
	}
	lock := LockBase << min(u.FailedLoginAttempts-MaxFailures, 10)
	lock = min(lock, LockMax)
	s.Log.WarnContext(ctx, "account locked after failed logins", "event", "account_locked", "user_id", id,
		"failures", u.FailedLoginAttempts, "lock", lock.String())
	return s.Client.User.UpdateOneID(id).SetLockedUntil(now.Add(lock)).Exec(ctx)
}

// issue signs an access token and stores a new refresh token of family for u.
func (s *Service) issue(ctx context.Context, u *ent.User, family string, now time.Time) (*TokenPair, error) {
	access, ttl, err := s.Tokens.Issue(Subject{UserID: u.ID, Email: u.Email, Role: u.Role, Version: u.TokenVersion, Session: family})
	if err != nil {
		return nil, err
	}
	refresh := randomToken()
	err = s.Client.RefreshToken.Create().
		SetTokenHash(hashToken(refresh)).
		SetFamily(family).
		SetExpiresAt(now.Add(s.RefreshTTL)).
		SetUserID(u.ID).
		Exec(ctx)
	if err != nil {
		return nil, fmt.Errorf("storing refresh token: %w", err)
	}
	return &TokenPair{AccessToken: access, ExpiresIn: ttl, RefreshToken: refresh, MustChangePassword: u.MustChangePassword}, nil
}

// Refresh rotates a refresh token: the presented one is spent and a new pair returned. A token
// presented after it was spent was stolen or replayed: its whole family is revoked.
func (s *Service) Refresh(ctx context.Context, refresh, ip string) (*TokenPair, error) {
	sys := viewer.SystemContext(ctx)
	now := s.Tokens.Now()
	rt, err := s.Client.RefreshToken.Query().Where(refreshtoken.TokenHash(hashToken(refresh))).WithUser().Only(sys)
	if ent.IsNotFound(err) {
		return nil, errRefreshRefused
	}
	if err != nil {
		return nil, fmt.Errorf("looking up refresh token: %w", err)
	}
	if rt.UsedAt != nil || rt.RevokedAt != nil {
		n, err := s.revokeFamily(sys, rt.Family, now)
		if err != nil {
			return nil, err
		}
		s.Log.WarnContext(ctx, "refresh token reused: session family revoked", "event", "refresh_reuse",
			"user_id", rt.UserID, "family", rt.Family, "revoked", n, "ip", ip)
		return nil, errRefreshRefused
	}
	u := rt.Edges.User
	if now.After(rt.ExpiresAt) || u == nil || !u.IsActive || u.DeletedAt != nil {
		return nil, errRefreshRefused
	}
	// Spend it only if nobody spent it in between: of two racing refreshes, one wins.
	n, err := s.Client.RefreshToken.Update().
		Where(refreshtoken.ID(rt.ID), refreshtoken.UsedAtIsNil(), refreshtoken.RevokedAtIsNil()).
		SetUsedAt(now).
		Save(sys)
	if err != nil {
		return nil, fmt.Errorf("spending refresh token: %w", err)
	}
	if n == 0 {
		return nil, errRefreshRefused
	}
	return s.issue(sys, u, rt.Family, now)
}

// Logout revokes the session (the refresh token's whole family). Unknown tokens are ignored:
// logging out twice is not an error.
func (s *Service) Logout(ctx context.Context, refresh string) error {
	sys := viewer.SystemContext(ctx)
	rt, err := s.Client.RefreshToken.Query().Where(refreshtoken.TokenHash(hashToken(refresh))).Only(sys)
	if ent.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("looking up refresh token: %w", err)
	}
	_, err = s.revokeFamily(sys, rt.Family, s.Tokens.Now())
	if err == nil {
		s.Log.InfoContext(ctx, "logout", "event", "logout", "user_id", rt.UserID)
	}
	return err
}

func (s *Service) revokeFamily(ctx context.Context, family string, now time.Time) (int, error) {
	n, err := s.Client.RefreshToken.Update().
		Where(refreshtoken.Family(family), refreshtoken.RevokedAtIsNil()).
		SetRevokedAt(now).
		Save(ctx)
	if err != nil {
		return 0, fmt.Errorf("revoking session family: %w", err)
	}
	return n, nil
}

// EndSessions makes every token of the user stop working: access tokens by bumping the token
// version, refresh tokens by revoking them. Call it inside the transaction of the change that
// requires it (password change, deactivation, deletion).
func EndSessions(ctx context.Context, tx *ent.Client, userID int, now time.Time) error {
	sys := viewer.SystemContext(ctx)
	if err := tx.User.UpdateOneID(userID).AddTokenVersion(1).Exec(sys); err != nil {
		return fmt.Errorf("invalidating tokens of %d: %w", userID, err)
	}
	err := tx.RefreshToken.Update().
		Where(refreshtoken.UserID(userID), refreshtoken.RevokedAtIsNil()).
		SetRevokedAt(now).
		Exec(sys)
	if err != nil {
		return fmt.Errorf("revoking refresh tokens of %d: %w", userID, err)
	}
	return nil
}

// OpenSession opens a session for the user without checking a password or the account's
// state, and returns its first pair: for the server's own tools and tests. People log in.
func (s *Service) OpenSession(ctx context.Context, userID int) (*TokenPair, error) {
	sys := viewer.SystemContext(ctx)
	u, err := s.Client.User.Get(sys, userID)
	if err != nil {
		return nil, fmt.Errorf("loading user %d: %w", userID, err)
	}
	return s.issue(sys, u, newFamily(), s.Tokens.Now())
}

// Authenticate turns an access token into the request's viewer. The user and the token's
// session are read on every request (one statement, cached for AUTH_CACHE_TTL) so that a
// logout, a reused refresh token, deactivation, deletion, a password change or a role change
// take effect from the next request on. A genuine token whose session no longer holds is
// ErrSessionEnded.
func (s *Service) Authenticate(ctx context.Context, token string) (*viewer.Viewer, error) {
	c, err := s.parseToken(token)
	if err != nil {
		return nil, err
	}
	e, err := s.checkedViewer(ctx, c.UserID, c.SessionID)
	if err != nil {
		return nil, err
	}
	if !e.found || !e.active || e.version != c.Version || !e.session {
		return nil, ErrSessionEnded
	}
	v := e.v // a copy: the caller's context gets its own
	return &v, nil
}

func newFamily() string { return randomToken()[:22] }

// randomToken is 256 random bits, URL-safe.
func randomToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return base64.RawURLEncoding.EncodeToString(b)
}

// hashToken is what is stored of a refresh token: a database leak gives no usable token.
func hashToken(t string) string {
	sum := sha256.Sum256([]byte(t))
	return hex.EncodeToString(sum[:])
}

// ChangePassword replaces the viewer's password after checking the current one, ends every
// session of the user (other devices included) and opens a new one for this device.
func (s *Service) ChangePassword(ctx context.Context, userID int, current, next, ip string) (*TokenPair, error) {
	sys := viewer.SystemContext(ctx)
	u, err := s.Client.User.Get(sys, userID)
	if err != nil {
		return nil, fmt.Errorf("loading user %d: %w", userID, err)
	}
	if !s.verify(u.PasswordHash, current) {
		s.Log.WarnContext(ctx, "password change refused: wrong current password", "event", "password_change_failed", "user_id", userID, "ip", ip)
		return nil, domain.Errorf(domain.CodeBadUserInput, "the current password is incorrect")
	}
	if current == next {
		return nil, domain.Errorf(domain.CodeBadUserInput, "the new password must differ from the current one")
	}
	hash, err := HashPassword(next, s.BcryptCost)
	if err != nil {
		return nil, err
	}
	now := s.Tokens.Now()
	var pair *TokenPair
	err = database.WithTx(sys, s.Client, func(tx *ent.Client) error {
		if err := SetPassword(sys, tx, userID, hash, false, now); err != nil {
			return err
		}
		fresh, err := tx.User.Get(sys, userID)
		if err != nil {
			return err
		}
		txs := *s
		txs.Client = tx
		pair, err = txs.issue(sys, fresh, newFamily(), now)
		return err
	})
	if err != nil {
		return nil, err
	}
	s.Log.InfoContext(ctx, "password changed", "event", "password_changed", "user_id", userID, "ip", ip)
	return pair, nil
}
