package pubsub

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"time"

	"github.com/lib/pq"
)

// Channel is the PostgreSQL NOTIFY channel of live events.
const Channel = "erp_events"

// NewPostgres returns a Bus shared by every instance on the database: Publish goes through
// pg_notify on db, and a listener on its own connection (dsn) delivers every instance's
// events to this one's subscribers. The listener reconnects by itself after a database
// restart; subscriptions survive it (events published while it was down are lost: clients
// refetch). Stop it by cancelling ctx.
func NewPostgres(ctx context.Context, db *sql.DB, dsn string, log *slog.Logger) (*Bus, error) {
	b := &Bus{Buffer: DefaultBuffer, Log: log, subs: map[*Subscription]struct{}{}}
	b.publish = func(ctx context.Context, ev Event) error {
		payload, err := encode(ev)
		if err != nil {
			return err
		}
		_, err = db.ExecContext(ctx, sqlNotify, Channel, string(payload))
		return err
	}
	l := pq.NewListener(dsn, 100*time.Millisecond, 5*time.Second, func(ev pq.ListenerEventType, err error) {
		switch ev {
		case pq.ListenerEventDisconnected:
			log.Warn("live events listener disconnected: reconnecting", "error", err)
		case pq.ListenerEventReconnected:
			log.Info("live events listener reconnected")
		case pq.ListenerEventConnectionAttemptFailed:
			log.Warn("live events listener cannot reconnect yet", "error", err)
		}
	})
	if err := l.Listen(Channel); err != nil {
		_ = l.Close()
		return nil, fmt.Errorf("listening to %s: %w", Channel, err)
	}
	go func() {
		defer func() { _ = l.Close() }()
		for {
			select {
			case <-ctx.Done():
				return
			case n := <-l.Notify:
				if n == nil {
					// The connection came back: nothing to resync for fire-and-forget events.
					continue
				}
				log.Debug("live event received", "bytes", len(n.Extra))
				ev, err := decode([]byte(n.Extra))
				if err != nil {
					log.Warn("undecodable live event", "error", err)
					continue
				}
				b.deliver(ev)
			case <-time.After(60 * time.Second):
				go func() { _ = l.Ping() }()
			}
		}
	}()
	return b, nil
}
