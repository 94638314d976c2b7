package auth

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/mifmaroc/erp/internal/domain"
)

// tokenLeeway is the clock skew an access token's times are given.
const tokenLeeway = 5 * time.Second

// Claims are the access token's claims (seed §6 and §10.3): sub is the email, role a plain
// string, ver the user's token version (a password change or deactivation bumps it), sid the
// session (the family of the refresh tokens issued with it), so that ending the session
// refuses its access tokens too.
type Claims struct {
	jwt.RegisteredClaims
	UserID    int    `json:"user_id"`
	Role      string `json:"role"`
	Version   int    `json:"ver"`
	SessionID string `json:"sid"`
}

// Tokens issues and checks HS256 access tokens following RFC 8725: the algorithm is pinned
// on parse, exp is required, iss and aud are checked.
type Tokens struct {
	Key      []byte
	Issuer   string
	Audience string
	TTL      time.Duration
	Now      func() time.Time
}

// Subject is who a token is issued for.
type Subject struct {
	UserID  int
	Email   string
	Role    domain.Role
	Version int
	Session string // the refresh token family the access token belongs to
}

// Issue signs an access token for s; it returns the token and its lifetime.
func (t Tokens) Issue(s Subject) (string, time.Duration, error) {
	now := t.Now()
	c := Claims{
		RegisteredClaims: jwt.RegisteredClaims{
			Subject:   s.Email,
			Issuer:    t.Issuer,
			Audience:  jwt.ClaimStrings{t.Audience},
			IssuedAt:  jwt.NewNumericDate(now),
			NotBefore: jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(now.Add(t.TTL)),
			ID:        strconv.FormatInt(now.UnixNano(), 36),
		},
		UserID:    s.UserID,
		Role:      string(s.Role),
		Version:   s.Version,
		SessionID: s.Session,
	}
	signed, err := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(t.Key)
	if err != nil {
		return "", 0, fmt.Errorf("signing access token: %w", err)
	}
	return signed, t.TTL, nil
}

// ErrTokenExpired, ErrTokenInvalid and ErrSessionEnded are the reasons a token is refused;
// all are UNAUTHENTICATED for the client. ErrSessionEnded is a genuine token whose session is
// over (logout, refresh token reuse, password change, deactivation, deletion).
var (
	ErrTokenExpired = &domain.Error{Code: domain.CodeUnauthenticated, Message: "token expired: refresh it or log in again"}
	ErrTokenInvalid = &domain.Error{Code: domain.CodeUnauthenticated, Message: "invalid token"}
	ErrSessionEnded = &domain.Error{Code: domain.CodeUnauthenticated, Message: "session ended: log in again"}
)

// Parse checks the token's signature, algorithm, expiry, issuer and audience.
func (t Tokens) Parse(token string) (*Claims, error) {
	var c Claims
	_, err := jwt.ParseWithClaims(token, &c,
		func(*jwt.Token) (any, error) { return t.Key, nil },
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithIssuer(t.Issuer),
		jwt.WithAudience(t.Audience),
		jwt.WithTimeFunc(t.Now),
		jwt.WithLeeway(tokenLeeway),
	)
	switch {
	case errors.Is(err, jwt.ErrTokenExpired):
		return nil, ErrTokenExpired
	case err != nil:
		return nil, &domain.Error{Code: domain.CodeUnauthenticated, Message: "invalid token", Err: err}
	case c.UserID == 0 || c.SessionID == "":
		// A token without a session cannot be ended before it expires: refused.
		return nil, ErrTokenInvalid
	}
	return &c, nil
}
