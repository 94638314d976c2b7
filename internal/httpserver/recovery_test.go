package httpserver_test

import (
	"net/http"
	"net/url"
	"regexp"
	"testing"
	"time"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/ent/notification"
	"github.com/mifmaroc/erp/internal/apptest"
	"github.com/mifmaroc/erp/internal/auth"
	"github.com/mifmaroc/erp/internal/domain"
)

var resetCode = regexp.MustCompile(`Code de réinitialisation : ([A-Za-z0-9_-]+)\.`)

// resetMails are the reset emails of u, oldest first.
func resetMails(t *testing.T, env *apptest.Env, u *ent.User) []*ent.Notification {
	t.Helper()
	ns, err := env.Client.Notification.Query().
		Where(notification.UserID(u.ID), notification.Compte(true)).
		Order(ent.Asc(notification.FieldID)).
		All(env.Sys)
	if err != nil {
		t.Fatal(err)
	}
	return ns
}

func tokenOf(t *testing.T, n *ent.Notification) string {
	t.Helper()
	m := resetCode.FindStringSubmatch(n.Message)
	if m == nil {
		t.Fatalf("no reset code in %q", n.Message)
	}
	return m[1]
}

func forgot(t *testing.T, env *apptest.Env, email string) authResult {
	t.Helper()
	return postForm(t, env, "/auth/forgot-password", url.Values{"email": {email}})
}

func reset(t *testing.T, env *apptest.Env, token, password string) authResult {
	t.Helper()
	return postForm(t, env, "/auth/reset-password", url.Values{"token": {token}, "new_password": {password}})
}

// TestPasswordResetByEmail runs with the frozen clock and with the real one: the link's
// lifetime is compared with the clock the services read.
func TestPasswordResetByEmail(t *testing.T) {
	for _, running := range []bool{false, true} {
		t.Run(map[bool]string{false: "FrozenClock", true: "RealClock"}[running], func(t *testing.T) {
			env := apptest.New(t)
			if running {
				env.Clock.Run()
			}
			u := env.User(t, "Salma", domain.RoleTechnicien)
			// Opted out of notification emails: a reset link is still emailed.
			env.Client.User.UpdateOne(u).SetEmailNotifications(false).ExecX(env.Sys)
			old := env.Session(t, u)

			known := forgot(t, env, "  SALMA@example.com ")
			unknown := forgot(t, env, "personne@example.com")
			if known.Status != http.StatusAccepted || unknown.Status != known.Status || unknown.str("detail") != known.str("detail") {
				t.Fatalf("answers differ: known %d %v, unknown %d %v", known.Status, known.Body, unknown.Status, unknown.Body)
			}
			mails := resetMails(t, env, u)
			if len(mails) != 1 || mails[0].Canal != domain.CanalEmail {
				t.Fatalf("reset emails: %+v, want one on canal EMAIL", mails)
			}
			token := tokenOf(t, mails[0])

			// A refused password spends nothing.
			if r := reset(t, env, token, "court"); r.Status != http.StatusBadRequest || r.str("code") != string(domain.CodeBadUserInput) {
				t.Fatalf("short password: %d %v", r.Status, r.Body)
			}
			expectMe(t, env, old.AccessToken, http.StatusOK)

			const next = "un nouveau mot de passe sûr"
			if r := reset(t, env, token, next); r.Status != http.StatusOK {
				t.Fatalf("reset: %d %v", r.Status, r.Body)
			}
			// Every session of the account ended.
			expectUnauthenticated(t, env, old.AccessToken)
			if r := postForm(t, env, "/auth/refresh", url.Values{"refresh_token": {old.RefreshToken}}); r.Status != http.StatusUnauthorized {
				t.Fatalf("old refresh token after reset: %d %v", r.Status, r.Body)
			}
			if r := login(t, env, u.Email, apptest.Password); r.Status != http.StatusUnauthorized {
				t.Fatalf("old password after reset: %d", r.Status)
			}
			if r := login(t, env, u.Email, next); r.Status != http.StatusOK {
				t.Fatalf("new password: %d %v", r.Status, r.Body)
			}
			// Single use.
			if r := reset(t, env, token, "encore un autre mot de passe"); r.Status != http.StatusBadRequest {
				t.Fatalf("second use of a link: %d %v", r.Status, r.Body)
			}

			// A link expires after 30 minutes.
			forgot(t, env, u.Email)
			mails = resetMails(t, env, u)
			late := tokenOf(t, mails[len(mails)-1])
			env.Clock.Advance(auth.ResetTTL + time.Second)
			if r := reset(t, env, late, "encore un autre mot de passe"); r.Status != http.StatusBadRequest {
				t.Fatalf("expired link: %d %v", r.Status, r.Body)
			}
			if r := login(t, env, u.Email, next); r.Status != http.StatusOK {
				t.Fatalf("an expired link changed the password: %d", r.Status)
			}
		})
	}
}

func TestPasswordResetLimits(t *testing.T) {
	env := apptest.New(t)
	u := env.User(t, "Omar", domain.RoleClient)
	inactive := env.User(t, "Parti", domain.RoleClient)
	env.Client.User.UpdateOne(inactive).SetIsActive(false).ExecX(env.Sys)

	// An inactive account gets the same answer and no email.
	if r := forgot(t, env, inactive.Email); r.Status != http.StatusAccepted || len(resetMails(t, env, inactive)) != 0 {
		t.Fatalf("inactive account: %d, %d emails", r.Status, len(resetMails(t, env, inactive)))
	}
	// One address asking too often is told to wait.
	for i := range auth.ResetsPerHour {
		if r := forgot(t, env, u.Email); r.Status != http.StatusAccepted {
			t.Fatalf("request %d: %d %v", i+1, r.Status, r.Body)
		}
	}
	r := forgot(t, env, u.Email)
	if r.Status != http.StatusTooManyRequests || r.Header.Get("Retry-After") == "" || r.str("code") != string(domain.CodeRateLimited) {
		t.Fatalf("request beyond the limit: %d %v", r.Status, r.Body)
	}
	// Once the address may ask again, the account still gets no more than its hourly links.
	env.Clock.Advance(2 * time.Minute)
	if r := forgot(t, env, u.Email); r.Status != http.StatusAccepted {
		t.Fatalf("after the wait: %d %v", r.Status, r.Body)
	}
	if n := len(resetMails(t, env, u)); n != auth.ResetsPerHour {
		t.Fatalf("%d reset emails in an hour, want %d", n, auth.ResetsPerHour)
	}
	// A made-up token is refused like a used one.
	if r := reset(t, env, "pas-un-jeton", "un mot de passe assez long"); r.Status != http.StatusBadRequest {
		t.Fatalf("made-up token: %d %v", r.Status, r.Body)
	}
}

func TestTemporaryPassword(t *testing.T) {
	env := apptest.New(t)
	admin := env.User(t, "Admin", domain.RoleAdmin)
	u := env.User(t, "Yassine", domain.RoleResponsable)
	old := env.Session(t, u)
	const set = `mutation($id: ID!, $pw: String) { setTemporaryPassword(userId: $id, password: $pw) { password user { id mustChangePassword } } }`

	if e := env.GraphQL(t, old.AccessToken).MustFail(set, map[string]any{"id": admin.ID}); e.Code() != string(domain.CodeForbidden) {
		t.Fatalf("non-admin: %s", e.Code())
	}
	if e := env.As(t, admin).MustFail(set, map[string]any{"id": u.ID, "pw": "court"}); e.Code() != string(domain.CodeBadUserInput) {
		t.Fatalf("short password: %s", e.Code())
	}
	var out struct {
		SetTemporaryPassword struct {
			Password string
			User     struct{ MustChangePassword bool }
		}
	}
	env.As(t, admin).MustData(set, map[string]any{"id": u.ID}, &out)
	pw := out.SetTemporaryPassword.Password
	if len(pw) < auth.MinPasswordLen || !out.SetTemporaryPassword.User.MustChangePassword {
		t.Fatalf("generated password %q, mustChangePassword %v", pw, out.SetTemporaryPassword.User.MustChangePassword)
	}
	expectUnauthenticated(t, env, old.AccessToken)

	r := login(t, env, u.Email, pw)
	if r.Status != http.StatusOK || r.Body["must_change_password"] != true {
		t.Fatalf("login with the temporary password: %d %v", r.Status, r.Body)
	}
	api := env.GraphQL(t, r.str("access_token"))
	if e := api.MustFail(`{ equipements { totalCount } }`, nil); e.Code() != string(domain.CodePasswordChangeRequired) {
		t.Fatalf("before changing it: %s %s", e.Code(), e.Message)
	}
	var me struct {
		Me struct{ MustChangePassword bool }
	}
	api.MustData(`{ me { mustChangePassword } }`, nil, &me)
	if !me.Me.MustChangePassword {
		t.Fatal("me.mustChangePassword = false")
	}
	var changed struct{ ChangePassword struct{ AccessToken string } }
	api.MustData(`mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) { accessToken } }`,
		map[string]any{"c": pw, "n": "mon propre mot de passe"}, &changed)
	var eq struct{ Equipements struct{ TotalCount int } }
	env.GraphQL(t, changed.ChangePassword.AccessToken).MustData(`{ equipements { totalCount } }`, nil, &eq)
	if r := login(t, env, u.Email, "mon propre mot de passe"); r.Status != http.StatusOK || r.Body["must_change_password"] != false {
		t.Fatalf("login after the change: %d %v", r.Status, r.Body)
	}
}
