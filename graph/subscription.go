package graph

import (
	"context"
	"errors"
	"sync/atomic"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/ent/demandeintervention"
	"github.com/mifmaroc/erp/ent/intervention"
	"github.com/mifmaroc/erp/ent/notification"
	"github.com/mifmaroc/erp/internal/access"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/pubsub"
	"github.com/mifmaroc/erp/internal/viewer"
)

// pump streams, until ctx ends or the bus drops the subscriber, the events that pick turns
// into a value (ok false: not for this subscriber), each once the websocket's viewer is
// checked again (liveSocket.admits). With since, the events it returns (those the client
// missed) go first, then the live ones after them: the subscription is taken before since
// reads, so no event falls between, and one both read and heard is sent once.
//
// group is the subscription's fan-out group (fanGroup) when pick's values are the events
// themselves, the same whoever subscribes: their payloads are then rendered once per group
// (fanout.go). "" shares nothing. Served through the fan-out's slot, the stream is pulled
// by the transport's goroutine; otherwise a goroutine of its own pushes it.
func pump[T any](ctx context.Context, bus *pubsub.Bus, since func() (int, []pubsub.Event, error), pick func(pubsub.Event) (T, bool), group string) (<-chan T, error) {
	live := liveSocketFrom(ctx)
	sub := bus.Subscribe()
	var (
		missed []pubsub.Event
		seen   int // the client's position: what is not after it was sent before
	)
	if since != nil {
		var err error
		if seen, missed, err = since(); err != nil {
			sub.Close()
			if errors.Is(err, pubsub.ErrTooOld) {
				return nil, domain.Errorf(domain.CodeRefetchRequired,
					"the events after this position are no longer kept (LIVE_EVENTS_RETENTION): refetch, then subscribe without after")
			}
			return nil, err
		}
	}
	// next waits for the subscriber's next event and its value (ok false: ctx ended, or the
	// bus dropped him for falling behind); idle (if any) runs before it waits.
	next := func(ctx context.Context, idle func()) (pos int, v T, ok bool) {
		for {
			var ev pubsub.Event
			if len(missed) > 0 {
				ev, missed = missed[0], missed[1:]
			} else {
				e, open, waited := pubsub.Event{}, false, false
				select {
				case e, open = <-sub.C:
				default:
					waited = true
				}
				if waited {
					if idle != nil {
						idle()
					}
					select {
					case <-ctx.Done():
						return 0, v, false
					case e, open = <-sub.C:
					}
				}
				if !open {
					return 0, v, false // fell behind: dropped by the bus
				}
				if e.Position <= seen {
					continue // already sent from what was missed
				}
				ev = e
			}
			seen = ev.Position
			if v, ok = pick(ev); ok && live.admits(ctx) {
				return ev.Position, v, true
			}
		}
	}
	out := make(chan T, 1)
	if slot := fanSlotFrom(ctx); slot != nil {
		// The subscription's context ends when the client stops it or the socket closes.
		context.AfterFunc(ctx, sub.Close)
		// While events wait, the socket is corked (cork.go): their messages leave together
		// once the queue is empty, or the subscription ends.
		var (
			conn   = live.corkedConn()
			corked atomic.Bool
		)
		idle := func() {
			if corked.Swap(false) {
				conn.uncork()
			}
		}
		context.AfterFunc(ctx, idle)
		var kept T
		slot.group = group
		slot.next = func(ectx context.Context) (int, bool) {
			pos, v, ok := next(ectx, idle)
			if !ok {
				idle()
				return 0, false
			}
			if conn != nil && corked.CompareAndSwap(false, true) {
				conn.cork()
				if ctx.Err() != nil {
					idle() // ended meanwhile: AfterFunc may have run before the cork
				}
			}
			kept = v
			return pos, true
		}
		slot.feed = func() { out <- kept }
		return out, nil
	}
	go func() {
		defer close(out)
		defer sub.Close()
		for {
			_, v, ok := next(ctx, nil)
			if !ok {
				return
			}
			select {
			case out <- v:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out, nil
}

// resume is pump's since for a client that gives the last position it saw (nil: none).
func (r *Resolver) resume(ctx context.Context, after *int) func() (int, []pubsub.Event, error) {
	if after == nil {
		return nil
	}
	return func() (int, []pubsub.Event, error) {
		missed, err := r.events.Since(ctx, *after)
		return *after, missed, err
	}
}

// statutChanges streams the status changes the viewer may see, filtered by intervention or
// equipement. Visibility is decided from the event itself (access.SeesIntervention), so a
// thousand subscribers cost no query per event; for a scoped responsable, whom the event
// cannot decide (access.EventDecides), the intervention is read again as him.
func (r *Resolver) statutChanges(ctx context.Context, interventionID, equipementID, after *int) (<-chan *pubsub.StatutChange, error) {
	v := viewer.FromContext(ctx)
	// The value is the event itself: its payload is the same for every subscriber it is for.
	return pump(ctx, r.events, r.resume(ctx, after), func(ev pubsub.Event) (*pubsub.StatutChange, bool) {
		c := ev.Statut
		if c == nil ||
			(interventionID != nil && c.InterventionID != *interventionID) ||
			(equipementID != nil && (c.EquipementID == nil || *c.EquipementID != *equipementID)) {
			return nil, false
		}
		if !access.EventDecides(v) {
			ok, err := r.client.Intervention.Query().Where(intervention.ID(c.InterventionID)).Exist(ctx)
			return c, ok && err == nil
		}
		return c, access.SeesIntervention(v, access.EventKeys{TechnicienID: c.TechnicienID, ClientID: c.ClientID,
			DemandeurID: c.DemandeurID, Intervenants: c.Intervenants})
	}, fanGroup(ctx))
}

// notificationsFor streams the viewer's new notifications; after the notification after
// when given (the event that announced it is where the stream resumes).
func (r *Resolver) notificationsFor(ctx context.Context, after *int) (<-chan *ent.Notification, error) {
	v := viewer.FromContext(ctx)
	var since func() (int, []pubsub.Event, error)
	if after != nil {
		mine, err := r.client.Notification.Query().Where(notification.ID(*after), notification.UserID(v.UserID)).Exist(ctx)
		if err != nil {
			return nil, err
		}
		if !mine {
			return nil, domain.Errorf(domain.CodeNotFound, "notification %d not found", *after)
		}
		since = func() (int, []pubsub.Event, error) {
			pos, err := r.events.PositionOfNotification(ctx, *after)
			if err != nil {
				return 0, nil, err
			}
			missed, err := r.events.Since(ctx, pos)
			return pos, missed, err
		}
	}
	return pump(ctx, r.events, since, func(ev pubsub.Event) (*ent.Notification, bool) {
		n := ev.Notification
		if n == nil || n.UserID != v.UserID {
			return nil, false
		}
		row, err := r.client.Notification.Get(ctx, n.NotificationID)
		return row, err == nil // deleted meanwhile: skipped
	}, "") // read as the viewer: his own
}

// commentairesOf streams the new comments of an intervention or of a work request the viewer
// reads (exactly one of interventionID and demandeID; NOT_FOUND when he does not read it).
// Each event is checked against the viewer with the rule of comments (access.SeesCommentaire:
// no query for the others' events; every event when it cannot decide, access.EventDecides),
// then the comment is read again as the viewer, so that what he receives is what the rule
// lets him read now.
func (r *Resolver) commentairesOf(ctx context.Context, interventionID, demandeID *int) (<-chan *ent.Commentaire, error) {
	v := viewer.FromContext(ctx)
	var (
		ok  bool
		err error
	)
	switch {
	case (interventionID == nil) == (demandeID == nil):
		return nil, domain.Errorf(domain.CodeBadUserInput, "give exactly one of interventionId and demandeId")
	case interventionID != nil:
		ok, err = r.client.Intervention.Query().Where(intervention.ID(*interventionID)).Exist(ctx)
	default:
		ok, err = r.client.DemandeIntervention.Query().Where(demandeintervention.ID(*demandeID)).Exist(ctx)
	}
	if err != nil {
		return nil, err
	}
	if !ok && interventionID != nil {
		return nil, domain.Errorf(domain.CodeNotFound, "intervention %d not found", *interventionID)
	} else if !ok {
		return nil, domain.Errorf(domain.CodeNotFound, "demande %d not found", *demandeID)
	}
	return pump(ctx, r.events, nil, func(ev pubsub.Event) (*ent.Commentaire, bool) {
		c := ev.Commentaire
		if c == nil || !sameThread(c, interventionID, demandeID) || (access.EventDecides(v) && !access.SeesCommentaire(v, c.Interne, fil(c))) {
			return nil, false
		}
		row, err := r.client.Commentaire.Get(ctx, c.CommentaireID)
		return row, err == nil // deleted meanwhile, or no longer his to read: skipped
	}, "") // read as the viewer: his own
}

// sameThread reports whether comment c belongs to the thread asked for.
func sameThread(c *pubsub.CommentaireAjoute, interventionID, demandeID *int) bool {
	if interventionID != nil {
		return c.InterventionID == *interventionID
	}
	return c.DemandeID == *demandeID
}

// fil are the keys of c's thread, for the rule of comments.
func fil(c *pubsub.CommentaireAjoute) access.Fil {
	if c.DemandeID != 0 {
		if c.DemandeurID == nil {
			return access.Fil{} // malformed: seen by nobody
		}
		return access.Fil{Demande: &access.DemandeKeys{DemandeurID: *c.DemandeurID, SocieteID: c.SocieteID}}
	}
	return access.Fil{Intervention: &access.EventKeys{TechnicienID: c.TechnicienID, ClientID: c.ClientID,
		DemandeurID: c.DemandeurID, Intervenants: c.Intervenants}}
}
