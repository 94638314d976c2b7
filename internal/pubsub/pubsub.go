// Package pubsub carries live events to GraphQL subscribers, and never silently loses one.
//
// An event is a row of evenement_lives written in the transaction of the change it reports
// (Bus.WithTx): it exists exactly when the change committed, and its id is its position.
// On PostgreSQL the writers take one advisory lock just before they commit, so positions
// become visible in increasing order. Every instance runs one reader that reads the rows
// after the last position it delivered and hands them to its subscribers in order; a NOTIFY
// (PostgreSQL) or a signal (one process) only wakes it, and it also looks every PollInterval,
// so an outage, a listener reconnect or a lost notification delays events but loses none.
// A subscriber that comes back with the last position it saw (Since) receives what it
// missed, or ErrTooOld once the rows after it were pruned (Retention).
//
// Back-pressure: each subscriber has a bounded buffer (Buffer events). A subscriber that
// lets it fill up is dropped (its channel is closed and its subscription completes) rather
// than making the reader wait or memory grow; the client resubscribes after its last
// position.
package pubsub

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"entgo.io/ent/dialect"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/ent/evenementlive"
	"github.com/mifmaroc/erp/ent/predicate"
	"github.com/mifmaroc/erp/internal/database"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/viewer"
)

// Event is one live event.
type Event struct {
	// Position is the event's place in the order of commits (the id of its row), set when
	// it is read back; subscribers resume after the last they saw.
	Position     int                `json:"-"`
	Statut       *StatutChange      `json:"s,omitempty"`
	Notification *NotificationSent  `json:"n,omitempty"`
	Commentaire  *CommentaireAjoute `json:"c,omitempty"`
	Demande      *DemandeChange     `json:"d,omitempty"`
}

// DemandeChange reports a work request submitted or triaged; who may see it is decided by
// reading the request under the subscriber's rule (internal/access).
type DemandeChange struct {
	DemandeID int                  `json:"id"`
	Statut    domain.StatutDemande `json:"to"`
}

// StatutChange reports an intervention's status change (or creation: Ancien nil), with what
// the access rules need to decide who may see it.
type StatutChange struct {
	InterventionID int  `json:"id"`
	EquipementID   *int `json:"eq,omitempty"`
	TechnicienID   *int `json:"tech,omitempty"`
	ClientID       *int `json:"cl,omitempty"`
	DemandeurID    *int `json:"dem,omitempty"`
	// Intervenants are the technicians its history names as in charge at some time (they
	// keep reading the work they did after it changed hands).
	Intervenants []int                      `json:"techs,omitempty"`
	Ancien       *domain.InterventionStatut `json:"from,omitempty"`
	Nouveau      domain.InterventionStatut  `json:"to"`
	// Position is the event's (see Event.Position).
	Position int       `json:"-"`
	At       time.Time `json:"at"`
	UserID   int       `json:"by"`
}

// NotificationSent reports a notification written for a user.
type NotificationSent struct {
	NotificationID int `json:"id"`
	UserID         int `json:"user"`
}

// CommentaireAjoute reports a new comment, with what the access rules need to decide who may
// see it: whether it is internal and the keys of its thread. A comment on an intervention
// sets InterventionID and the intervention's keys; one on a work request sets DemandeID,
// DemandeurID (the request's submitter) and SocieteID.
type CommentaireAjoute struct {
	CommentaireID  int   `json:"id"`
	InterventionID int   `json:"iv,omitempty"`
	Interne        bool  `json:"int,omitempty"`
	TechnicienID   *int  `json:"tech,omitempty"`
	ClientID       *int  `json:"cl,omitempty"`
	DemandeurID    *int  `json:"dem,omitempty"`
	Intervenants   []int `json:"techs,omitempty"`
	DemandeID      int   `json:"dq,omitempty"`
	SocieteID      *int  `json:"soc,omitempty"`
}

// DefaultBuffer is the per-subscriber buffer.
const DefaultBuffer = 64

// Defaults of the reader.
const (
	// DefaultRetention is how long events are kept for subscribers that come back.
	DefaultRetention = 24 * time.Hour
	// PollInterval is how often the reader looks for events nobody woke it for.
	PollInterval = time.Second
	// pruneInterval is how often the reader deletes the events past the retention.
	pruneInterval = time.Minute
	// readBatch bounds the events read at once.
	readBatch = 500
)

// ErrTooOld: the events after the position a subscriber gave were pruned; it must refetch
// what it shows, then subscribe again from now.
var ErrTooOld = errors.New("the live events after this position are no longer kept")

// Bus fans events out to the subscribers of this instance.
type Bus struct {
	Buffer int
	Log    *slog.Logger
	// Retention is how long events are kept (default DefaultRetention).
	Retention time.Duration

	client  *ent.Client
	dialect string
	now     func() time.Time
	// signal wakes the reader: after a commit here, on a NOTIFY, on a listener reconnect.
	signal chan struct{}

	mu   sync.Mutex
	subs map[*Subscription]struct{}
	// last is the position of the last event delivered; the reader alone moves it.
	last atomic.Int64
}

// Subscription receives events on C until Close, or until it falls behind (C closed).
type Subscription struct {
	C   <-chan Event
	c   chan Event
	bus *Bus
}

// New returns the Bus of one process (SQLite): its reader is woken by the commits of this
// process, which are the only ones. It reads until ctx ends.
func New(ctx context.Context, client *ent.Client, dialect string, log *slog.Logger) (*Bus, error) {
	b := newBus(client, dialect, log)
	if err := b.start(ctx); err != nil {
		return nil, err
	}
	go b.read(ctx)
	return b, nil
}

// newBus is a Bus on client, its reader not started yet.
func newBus(client *ent.Client, dialect string, log *slog.Logger) *Bus {
	return &Bus{Buffer: DefaultBuffer, Log: log, Retention: DefaultRetention, client: client, dialect: dialect, now: time.Now,
		signal: make(chan struct{}, 1), subs: map[*Subscription]struct{}{}}
}

// start puts the reader at the newest event: subscribers hear what happens from now on.
func (b *Bus) start(ctx context.Context) error {
	last, err := b.first(viewer.SystemContext(ctx), ent.Desc(evenementlive.FieldID))
	if err != nil {
		return fmt.Errorf("reading the position of the live events: %w", err)
	}
	b.last.Store(int64(last))
	return nil
}

// first is the position of the first event kept in order (with ps, among those), 0 when
// there is none.
func (b *Bus) first(sys context.Context, order evenementlive.OrderOption, ps ...predicate.EvenementLive) (int, error) {
	id, err := b.client.EvenementLive.Query().Where(ps...).Order(order).FirstID(sys)
	if ent.IsNotFound(err) {
		return 0, nil
	}
	return id, err
}

// WithTx runs fn in a transaction of client and writes the events it returns in that
// transaction, last: they exist if and only if the change commits. Subscribers hear of them
// once it has. A nil Bus runs fn and drops the events.
func (b *Bus) WithTx(ctx context.Context, client *ent.Client, fn func(tx *ent.Client) ([]Event, error)) error {
	var events []Event
	err := database.WithTx(ctx, client, func(tx *ent.Client) error {
		var err error
		if events, err = fn(tx); err != nil {
			return err
		}
		if b == nil || len(events) == 0 {
			return nil
		}
		return b.record(ctx, tx, events)
	})
	if err == nil && b != nil && len(events) > 0 {
		b.wake()
	}
	return err
}

// Collect is WithTx for a write that leaves its events in *events as it goes: they are
// written in its transaction once it returns.
func (b *Bus) Collect(ctx context.Context, client *ent.Client, events *[]Event, write func(tx *ent.Client) error) error {
	return b.WithTx(ctx, client, func(tx *ent.Client) ([]Event, error) {
		err := write(tx)
		return *events, err
	})
}

// Publish writes events in a transaction of their own, for changes that wrote nothing else
// (or whose transaction cannot carry them). It never fails the caller: a change that
// committed stays committed; the loss is logged.
func (b *Bus) Publish(ctx context.Context, events ...Event) {
	if b == nil || len(events) == 0 {
		return
	}
	err := b.WithTx(ctx, b.client, func(*ent.Client) ([]Event, error) { return events, nil })
	if err != nil {
		b.Log.WarnContext(ctx, "live events not written", "events", len(events), "error", err)
	}
}

// orderLock is the advisory lock writers take before writing events: held until commit, it
// makes positions visible in the order they were given, so that a reader which has seen
// position n has seen every committed event before n.
const orderLock = 0x6572705f65766e74 // "erp_evnt"

// record writes events in tx.
func (b *Bus) record(ctx context.Context, tx *ent.Client, events []Event) error {
	sys := viewer.SystemContext(ctx)
	if b.dialect == dialect.Postgres {
		// NOTIFY in the transaction: PostgreSQL sends it on commit, never for a rollback.
		if _, err := tx.ExecContext(sys, sqlOrderAndNotify, int64(orderLock), Channel); err != nil {
			return fmt.Errorf("ordering the live events: %w", err)
		}
	}
	now := b.now().UTC()
	creates := make([]*ent.EvenementLiveCreate, len(events))
	for i, ev := range events {
		payload, err := encode(ev)
		if err != nil {
			return fmt.Errorf("encoding a live event: %w", err)
		}
		c := tx.EvenementLive.Create().SetPayload(string(payload)).SetCreatedAt(now)
		if ev.Notification != nil {
			c.SetNotificationID(ev.Notification.NotificationID)
		}
		creates[i] = c
	}
	if err := tx.EvenementLive.CreateBulk(creates...).Exec(sys); err != nil {
		return fmt.Errorf("writing the live events: %w", err)
	}
	return nil
}

// wake asks the reader to look for new events now.
func (b *Bus) wake() {
	select {
	case b.signal <- struct{}{}:
	default: // already woken
	}
}

// read delivers events in order until ctx ends: woken by wake, or every PollInterval.
func (b *Bus) read(ctx context.Context) {
	ctx = database.Housekeeping(ctx)
	poll := time.NewTicker(PollInterval)
	defer poll.Stop()
	prune := time.NewTicker(pruneInterval)
	defer prune.Stop()
	failing := false
	for {
		select {
		case <-ctx.Done():
			return
		case <-prune.C:
			b.Prune(ctx)
			continue
		case <-b.signal:
		case <-poll.C:
		}
		err := b.catchUp(ctx)
		switch {
		case err != nil && !failing && ctx.Err() == nil:
			b.Log.Warn("live events cannot be read for now: retrying", "error", err)
			failing = true
		case err == nil && failing:
			b.Log.Info("live events read again")
			failing = false
		}
	}
}

// catchUp delivers the events after the last delivered, in order.
func (b *Bus) catchUp(ctx context.Context) error {
	for {
		events, err := b.after(ctx, int(b.last.Load()), readBatch)
		if err != nil {
			return err
		}
		for _, ev := range events {
			b.deliver(ev)
			b.last.Store(int64(ev.Position))
		}
		if len(events) < readBatch {
			return nil
		}
	}
}

// after reads at most limit events after position pos, in order.
func (b *Bus) after(ctx context.Context, pos, limit int) ([]Event, error) {
	rows, err := b.client.EvenementLive.Query().
		Where(evenementlive.IDGT(pos)).
		Order(ent.Asc(evenementlive.FieldID)).
		Limit(limit).
		All(viewer.SystemContext(ctx))
	if err != nil {
		return nil, err
	}
	out := make([]Event, 0, len(rows))
	for _, r := range rows {
		ev, err := decode([]byte(r.Payload))
		if err != nil {
			b.Log.Warn("undecodable live event skipped", "position", r.ID, "error", err)
			continue
		}
		ev.Position = r.ID
		if ev.Statut != nil {
			ev.Statut.Position = r.ID
		}
		out = append(out, ev)
	}
	return out, nil
}

// Since returns the events after position pos up to the last this instance delivered, for
// a subscriber that comes back: ErrTooOld when the event at pos was pruned.
func (b *Bus) Since(ctx context.Context, pos int) ([]Event, error) {
	sys := viewer.SystemContext(ctx)
	if int64(pos) > b.last.Load() {
		return nil, nil // not delivered here yet: the live stream brings it
	}
	kept, err := b.client.EvenementLive.Query().Where(evenementlive.ID(pos)).Exist(sys)
	if err != nil {
		return nil, fmt.Errorf("looking up live event %d: %w", pos, err)
	}
	if !kept {
		return nil, ErrTooOld
	}
	var out []Event
	for last := int(b.last.Load()); pos < last; {
		events, err := b.after(ctx, pos, readBatch)
		if err != nil {
			return nil, err
		}
		for _, ev := range events {
			if ev.Position > last {
				return out, nil
			}
			out = append(out, ev)
			pos = ev.Position
		}
		if len(events) < readBatch {
			break
		}
	}
	return out, nil
}

// PositionOfNotification is the position of the event that announced notification id:
// where notificationReceived resumes. ErrTooOld when it was pruned.
func (b *Bus) PositionOfNotification(ctx context.Context, id int) (int, error) {
	ev, err := b.client.EvenementLive.Query().Where(evenementlive.NotificationID(id)).
		Order(ent.Asc(evenementlive.FieldID)).First(viewer.SystemContext(ctx))
	if ent.IsNotFound(err) {
		return 0, ErrTooOld
	}
	if err != nil {
		return 0, fmt.Errorf("looking up the event of notification %d: %w", id, err)
	}
	return ev.ID, nil
}

// Prune deletes the events older than the retention: those before the oldest one kept, so
// that what remains is always a suffix of the positions. The reader runs it every minute.
func (b *Bus) Prune(ctx context.Context) {
	sys := viewer.SystemContext(ctx)
	cutoff := b.now().Add(-b.Retention)
	first, err := b.first(sys, ent.Asc(evenementlive.FieldID), evenementlive.CreatedAtGTE(cutoff))
	if err == nil && first == 0 {
		// Nothing recent: keep the newest, the position every reader resumes after.
		first, err = b.first(sys, ent.Desc(evenementlive.FieldID))
	}
	if err != nil {
		b.Log.Warn("live events not pruned", "error", err)
		return
	}
	if first == 0 {
		return
	}
	n, err := b.client.EvenementLive.Delete().Where(evenementlive.IDLT(first)).Exec(sys)
	if err != nil {
		b.Log.Warn("live events not pruned", "error", err)
		return
	}
	if n > 0 {
		b.Log.Debug("live events pruned", "count", n, "retention", b.Retention.String())
	}
}

// Subscribe registers a subscriber.
func (b *Bus) Subscribe() *Subscription {
	c := make(chan Event, max(b.Buffer, 1))
	s := &Subscription{C: c, c: c, bus: b}
	b.mu.Lock()
	b.subs[s] = struct{}{}
	b.mu.Unlock()
	return s
}

// Close ends the subscription; safe to call more than once.
func (s *Subscription) Close() {
	s.bus.mu.Lock()
	defer s.bus.mu.Unlock()
	if _, ok := s.bus.subs[s]; ok {
		delete(s.bus.subs, s)
		close(s.c)
	}
}

// Subscribers counts the current subscribers of this instance.
func (b *Bus) Subscribers() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.subs)
}

// Last is the position of the last event this instance delivered.
func (b *Bus) Last() int { return int(b.last.Load()) }

// deliver hands ev to each local subscriber without blocking; a full buffer drops that
// subscriber.
func (b *Bus) deliver(ev Event) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for s := range b.subs {
		select {
		case s.c <- ev:
		default:
			delete(b.subs, s)
			close(s.c)
			b.Log.Warn("live subscriber too slow: dropped", "buffer", cap(s.c))
		}
	}
}

func encode(ev Event) ([]byte, error) { return json.Marshal(ev) }

func decode(b []byte) (Event, error) {
	var ev Event
	err := json.Unmarshal(b, &ev)
	return ev, err
}
