package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/ent/intervention"
	"github.com/mifmaroc/erp/ent/notification"
	"github.com/mifmaroc/erp/ent/user"
	"github.com/mifmaroc/erp/internal/database"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/localtime"
	"github.com/mifmaroc/erp/internal/pubsub"
	"github.com/mifmaroc/erp/internal/tracing"
	"github.com/mifmaroc/erp/internal/viewer"
)

// Worker delivers pending notifications.
type Worker struct {
	Client    *ent.Client
	Dialect   string
	Sender    Sender
	Templates *Templates
	Now       func() time.Time
	Log       *slog.Logger
	// Zone is the time zone the texts of emails and deadline warnings are written in
	// (APP_TIMEZONE).
	Zone localtime.Zone

	Batch int // rows claimed at a time (default 20)
	// Lease is how long a claim keeps other workers away (NOTIFY_LEASE, default DefaultLease).
	// The pass that holds it renews it every third of it while it runs, so a slow SMTP server
	// never loses it; a worker that dies stops renewing, and its rows are claimed again at most
	// a Lease later.
	Lease       time.Duration
	MaxAttempts int // after which a row is ECHEC (default 10)
	// MessageIDDomain is the right-hand side of each email's Message-ID (see MessageID);
	// default "localhost".
	MessageIDDomain string
	Breaker         *Breaker // nil: no circuit breaker
	// DeadlineWarning: each pass also warns (RETARD) of open interventions whose deadline is
	// that close or past; 0 turns the check off.
	DeadlineWarning time.Duration
	// Events receives the live events of the deadline warnings (nil: none).
	Events *pubsub.Bus
	// Tracer opens a span per notification sent (nil: none).
	Tracer trace.Tracer

	stop     chan struct{} // closed when the loop must end: Stop, or Start's ctx done
	stopOnce sync.Once
	done     chan struct{}
}

func (w *Worker) defaults() {
	if w.Batch <= 0 {
		w.Batch = 20
	}
	if w.Lease <= 0 {
		w.Lease = DefaultLease
	}
	if w.MessageIDDomain == "" {
		w.MessageIDDomain = "localhost"
	}
	if w.MaxAttempts <= 0 {
		w.MaxAttempts = 10
	}
}

// DefaultLease is the claim's lease when Worker.Lease is not set: short, since it is renewed
// while the worker lives, so that mail claimed by a crashed worker waits seconds, not minutes.
const DefaultLease = 15 * time.Second

// Backoff is the wait before attempt n+1 after n failures: 30 s doubling, at most 1 h.
func Backoff(n int) time.Duration {
	return min(30*time.Second<<min(max(n-1, 0), 10), time.Hour)
}

// Result counts what one pass did.
type Result struct{ Sent, Failed, Abandoned int }

// RunOnce claims the due pending notifications and sends them.
func (w *Worker) RunOnce(ctx context.Context) (Result, error) {
	w.defaults()
	var res Result
	if w.Breaker != nil && !w.Breaker.Allow(w.Now()) {
		return res, nil // SMTP is down: leave everything pending, attempts untouched
	}
	claimed, lease, err := w.claim(ctx)
	if err != nil || len(claimed) == 0 {
		return res, err
	}
	sys := viewer.SystemContext(ctx)
	held := &hold{w: w, lease: lease}
	for _, n := range claimed {
		held.ids = append(held.ids, n.ID)
	}
	defer held.keep(sys)()
	about, err := w.readAbout(sys, claimed)
	if err != nil {
		return res, errors.Join(err, held.release(sys))
	}
	for i, n := range claimed {
		started := w.Now()
		sendErr := w.send(ctx, n, about)
		now := w.Now()
		var recordErr error
		switch {
		case sendErr == nil:
			res.Sent++
			if w.Breaker != nil {
				w.Breaker.Success()
			}
			recordErr = held.delivered(sys, n.ID, now, now.Sub(started) >= recordWithin)
		case n.Tentatives+1 >= w.MaxAttempts:
			res.Abandoned++
			recordErr = held.record(sys, n.ID, w.Client.Notification.Update().
				SetStatutEnvoi(domain.EnvoiEchec).ClearProchaineTentative().SetDerniereErreur(sendErr.Error()).AddTentatives(1))
		default:
			res.Failed++
			recordErr = held.record(sys, n.ID, w.Client.Notification.Update().
				SetProchaineTentative(now.Add(Backoff(n.Tentatives+1))).SetDerniereErreur(sendErr.Error()).AddTentatives(1))
		}
		if sendErr != nil {
			w.Log.WarnContext(ctx, "notification not sent", "notification_id", n.ID, "attempt", n.Tentatives+1, "error", sendErr)
			if w.Breaker != nil && w.Breaker.Failure(now) {
				w.Log.WarnContext(ctx, "SMTP looks down: pausing sends", "for", w.Breaker.Cooldown.String())
			}
		}
		if recordErr != nil {
			return res, errors.Join(fmt.Errorf("recording delivery of notification %d: %w", n.ID, recordErr), held.flush(sys))
		}
		breakerOpen := w.Breaker != nil && !w.Breaker.Allow(w.Now())
		if (breakerOpen || w.stopping()) && i+1 < len(claimed) {
			// SMTP is down or the server is stopping: release the rest of this claim at once
			// rather than leaving it to the lease, so that another worker (or the next start)
			// sends it without waiting.
			return res, errors.Join(held.flush(sys), held.release(sys))
		}
	}
	return res, held.flush(sys)
}

// recordWithin is how long the record of a quick send may wait to be written with the next
// ones. Each record is a commit, and each commit moves the snapshot every kept rendering is
// checked against (docs/decisions.md): a pass of quick sends (mail kept in the application,
// logged, or a fast relay) writes its records in one statement instead of one each, while a
// send that takes longer than this is recorded as soon as it is done, as before. A crash
// therefore sends again at most the quick sends of its last recordWithin, besides the one
// in progress.
const recordWithin = 100 * time.Millisecond

// hold is the claim of one pass: the rows it has not recorded yet and the lease instant they
// carry in prochaine_tentative, which is how the pass tells its rows from those another
// worker claimed since (after our lease ran out). Renewing the lease and recording a row
// both go through mu, so that a record never looks for an instant a renewal just replaced.
type hold struct {
	w     *Worker
	mu    sync.Mutex
	lease time.Time
	ids   []int
	// sent are the rows sent whose record waits for the next ones (see recordWithin), since
	// the first of them was sent; they stay in ids, so that the lease still covers them.
	sent  []int
	since time.Time
}

// keep renews the lease every third of Worker.Lease until the returned function is called
// (it waits for a renewal in progress).
func (h *hold) keep(ctx context.Context) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(max(h.w.Lease/3, time.Millisecond))
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				if err := h.renew(ctx); err != nil {
					// The rows stay ours until the lease ends; the next tick tries again.
					h.w.Log.WarnContext(ctx, "renewing the notifications' lease", "error", err)
				}
			}
		}
	})
	return func() {
		close(done)
		wg.Wait()
	}
}

// renew moves the lease of the rows still held to Lease from now.
func (h *hold) renew(ctx context.Context) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	next := h.w.Now().Add(h.w.Lease).Truncate(time.Microsecond)
	if len(h.ids) == 0 || !next.After(h.lease) {
		return nil
	}
	_, err := h.w.Client.Notification.Update().
		Where(notification.IDIn(h.ids...), notification.ProchaineTentative(h.lease), notification.StatutEnvoiEQ(domain.EnvoiEnAttente)).
		SetProchaineTentative(next).Save(ctx)
	if err != nil {
		return fmt.Errorf("renewing the lease of %d notifications: %w", len(h.ids), err)
	}
	h.lease = next
	return nil
}

// record applies upd to row id if it is still under our lease (another worker may have
// claimed it after our lease ran out: then its claim stands), and stops holding it.
func (h *hold) record(ctx context.Context, id int, upd *ent.NotificationUpdate) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.ids = slices.DeleteFunc(h.ids, func(x int) bool { return x == id })
	_, err := upd.Where(notification.ID(id), notification.ProchaineTentative(h.lease)).Save(ctx)
	return err
}

// delivered notes that row id was sent at now, and writes the records waiting with it once
// the first of them has waited recordWithin, or at once after a slow send.
func (h *hold) delivered(ctx context.Context, id int, now time.Time, slow bool) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.sent) == 0 {
		h.since = now
	}
	h.sent = append(h.sent, id)
	if !slow && now.Sub(h.since) < recordWithin {
		return nil
	}
	return h.writeSent(ctx, now)
}

// flush writes the records still waiting.
func (h *hold) flush(ctx context.Context) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.writeSent(ctx, h.w.Now())
}

// writeSent records the rows of sent as sent, those still under our lease (as record), and
// stops holding them; mu is held.
func (h *hold) writeSent(ctx context.Context, now time.Time) error {
	if len(h.sent) == 0 {
		return nil
	}
	ids := h.sent
	h.sent = nil
	h.ids = slices.DeleteFunc(h.ids, func(x int) bool { return slices.Contains(ids, x) })
	_, err := h.w.Client.Notification.Update().
		Where(notification.IDIn(ids...), notification.ProchaineTentative(h.lease)).
		SetStatutEnvoi(domain.EnvoiEnvoyee).SetDateEnvoi(now).ClearProchaineTentative().ClearDerniereErreur().AddTentatives(1).
		Save(ctx)
	if err != nil {
		return fmt.Errorf("recording the delivery of %d notifications: %w", len(ids), err)
	}
	return nil
}

// release hands the rows still held back: only ours, still under our lease (another worker
// may hold the same instant).
func (h *hold) release(ctx context.Context) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	ids := h.ids
	h.ids = nil
	_, err := h.w.Client.Notification.Update().
		Where(notification.IDIn(ids...), notification.ProchaineTentative(h.lease), notification.StatutEnvoiEQ(domain.EnvoiEnAttente)).
		ClearProchaineTentative().Save(ctx)
	if err != nil {
		return fmt.Errorf("releasing %d claimed notifications: %w", len(ids), err)
	}
	return nil
}

// stopping reports whether the loop was asked to end.
func (w *Worker) stopping() bool {
	if w.stop == nil {
		return false
	}
	select {
	case <-w.stop:
		return true
	default:
		return false
	}
}

// claim marks up to Batch due rows with a lease, so that no other worker takes them until it
// expires. On PostgreSQL the rows are selected FOR UPDATE SKIP LOCKED; on SQLite the claim
// transaction takes the write lock first, which serializes claims just as well.
func (w *Worker) claim(ctx context.Context) ([]*ent.Notification, time.Time, error) {
	sys := viewer.SystemContext(ctx)
	now := w.Now()
	lease := now.Add(w.Lease).Truncate(time.Microsecond)
	var claimed []*ent.Notification
	err := database.WithTx(sys, w.Client, func(tx *ent.Client) error {
		q := tx.Notification.Query().
			Where(
				notification.StatutEnvoiEQ(domain.EnvoiEnAttente),
				notification.Or(notification.ProchaineTentativeIsNil(), notification.ProchaineTentativeLTE(now)),
			).
			Order(ent.Asc(notification.FieldID)).
			Limit(w.Batch)
		if w.Dialect == dialect.Postgres {
			q = q.ForUpdate(entsql.WithLockAction(entsql.SkipLocked))
		}
		rows, err := q.All(sys)
		if err != nil || len(rows) == 0 {
			return err
		}
		ids := make([]int, len(rows))
		for i, r := range rows {
			ids[i] = r.ID
		}
		if err := tx.Notification.Update().Where(notification.IDIn(ids...)).SetProchaineTentative(lease).Exec(sys); err != nil {
			return err
		}
		claimed = rows
		return nil
	})
	for i := range claimed {
		claimed[i] = claimed[i].Unwrap()
	}
	return claimed, lease, err
}

// send delivers n inside a span of its own: the outbox's sends show in traces with the
// statements and the SMTP time they cost.
func (w *Worker) send(ctx context.Context, n *ent.Notification, about subjects) error {
	ctx, span := tracing.Or(w.Tracer).Start(ctx, "notification.send", trace.WithAttributes(
		attribute.Int("notification.id", n.ID), attribute.String("notification.type", string(n.Type)),
		attribute.String("notification.canal", string(n.Canal)), attribute.Int("notification.attempt", n.Tentatives+1)))
	defer span.End()
	err := w.deliver(ctx, n, about)
	if err != nil {
		span.SetStatus(codes.Error, err.Error())
	}
	return err
}

// subjects are the recipients and the interventions of a pass's notifications, read once
// for the pass rather than once per notification: the statements of a pass, and so the time
// its commits are spread over, no longer grow threefold with its size.
type subjects struct {
	users         map[int]*ent.User
	interventions map[int]*ent.Intervention
}

// readAbout reads the subjects of ns.
func (w *Worker) readAbout(ctx context.Context, ns []*ent.Notification) (subjects, error) {
	var userIDs, ivIDs []int
	for _, n := range ns {
		userIDs = append(userIDs, n.UserID)
		if n.InterventionID != nil {
			ivIDs = append(ivIDs, *n.InterventionID)
		}
	}
	about := subjects{users: map[int]*ent.User{}, interventions: map[int]*ent.Intervention{}}
	users, err := w.Client.User.Query().Where(user.IDIn(userIDs...)).All(ctx)
	if err != nil {
		return about, fmt.Errorf("reading the recipients of %d notifications: %w", len(ns), err)
	}
	for _, u := range users {
		about.users[u.ID] = u
	}
	if len(ivIDs) > 0 {
		ivs, err := w.Client.Intervention.Query().Where(intervention.IDIn(ivIDs...)).WithEquipement().All(ctx)
		if err != nil {
			return about, fmt.Errorf("reading the interventions of %d notifications: %w", len(ns), err)
		}
		for _, iv := range ivs {
			about.interventions[iv.ID] = iv
		}
	}
	return about, nil
}

// deliver sends one notification: by email on canal EMAIL, to the log otherwise.
func (w *Worker) deliver(ctx context.Context, n *ent.Notification, about subjects) error {
	u := about.users[n.UserID]
	if u == nil {
		return fmt.Errorf("recipient %d of notification %d not found", n.UserID, n.ID)
	}
	if n.Canal != domain.CanalEmail || (!u.EmailNotifications && !n.Compte) || !u.IsActive {
		w.Log.InfoContext(ctx, "notification kept in the application only", "notification_id", n.ID, "user_id", u.ID)
		return nil
	}
	data := MailData{Lang: u.Langue.Lang(), Destinataire: displayName(u), Sujet: n.Sujet, Message: n.Message}
	if n.InterventionID != nil {
		if iv := about.interventions[*n.InterventionID]; iv != nil {
			data.Intervention = mailIntervention(iv, w.Zone, data.Lang)
		}
	}
	m, err := w.Templates.Render(n.Type, u.Email, data)
	if err != nil {
		return err
	}
	m.MessageID = MessageID(n, w.MessageIDDomain)
	return w.Sender.Send(ctx, m)
}

func displayName(u *ent.User) string {
	switch {
	case u.NomComplet != "":
		return u.NomComplet
	case u.Username != "":
		return u.Username
	default:
		return u.Email
	}
}

// Start runs a pass every period until Stop or until ctx ends. A pass is never cut short
// by ctx: an email sent but not recorded would be sent again. Once asked to stop, a pass
// finishes the email in progress, then releases the rest of its claim and claims no more.
func (w *Worker) Start(ctx context.Context, period time.Duration) {
	w.stop, w.done = make(chan struct{}), make(chan struct{})
	work := context.WithoutCancel(ctx)
	go func() {
		select {
		case <-ctx.Done():
			w.requestStop()
		case <-w.done:
		}
	}()
	go func() {
		defer close(w.done)
		t := time.NewTicker(period)
		defer t.Stop()
		for !w.stopping() {
			if w.DeadlineWarning > 0 {
				if n, err := CheckDeadlines(work, w.Client, w.Dialect, w.Events, w.Zone, w.Now(), w.DeadlineWarning); err != nil {
					w.Log.ErrorContext(work, "deadline check failed", "error", err)
				} else if n > 0 {
					w.Log.InfoContext(work, "deadline warnings written", "interventions", n)
				}
			}
			if w.stopping() {
				return
			}
			if res, err := w.RunOnce(work); err != nil {
				w.Log.ErrorContext(work, "notification worker pass failed", "error", err)
			} else if res.Sent+res.Failed+res.Abandoned > 0 {
				w.Log.InfoContext(work, "notification worker pass", "sent", res.Sent, "failed", res.Failed, "abandoned", res.Abandoned)
			}
			select {
			case <-w.stop:
			case <-t.C:
			}
		}
	}()
}

func (w *Worker) requestStop() { w.stopOnce.Do(func() { close(w.stop) }) }

// Stop asks the loop to end after the email in progress and waits for it, at most until ctx
// ends; rows it could not record stay claimed until their lease expires, and are then sent
// again (at least once).
func (w *Worker) Stop(ctx context.Context) error {
	if w.stop == nil {
		return nil
	}
	w.requestStop()
	select {
	case <-w.done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("notification worker still busy: %w", ctx.Err())
	}
}

// Stopped reports whether the loop has ended (or never started).
func (w *Worker) Stopped() bool {
	if w.done == nil {
		return true
	}
	select {
	case <-w.done:
		return true
	default:
		return false
	}
}

// Breaker stops sending after Threshold consecutive failures, for Cooldown; then one pass
// tries again (half-open), and a success closes it.
type Breaker struct {
	Threshold int
	Cooldown  time.Duration

	mu        sync.Mutex
	failures  int
	openUntil time.Time
}

// Allow reports whether sending may be tried at now.
func (b *Breaker) Allow(now time.Time) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return !now.Before(b.openUntil)
}

// Failure records a failed send and reports whether the breaker opened.
func (b *Breaker) Failure(now time.Time) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.failures++
	if b.failures >= b.Threshold {
		b.openUntil = now.Add(b.Cooldown)
		b.failures = 0
		return true
	}
	return false
}

// Success closes the breaker.
func (b *Breaker) Success() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.failures = 0
	b.openUntil = time.Time{}
}
