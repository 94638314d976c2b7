package graph

import (
	"context"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/internal/access"
	"github.com/mifmaroc/erp/internal/pubsub"
	"github.com/mifmaroc/erp/internal/viewer"
)

// statutChanges streams the status changes the viewer may see, filtered by intervention or
// equipement. Visibility is decided from the event itself (access.SeesIntervention), so a
// thousand subscribers cost no query per event.
func (r *Resolver) statutChanges(ctx context.Context, interventionID, equipementID *int) (<-chan *pubsub.StatutChange, error) {
	v := viewer.FromContext(ctx)
	sub := r.events.Subscribe()
	out := make(chan *pubsub.StatutChange, 1)
	go func() {
		defer close(out)
		defer sub.Close()
		for {
			select {
			case <-ctx.Done():
				return
			case ev, ok := <-sub.C:
				if !ok {
					return // fell behind: dropped by the bus
				}
				c := ev.Statut
				if c == nil ||
					(interventionID != nil && c.InterventionID != *interventionID) ||
					(equipementID != nil && (c.EquipementID == nil || *c.EquipementID != *equipementID)) ||
					!access.SeesIntervention(v, c.TechnicienID, c.ClientID, c.DemandeurID) {
					continue
				}
				select {
				case out <- c:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	return out, nil
}

// notificationsFor streams the viewer's new notifications.
func (r *Resolver) notificationsFor(ctx context.Context) (<-chan *ent.Notification, error) {
	v := viewer.FromContext(ctx)
	sub := r.events.Subscribe()
	out := make(chan *ent.Notification, 1)
	go func() {
		defer close(out)
		defer sub.Close()
		for {
			select {
			case <-ctx.Done():
				return
			case ev, ok := <-sub.C:
				if !ok {
					return
				}
				n := ev.Notification
				if n == nil || n.UserID != v.UserID {
					continue
				}
				row, err := r.client.Notification.Get(ctx, n.NotificationID)
				if err != nil {
					continue // deleted meanwhile
				}
				select {
				case out <- row:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	return out, nil
}
