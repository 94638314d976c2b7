package notify

import (
	"context"
	"time"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/pubsub"
	"github.com/mifmaroc/erp/internal/viewer"
)

// Service handles the notifications users see and write.
type Service struct {
	Client *ent.Client
	Now    func() time.Time
	Events *pubsub.Bus
}

// Create writes a notification by hand (ADMIN, RESPONSABLE). A user who opted out of emails
// gets it in the application only. Errors: NOT_FOUND (user, intervention).
func (s *Service) Create(ctx context.Context, in ent.CreateNotificationInput) (*ent.Notification, error) {
	if err := viewer.Require(ctx, "write notifications by hand", domain.RoleAdmin, domain.RoleResponsable); err != nil {
		return nil, err
	}
	sys := viewer.SystemContext(ctx)
	u, err := s.Client.User.Get(sys, in.UserID)
	if ent.IsNotFound(err) || (err == nil && u.DeletedAt != nil) {
		return nil, domain.Errorf(domain.CodeNotFound, "user %d not found", in.UserID)
	} else if err != nil {
		return nil, err
	}
	if in.InterventionID != nil {
		if _, err := s.Client.Intervention.Get(ctx, *in.InterventionID); ent.IsNotFound(err) {
			return nil, domain.Errorf(domain.CodeNotFound, "intervention %d not found", *in.InterventionID)
		} else if err != nil {
			return nil, err
		}
	}
	if !u.EmailNotifications || !u.IsActive {
		canal := domain.CanalLog
		in.Canal = &canal
	}
	var n *ent.Notification
	err = s.Events.WithTx(ctx, s.Client, func(tx *ent.Client) ([]pubsub.Event, error) {
		var err error
		if n, err = tx.Notification.Create().SetInput(in).Save(ctx); err != nil {
			return nil, err
		}
		return []pubsub.Event{Event(n)}, nil
	})
	if err != nil {
		return nil, err
	}
	return n.Unwrap(), nil
}

// MarkRead marks one of the viewer's notifications read (idempotent). NOT_FOUND for
// another's.
func (s *Service) MarkRead(ctx context.Context, id int) (*ent.Notification, error) {
	n, err := s.own(ctx, id)
	if err != nil || n.Lu {
		return n, err
	}
	return s.Client.Notification.UpdateOneID(id).SetLu(true).SetDateLecture(s.Now()).Save(ctx)
}

// Delete removes one of the viewer's notifications; ADMIN removes anyone's.
func (s *Service) Delete(ctx context.Context, id int) error {
	if _, err := s.own(ctx, id); err != nil {
		return err
	}
	return s.Client.Notification.DeleteOneID(id).Exec(ctx)
}

// own loads a notification the viewer may act on: his own, or any for ADMIN (the access
// rules already hide the others' from everyone else).
func (s *Service) own(ctx context.Context, id int) (*ent.Notification, error) {
	n, err := s.Client.Notification.Get(ctx, id)
	if ent.IsNotFound(err) {
		return nil, domain.Errorf(domain.CodeNotFound, "notification %d not found", id)
	}
	return n, err
}
