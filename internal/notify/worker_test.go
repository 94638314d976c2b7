package notify_test

import (
	"context"
	"errors"
	"fmt"
	"net/smtp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/ent/notification"
	"github.com/mifmaroc/erp/internal/apptest"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/gqltest"
	"github.com/mifmaroc/erp/internal/i18n"
	"github.com/mifmaroc/erp/internal/notify"
	"github.com/mifmaroc/erp/internal/notify/smtptest"
	"github.com/mifmaroc/erp/internal/viewer"
)

const sender = "maintenance@mif.ma"

// harness is a fresh database, a running test SMTP server and the templates.
type harness struct {
	env *apptest.Env
	srv *smtptest.Server
	tpl *notify.Templates
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	tpl, err := notify.LoadTemplates()
	if err != nil {
		t.Fatalf("LoadTemplates: %v", err)
	}
	return &harness{env: apptest.New(t), srv: smtptest.Start(t), tpl: tpl}
}

// smtp is the sender to the test server (its current port).
func (h *harness) smtp() notify.SMTPSender {
	return notify.SMTPSender{Host: "127.0.0.1", Port: h.srv.Port(), From: sender, TLSMode: "none", Timeout: 5 * time.Second}
}

// worker is a worker on the harness's database and clock, sending with s.
func (h *harness) worker(t *testing.T, s notify.Sender) *notify.Worker {
	return &notify.Worker{
		Client:    h.env.Client,
		Dialect:   h.env.DB.Dialect,
		Sender:    s,
		Templates: h.tpl,
		Now:       h.env.Clock.Now,
		Log:       gqltest.Logger(t),
	}
}

// notice writes one INFORMATION notification with subject sujet to each of users, as an
// event would, and returns the rows written.
func (h *harness) notice(t *testing.T, sujet string, users ...*ent.User) []*ent.Notification {
	t.Helper()
	ids := make([]int, len(users))
	for i, u := range users {
		ids[i] = u.ID
	}
	_, err := notify.Send(h.env.Sys, h.env.Client, notify.Notice{
		Type: domain.NotificationInformation, Sujet: i18n.Message{Format: sujet}, Message: i18n.Message{Format: "Message : " + sujet},
	}, ids...)
	if err != nil {
		t.Fatalf("notify.Send: %v", err)
	}
	rows := h.env.Client.Notification.Query().Where(notification.Sujet(sujet)).
		Order(ent.Asc(notification.FieldID)).AllX(h.env.Sys)
	if len(rows) != len(users) {
		t.Fatalf("notify.Send(%q) wrote %d rows, want %d", sujet, len(rows), len(users))
	}
	return rows
}

// notices writes n notifications to u, subjects "prefix 0" to "prefix n-1", and returns
// their rows in that order.
func (h *harness) notices(t *testing.T, prefix string, n int, u *ent.User) []*ent.Notification {
	t.Helper()
	var rows []*ent.Notification
	for i := range n {
		rows = append(rows, h.notice(t, fmt.Sprintf("%s %d", prefix, i), u)...)
	}
	return rows
}

func (h *harness) reload(t *testing.T, id int) *ent.Notification {
	t.Helper()
	n, err := h.env.Client.Notification.Get(h.env.Sys, id)
	if err != nil {
		t.Fatalf("reading notification %d: %v", id, err)
	}
	return n
}

// run does one pass and fails the test on an error.
func run(t *testing.T, w *notify.Worker) notify.Result {
	t.Helper()
	res, err := w.RunOnce(context.Background())
	if err != nil {
		t.Fatalf("RunOnce: %v", err)
	}
	return res
}

// wantRow checks a notification's delivery state.
type wantRow struct {
	statut     domain.StatutEnvoi
	tentatives int
	next       *time.Time // nil: no prochaineTentative expected
	sentAt     *time.Time // nil: no dateEnvoi expected
	erreur     string     // "" : no derniereErreur; otherwise a substring of it
}

func checkRow(t *testing.T, n *ent.Notification, w wantRow) {
	t.Helper()
	if n.StatutEnvoi != w.statut {
		t.Errorf("notification %d: statutEnvoi %s, want %s", n.ID, n.StatutEnvoi, w.statut)
	}
	if n.Tentatives != w.tentatives {
		t.Errorf("notification %d: tentatives %d, want %d", n.ID, n.Tentatives, w.tentatives)
	}
	switch {
	case w.next == nil && n.ProchaineTentative != nil:
		t.Errorf("notification %d: prochaineTentative %v, want none", n.ID, *n.ProchaineTentative)
	case w.next != nil && (n.ProchaineTentative == nil || !n.ProchaineTentative.Equal(*w.next)):
		t.Errorf("notification %d: prochaineTentative %v, want %v", n.ID, fmtTime(n.ProchaineTentative), *w.next)
	}
	switch {
	case w.sentAt == nil && n.DateEnvoi != nil:
		t.Errorf("notification %d: dateEnvoi %v, want none", n.ID, *n.DateEnvoi)
	case w.sentAt != nil && (n.DateEnvoi == nil || !n.DateEnvoi.Equal(*w.sentAt)):
		t.Errorf("notification %d: dateEnvoi %v, want %v", n.ID, fmtTime(n.DateEnvoi), *w.sentAt)
	}
	switch {
	case w.erreur == "" && n.DerniereErreur != "":
		t.Errorf("notification %d: derniereErreur %q, want none", n.ID, n.DerniereErreur)
	case w.erreur != "" && !strings.Contains(n.DerniereErreur, w.erreur):
		t.Errorf("notification %d: derniereErreur %q, want it to contain %q", n.ID, n.DerniereErreur, w.erreur)
	}
}

func fmtTime(t *time.Time) string {
	if t == nil {
		return "<nil>"
	}
	return t.String()
}

func ptr[T any](v T) *T { return &v }

// userNamed creates a user whose display name (nomComplet) is full.
func (h *harness) userNamed(t *testing.T, login, full string, role domain.Role) *ent.User {
	t.Helper()
	u := h.env.User(t, login, role)
	return h.env.Client.User.UpdateOne(u).SetNomComplet(full).SaveX(h.env.Sys)
}

func TestAssignmentMailArrives(t *testing.T) {
	h := newHarness(t)
	env := h.env
	resp := env.User(t, "Responsable", domain.RoleResponsable)
	techUser := h.userNamed(t, "Karim", "Karim Alami", domain.RoleTechnicien)
	tech := env.Client.Technicien.Create().SetUserID(techUser.ID).SaveX(env.Sys)
	const titre = "Fuite pompe P-12"
	iv := env.Client.Intervention.Create().SetTitre(titre).SetDateCreation(env.Clock.Now()).SaveX(env.Sys)

	ctx := viewer.NewContext(context.Background(), &viewer.Viewer{UserID: resp.ID, Email: resp.Email, Role: domain.RoleResponsable})
	if _, err := env.Deps.Interventions.Assign(ctx, iv.ID, tech.ID, nil, false); err != nil {
		t.Fatalf("Assign: %v", err)
	}
	rows := env.Client.Notification.Query().AllX(env.Sys)
	if len(rows) != 1 || rows[0].UserID != techUser.ID || rows[0].Type != domain.NotificationAffectation {
		t.Fatalf("after Assign: %d notifications %+v, want one AFFECTATION to user %d", len(rows), rows, techUser.ID)
	}
	checkRow(t, rows[0], wantRow{statut: domain.EnvoiEnAttente})

	w := h.worker(t, h.smtp())
	if res := run(t, w); res != (notify.Result{Sent: 1}) {
		t.Errorf("RunOnce = %+v, want Sent 1", res)
	}
	msgs := h.srv.Messages()
	if len(msgs) != 1 {
		t.Fatalf("%d messages received, want 1", len(msgs))
	}
	m := msgs[0]
	if m.From != sender {
		t.Errorf("envelope from %q, want %q", m.From, sender)
	}
	if !slices.Equal(m.To, []string{techUser.Email}) {
		t.Errorf("envelope to %q, want [%s]", m.To, techUser.Email)
	}
	if got := m.Header.Get("To"); !strings.Contains(got, techUser.Email) {
		t.Errorf("To header %q, want %s", got, techUser.Email)
	}
	if !strings.Contains(m.Subject, titre) {
		t.Errorf("subject %q does not name the intervention %q", m.Subject, titre)
	}
	for part, body := range map[string]string{"html": m.HTML, "text": m.Text} {
		for _, want := range []string{"Nouvelle intervention affectée", "Karim Alami", titre, fmt.Sprintf("#%d", iv.ID)} {
			if !strings.Contains(body, want) {
				t.Errorf("%s body lacks %q:\n%s", part, want, body)
			}
		}
	}
	now := env.Clock.Now()
	checkRow(t, h.reload(t, rows[0].ID), wantRow{statut: domain.EnvoiEnvoyee, tentatives: 1, sentAt: &now})

	// Sent once: a further pass sends nothing.
	env.Clock.Advance(time.Hour)
	if res := run(t, w); res != (notify.Result{}) {
		t.Errorf("second RunOnce = %+v, want nothing", res)
	}
	if n := len(h.srv.Messages()); n != 1 {
		t.Errorf("%d messages after a second pass, want 1", n)
	}
}

func TestSMTPDownRetriesWithBackoff(t *testing.T) {
	cases := []struct {
		name     string
		down, up func(t *testing.T, s *smtptest.Server)
		erreur   string // expected in derniereErreur
	}{
		{
			name:   "server stopped",
			down:   func(_ *testing.T, s *smtptest.Server) { s.Stop() },
			up:     func(t *testing.T, s *smtptest.Server) { s.Restart(t) },
			erreur: "connecting to",
		},
		{
			name:   "451 to DATA",
			down:   func(_ *testing.T, s *smtptest.Server) { s.FailData(true) },
			up:     func(_ *testing.T, s *smtptest.Server) { s.FailData(false) },
			erreur: "451",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t)
			u := h.env.User(t, "Salma", domain.RoleTechnicien)
			row := h.notice(t, "Panne", u)[0]
			w := h.worker(t, h.smtp())
			start := h.env.Clock.Now()
			next := start.Add(notify.Backoff(1))

			c.down(t, h.srv)
			if res := run(t, w); res != (notify.Result{Failed: 1}) {
				t.Errorf("RunOnce with SMTP down = %+v, want Failed 1", res)
			}
			checkRow(t, h.reload(t, row.ID), wantRow{statut: domain.EnvoiEnAttente, tentatives: 1, next: &next, erreur: c.erreur})

			// Not due yet: the same clock sends nothing, down or up.
			if res := run(t, w); res != (notify.Result{}) {
				t.Errorf("RunOnce before the backoff (down) = %+v, want nothing", res)
			}
			c.up(t, h.srv)
			if res := run(t, w); res != (notify.Result{}) {
				t.Errorf("RunOnce before the backoff (up) = %+v, want nothing", res)
			}
			h.env.Clock.Advance(notify.Backoff(1) - time.Second)
			if res := run(t, w); res != (notify.Result{}) {
				t.Errorf("RunOnce 1 s before the backoff ends = %+v, want nothing", res)
			}
			checkRow(t, h.reload(t, row.ID), wantRow{statut: domain.EnvoiEnAttente, tentatives: 1, next: &next, erreur: c.erreur})
			if n := len(h.srv.Messages()); n != 0 {
				t.Fatalf("%d messages before the backoff ended, want 0", n)
			}

			h.env.Clock.Advance(2 * time.Second)
			if res := run(t, w); res != (notify.Result{Sent: 1}) {
				t.Errorf("RunOnce after the backoff = %+v, want Sent 1", res)
			}
			if res := run(t, w); res != (notify.Result{}) {
				t.Errorf("RunOnce once delivered = %+v, want nothing", res)
			}
			msgs := h.srv.Messages()
			if len(msgs) != 1 || !slices.Equal(msgs[0].To, []string{u.Email}) || msgs[0].Subject != "Panne" {
				t.Fatalf("messages %+v, want exactly one to %s about Panne", msgs, u.Email)
			}
			now := h.env.Clock.Now()
			checkRow(t, h.reload(t, row.ID), wantRow{statut: domain.EnvoiEnvoyee, tentatives: 2, sentAt: &now})
		})
	}
}

func TestBackoff(t *testing.T) {
	cases := []struct {
		n    int
		want time.Duration
	}{
		{0, 30 * time.Second},
		{1, 30 * time.Second},
		{2, time.Minute},
		{3, 2 * time.Minute},
		{7, 32 * time.Minute},
		{8, time.Hour}, // 64 min, capped
		{11, time.Hour},
		{100, time.Hour},
	}
	for _, c := range cases {
		if got := notify.Backoff(c.n); got != c.want {
			t.Errorf("Backoff(%d) = %v, want %v", c.n, got, c.want)
		}
	}
}

func TestBreakerPausesSends(t *testing.T) {
	h := newHarness(t)
	u := h.env.User(t, "Youssef", domain.RoleTechnicien)
	rows := h.notices(t, "Alerte", 5, u)
	w := h.worker(t, h.smtp())
	w.Breaker = &notify.Breaker{Threshold: 2, Cooldown: time.Minute}
	start := h.env.Clock.Now()
	next := start.Add(notify.Backoff(1))

	h.srv.Stop()
	if res := run(t, w); res != (notify.Result{Failed: 2}) {
		t.Errorf("RunOnce with SMTP down = %+v, want Failed 2 (the breaker opens after 2)", res)
	}
	for i, r := range rows {
		want := wantRow{statut: domain.EnvoiEnAttente} // released: tentatives 0, no lease
		if i < 2 {
			want = wantRow{statut: domain.EnvoiEnAttente, tentatives: 1, next: &next, erreur: "connecting to"}
		}
		checkRow(t, h.reload(t, r.ID), want)
	}

	// Open: nothing is tried, even with SMTP back and rows due.
	h.srv.Restart(t)
	for _, d := range []time.Duration{0, notify.Backoff(1), 20 * time.Second} {
		h.env.Clock.Advance(d)
		if res := run(t, w); res != (notify.Result{}) {
			t.Errorf("RunOnce %v after opening = %+v, want nothing (breaker open)", h.env.Clock.Now().Sub(start), res)
		}
	}
	if n := len(h.srv.Messages()); n != 0 {
		t.Fatalf("%d messages while the breaker is open, want 0", n)
	}
	for i, r := range rows {
		if n := h.reload(t, r.ID); (i < 2 && n.Tentatives != 1) || (i >= 2 && n.Tentatives != 0) {
			t.Errorf("row %d: tentatives %d while the breaker is open", i, n.Tentatives)
		}
	}

	// After the cooldown, with SMTP back: everything goes.
	h.env.Clock.Set(start.Add(time.Minute))
	if res := run(t, w); res != (notify.Result{Sent: 5}) {
		t.Errorf("RunOnce after the cooldown = %+v, want Sent 5", res)
	}
	if n := len(h.srv.Messages()); n != 5 {
		t.Errorf("%d messages after the cooldown, want 5", n)
	}
	for _, r := range rows {
		if n := h.reload(t, r.ID); n.StatutEnvoi != domain.EnvoiEnvoyee {
			t.Errorf("notification %d: %s after the cooldown, want ENVOYEE", r.ID, n.StatutEnvoi)
		}
	}
}

func TestAbandonAfterMaxAttempts(t *testing.T) {
	for _, maxAttempts := range []int{1, 2, 3} {
		t.Run(fmt.Sprintf("MaxAttempts=%d", maxAttempts), func(t *testing.T) {
			h := newHarness(t)
			u := h.env.User(t, "Nadia", domain.RoleTechnicien)
			row := h.notice(t, "Rappel", u)[0]
			w := h.worker(t, h.smtp())
			w.MaxAttempts = maxAttempts
			h.srv.Stop()
			for pass := 1; pass <= maxAttempts; pass++ {
				res := run(t, w)
				now := h.env.Clock.Now()
				got := h.reload(t, row.ID)
				if pass < maxAttempts {
					if res != (notify.Result{Failed: 1}) {
						t.Errorf("pass %d = %+v, want Failed 1", pass, res)
					}
					next := now.Add(notify.Backoff(pass))
					checkRow(t, got, wantRow{statut: domain.EnvoiEnAttente, tentatives: pass, next: &next, erreur: "connecting to"})
					h.env.Clock.Advance(notify.Backoff(pass) + time.Second)
					continue
				}
				if res != (notify.Result{Abandoned: 1}) {
					t.Errorf("pass %d = %+v, want Abandoned 1", pass, res)
				}
				checkRow(t, got, wantRow{statut: domain.EnvoiEchec, tentatives: maxAttempts, erreur: "connecting to"})
			}
			// Abandoned for good: SMTP back, much later, nothing is sent.
			h.srv.Restart(t)
			h.env.Clock.Advance(24 * time.Hour)
			if res := run(t, w); res != (notify.Result{}) {
				t.Errorf("RunOnce after abandon = %+v, want nothing", res)
			}
			if n := len(h.srv.Messages()); n != 0 {
				t.Errorf("%d messages for an abandoned notification, want 0", n)
			}
		})
	}
}

func TestOptOut(t *testing.T) {
	cases := []struct {
		name      string
		change    func(*ent.UserUpdateOne)
		afterSend bool // the change happens once the row is written
		canal     domain.Canal
		mail      bool
	}{
		{name: "opted in", change: func(*ent.UserUpdateOne) {}, canal: domain.CanalEmail, mail: true},
		{name: "opted out", change: func(u *ent.UserUpdateOne) { u.SetEmailNotifications(false) }, canal: domain.CanalLog},
		{name: "inactive", change: func(u *ent.UserUpdateOne) { u.SetIsActive(false) }, canal: domain.CanalLog},
		{name: "opted out after the row was written", change: func(u *ent.UserUpdateOne) { u.SetEmailNotifications(false) },
			afterSend: true, canal: domain.CanalEmail},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t)
			u := h.env.User(t, "Omar", domain.RoleTechnicien)
			update := func() {
				upd := h.env.Client.User.UpdateOneID(u.ID)
				c.change(upd)
				upd.SaveX(h.env.Sys)
			}
			if !c.afterSend {
				update()
			}
			row := h.notice(t, "Information", u)[0]
			if row.Canal != c.canal {
				t.Errorf("canal %s, want %s", row.Canal, c.canal)
			}
			if c.afterSend {
				update()
			}
			if res := run(t, h.worker(t, h.smtp())); res != (notify.Result{Sent: 1}) {
				t.Errorf("RunOnce = %+v, want Sent 1", res)
			}
			want := 0
			if c.mail {
				want = 1
			}
			if n := len(h.srv.Messages()); n != want {
				t.Errorf("%d emails, want %d", n, want)
			}
			now := h.env.Clock.Now()
			checkRow(t, h.reload(t, row.ID), wantRow{statut: domain.EnvoiEnvoyee, tentatives: 1, sentAt: &now})
		})
	}
}

// countingSender records every mail it is given, as fast as it can.
type countingSender struct {
	mu   sync.Mutex
	sent map[string]int
}

func (s *countingSender) Send(_ context.Context, m notify.Mail) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sent[m.To+" / "+m.Subject]++
	return nil
}

func TestTwoWorkersSendExactlyOnce(t *testing.T) {
	cases := []struct {
		name    string
		perUser int  // notifications per user (3 users)
		smtp    bool // through the test SMTP server, else a counting sender (more claims race)
	}{
		{name: "SMTP", perUser: 10, smtp: true},
		{name: "fast sender", perUser: 100},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t)
			users := []*ent.User{
				h.env.User(t, "Amine", domain.RoleTechnicien),
				h.env.User(t, "Btissam", domain.RoleTechnicien),
				h.env.User(t, "Chaimae", domain.RoleResponsable),
			}
			total := c.perUser * len(users)
			for i := range c.perUser {
				h.notice(t, fmt.Sprintf("Lot %03d", i), users...)
			}
			pending := func() (int, error) {
				return h.env.Client.Notification.Query().Where(notification.StatutEnvoiEQ(domain.EnvoiEnAttente)).Count(h.env.Sys)
			}
			if n, err := pending(); err != nil || n != total {
				t.Fatalf("%d pending notifications (%v), want %d", n, err, total)
			}

			counter := &countingSender{sent: map[string]int{}}
			var sent atomic.Int64
			var wg sync.WaitGroup
			startLine := make(chan struct{})
			deadline := time.Now().Add(time.Minute)
			for i := range 2 {
				var s notify.Sender = counter
				if c.smtp {
					s = h.smtp()
				}
				w := h.worker(t, s)
				w.Batch = 4
				wg.Go(func() {
					<-startLine
					for time.Now().Before(deadline) {
						res, err := w.RunOnce(context.Background())
						if err != nil {
							t.Errorf("worker %d: RunOnce: %v", i, err)
							return
						}
						sent.Add(int64(res.Sent))
						if res.Sent+res.Failed+res.Abandoned > 0 {
							continue
						}
						n, err := pending()
						if err != nil {
							t.Errorf("worker %d: counting: %v", i, err)
							return
						}
						if n == 0 {
							return
						}
						time.Sleep(time.Millisecond) // the other worker holds the rest
					}
					t.Errorf("worker %d: still notifications pending after a minute", i)
				})
			}
			close(startLine)
			wg.Wait()

			if n := sent.Load(); n != int64(total) {
				t.Errorf("workers report %d sent, want %d", n, total)
			}
			count := counter.sent
			if c.smtp {
				count = map[string]int{}
				for _, m := range h.srv.Messages() {
					count[strings.Join(m.To, ",")+" / "+m.Subject]++
				}
			}
			delivered := 0
			for _, n := range count {
				delivered += n
			}
			if delivered != total {
				t.Errorf("%d mails in all, want %d", delivered, total)
			}
			for i := range c.perUser {
				for _, u := range users {
					if k := u.Email + " / " + fmt.Sprintf("Lot %03d", i); count[k] != 1 {
						t.Errorf("%s delivered %d times, want 1", k, count[k])
					}
				}
			}
			for _, n := range h.env.Client.Notification.Query().AllX(h.env.Sys) {
				if n.StatutEnvoi != domain.EnvoiEnvoyee || n.Tentatives != 1 {
					t.Errorf("notification %d: %s after %d attempts, want ENVOYEE after 1", n.ID, n.StatutEnvoi, n.Tentatives)
				}
			}
		})
	}
}

// panicSender simulates a worker dying in the middle of a send.
type panicSender struct{}

func (panicSender) Send(context.Context, notify.Mail) error { panic("worker killed mid-send") }

// blockingSender holds a send until released, then fails it: a worker so slow that its
// lease expires.
type blockingSender struct {
	entered chan struct{}
	release chan struct{}
}

func (s blockingSender) Send(context.Context, notify.Mail) error {
	close(s.entered)
	<-s.release
	return errors.New("timed out")
}

func TestRestartResumesClaimedRows(t *testing.T) {
	t.Run("worker died mid-send", func(t *testing.T) {
		h := newHarness(t)
		u := h.env.User(t, "Hamza", domain.RoleTechnicien)
		row := h.notice(t, "Relance", u)[0]
		const lease = 5 * time.Minute
		dead := h.worker(t, panicSender{})
		dead.Lease = lease
		func() {
			defer func() {
				if recover() == nil {
					t.Fatal("the panicking sender did not panic")
				}
			}()
			_, _ = dead.RunOnce(context.Background())
		}()
		until := h.env.Clock.Now().Add(lease)
		checkRow(t, h.reload(t, row.ID), wantRow{statut: domain.EnvoiEnAttente, next: &until})

		w := h.worker(t, h.smtp())
		w.Lease = lease
		for _, d := range []time.Duration{0, lease - time.Second} {
			h.env.Clock.Set(until.Add(-lease + d))
			if res := run(t, w); res != (notify.Result{}) {
				t.Errorf("RunOnce %v into the dead worker's lease = %+v, want nothing", d, res)
			}
		}
		h.env.Clock.Set(until.Add(time.Second))
		if res := run(t, w); res != (notify.Result{Sent: 1}) {
			t.Errorf("RunOnce after the lease = %+v, want Sent 1", res)
		}
		if n := len(h.srv.Messages()); n != 1 {
			t.Errorf("%d messages, want 1", n)
		}
		now := h.env.Clock.Now()
		checkRow(t, h.reload(t, row.ID), wantRow{statut: domain.EnvoiEnvoyee, tentatives: 1, sentAt: &now})
	})

	t.Run("lease already past", func(t *testing.T) {
		h := newHarness(t)
		u := h.env.User(t, "Ilham", domain.RoleTechnicien)
		row := h.notice(t, "Relance", u)[0]
		h.env.Client.Notification.UpdateOneID(row.ID).SetProchaineTentative(h.env.Clock.Now().Add(-time.Minute)).ExecX(h.env.Sys)
		if res := run(t, h.worker(t, h.smtp())); res != (notify.Result{Sent: 1}) {
			t.Errorf("RunOnce = %+v, want Sent 1", res)
		}
		if n := len(h.srv.Messages()); n != 1 {
			t.Errorf("%d messages, want 1", n)
		}
	})

	t.Run("late worker does not overwrite the new claim", func(t *testing.T) {
		h := newHarness(t)
		u := h.env.User(t, "Jamal", domain.RoleTechnicien)
		row := h.notice(t, "Relance", u)[0]
		slow := h.worker(t, blockingSender{entered: make(chan struct{}), release: make(chan struct{})})
		bs := slow.Sender.(blockingSender)
		done := make(chan error, 1)
		go func() {
			_, err := slow.RunOnce(context.Background())
			done <- err
		}()
		<-bs.entered
		h.env.Clock.Advance(notify.DefaultLease + time.Minute) // past the slow worker's lease
		if res := run(t, h.worker(t, h.smtp())); res != (notify.Result{Sent: 1}) {
			t.Errorf("second worker's RunOnce = %+v, want Sent 1", res)
		}
		close(bs.release)
		if err := <-done; err != nil {
			t.Errorf("slow worker: %v", err)
		}
		now := h.env.Clock.Now()
		checkRow(t, h.reload(t, row.ID), wantRow{statut: domain.EnvoiEnvoyee, tentatives: 1, sentAt: &now})
	})
}

func TestCheckDeadlines(t *testing.T) {
	h := newHarness(t)
	env := h.env
	now := env.Clock.Now()
	resp1 := env.User(t, "Rachid", domain.RoleResponsable)
	resp2 := env.User(t, "Sanaa", domain.RoleResponsable)
	gone := env.User(t, "Ancien", domain.RoleResponsable)
	env.Client.User.UpdateOne(gone).SetIsActive(false).ExecX(env.Sys)
	env.User(t, "Admin", domain.RoleAdmin)
	techUser := env.User(t, "Tarik", domain.RoleTechnicien)
	tech := env.Client.Technicien.Create().SetUserID(techUser.ID).SaveX(env.Sys)
	const ahead = 24 * time.Hour

	cases := []struct {
		name    string
		statut  domain.InterventionStatut
		limite  *time.Time
		tech    bool
		want    []string // recipients' emails
		message string   // in the notification's message
	}{
		{"due within the window, assigned", domain.StatutAffectee, ptr(now.Add(2 * time.Hour)), true,
			[]string{resp1.Email, resp2.Email, techUser.Email}, "arrive à échéance"},
		{"overdue, unassigned", domain.StatutOuverte, ptr(now.Add(-time.Hour)), false,
			[]string{resp1.Email, resp2.Email}, "a dépassé son échéance"},
		{"at the edge of the window", domain.StatutEnAttente, ptr(now.Add(ahead)), false,
			[]string{resp1.Email, resp2.Email}, "arrive à échéance"},
		{"closed", domain.StatutCloturee, ptr(now.Add(-time.Hour)), true, nil, ""},
		{"archived", domain.StatutArchivee, ptr(now.Add(-time.Hour)), true, nil, ""},
		{"far deadline", domain.StatutEnCours, ptr(now.Add(3 * ahead)), true, nil, ""},
		{"no deadline", domain.StatutOuverte, nil, false, nil, ""},
	}
	ids := make([]int, len(cases))
	for i, c := range cases {
		cr := env.Client.Intervention.Create().SetTitre(c.name).SetStatut(c.statut).SetNillableDateLimite(c.limite)
		if c.tech {
			cr.SetTechnicienID(tech.ID)
		}
		ids[i] = cr.SaveX(env.Sys).ID
	}
	warned := 0
	for _, c := range cases {
		if c.want != nil {
			warned++
		}
	}

	n, err := notify.CheckDeadlines(context.Background(), env.Client, env.DB.Dialect, nil, env.Deps.Config.Zone, now, ahead)
	if err != nil {
		t.Fatalf("CheckDeadlines: %v", err)
	}
	if n != warned {
		t.Errorf("CheckDeadlines warned about %d interventions, want %d", n, warned)
	}
	check := func(t *testing.T) {
		for i, c := range cases {
			rows := env.Client.Notification.Query().
				Where(notification.InterventionID(ids[i]), notification.TypeEQ(domain.NotificationRetard)).
				WithUser().AllX(env.Sys)
			var got []string
			for _, r := range rows {
				got = append(got, r.Edges.User.Email)
				if !strings.Contains(r.Message, c.message) || !strings.Contains(r.Sujet, c.name) {
					t.Errorf("%s: notification %q / %q, want the title in the subject and %q in the message", c.name, r.Sujet, r.Message, c.message)
				}
			}
			slices.Sort(got)
			want := slices.Clone(c.want)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("%s: RETARD to %q, want %q", c.name, got, want)
			}
		}
	}
	check(t)
	// The warned ones carry the date of their warning, which keeps them out of the next checks.
	for i, c := range cases {
		got := env.Client.Intervention.GetX(env.Sys, ids[i]).DateAlerteEcheance
		if (got != nil) != (c.want != nil) || (got != nil && !got.Equal(now)) {
			t.Errorf("%s: date_alerte_echeance = %v, want it at %v only when warned", c.name, got, now)
		}
	}

	// A second pass (later, too) warns no one twice.
	before := env.Client.Notification.Query().CountX(env.Sys)
	env.Clock.Advance(time.Hour)
	if n, err := notify.CheckDeadlines(context.Background(), env.Client, env.DB.Dialect, nil, env.Deps.Config.Zone, env.Clock.Now(), ahead); err != nil || n != 0 {
		t.Errorf("second CheckDeadlines = %d, %v; want 0, nil", n, err)
	}
	if after := env.Client.Notification.Query().CountX(env.Sys); after != before {
		t.Errorf("%d notifications after the second check, want %d", after, before)
	}
	check(t)

	// The warnings are delivered with the RETARD template.
	res := run(t, h.worker(t, h.smtp()))
	if res.Sent != before || res.Failed+res.Abandoned != 0 {
		t.Errorf("RunOnce = %+v, want Sent %d", res, before)
	}
	for _, m := range h.srv.Messages() {
		if !strings.Contains(m.HTML, "Échéance proche ou dépassée") || !strings.Contains(m.Text, "Échéance proche ou dépassée") {
			t.Errorf("RETARD mail to %v lacks the template's heading:\n%s", m.To, m.Text)
		}
	}
}

func TestLogSenderWithoutSMTP(t *testing.T) {
	h := newHarness(t)
	h.srv.Stop() // no SMTP at all
	u := h.env.User(t, "Zineb", domain.RoleTechnicien)
	rows := h.notices(t, "Journal", 3, u)
	w := h.worker(t, notify.LogSender{Log: gqltest.Logger(t)})
	if res := run(t, w); res != (notify.Result{Sent: 3}) {
		t.Errorf("RunOnce = %+v, want Sent 3", res)
	}
	now := h.env.Clock.Now()
	for _, r := range rows {
		checkRow(t, h.reload(t, r.ID), wantRow{statut: domain.EnvoiEnvoyee, tentatives: 1, sentAt: &now})
	}
}

func TestSMTPSender(t *testing.T) {
	cases := []struct {
		name     string
		from     string
		tls      string
		user     string
		wantErr  string // "" : delivered
		envelope string
	}{
		{name: "plain", from: sender, tls: "none", envelope: sender},
		{name: "display name", from: "MIF Maintenance <maintenance@mif.ma>", tls: "none", envelope: sender},
		{name: "starttls not offered", from: sender, tls: "starttls", envelope: sender},
		{name: "auth not offered", from: sender, tls: "none", user: "smtp-user", wantErr: "authenticating"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := smtptest.Start(t)
			s := notify.SMTPSender{Host: "127.0.0.1", Port: srv.Port(), From: c.from, TLSMode: c.tls, User: c.user, Password: "x", Timeout: 5 * time.Second}
			err := s.Send(context.Background(), notify.Mail{To: "a@example.com", Subject: "Sujet é", Text: "texte\n.point", HTML: "<p>html</p>"})
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Errorf("Send error %v, want one containing %q", err, c.wantErr)
				}
				if n := len(srv.Messages()); n != 0 {
					t.Errorf("%d messages after a failed send, want 0", n)
				}
				return
			}
			if err != nil {
				t.Fatalf("Send: %v", err)
			}
			msgs := srv.Messages()
			if len(msgs) != 1 {
				t.Fatalf("%d messages, want 1", len(msgs))
			}
			m := msgs[0]
			if m.From != c.envelope || !slices.Equal(m.To, []string{"a@example.com"}) {
				t.Errorf("envelope %q → %q, want %q → [a@example.com]", m.From, m.To, c.envelope)
			}
			if m.Subject != "Sujet é" || !strings.Contains(strings.ReplaceAll(m.Text, "\r\n", "\n"), "texte\n.point") || !strings.Contains(m.HTML, "<p>html</p>") {
				t.Errorf("message subject %q text %q html %q", m.Subject, m.Text, m.HTML)
			}
			if got := m.Header.Get("From"); !strings.Contains(got, "maintenance@mif.ma") {
				t.Errorf("From header %q", got)
			}
		})
	}
}

func TestSMTPSenderServerDown(t *testing.T) {
	srv := smtptest.Start(t)
	srv.Stop()
	s := notify.SMTPSender{Host: "127.0.0.1", Port: srv.Port(), From: sender, TLSMode: "none", Timeout: 5 * time.Second}
	if err := s.Send(context.Background(), notify.Mail{To: "a@example.com", Subject: "x", Text: "x"}); err == nil {
		t.Fatal("Send to a stopped server succeeded")
	}
	srv.Restart(t)
	if err := s.Send(context.Background(), notify.Mail{To: "a@example.com", Subject: "x", Text: "x"}); err != nil {
		t.Fatalf("Send after Restart: %v", err)
	}
	if n := len(srv.Messages()); n != 1 {
		t.Errorf("%d messages, want 1", n)
	}
}

func TestTemplates(t *testing.T) {
	tpl, err := notify.LoadTemplates()
	if err != nil {
		t.Fatalf("LoadTemplates: %v", err)
	}
	iv := &notify.MailIntervention{ID: 42, Titre: "Compresseur C-7", Statut: "EN_COURS", Priorite: "HAUTE",
		Equipement: "Compresseur (CMP-7)", DateLimite: "05/03/2027 14:30"}
	const evil = `Voir <script>alert("x")</script> & co`
	for _, typ := range domain.NotificationType("").Values() {
		for _, withIv := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s/intervention=%v", typ, withIv), func(t *testing.T) {
				d := notify.MailData{Destinataire: "Salma Bennani", Sujet: "Sujet " + typ, Message: "Le message " + typ}
				if withIv {
					d.Intervention = iv
				}
				m, err := tpl.Render(domain.NotificationType(typ), "s@example.com", d)
				if err != nil {
					t.Fatalf("Render: %v", err)
				}
				if m.To != "s@example.com" || m.Subject != d.Sujet {
					t.Errorf("mail to %q subject %q", m.To, m.Subject)
				}
				for part, body := range map[string]string{"html": m.HTML, "text": m.Text} {
					for _, want := range []string{d.Message, "Salma Bennani"} {
						if !strings.Contains(body, want) {
							t.Errorf("%s lacks %q:\n%s", part, want, body)
						}
					}
					for _, want := range []string{iv.Titre, "#42", iv.Equipement, iv.DateLimite} {
						if strings.Contains(body, want) != withIv {
							t.Errorf("%s: contains %q = %v, want %v:\n%s", part, want, !withIv, withIv, body)
						}
					}
				}
			})
		}
		t.Run(typ+"/escapes", func(t *testing.T) {
			m, err := tpl.Render(domain.NotificationType(typ), "s@example.com", notify.MailData{Destinataire: "<b>Moi</b>", Sujet: "<i>s</i>", Message: evil, Intervention: iv})
			if err != nil {
				t.Fatalf("Render: %v", err)
			}
			for _, bad := range []string{"<script>", "<b>Moi", "<i>s"} {
				if strings.Contains(m.HTML, bad) {
					t.Errorf("html carries %q unescaped:\n%s", bad, m.HTML)
				}
			}
			if !strings.Contains(m.HTML, "&lt;script&gt;") || !strings.Contains(m.HTML, "&amp; co") {
				t.Errorf("html does not escape the message:\n%s", m.HTML)
			}
			if !strings.Contains(m.Text, evil) {
				t.Errorf("text should keep the message as is:\n%s", m.Text)
			}
		})
	}
}

func TestStartRunsPassesUntilStop(t *testing.T) {
	h := newHarness(t)
	u := h.env.User(t, "Soufiane", domain.RoleResponsable)
	h.notice(t, "Boucle", u)
	h.env.Client.Intervention.Create().SetTitre("Chaudière").SetDateLimite(h.env.Clock.Now().Add(time.Hour)).ExecX(h.env.Sys)

	_ = (&notify.Worker{}).Stop(context.Background()) // never started: nothing to stop
	w := h.worker(t, h.smtp())
	w.DeadlineWarning = 24 * time.Hour
	w.Start(context.Background(), 10*time.Millisecond)
	deadline := time.Now().Add(10 * time.Second)
	for len(h.srv.Messages()) < 2 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if err := w.Stop(context.Background()); err != nil || !w.Stopped() {
		t.Fatalf("Stop = %v, stopped %t", err, w.Stopped())
	}
	var subjects []string
	for _, m := range h.srv.Messages() {
		subjects = append(subjects, m.Subject)
	}
	slices.Sort(subjects)
	if len(subjects) != 2 || subjects[0] != "Boucle" || !strings.Contains(subjects[1], "Chaudière") {
		t.Fatalf("subjects %q, want the pending one and the deadline warning about Chaudière", subjects)
	}
	// Stopped: a new notification stays pending.
	row := h.notice(t, "Après l'arrêt", u)[0]
	time.Sleep(50 * time.Millisecond)
	if n := h.reload(t, row.ID); n.StatutEnvoi != domain.EnvoiEnAttente || len(h.srv.Messages()) != 2 {
		t.Errorf("after Stop: notification %s, %d messages; want EN_ATTENTE and 2", n.StatutEnvoi, len(h.srv.Messages()))
	}
}

// TestSMTPTestServer checks the test server itself with net/smtp's client.
func TestSMTPTestServer(t *testing.T) {
	srv := smtptest.Start(t)
	c, err := smtp.Dial(srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = c.Close() }()
	if ok, _ := c.Extension("STARTTLS"); ok {
		t.Error("STARTTLS advertised")
	}
	if ok, _ := c.Extension("AUTH"); ok {
		t.Error("AUTH advertised")
	}
	if err := c.Noop(); err != nil {
		t.Errorf("NOOP: %v", err)
	}
	// A transaction abandoned with RSET leaves nothing.
	if err := c.Mail("x@example.com"); err != nil {
		t.Fatal(err)
	}
	if err := c.Rcpt("lost@example.com"); err != nil {
		t.Fatal(err)
	}
	if err := c.Reset(); err != nil {
		t.Fatalf("RSET: %v", err)
	}
	if err := c.Rcpt("y@example.com"); err == nil {
		t.Error("RCPT without MAIL accepted")
	}
	body := "Subject: =?utf-8?q?=C3=A9t=C3=A9?=\r\n\r\n.leading dot\r\n..two dots\r\n.\r\nend\r\n"
	if err := c.Mail("from@example.com"); err != nil {
		t.Fatal(err)
	}
	for _, rcpt := range []string{"a@example.com", "b@example.com"} {
		if err := c.Rcpt(rcpt); err != nil {
			t.Fatal(err)
		}
	}
	wc, err := c.Data()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := wc.Write([]byte(body)); err != nil {
		t.Fatal(err)
	}
	if err := wc.Close(); err != nil {
		t.Fatal(err)
	}
	srv.FailData(true)
	if err := c.Mail("from@example.com"); err != nil {
		t.Fatal(err)
	}
	if err := c.Rcpt("a@example.com"); err != nil {
		t.Fatal(err)
	}
	wc, err = c.Data()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := wc.Write([]byte("Subject: refused\r\n\r\nx\r\n")); err != nil {
		t.Fatal(err)
	}
	if err := wc.Close(); err == nil || !strings.Contains(err.Error(), "451") {
		t.Errorf("end of DATA in failing mode: %v, want 451", err)
	}
	if err := c.Quit(); err != nil {
		t.Errorf("QUIT: %v", err)
	}
	msgs := srv.Messages()
	if len(msgs) != 1 {
		t.Fatalf("%d messages, want 1", len(msgs))
	}
	m := msgs[0]
	if m.From != "from@example.com" || !slices.Equal(m.To, []string{"a@example.com", "b@example.com"}) {
		t.Errorf("envelope %q → %q", m.From, m.To)
	}
	if m.Data != body || m.Subject != "été" || m.Text != ".leading dot\r\n..two dots\r\n.\r\nend\r\n" {
		t.Errorf("data %q subject %q text %q", m.Data, m.Subject, m.Text)
	}
	srv.Reset()
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("%d messages after Reset", n)
	}
}

// scriptedSender fails the mails whose subject starts with "fail" and accepts the others.
type scriptedSender struct{}

func (scriptedSender) Send(_ context.Context, m notify.Mail) error {
	if strings.HasPrefix(m.Subject, "fail") {
		return errors.New("451 scripted failure")
	}
	return nil
}

func TestBreakerCountsConsecutiveFailures(t *testing.T) {
	cases := []struct {
		script    []string // subjects, in the order the worker takes them
		threshold int
		want      notify.Result
		open      bool // the breaker is open after the pass
	}{
		{[]string{"fail", "ok", "fail", "ok"}, 2, notify.Result{Sent: 2, Failed: 2}, false},
		{[]string{"fail", "fail", "ok", "ok"}, 2, notify.Result{Failed: 2}, true},
		{[]string{"ok", "fail", "fail", "ok"}, 2, notify.Result{Sent: 1, Failed: 2}, true},
		{[]string{"ok", "fail", "fail", "ok"}, 3, notify.Result{Sent: 2, Failed: 2}, false},
		{[]string{"fail", "fail", "fail", "ok"}, 3, notify.Result{Failed: 3}, true},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%s/threshold=%d", strings.Join(c.script, ","), c.threshold), func(t *testing.T) {
			h := newHarness(t)
			u := h.env.User(t, "Latifa", domain.RoleTechnicien)
			var rows []*ent.Notification
			for i, s := range c.script {
				rows = append(rows, h.notice(t, fmt.Sprintf("%s %d", s, i), u)...)
			}
			w := h.worker(t, scriptedSender{})
			w.Breaker = &notify.Breaker{Threshold: c.threshold, Cooldown: time.Minute}
			if res := run(t, w); res != c.want {
				t.Errorf("RunOnce = %+v, want %+v", res, c.want)
			}
			if open := !w.Breaker.Allow(h.env.Clock.Now()); open != c.open {
				t.Errorf("breaker open %v, want %v", open, c.open)
			}
			// Whatever the pass did not get to is released: pending, untried, unleased.
			done := c.want.Sent + c.want.Failed
			for _, r := range rows[done:] {
				checkRow(t, h.reload(t, r.ID), wantRow{statut: domain.EnvoiEnAttente})
			}
		})
	}
}

// TestConcurrentDeadlineChecks runs the check on several replicas at once (every replica's
// worker runs it): each intervention is still warned about once per recipient. On
// PostgreSQL the check-then-insert of CheckDeadlines runs in READ COMMITTED with no lock, so
// concurrent passes can both find "not warned yet" and both write.
func TestConcurrentDeadlineChecks(t *testing.T) {
	h := newHarness(t)
	env := h.env
	now := env.Clock.Now()
	resp := env.User(t, "Mounir", domain.RoleResponsable)
	const interventions, replicas = 20, 4
	for i := range interventions {
		env.Client.Intervention.Create().SetTitre(fmt.Sprintf("Échéance %02d", i)).SetDateLimite(now.Add(time.Hour)).ExecX(env.Sys)
	}
	var wg sync.WaitGroup
	for range replicas {
		wg.Go(func() {
			if _, err := notify.CheckDeadlines(context.Background(), env.Client, env.DB.Dialect, nil, env.Deps.Config.Zone, now, 24*time.Hour); err != nil {
				t.Errorf("CheckDeadlines: %v", err)
			}
		})
	}
	wg.Wait()
	rows := env.Client.Notification.Query().Where(notification.TypeEQ(domain.NotificationRetard)).AllX(env.Sys)
	per := map[int]int{}
	for _, r := range rows {
		if r.UserID != resp.ID || r.InterventionID == nil {
			t.Errorf("unexpected RETARD notification %+v", r)
			continue
		}
		per[*r.InterventionID]++
	}
	if len(per) != interventions {
		t.Errorf("%d interventions warned about, want %d", len(per), interventions)
	}
	for id, n := range per {
		if n != 1 {
			t.Errorf("intervention %d: %d RETARD notifications to the responsable, want 1", id, n)
		}
	}
}

// TestWorkersWithSameLeaseInstant: two workers claiming at the same instant (the same
// clock reading, to the microsecond) must not disturb each other's claims. Worker A's breaker
// opens while worker B is still sending the row B claimed; A's release of "the rest of its
// claim" selects rows by lease value only, so it must not free B's row, and B's success must
// be recorded (otherwise the mail, already sent, goes out again).
func TestWorkersWithSameLeaseInstant(t *testing.T) {
	h := newHarness(t)
	u := h.env.User(t, "Driss", domain.RoleTechnicien)
	first := h.notice(t, "ok B", u)[0]
	h.notice(t, "fail A1", u)
	h.notice(t, "fail A2", u)

	bs := blockingSender{entered: make(chan struct{}), release: make(chan struct{})}
	b := h.worker(t, okAfter{bs})
	b.Batch = 1
	done := make(chan error, 1)
	go func() {
		_, err := b.RunOnce(context.Background())
		done <- err
	}()
	<-bs.entered // B holds "ok B", leased until now+DefaultLease

	a := h.worker(t, scriptedSender{})
	a.Breaker = &notify.Breaker{Threshold: 2, Cooldown: time.Minute}
	if res := run(t, a); res != (notify.Result{Failed: 2}) {
		t.Errorf("worker A = %+v, want Failed 2", res)
	}
	close(bs.release)
	if err := <-done; err != nil {
		t.Fatalf("worker B: %v", err)
	}
	now := h.env.Clock.Now()
	checkRow(t, h.reload(t, first.ID), wantRow{statut: domain.EnvoiEnvoyee, tentatives: 1, sentAt: &now})
}

// okAfter waits like blockingSender, then succeeds.
type okAfter struct{ b blockingSender }

func (s okAfter) Send(ctx context.Context, m notify.Mail) error {
	_ = s.b.Send(ctx, m)
	return nil
}

func TestRecipientName(t *testing.T) {
	cases := []struct {
		name   string
		change func(*ent.UserUpdateOne)
		want   string
	}{
		{"full name", func(u *ent.UserUpdateOne) { u.SetNomComplet("Fatima Zahra Idrissi").SetUsername("fzi") }, "Bonjour Fatima Zahra Idrissi,"},
		{"username without a full name", func(u *ent.UserUpdateOne) { u.ClearNomComplet().SetUsername("fzi") }, "Bonjour fzi,"},
		{"email as a last resort", func(u *ent.UserUpdateOne) { u.ClearNomComplet().ClearUsername() }, "Bonjour fatima@example.com,"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t)
			u := h.env.User(t, "Fatima", domain.RoleTechnicien)
			upd := h.env.Client.User.UpdateOneID(u.ID)
			c.change(upd)
			upd.ExecX(h.env.Sys)
			h.notice(t, "Bonjour", u)
			if res := run(t, h.worker(t, h.smtp())); res != (notify.Result{Sent: 1}) {
				t.Fatalf("RunOnce = %+v, want Sent 1", res)
			}
			msgs := h.srv.Messages()
			if len(msgs) != 1 || !strings.Contains(msgs[0].Text, c.want) || !strings.Contains(msgs[0].HTML, c.want) {
				t.Errorf("messages %+v, want one greeting %q", msgs, c.want)
			}
		})
	}
}

// sentThenCrash sends through next, then dies before the worker can record the send: the
// worst moment for a crash.
type sentThenCrash struct{ next notify.Sender }

func (s sentThenCrash) Send(ctx context.Context, m notify.Mail) error {
	if err := s.next.Send(ctx, m); err != nil {
		return err
	}
	panic("process killed after the send, before its record")
}

// TestCrashResumesWithinTheLease, with a real clock: after a worker died holding a claim,
// the next worker (a restarted server) sends the mail once the short lease is over, seconds
// later, not minutes; the email sent twice carries the same Message-ID both times.
func TestCrashResumesWithinTheLease(t *testing.T) {
	h := newHarness(t)
	h.env.Clock.Run()
	u := h.env.User(t, "Nadia", domain.RoleTechnicien)
	row := h.notice(t, "Après le crash", u)[0]
	const lease = time.Second

	crashed := h.worker(t, sentThenCrash{h.smtp()})
	crashed.Lease, crashed.MessageIDDomain = lease, "mif.ma"
	start := time.Now()
	func() {
		defer func() {
			if recover() == nil {
				t.Fatal("the crashing sender did not panic")
			}
		}()
		_, _ = crashed.RunOnce(context.Background())
	}()
	if got := h.reload(t, row.ID); got.StatutEnvoi != domain.EnvoiEnAttente || got.ProchaineTentative == nil {
		t.Fatalf("after the crash: %s, lease %v; want EN_ATTENTE under the dead worker's lease", got.StatutEnvoi, fmtTime(got.ProchaineTentative))
	}

	restarted := h.worker(t, h.smtp())
	restarted.Lease, restarted.MessageIDDomain = lease, "mif.ma"
	var resumed time.Duration
	for {
		res := run(t, restarted)
		if res.Sent == 1 {
			resumed = time.Since(start)
			break
		}
		if res != (notify.Result{}) {
			t.Fatalf("RunOnce = %+v, want nothing, then Sent 1", res)
		}
		if time.Since(start) > lease+5*time.Second {
			t.Fatalf("still not sent %v after the crash (lease %v)", time.Since(start), lease)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if resumed < lease-50*time.Millisecond {
		t.Errorf("sent again %v after the crash, inside the dead worker's lease of %v", resumed, lease)
	}
	t.Logf("mail of the crashed worker sent again %v after the crash", resumed)

	msgs := h.srv.Messages()
	if len(msgs) != 2 {
		t.Fatalf("%d messages, want 2 (before the crash, after the restart)", len(msgs))
	}
	want := notify.MessageID(h.reload(t, row.ID), "mif.ma")
	for i, m := range msgs {
		if got := m.Header.Get("Message-Id"); got != want {
			t.Errorf("message %d: Message-ID %q, want %q", i, got, want)
		}
	}
	got := h.reload(t, row.ID)
	if got.StatutEnvoi != domain.EnvoiEnvoyee || got.Tentatives != 1 {
		t.Errorf("notification %d: %s after %d attempts, want ENVOYEE after 1", row.ID, got.StatutEnvoi, got.Tentatives)
	}
}

// heldSender holds each send for d, then sends through next.
type heldSender struct {
	d       time.Duration
	next    notify.Sender
	entered chan struct{}
}

func (s heldSender) Send(ctx context.Context, m notify.Mail) error {
	close(s.entered)
	time.Sleep(s.d) // the slow SMTP server: real time must pass
	return s.next.Send(ctx, m)
}

// TestLeaseRenewedWhileSending, with a real clock: a worker whose send lasts more than twice
// its lease keeps its claim, so that another worker polling meanwhile sends nothing, and the
// email goes out once.
func TestLeaseRenewedWhileSending(t *testing.T) {
	h := newHarness(t)
	h.env.Clock.Run()
	u := h.env.User(t, "Omar", domain.RoleTechnicien)
	row := h.notice(t, "Envoi lent", u)[0]
	const lease = time.Second

	slow := h.worker(t, heldSender{d: 5 * lease / 2, next: h.smtp(), entered: make(chan struct{})})
	slow.Lease = lease
	done := make(chan notify.Result, 1)
	go func() {
		res, err := slow.RunOnce(context.Background())
		if err != nil {
			t.Errorf("slow worker: %v", err)
		}
		done <- res
	}()
	<-slow.Sender.(heldSender).entered

	other := h.worker(t, h.smtp())
	other.Lease = lease
	passes := 0
	for finished := false; !finished; {
		select {
		case res := <-done:
			if res != (notify.Result{Sent: 1}) {
				t.Errorf("slow worker = %+v, want Sent 1", res)
			}
			finished = true
		default:
			if res := run(t, other); res != (notify.Result{}) {
				t.Fatalf("other worker, %d passes into the slow send = %+v: the lease was not renewed", passes, res)
			}
			passes++
			time.Sleep(50 * time.Millisecond)
		}
	}
	if n := len(h.srv.Messages()); n != 1 {
		t.Errorf("%d messages, want 1", n)
	}
	got := h.reload(t, row.ID)
	if got.StatutEnvoi != domain.EnvoiEnvoyee || got.Tentatives != 1 || got.ProchaineTentative != nil {
		t.Errorf("notification %d: %s after %d attempts, next %v; want ENVOYEE after 1, none next", row.ID, got.StatutEnvoi, got.Tentatives, fmtTime(got.ProchaineTentative))
	}
}

// TestMessageID: each notification's email carries its own Message-ID, on the configured
// domain.
func TestMessageID(t *testing.T) {
	h := newHarness(t)
	users := []*ent.User{h.env.User(t, "Rim", domain.RoleTechnicien), h.env.User(t, "Saad", domain.RoleTechnicien)}
	rows := h.notice(t, "Identifiant", users...)
	w := h.worker(t, h.smtp())
	w.MessageIDDomain = "erp.mif-maroc.ma"
	if res := run(t, w); res != (notify.Result{Sent: 2}) {
		t.Fatalf("RunOnce = %+v, want Sent 2", res)
	}
	msgs := h.srv.Messages()
	if len(msgs) != 2 {
		t.Fatalf("%d messages, want 2", len(msgs))
	}
	seen := map[string]bool{}
	for i, row := range rows {
		want := notify.MessageID(row, "erp.mif-maroc.ma")
		if !strings.HasPrefix(want, fmt.Sprintf("<notification-%d.", row.ID)) || !strings.HasSuffix(want, "@erp.mif-maroc.ma>") {
			t.Errorf("MessageID(%d) = %q, want <notification-%d.…@erp.mif-maroc.ma>", row.ID, want, row.ID)
		}
		if got := msgs[i].Header.Get("Message-Id"); got != want {
			t.Errorf("email of notification %d: Message-ID %q, want %q", row.ID, got, want)
		}
		seen[want] = true
	}
	if len(seen) != 2 {
		t.Errorf("the two notifications share a Message-ID: %v", seen)
	}
}

// watchingSender keeps the mails it sends; before each it calls before with how many it sent
// so far, and after each it calls after.
type watchingSender struct {
	mu     sync.Mutex
	mails  []notify.Mail
	before func(sent int)
	after  func()
}

func (s *watchingSender) Send(_ context.Context, m notify.Mail) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.before != nil {
		s.before(len(s.mails))
	}
	s.mails = append(s.mails, m)
	if s.after != nil {
		s.after()
	}
	return nil
}

// TestPassRecordsQuickSendsTogether: a pass reads the recipients and interventions of its
// notifications once, and writes the records of quick sends in one statement, so that its
// statements (and its commits) do not grow with its size; a send slower than the grouping
// bound is recorded as soon as it is done, before the next send starts. With the frozen clock
// a slow send is one that moves the clock; with the real clock, one that takes the time.
func TestPassRecordsQuickSendsTogether(t *testing.T) {
	const slow = 150 * time.Millisecond // above the bound of the records' wait
	cases := []struct {
		name string
		real bool
		slow bool
	}{
		{name: "frozen clock, quick sends"},
		{name: "frozen clock, slow sends", slow: true},
		{name: "real clock, quick sends", real: true},
		{name: "real clock, slow sends", real: true, slow: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t)
			if c.real {
				h.env.Clock.Run()
			}
			eq := h.env.Client.Equipement.Create().SetNom("Pompe doseuse").SetCode("PD-7").SaveX(h.env.Sys)
			users := []*ent.User{
				h.userNamed(t, "Amal", "Amal Bennani", domain.RoleTechnicien),
				h.userNamed(t, "Brahim", "Brahim Tazi", domain.RoleResponsable),
			}
			// pass writes n notifications about a new intervention and sends them in one pass;
			// it returns the statements the pass ran and the delivery state of the first
			// notification as the second send began.
			pass := func(n int) (int64, domain.StatutEnvoi) {
				titre := fmt.Sprintf("Fuite %d", n)
				iv := h.env.Client.Intervention.Create().SetTitre(titre).SetEquipement(eq).SetDateCreation(h.env.Clock.Now()).SaveX(h.env.Sys)
				for i := range n {
					_, err := notify.Send(h.env.Sys, h.env.Client, notify.Notice{
						Type: domain.NotificationInformation, Sujet: i18n.Message{Format: fmt.Sprintf("%s, avis %d", titre, i)},
						Message: i18n.Message{Format: "Suivi"}, InterventionID: &iv.ID,
					}, users[i%len(users)].ID)
					if err != nil {
						t.Fatalf("notify.Send: %v", err)
					}
				}
				rows := func() []*ent.Notification {
					return h.env.Client.Notification.Query().Where(notification.InterventionID(iv.ID)).
						Order(ent.Asc(notification.FieldID)).AllX(h.env.Sys)
				}
				var firstAsSecondBegan domain.StatutEnvoi
				s := &watchingSender{before: func(sent int) {
					if sent == 1 {
						firstAsSecondBegan = rows()[0].StatutEnvoi
					}
				}}
				if c.slow {
					s.after = func() {
						if c.real {
							time.Sleep(slow)
						} else {
							h.env.Clock.Advance(slow)
						}
					}
				}
				w := h.worker(t, s)
				w.Batch = n
				before := h.env.DB.Statements()
				if res := run(t, w); res != (notify.Result{Sent: n}) {
					t.Fatalf("RunOnce = %+v, want Sent %d", res, n)
				}
				statements := h.env.DB.Statements() - before
				got := rows()
				if len(got) != n || len(s.mails) != n {
					t.Fatalf("%d rows and %d mails, want %d of each", len(got), len(s.mails), n)
				}
				for _, r := range got {
					if r.StatutEnvoi != domain.EnvoiEnvoyee || r.Tentatives != 1 || r.DateEnvoi == nil {
						t.Errorf("notification %d: %s after %d attempts, sent %v; want ENVOYEE after 1", r.ID, r.StatutEnvoi, r.Tentatives, fmtTime(r.DateEnvoi))
					}
				}
				for _, m := range s.mails {
					for _, want := range []string{titre, "Pompe doseuse (PD-7)", fmt.Sprintf("#%d", iv.ID)} {
						if !strings.Contains(m.Text, want) {
							t.Errorf("mail to %s lacks %q:\n%s", m.To, want, m.Text)
						}
					}
				}
				return statements, firstAsSecondBegan
			}

			small, _ := pass(2)
			large, first := pass(20)
			t.Logf("statements of a pass: %d for 2 notifications, %d for 20", small, large)
			switch {
			case c.slow && first != domain.EnvoiEnvoyee:
				t.Errorf("as the second send began, the first, slow one was %s, want ENVOYEE (recorded at once)", first)
			case !c.slow && !c.real && first != domain.EnvoiEnAttente:
				t.Errorf("as the second send began, the first, quick one was %s, want its record waiting (EN_ATTENTE)", first)
			case !c.slow && !c.real && large != small:
				t.Errorf("a pass of 20 ran %d statements, one of 2 ran %d: want the same", large, small)
			}
		})
	}
}

// failingAfter sends the first ok mails, then fails every one.
type failingAfter struct {
	mu   sync.Mutex
	ok   int
	sent int
}

func (s *failingAfter) Send(context.Context, notify.Mail) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.sent >= s.ok {
		return errors.New("connecting to the SMTP server: refused")
	}
	s.sent++
	return nil
}

// TestQuickSendsRecordedBeforeRelease: when the breaker opens in the middle of a pass, the
// quick sends whose records were waiting are written before the rest of the claim is
// released; released with the rest, they would be due again, and sent twice.
func TestQuickSendsRecordedBeforeRelease(t *testing.T) {
	for _, real := range []bool{false, true} {
		t.Run(map[bool]string{false: "frozen clock", true: "real clock"}[real], func(t *testing.T) {
			h := newHarness(t)
			if real {
				h.env.Clock.Run()
			}
			u := h.env.User(t, "Zineb", domain.RoleTechnicien)
			rows := h.notices(t, "Relevé", 5, u)
			w := h.worker(t, &failingAfter{ok: 2})
			w.Breaker = &notify.Breaker{Threshold: 1, Cooldown: time.Minute}
			start := h.env.Clock.Now()
			if res := run(t, w); res != (notify.Result{Sent: 2, Failed: 1}) {
				t.Errorf("RunOnce = %+v, want Sent 2, Failed 1 (the breaker opens at the first failure)", res)
			}
			end := h.env.Clock.Now()
			// within is nil when at is, or out of the pass (stretched by the backoff).
			within := func(at *time.Time, after time.Duration) *time.Time {
				if at == nil || at.Before(start.Add(after)) || at.After(end.Add(after)) {
					return nil
				}
				return at
			}
			for i, r := range rows {
				got := h.reload(t, r.ID)
				want := wantRow{statut: domain.EnvoiEnAttente} // released: tentatives 0, no lease
				switch {
				case i < 2:
					want = wantRow{statut: domain.EnvoiEnvoyee, tentatives: 1, sentAt: within(got.DateEnvoi, 0)}
					if want.sentAt == nil {
						t.Errorf("notification %d: sent at %v, want during the pass", r.ID, fmtTime(got.DateEnvoi))
						continue
					}
				case i == 2:
					want = wantRow{statut: domain.EnvoiEnAttente, tentatives: 1, next: within(got.ProchaineTentative, notify.Backoff(1)), erreur: "refused"}
					if want.next == nil {
						t.Errorf("notification %d: next attempt %v, want the backoff after the pass", r.ID, fmtTime(got.ProchaineTentative))
						continue
					}
				}
				checkRow(t, got, want)
			}
		})
	}
}
