package graph_test

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/golang-jwt/jwt/v5"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/graph"
	"github.com/mifmaroc/erp/internal/apptest"
	"github.com/mifmaroc/erp/internal/auth"
	"github.com/mifmaroc/erp/internal/config"
	"github.com/mifmaroc/erp/internal/domain"
)

// closed reads until the server closes the socket and returns the close status; an event
// received meanwhile, or no close within timeout, fails the test.
func (c *wsClient) closed(timeout time.Duration) (websocket.StatusCode, string) {
	c.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		m, err := c.read(time.Until(deadline))
		var ce websocket.CloseError
		switch {
		case errors.As(err, &ce):
			return ce.Code, ce.Reason
		case err != nil:
			c.t.Fatalf("socket not closed within %s: %v", timeout, err)
		case m.Type == "ka" || m.Type == "ping" || m.Type == "pong":
		default:
			c.t.Fatalf("%s received instead of the close: %s", m.Type, m.Payload)
		}
	}
}

// subscriptionFixture is an intervention the test moves and the admin who moves it.
type subscriptionFixture struct {
	env   *apptest.Env
	admin *ent.User
	tech  *ent.Technicien
}

func newSubscriptionFixture(t *testing.T, configure ...func(*config.Config)) *subscriptionFixture {
	t.Helper()
	env := apptest.New(t, configure...)
	f := &subscriptionFixture{env: env, admin: env.User(t, "Admin", domain.RoleAdmin)}
	f.tech = env.Client.Technicien.Create().SetUser(env.User(t, "Tech", domain.RoleTechnicien)).SaveX(env.Sys)
	return f
}

func (f *subscriptionFixture) intervention(t *testing.T) *ent.Intervention {
	t.Helper()
	return f.env.Client.Intervention.Create().SetTitre("Pompe").SetStatut(domain.StatutAffectee).SetTechnicien(f.tech).SaveX(f.env.Sys)
}

// move changes the intervention's status as the admin, with a token of now (the clock may
// have moved past earlier ones).
func (f *subscriptionFixture) move(t *testing.T, iv *ent.Intervention, statut string) {
	t.Helper()
	f.env.As(t, f.admin).MustData(changeStatut, map[string]any{"id": strconv.Itoa(iv.ID), "s": statut}, &struct{}{})
}

// waitNoSubscriber waits until the bus has no subscriber left: a closed socket's
// subscriptions are released.
func waitNoSubscriber(t *testing.T, env *apptest.Env) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for env.Deps.Events.Subscribers() > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%d subscribers still registered after the close", env.Deps.Events.Subscribers())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestSubscriptionFollowsAccount: a subscriber who is demoted, deactivated, deleted, logged
// out, changes his password or whose token expires receives nothing more and his socket is
// closed with 4403 (permissions changed) or 4401 (token or session over), on both
// subprotocols. "Watcher": no event comes and the socket is closed within a second of the
// change. "NextEvent": the periodic check is off and the next event is refused and closes
// the socket.
func TestSubscriptionFollowsAccount(t *testing.T) {
	cases := []struct {
		name   string
		change func(t *testing.T, f *subscriptionFixture, u *ent.User, s *auth.TokenPair)
		code   websocket.StatusCode
	}{
		{"Demoted", func(t *testing.T, f *subscriptionFixture, u *ent.User, _ *auth.TokenPair) {
			f.env.As(t, f.admin).MustData(`mutation($id: ID!) { updateUser(id: $id, input: {role: CLIENT}) { role } }`,
				map[string]any{"id": strconv.Itoa(u.ID)}, &struct{}{})
		}, graph.CloseForbidden},
		{"Deactivated", func(t *testing.T, f *subscriptionFixture, u *ent.User, _ *auth.TokenPair) {
			f.env.As(t, f.admin).MustData(`mutation($id: ID!) { deactivateUser(id: $id) { isActive } }`,
				map[string]any{"id": strconv.Itoa(u.ID)}, &struct{}{})
		}, graph.CloseUnauthorized},
		{"Deleted", func(t *testing.T, f *subscriptionFixture, u *ent.User, _ *auth.TokenPair) {
			f.env.As(t, f.admin).MustData(`mutation($id: ID!) { deleteUser(id: $id) }`, map[string]any{"id": strconv.Itoa(u.ID)}, &struct{}{})
		}, graph.CloseUnauthorized},
		{"LoggedOut", func(t *testing.T, f *subscriptionFixture, _ *ent.User, s *auth.TokenPair) {
			res, err := apptest.HTTP.PostForm(f.env.URL+"/auth/logout", url.Values{"refresh_token": {s.RefreshToken}})
			if err != nil {
				t.Fatal(err)
			}
			_ = res.Body.Close()
			if res.StatusCode != http.StatusNoContent {
				t.Fatalf("logout = %d", res.StatusCode)
			}
		}, graph.CloseUnauthorized},
		{"PasswordChanged", func(t *testing.T, f *subscriptionFixture, _ *ent.User, s *auth.TokenPair) {
			f.env.GraphQL(t, s.AccessToken).MustData(`mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) { accessToken } }`,
				map[string]any{"c": apptest.Password, "n": "un tout nouveau mot de passe"}, &struct{}{})
		}, graph.CloseUnauthorized},
		{"TokenExpired", func(t *testing.T, f *subscriptionFixture, _ *ent.User, _ *auth.TokenPair) {
			f.env.Clock.Advance(f.env.Deps.Config.AccessTokenTTL + time.Minute)
		}, graph.CloseUnauthorized},
	}
	modes := []struct {
		name      string
		check     time.Duration // SUBSCRIPTION_CHECK_INTERVAL; 0: the default
		nextEvent bool
	}{
		{"Watcher", 0, false},
		{"NextEvent", time.Hour, true},
	}
	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) {
			f := newSubscriptionFixture(t, func(c *config.Config) {
				if mode.check > 0 {
					c.SubscriptionCheck = mode.check
				}
			})
			for _, legacy := range []bool{false, true} {
				for _, tc := range cases {
					name := tc.name
					if legacy {
						name += "/LegacyGraphQLWS"
					}
					t.Run(name, func(t *testing.T) {
						u := f.env.User(t, "Abonne"+mode.name+tc.name+strconv.FormatBool(legacy), domain.RoleResponsable)
						session := f.env.Session(t, u)
						iv := f.intervention(t)
						ws, err := dialWS(t, f.env, session.AccessToken, legacy)
						if err != nil {
							t.Fatal(err)
						}
						ws.subscribe("1", statutSub, map[string]any{"iv": strconv.Itoa(iv.ID)})
						waitSubscribers(t, f.env, 1)
						f.move(t, iv, "EN_COURS")
						if ev := decodeStatut(t, ws.next(5*time.Second)).Data.InterventionStatutChanged; ev.NouveauStatut != "EN_COURS" {
							t.Fatalf("event before the change = %+v", ev)
						}

						tc.change(t, f, u, session)
						changed := time.Now()
						if mode.nextEvent {
							f.move(t, iv, "EN_ATTENTE")
						}
						code, reason := ws.closed(5 * time.Second)
						if took := time.Since(changed); !mode.nextEvent && took > time.Second {
							t.Errorf("closed %s after the change, want within a second", took)
						}
						if code != tc.code {
							t.Errorf("close status %d %q, want %d", code, reason, tc.code)
						}
						waitNoSubscriber(t, f.env)
					})
				}
			}
		})
	}
}

// TestSubscriptionTokenExpiresRealClock: on a clock that moves by itself, a subscriber keeps
// receiving until his token expires (a second, plus the leeway given to clock skew), and
// the socket is closed with 4401 within a second after that.
func TestSubscriptionTokenExpiresRealClock(t *testing.T) {
	f := newSubscriptionFixture(t, func(c *config.Config) { c.AccessTokenTTL = time.Second })
	f.env.Clock.Run()
	u := f.env.User(t, "Presse", domain.RoleResponsable)
	token := f.env.Token(t, u)
	claims := jwt.RegisteredClaims{}
	if _, _, err := jwt.NewParser().ParseUnverified(token, &claims); err != nil {
		t.Fatal(err)
	}
	// The token is refused once the clock passes exp plus the leeway.
	refusedAt := claims.ExpiresAt.Add(5 * time.Second)

	iv := f.intervention(t)
	ws, err := dialWS(t, f.env, token, false)
	if err != nil {
		t.Fatal(err)
	}
	ws.subscribe("1", statutSub, map[string]any{"iv": strconv.Itoa(iv.ID)})
	waitSubscribers(t, f.env, 1)
	f.move(t, iv, "EN_COURS")
	if ev := decodeStatut(t, ws.next(5*time.Second)).Data.InterventionStatutChanged; ev.NouveauStatut != "EN_COURS" {
		t.Fatalf("event before expiry = %+v", ev)
	}
	code, reason := ws.closed(refusedAt.Sub(f.env.Clock.Now()) + 3*time.Second)
	closedAt := f.env.Clock.Now()
	if code != graph.CloseUnauthorized {
		t.Errorf("close status %d %q, want %d", code, reason, graph.CloseUnauthorized)
	}
	if closedAt.Before(refusedAt) || closedAt.After(refusedAt.Add(time.Second)) {
		t.Errorf("closed at %s, want within a second after the token's end %s", closedAt.Format(time.StampMilli), refusedAt.Format(time.StampMilli))
	}
	waitNoSubscriber(t, f.env)
}

// TestWebsocketRefusedToken: a connection_init without a usable token is refused with 4401
// (after a connection_error on the legacy subprotocol), so that the client knows to log in
// or refresh rather than retry.
func TestWebsocketRefusedToken(t *testing.T) {
	f := newSubscriptionFixture(t)
	u := f.env.User(t, "Parti", domain.RoleTechnicien)
	expired := f.env.Token(t, u)
	f.env.Clock.Advance(f.env.Deps.Config.AccessTokenTTL + time.Minute)
	for _, legacy := range []bool{false, true} {
		for _, tc := range []struct{ name, token string }{
			{"NoToken", ""},
			{"Garbage", "pas.un.jeton"},
			{"Expired", expired},
		} {
			name := tc.name
			if legacy {
				name += "/LegacyGraphQLWS"
			}
			t.Run(name, func(t *testing.T) {
				ws, err := dialWS(t, f.env, tc.token, legacy)
				var (
					ce      websocket.CloseError
					refused *wsRefusal
				)
				switch {
				case errors.As(err, &ce):
				case errors.As(err, &refused) && refused.m.Type == "connection_error":
					ce.Code, ce.Reason = ws.closed(5 * time.Second)
				default:
					t.Fatalf("dial = %v, want a refusal", err)
				}
				if ce.Code != graph.CloseUnauthorized {
					t.Errorf("close status %d %q, want %d", ce.Code, ce.Reason, graph.CloseUnauthorized)
				}
			})
		}
	}
}
