// Package notify stores notifications and delivers them. A notification is a row written in
// the same transaction as the event it reports (an outbox): nothing is sent from a request.
// The Worker then claims pending rows, renders the email of their type from templates/ and
// sends it, retrying with exponential backoff and pausing behind a circuit breaker while SMTP
// is down; without SMTP configured, it logs them. An outage or a restart loses nothing, and
// two workers never send the same row.
package notify

import (
	"context"
	"fmt"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/ent/user"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/i18n"
	"github.com/mifmaroc/erp/internal/pubsub"
	"github.com/mifmaroc/erp/internal/viewer"
)

// Notice is a notification to write. Its texts are written in each recipient's language
// (User.langue) when the row is made: the application shows them as stored, and the email
// is in the same language.
type Notice struct {
	Type           domain.NotificationType
	Sujet          i18n.Message
	Message        i18n.Message
	InterventionID *int
	// Always: an email about the account itself (a password reset link), sent even to a user
	// who opted out of notification emails.
	Always bool
}

// Send writes one notification per distinct user of userIDs, through tx (the transaction of
// the event), and returns their live events, to publish once tx commits. A user who opted out
// of emails, or is inactive, gets it in the application only (canal LOG).
func Send(ctx context.Context, tx *ent.Client, n Notice, userIDs ...int) ([]pubsub.Event, error) {
	sys := viewer.SystemContext(ctx)
	seen := map[int]bool{}
	var ids []int
	for _, id := range userIDs {
		if id != 0 && !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	users, err := tx.User.Query().Where(user.IDIn(ids...), user.DeletedAtIsNil()).
		Select(user.FieldID, user.FieldEmailNotifications, user.FieldIsActive, user.FieldLangue).All(sys)
	if err != nil {
		return nil, fmt.Errorf("reading recipients: %w", err)
	}
	bulk := make([]*ent.NotificationCreate, 0, len(users))
	for _, u := range users {
		canal := domain.CanalEmail
		if (!u.EmailNotifications && !n.Always) || !u.IsActive {
			canal = domain.CanalLog
		}
		bulk = append(bulk, tx.Notification.Create().
			SetType(n.Type).
			SetCanal(canal).
			SetSujet(n.Sujet.Localize(u.Langue.Lang())).
			SetMessage(n.Message.Localize(u.Langue.Lang())).
			SetUserID(u.ID).
			SetNillableInterventionID(n.InterventionID).
			SetCompte(n.Always))
	}
	rows, err := tx.Notification.CreateBulk(bulk...).Save(sys)
	if err != nil {
		return nil, fmt.Errorf("writing notifications: %w", err)
	}
	events := make([]pubsub.Event, len(rows))
	for i, r := range rows {
		events[i] = Event(r)
	}
	return events, nil
}

// Event is the live event of a new notification.
func Event(n *ent.Notification) pubsub.Event {
	return pubsub.Event{Notification: &pubsub.NotificationSent{NotificationID: n.ID, UserID: n.UserID}}
}

// Responsables lists the active RESPONSABLE users, who hear of closures, delays and stock.
func Responsables(ctx context.Context, tx *ent.Client) ([]int, error) {
	return tx.User.Query().
		Where(user.RoleEQ(domain.RoleResponsable), user.IsActive(true)).
		IDs(viewer.SystemContext(ctx))
}
