// Package pubsub carries live events to GraphQL subscribers. Events are published after the
// change they report has committed. With SQLite they go through an in-process Bus; with
// PostgreSQL every instance publishes with pg_notify and hears all events with a lib/pq
// listener, so a change made on one replica reaches subscribers connected to another.
//
// Back-pressure: each subscriber has a bounded buffer (Buffer events). A subscriber that
// lets it fill up is dropped — its channel is closed and its subscription completes — rather
// than making publishers wait or memory grow; the client resubscribes and refetches.
package pubsub

import (
	"context"
	"encoding/json"
	"log/slog"
	"sync"
	"time"

	"github.com/mifmaroc/erp/internal/domain"
)

// Event is one live event.
type Event struct {
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
	At           time.Time                  `json:"at"`
	UserID       int                        `json:"by"`
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

// Bus fans events out to the subscribers of this instance.
type Bus struct {
	Buffer int
	Log    *slog.Logger

	publish func(ctx context.Context, ev Event) error

	mu   sync.Mutex
	subs map[*Subscription]struct{}
}

// Subscription receives events on C until Close, or until it falls behind (C closed).
type Subscription struct {
	C   <-chan Event
	c   chan Event
	bus *Bus
}

// NewMemory returns a Bus for a single instance.
func NewMemory(log *slog.Logger) *Bus {
	b := &Bus{Buffer: DefaultBuffer, Log: log, subs: map[*Subscription]struct{}{}}
	b.publish = func(_ context.Context, ev Event) error { b.deliver(ev); return nil }
	return b
}

// Publish sends ev to every subscriber (of every instance, with PostgreSQL). Call it after
// the change's transaction committed. It never waits for subscribers.
func (b *Bus) Publish(ctx context.Context, ev Event) {
	if b == nil {
		return
	}
	if err := b.publish(ctx, ev); err != nil {
		// A lost live event is recoverable (clients refetch); a failed request is not.
		b.Log.WarnContext(ctx, "live event not published", "error", err)
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
