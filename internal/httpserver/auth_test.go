package httpserver_test

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/internal/apptest"
	"github.com/mifmaroc/erp/internal/auth"
	"github.com/mifmaroc/erp/internal/domain"
)

type authResult struct {
	Status int
	Body   map[string]any
	Header http.Header
}

func (r authResult) str(k string) string { s, _ := r.Body[k].(string); return s }

func postForm(t *testing.T, env *apptest.Env, path string, form url.Values) authResult {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, env.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return send(t, req)
}

// send performs req and reads its JSON answer.
func send(t *testing.T, req *http.Request) authResult {
	t.Helper()
	res, err := apptest.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = res.Body.Close() }()
	b, _ := io.ReadAll(res.Body)
	out := authResult{Status: res.StatusCode, Header: res.Header}
	if len(b) > 0 {
		if err := json.Unmarshal(b, &out.Body); err != nil {
			t.Fatalf("%d %s: not JSON: %s", res.StatusCode, res.Request.URL.Path, b)
		}
	}
	return out
}

func login(t *testing.T, env *apptest.Env, email, password string) authResult {
	t.Helper()
	return postForm(t, env, "/auth/token", url.Values{"username": {email}, "password": {password}})
}

func TestLogin(t *testing.T) {
	env := apptest.New(t)
	u := env.User(t, "Karim", domain.RoleResponsable)
	inactive := env.User(t, "Ancien", domain.RoleTechnicien)
	env.Client.User.UpdateOne(inactive).SetIsActive(false).ExecX(env.Sys)

	t.Run("OK", func(t *testing.T) {
		r := login(t, env, "KARIM@example.com ", apptest.Password)
		if r.Status != http.StatusOK || r.str("token_type") != "bearer" || r.str("access_token") == "" || r.str("refresh_token") == "" {
			t.Fatalf("login = %d %v", r.Status, r.Body)
		}
		if exp, _ := r.Body["expires_in"].(float64); exp != 15*60 {
			t.Errorf("expires_in = %v, want 900", r.Body["expires_in"])
		}
		claims := jwt.MapClaims{}
		if _, _, err := jwt.NewParser().ParseUnverified(r.str("access_token"), claims); err != nil {
			t.Fatal(err)
		}
		if claims["sub"] != "karim@example.com" || claims["role"] != "RESPONSABLE" || claims["user_id"] != float64(u.ID) ||
			claims["iss"] == nil || claims["aud"] == nil || claims["exp"] == nil || claims["iat"] == nil {
			t.Errorf("claims = %v", claims)
		}
	})
	t.Run("EmailFieldAndJSON", func(t *testing.T) {
		if r := postForm(t, env, "/auth/token", url.Values{"email": {u.Email}, "password": {apptest.Password}}); r.Status != http.StatusOK {
			t.Errorf("form with email = %d %v", r.Status, r.Body)
		}
		req, _ := http.NewRequest(http.MethodPost, env.URL+"/auth/token",
			strings.NewReader(`{"email":"karim@example.com","password":"`+apptest.Password+`"}`))
		req.Header.Set("Content-Type", "application/json")
		if r := send(t, req); r.Status != http.StatusOK {
			t.Errorf("JSON login = %d %v", r.Status, r.Body)
		}
	})

	// Unknown email, wrong password and inactive account are indistinguishable.
	var messages []string
	for _, tt := range []struct{ name, email, password string }{
		{"UnknownEmail", "personne@example.com", apptest.Password},
		{"WrongPassword", u.Email, "pas le bon mot de passe"},
		{"Inactive", inactive.Email, apptest.Password},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := login(t, env, tt.email, tt.password)
			if r.Status != http.StatusUnauthorized || r.str("code") != "UNAUTHENTICATED" || r.Header.Get("WWW-Authenticate") == "" {
				t.Errorf("login = %d %v", r.Status, r.Body)
			}
			messages = append(messages, r.str("detail"))
		})
	}
	if len(messages) == 3 && (messages[0] != messages[1] || messages[1] != messages[2]) {
		t.Errorf("refusals differ: %q", messages)
	}
	t.Run("MissingFields", func(t *testing.T) {
		if r := postForm(t, env, "/auth/token", url.Values{"username": {u.Email}}); r.Status != http.StatusBadRequest {
			t.Errorf("without password = %d %v, want 400", r.Status, r.Body)
		}
	})
}

func TestLockout(t *testing.T) {
	env := apptest.New(t)
	u := env.User(t, "Cible", domain.RoleTechnicien)
	for i := 0; i < auth.MaxFailures; i++ {
		if r := login(t, env, u.Email, "mauvais mot de passe"); r.Status != http.StatusUnauthorized {
			t.Fatalf("failure %d = %d", i+1, r.Status)
		}
	}
	if r := login(t, env, u.Email, apptest.Password); r.Status != http.StatusUnauthorized {
		t.Fatalf("right password while locked = %d, want 401", r.Status)
	}
	locked := env.Client.User.GetX(env.Sys, u.ID)
	if locked.LockedUntil == nil || !locked.LockedUntil.After(env.Clock.Now()) {
		t.Fatalf("locked_until = %v, want in the future", locked.LockedUntil)
	}

	env.Clock.Advance(auth.LockBase + time.Second)
	if r := login(t, env, u.Email, apptest.Password); r.Status != http.StatusOK {
		t.Fatalf("after the lock = %d %v, want 200", r.Status, r.Body)
	}
	if after := env.Client.User.GetX(env.Sys, u.ID); after.FailedLoginAttempts != 0 || after.LockedUntil != nil {
		t.Errorf("after success: %d failures, locked until %v; want reset", after.FailedLoginAttempts, after.LockedUntil)
	}

	t.Run("FailuresOutsideWindowDoNotAccumulate", func(t *testing.T) {
		for i := 0; i < auth.MaxFailures-1; i++ {
			login(t, env, u.Email, "mauvais mot de passe")
		}
		env.Clock.Advance(auth.FailureWindow + time.Minute)
		login(t, env, u.Email, "mauvais mot de passe")
		if r := login(t, env, u.Email, apptest.Password); r.Status != http.StatusOK {
			t.Errorf("login = %d, want 200: old failures must not count", r.Status)
		}
	})
}

func TestRefreshRotation(t *testing.T) {
	env := apptest.New(t)
	u := env.User(t, "Sami", domain.RoleTechnicien)
	first := login(t, env, u.Email, apptest.Password)
	refresh := func(tok string) authResult {
		return postForm(t, env, "/auth/refresh", url.Values{"refresh_token": {tok}})
	}

	second := refresh(first.str("refresh_token"))
	if second.Status != http.StatusOK || second.str("refresh_token") == first.str("refresh_token") || second.str("access_token") == "" {
		t.Fatalf("refresh = %d %v, want a new pair", second.Status, second.Body)
	}
	me := env.GraphQL(t, second.str("access_token"))
	var got struct{ Me struct{ Email string } }
	me.MustData(`{ me { email } }`, nil, &got)
	if got.Me.Email != u.Email {
		t.Errorf("me = %q", got.Me.Email)
	}

	// Replaying the spent token revokes the whole family, the fresh token included.
	if r := refresh(first.str("refresh_token")); r.Status != http.StatusUnauthorized {
		t.Fatalf("reuse = %d, want 401", r.Status)
	}
	if r := refresh(second.str("refresh_token")); r.Status != http.StatusUnauthorized {
		t.Errorf("token of a revoked family = %d, want 401", r.Status)
	}

	t.Run("Logout", func(t *testing.T) {
		s := login(t, env, u.Email, apptest.Password)
		if r := postForm(t, env, "/auth/logout", url.Values{"refresh_token": {s.str("refresh_token")}}); r.Status != http.StatusNoContent {
			t.Fatalf("logout = %d", r.Status)
		}
		if r := refresh(s.str("refresh_token")); r.Status != http.StatusUnauthorized {
			t.Errorf("refresh after logout = %d, want 401", r.Status)
		}
	})
	t.Run("Expired", func(t *testing.T) {
		s := login(t, env, u.Email, apptest.Password)
		env.Clock.Advance(env.Deps.Auth.RefreshTTL + time.Minute)
		if r := refresh(s.str("refresh_token")); r.Status != http.StatusUnauthorized {
			t.Errorf("expired refresh = %d, want 401", r.Status)
		}
	})
	t.Run("Unknown", func(t *testing.T) {
		if r := refresh("n-importe-quoi"); r.Status != http.StatusUnauthorized {
			t.Errorf("unknown refresh = %d, want 401", r.Status)
		}
	})
}

func TestMe(t *testing.T) {
	env := apptest.New(t)
	u := env.User(t, "Nadia", domain.RoleClient)
	req, _ := http.NewRequest(http.MethodGet, env.URL+"/auth/me", nil)
	req.Header.Set("Authorization", "Bearer "+env.Token(t, u))
	r := send(t, req)
	if r.Status != http.StatusOK || r.str("email") != u.Email || r.str("role") != "CLIENT" || r.Body["id"] != float64(u.ID) {
		t.Errorf("/auth/me = %d %v", r.Status, r.Body)
	}
	anon, _ := http.NewRequest(http.MethodGet, env.URL+"/auth/me", nil)
	if r := send(t, anon); r.Status != http.StatusUnauthorized {
		t.Errorf("/auth/me without token = %d, want 401", r.Status)
	}
}

// TestTokenRejections: every forged, stale or revoked token is UNAUTHENTICATED.
func TestTokenRejections(t *testing.T) {
	env := apptest.New(t)
	u := env.User(t, "Victime", domain.RoleAdmin)
	tokens := env.Deps.Auth.Tokens
	valid := jwt.MapClaims{
		"sub": u.Email, "user_id": u.ID, "role": "ADMIN", "ver": 0, "sid": sessionID(t, env.Token(t, u)),
		"iss": tokens.Issuer, "aud": tokens.Audience,
		"iat": env.Clock.Now().Unix(), "exp": env.Clock.Now().Add(time.Hour).Unix(),
	}
	with := func(k string, v any) jwt.MapClaims {
		c := jwt.MapClaims{}
		for kk, vv := range valid {
			c[kk] = vv
		}
		if v == nil {
			delete(c, k)
		} else {
			c[k] = v
		}
		return c
	}
	sign := func(m jwt.SigningMethod, key any, c jwt.MapClaims) string {
		s, err := jwt.NewWithClaims(m, c).SignedString(key)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	good := sign(jwt.SigningMethodHS256, tokens.Key, valid)
	parts := strings.Split(good, ".")
	forgedPayload, _ := json.Marshal(with("user_id", u.ID+1))

	cases := []struct {
		name  string
		token func() string
	}{
		{"AlgNone", func() string { return sign(jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, valid) }},
		{"HS512", func() string { return sign(jwt.SigningMethodHS512, tokens.Key, valid) }},
		{"RS256", func() string { return sign(jwt.SigningMethodRS256, rsaKey, valid) }},
		{"OtherKey", func() string {
			return sign(jwt.SigningMethodHS256, []byte("une autre clé de signature de 32 octets!"), valid)
		}},
		{"WrongIssuer", func() string { return sign(jwt.SigningMethodHS256, tokens.Key, with("iss", "ailleurs")) }},
		{"WrongAudience", func() string { return sign(jwt.SigningMethodHS256, tokens.Key, with("aud", "autre-api")) }},
		{"Expired", func() string {
			return sign(jwt.SigningMethodHS256, tokens.Key, with("exp", env.Clock.Now().Add(-time.Minute).Unix()))
		}},
		{"NoExp", func() string { return sign(jwt.SigningMethodHS256, tokens.Key, with("exp", nil)) }},
		{"NoSession", func() string { return sign(jwt.SigningMethodHS256, tokens.Key, with("sid", nil)) }},
		{"UnknownSession", func() string { return sign(jwt.SigningMethodHS256, tokens.Key, with("sid", "pas-une-session")) }},
		{"AnotherUsersSession", func() string {
			return sign(jwt.SigningMethodHS256, tokens.Key, with("sid", sessionID(t, env.Token(t, env.User(t, "Autre", domain.RoleClient)))))
		}},
		{"TamperedPayload", func() string {
			return parts[0] + "." + base64.RawURLEncoding.EncodeToString(forgedPayload) + "." + parts[2]
		}},
		{"Garbage", func() string { return "pas.un.jeton" }},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) { expectUnauthenticated(t, env, tt.token()) })
	}

	// The same valid token is accepted first, so the refusals above are the token's fault.
	var got struct{ Me struct{ Email string } }
	env.GraphQL(t, good).MustData(`{ me { email } }`, nil, &got)

	t.Run("DeactivatedUser", func(t *testing.T) {
		other := env.User(t, "Desactive", domain.RoleTechnicien)
		tok := env.Token(t, other)
		env.GraphQL(t, tok).MustData(`{ me { email } }`, nil, &got)
		admin := env.As(t, u)
		admin.MustData(`mutation($id: ID!) { deactivateUser(id: $id) { isActive } }`, map[string]any{"id": strconv.Itoa(other.ID)}, &struct{}{})
		expectUnauthenticated(t, env, tok)
		if r := login(t, env, other.Email, apptest.Password); r.Status != http.StatusUnauthorized {
			t.Errorf("login of a deactivated user = %d, want 401", r.Status)
		}
	})
	t.Run("IssuedBeforePasswordChange", func(t *testing.T) {
		other := env.User(t, "Prudent", domain.RoleClient)
		old := env.Token(t, other)
		var changed struct{ ChangePassword struct{ AccessToken string } }
		env.GraphQL(t, old).MustData(`mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) { accessToken } }`,
			map[string]any{"c": apptest.Password, "n": "un tout nouveau mot de passe"}, &changed)
		expectUnauthenticated(t, env, old)
		env.GraphQL(t, changed.ChangePassword.AccessToken).MustData(`{ me { email } }`, nil, &got)
		if r := login(t, env, other.Email, apptest.Password); r.Status != http.StatusUnauthorized {
			t.Errorf("login with the old password = %d, want 401", r.Status)
		}
		if r := login(t, env, other.Email, "un tout nouveau mot de passe"); r.Status != http.StatusOK {
			t.Errorf("login with the new password = %d, want 200", r.Status)
		}
	})
}

// sessionID is the sid claim of an access token.
func sessionID(t *testing.T, token string) string {
	t.Helper()
	claims := jwt.MapClaims{}
	if _, _, err := jwt.NewParser().ParseUnverified(token, claims); err != nil {
		t.Fatal(err)
	}
	sid, _ := claims["sid"].(string)
	if sid == "" {
		t.Fatalf("token without a session: %v", claims)
	}
	return sid
}

// TestSessionEndRefusesAccessTokens: whatever ends a session (logout, reuse of a spent
// refresh token, password change, deactivation, deletion) refuses its access tokens at once,
// on /auth/me (401) and on /graphql (UNAUTHENTICATED), while the user's other sessions live
// on when only one session ended.
func TestSessionEndRefusesAccessTokens(t *testing.T) {
	env := apptest.New(t)
	admin := env.As(t, env.User(t, "Admin", domain.RoleAdmin))
	refresh := func(tok string) authResult {
		return postForm(t, env, "/auth/refresh", url.Values{"refresh_token": {tok}})
	}
	cases := []struct {
		name string
		// end ends the session of victim, given its first login; it returns the access
		// tokens that must now be refused.
		end func(t *testing.T, victim *ent.User, session authResult) []string
		// othersSurvive: another session of the victim keeps working.
		othersSurvive bool
	}{
		{"Logout", func(t *testing.T, _ *ent.User, s authResult) []string {
			if r := postForm(t, env, "/auth/logout", url.Values{"refresh_token": {s.str("refresh_token")}}); r.Status != http.StatusNoContent {
				t.Fatalf("logout = %d %v", r.Status, r.Body)
			}
			return []string{s.str("access_token")}
		}, true},
		{"RefreshReuse", func(t *testing.T, _ *ent.User, s authResult) []string {
			rotated := refresh(s.str("refresh_token"))
			if rotated.Status != http.StatusOK {
				t.Fatalf("refresh = %d %v", rotated.Status, rotated.Body)
			}
			expectMe(t, env, rotated.str("access_token"), http.StatusOK)
			if r := refresh(s.str("refresh_token")); r.Status != http.StatusUnauthorized {
				t.Fatalf("reuse = %d, want 401", r.Status)
			}
			return []string{s.str("access_token"), rotated.str("access_token")}
		}, true},
		{"PasswordChange", func(t *testing.T, victim *ent.User, s authResult) []string {
			var changed struct{ ChangePassword struct{ AccessToken string } }
			env.GraphQL(t, s.str("access_token")).MustData(`mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) { accessToken } }`,
				map[string]any{"c": apptest.Password, "n": "un tout nouveau mot de passe"}, &changed)
			expectMe(t, env, changed.ChangePassword.AccessToken, http.StatusOK)
			return []string{s.str("access_token")}
		}, false},
		{"Deactivation", func(t *testing.T, victim *ent.User, s authResult) []string {
			admin.MustData(`mutation($id: ID!) { deactivateUser(id: $id) { isActive } }`, map[string]any{"id": strconv.Itoa(victim.ID)}, &struct{}{})
			return []string{s.str("access_token")}
		}, false},
		{"Deletion", func(t *testing.T, victim *ent.User, s authResult) []string {
			admin.MustData(`mutation($id: ID!) { deleteUser(id: $id) }`, map[string]any{"id": strconv.Itoa(victim.ID)}, &struct{}{})
			return []string{s.str("access_token")}
		}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			victim := env.User(t, "Victime"+tc.name, domain.RoleTechnicien)
			session := login(t, env, victim.Email, apptest.Password)
			other := login(t, env, victim.Email, apptest.Password)
			for _, s := range []authResult{session, other} {
				if s.Status != http.StatusOK {
					t.Fatalf("login = %d %v", s.Status, s.Body)
				}
				// Checked first, so that the answers below are not an empty cache's.
				expectMe(t, env, s.str("access_token"), http.StatusOK)
			}
			for _, tok := range tc.end(t, victim, session) {
				expectMe(t, env, tok, http.StatusUnauthorized)
				expectUnauthenticated(t, env, tok)
			}
			if tc.othersSurvive {
				expectMe(t, env, other.str("access_token"), http.StatusOK)
			} else {
				expectMe(t, env, other.str("access_token"), http.StatusUnauthorized)
			}
		})
	}
}

// TestSessionEndOnOtherReplica: a logout through another replica refuses the access token
// here once this replica's token check cache (AUTH_CACHE_TTL) has expired.
func TestSessionEndOnOtherReplica(t *testing.T) {
	env := apptest.New(t)
	other := env.Replica(t)
	u := env.User(t, "Nomade", domain.RoleClient)
	s := login(t, env, u.Email, apptest.Password)
	expectMe(t, env, s.str("access_token"), http.StatusOK)
	if r := postForm(t, other, "/auth/logout", url.Values{"refresh_token": {s.str("refresh_token")}}); r.Status != http.StatusNoContent {
		t.Fatalf("logout on the other replica = %d %v", r.Status, r.Body)
	}
	env.Clock.Advance(env.Deps.Config.AuthCacheTTL)
	expectMe(t, env, s.str("access_token"), http.StatusUnauthorized)
	expectUnauthenticated(t, env, s.str("access_token"))
}

// expectMe asks /auth/me with token and checks the status.
func expectMe(t *testing.T, env *apptest.Env, token string, status int) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, env.URL+"/auth/me", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if r := send(t, req); r.Status != status {
		t.Errorf("/auth/me = %d %v, want %d", r.Status, r.Body, status)
	}
}

func expectUnauthenticated(t *testing.T, env *apptest.Env, token string) {
	t.Helper()
	e := env.GraphQL(t, token).MustFail(`{ me { email } }`, nil)
	if e.Code() != "UNAUTHENTICATED" {
		t.Errorf("code = %q (%s), want UNAUTHENTICATED", e.Code(), e.Message)
	}
}

func TestChangePasswordRefusals(t *testing.T) {
	env := apptest.New(t)
	u := env.User(t, "Hind", domain.RoleTechnicien)
	api := env.As(t, u)
	q := `mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) { accessToken } }`
	for _, tt := range []struct{ name, current, next string }{
		{"WrongCurrent", "pas le mot de passe", "un nouveau mot de passe"},
		{"TooShort", apptest.Password, "court"},
		{"Same", apptest.Password, apptest.Password},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := api.MustFail(q, map[string]any{"c": tt.current, "n": tt.next})
			if e.Code() != "BAD_USER_INPUT" {
				t.Errorf("code = %q (%s), want BAD_USER_INPUT", e.Code(), e.Message)
			}
		})
	}
	// Nothing changed: the old password still logs in.
	if r := login(t, env, u.Email, apptest.Password); r.Status != http.StatusOK {
		t.Errorf("login after refused changes = %d, want 200", r.Status)
	}
}

// TestLoginRateLimit: the 11th login attempt within a minute from one address gets 429 with
// Retry-After, whatever the credentials; a minute later it works again.
func TestLoginRateLimit(t *testing.T) {
	env := apptest.New(t)
	u := env.User(t, "Spray", domain.RoleTechnicien)
	for i := 1; i <= 10; i++ {
		if r := login(t, env, "inconnu"+strconv.Itoa(i)+"@example.com", "mauvais mot de passe"); r.Status != http.StatusUnauthorized {
			t.Fatalf("attempt %d = %d, want 401", i, r.Status)
		}
	}
	r := login(t, env, u.Email, apptest.Password)
	if r.Status != http.StatusTooManyRequests || r.Header.Get("Retry-After") == "" {
		t.Fatalf("11th attempt = %d (Retry-After %q), want 429 with Retry-After", r.Status, r.Header.Get("Retry-After"))
	}
	env.Clock.Advance(time.Minute)
	if r := login(t, env, u.Email, apptest.Password); r.Status != http.StatusOK {
		t.Errorf("a minute later = %d, want 200", r.Status)
	}
}
