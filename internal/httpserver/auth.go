package httpserver

import (
	"encoding/json"
	"errors"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/graph"
	"github.com/mifmaroc/erp/internal/auth"
	"github.com/mifmaroc/erp/internal/database"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/i18n"
	"github.com/mifmaroc/erp/internal/viewer"
)

// authenticate puts the request's viewer in its context when a valid bearer token is sent.
// A refused token leaves the request anonymous with the reason recorded, so that GraphQL
// answers UNAUTHENTICATED with it and the public routes still work.
func authenticate(svc *auth.Service, log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context() // requestLog already put the client's address in it
		if token, ok := bearerToken(r); ok {
			v, err := svc.Authenticate(ctx, token)
			if err != nil {
				if _, isDomain := domain.AsError(err); !isDomain {
					level := slog.LevelError
					if database.Unavailable(err) {
						level = slog.LevelWarn // an outage, already visible on /ready
					}
					log.Log(ctx, level, "authenticating request", "error", err)
				}
				ctx = viewer.WithAuthError(ctx, err)
			} else {
				ctx = viewer.NewContext(ctx, v)
				noteViewer(ctx, v)
			}
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

func bearerToken(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	scheme, token, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
		return "", false
	}
	return strings.TrimSpace(token), true
}

// clientIP is the peer address. (Behind a proxy it is the proxy's; trusting forwarded
// headers is a deployment decision left to the hardening work.)
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// maxAuthBody bounds the body of the REST authentication endpoints.
const maxAuthBody = 64 << 10

// authRoutes is the REST shim of the original backend: POST /auth/token, /auth/refresh,
// /auth/logout and GET /auth/me.
type authRoutes struct {
	svc      *auth.Service
	recovery *auth.Recovery
	client   *ent.Client
	log      *slog.Logger
	limit    *loginLimiter
	// resets bounds "forgot password" requests per email.
	resets *loginLimiter
}

func (a authRoutes) register(mux *http.ServeMux) {
	mux.HandleFunc("POST /auth/token", a.token)
	mux.HandleFunc("POST /auth/refresh", a.refresh)
	mux.HandleFunc("POST /auth/logout", a.logout)
	mux.HandleFunc("GET /auth/me", a.me)
	mux.HandleFunc("POST /auth/forgot-password", a.forgotPassword)
	mux.HandleFunc("POST /auth/reset-password", a.resetPassword)
}

// forgotPassword emails a reset link to the account of the email given, if there is one;
// the answer is the same either way (202), so that it tells nobody which emails have
// accounts.
func (a authRoutes) forgotPassword(w http.ResponseWriter, r *http.Request) {
	in, err := readFields(w, r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	email := strings.ToLower(strings.TrimSpace(in["email"]))
	if email == "" {
		a.fail(w, r, domain.Errorf(domain.CodeBadUserInput, "email is required"))
		return
	}
	// An address asks as often as it may log in (an office shares one); one mailbox gets
	// a few links at most.
	if !a.allow(w, r, a.limit, "reset-ip:"+clientIP(r)) || !a.allow(w, r, a.resets, "account:"+email) {
		return
	}
	if err := a.recovery.Request(r.Context(), email, clientIP(r)); err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]string{
		"detail": "if an active account has this email, a reset link valid 30 minutes was sent to it",
	})
}

// resetPassword sets a new password with the token of a reset link; every session of the
// account ends, and the user logs in with the new password.
func (a authRoutes) resetPassword(w http.ResponseWriter, r *http.Request) {
	in, err := readFields(w, r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	password := in["new_password"]
	if password == "" {
		password = in["password"]
	}
	if in["token"] == "" || password == "" {
		a.fail(w, r, domain.Errorf(domain.CodeBadUserInput, "token (from the reset email) and new_password are required"))
		return
	}
	// Guessing tokens is bounded like guessing passwords.
	if !a.allow(w, r, a.limit, "ip:"+clientIP(r)) {
		return
	}
	if err := a.recovery.Reset(r.Context(), in["token"], password, clientIP(r)); err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"detail": "password changed: log in with the new password"})
}

// allow takes one attempt of every key from l, or answers 429 and says false.
func (a authRoutes) allow(w http.ResponseWriter, r *http.Request, l *loginLimiter, keys ...string) bool {
	ok, wait := l.allow(keys...)
	if !ok {
		a.log.WarnContext(r.Context(), "rate limited", "event", "rate_limited", "path", r.URL.Path, "ip", clientIP(r))
		w.Header().Set("Retry-After", retryAfter(wait))
		writeJSON(w, http.StatusTooManyRequests, map[string]string{"detail": "too many attempts: retry later", "code": string(domain.CodeRateLimited)})
	}
	return ok
}

type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int    `json:"expires_in"`
	RefreshToken string `json:"refresh_token"`
	// The password is temporary: the frontend asks for a new one before anything else.
	MustChangePassword bool `json:"must_change_password"`
}

func pairResponse(p *auth.TokenPair) tokenResponse {
	return tokenResponse{p.AccessToken, "bearer", int(p.ExpiresIn / time.Second), p.RefreshToken, p.MustChangePassword}
}

// token logs in with the OAuth2 password form (username = the email) or email, or JSON.
func (a authRoutes) token(w http.ResponseWriter, r *http.Request) {
	in, err := readFields(w, r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	email := in["username"]
	if email == "" {
		email = in["email"]
	}
	if email == "" || in["password"] == "" {
		a.fail(w, r, domain.Errorf(domain.CodeBadUserInput, "username (your email) and password are required"))
		return
	}
	if !a.allow(w, r, a.limit, "ip:"+clientIP(r), "account:"+strings.ToLower(strings.TrimSpace(email))) {
		return
	}
	pair, err := a.svc.Login(r.Context(), email, in["password"], clientIP(r))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, pairResponse(pair))
}

func (a authRoutes) refresh(w http.ResponseWriter, r *http.Request) {
	pair, err := a.withRefreshToken(w, r, func(tok string) (*auth.TokenPair, error) {
		return a.svc.Refresh(r.Context(), tok, clientIP(r))
	})
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, pairResponse(pair))
}

func (a authRoutes) logout(w http.ResponseWriter, r *http.Request) {
	_, err := a.withRefreshToken(w, r, func(tok string) (*auth.TokenPair, error) {
		return nil, a.svc.Logout(r.Context(), tok)
	})
	if err != nil {
		a.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// withRefreshToken reads the refresh_token field (BAD_USER_INPUT when missing) and runs fn.
func (a authRoutes) withRefreshToken(w http.ResponseWriter, r *http.Request,
	fn func(string) (*auth.TokenPair, error)) (*auth.TokenPair, error) {
	in, err := readFields(w, r)
	if err != nil {
		return nil, err
	}
	if in["refresh_token"] == "" {
		return nil, domain.Errorf(domain.CodeBadUserInput, "refresh_token is required")
	}
	return fn(in["refresh_token"])
}

// meResponse is the user as the original REST backend returned it.
type meResponse struct {
	ID                 int         `json:"id"`
	Email              string      `json:"email"`
	Username           string      `json:"username,omitempty"`
	NomComplet         string      `json:"nom_complet,omitempty"`
	Telephone          string      `json:"telephone,omitempty"`
	Role               domain.Role `json:"role"`
	IsActive           bool        `json:"is_active"`
	EmailNotifications bool        `json:"email_notifications"`
	TechnicienID       int         `json:"technicien_id,omitempty"`
	ClientID           int         `json:"client_id,omitempty"`
	CreatedAt          time.Time   `json:"created_at"`
	LastLoginAt        *time.Time  `json:"last_login_at,omitempty"`
}

func (a authRoutes) me(w http.ResponseWriter, r *http.Request) {
	v := viewer.FromContext(r.Context())
	if v == nil {
		err := viewer.AuthError(r.Context())
		if err == nil {
			err = domain.Errorf(domain.CodeUnauthenticated, "authentication required: send Authorization: Bearer <token>")
		}
		a.fail(w, r, err)
		return
	}
	u, err := a.client.User.Get(r.Context(), v.UserID)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, meResponse{
		ID: u.ID, Email: u.Email, Username: u.Username, NomComplet: u.NomComplet, Telephone: u.Telephone,
		Role: u.Role, IsActive: u.IsActive, EmailNotifications: u.EmailNotifications,
		TechnicienID: v.TechnicienID, ClientID: v.SocieteID, CreatedAt: u.CreatedAt, LastLoginAt: u.LastLoginAt,
	})
}

// fail answers a REST error as {"detail": message, "code": CODE} with the status of the code;
// internal causes are logged and not shown.
func (a authRoutes) fail(w http.ResponseWriter, r *http.Request, err error) {
	e := graph.Classify(err)
	if _, meant := domain.AsError(err); !meant {
		a.log.ErrorContext(r.Context(), "auth endpoint failed", "path", r.URL.Path, "code", e.Code, "error", err)
	}
	if e.Code == domain.CodeUnavailable {
		w.Header().Set("Retry-After", "5")
	}
	if e.Code == domain.CodeUnauthenticated {
		w.Header().Set("WWW-Authenticate", `Bearer realm="mif-erp"`)
	}
	writeJSON(w, statusOf(e.Code), map[string]string{"detail": e.Localize(i18n.LangFrom(r.Context())), "code": string(e.Code)})
}

// readFields reads a form (urlencoded or multipart) or a flat JSON object of strings.
func readFields(w http.ResponseWriter, r *http.Request) (map[string]string, error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxAuthBody)
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	out := map[string]string{}
	switch ct {
	case "application/json":
		var raw map[string]any
		if err := json.NewDecoder(r.Body).Decode(&raw); err != nil {
			return nil, domain.Errorf(domain.CodeBadUserInput, "the body is not a JSON object")
		}
		for k, v := range raw {
			if s, ok := v.(string); ok {
				out[k] = s
			}
		}
	case "application/x-www-form-urlencoded", "multipart/form-data":
		var err error
		if ct == "multipart/form-data" {
			err = r.ParseMultipartForm(maxAuthBody)
		} else {
			err = r.ParseForm()
		}
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, domain.Errorf(domain.CodeBadUserInput, "the body is too large")
		}
		if err != nil {
			return nil, domain.Errorf(domain.CodeBadUserInput, "the form cannot be read")
		}
		for k := range r.PostForm {
			out[k] = r.PostForm.Get(k)
		}
	default:
		return nil, domain.Errorf(domain.CodeBadUserInput, "send application/x-www-form-urlencoded, multipart/form-data or application/json")
	}
	return out, nil
}
