package notify_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/mifmaroc/erp/ent/notification"
	"github.com/mifmaroc/erp/internal/config"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/notify"
)

// Texts for people give the time on the users' wall clock (APP_TIMEZONE) and name the zone:
// the deadline warning's message, and the deadline in its email. The deadline is an instant
// at 03:44 UTC: 04:44 in Casablanca in December (UTC+1), 03:44 there during Ramadan (UTC+0).
func TestTextsInLocalTime(t *testing.T) {
	tests := []struct {
		name   string
		zone   string // APP_TIMEZONE; empty: the default
		limite time.Time
		want   string
	}{
		{"Default", "", time.Date(2026, 12, 4, 3, 44, 0, 0, time.UTC), "04/12/2026 04:44 (heure de Casablanca)"},
		{"Ramadan", "", time.Date(2027, 2, 20, 3, 44, 0, 0, time.UTC), "20/02/2027 03:44 (heure de Casablanca)"},
		{"OtherZone", "America/Sao_Paulo", time.Date(2026, 12, 4, 3, 44, 0, 0, time.UTC), "04/12/2026 00:44 (heure de Sao Paulo)"},
	}
	for _, tt := range tests {
		for _, running := range []bool{false, true} {
			name := tt.name + "/FrozenClock"
			if running {
				name = tt.name + "/RealClock"
			}
			t.Run(name, func(t *testing.T) {
				h := newHarness(t)
				env := h.env
				zone := env.Deps.Config.Zone
				if tt.zone != "" {
					cfg, err := config.Load(func(k string) (string, bool) { return tt.zone, k == "APP_TIMEZONE" })
					if err != nil {
						t.Fatal(err)
					}
					zone = cfg.Zone
				}
				env.Clock.Set(tt.limite.Add(-30 * time.Minute))
				if running {
					env.Clock.Run()
				}
				resp := env.User(t, "Rachid", domain.RoleResponsable)
				iv := env.Client.Intervention.Create().SetTitre("Fuite").SetDateLimite(tt.limite).SaveX(env.Sys)

				if _, err := notify.CheckDeadlines(context.Background(), env.Client, env.DB.Dialect, nil, zone, env.Clock.Now(), time.Hour); err != nil {
					t.Fatal(err)
				}
				n, err := env.Client.Notification.Query().Where(notification.InterventionID(iv.ID), notification.UserID(resp.ID)).Only(env.Sys)
				if err != nil {
					t.Fatalf("the warning: %v", err)
				}
				if !strings.Contains(n.Message, "arrive à échéance le "+tt.want) {
					t.Errorf("message %q, want the deadline as %q", n.Message, tt.want)
				}

				w := h.worker(t, h.smtp())
				w.Zone = zone
				if res := run(t, w); res.Sent != 1 {
					t.Fatalf("RunOnce = %+v, want the warning sent", res)
				}
				msgs := h.srv.Messages()
				if len(msgs) != 1 {
					t.Fatalf("%d emails, want 1", len(msgs))
				}
				for _, body := range []string{msgs[0].Text, msgs[0].HTML} {
					if strings.Count(body, tt.want) < 2 { // in the message and as the deadline
						t.Errorf("email lacks the deadline as %q twice:\n%s", tt.want, body)
					}
				}
			})
		}
	}
}
