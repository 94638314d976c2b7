package pubsub

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"entgo.io/ent/dialect"
	"github.com/lib/pq"

	"github.com/mifmaroc/erp/ent"
)

// Channel is the PostgreSQL NOTIFY channel that wakes the readers of live events.
const Channel = "erp_events"

// NewPostgres returns a Bus shared by every instance on the database: a listener on its own
// connection (dsn) wakes this instance's reader whenever any instance commits events, and
// again each time it reconnects (after a database restart or a network cut), when it may
// have missed notifications; the reader then reads every event after the last it delivered.
// Stop it by cancelling ctx.
func NewPostgres(ctx context.Context, client *ent.Client, dsn string, log *slog.Logger) (*Bus, error) {
	b := newBus(client, dialect.Postgres, log)
	l := pq.NewListener(dsn, 100*time.Millisecond, 5*time.Second, func(ev pq.ListenerEventType, err error) {
		switch ev {
		case pq.ListenerEventDisconnected:
			log.Warn("live events listener disconnected: reconnecting", "error", err)
		case pq.ListenerEventReconnected:
			log.Info("live events listener reconnected: reading what was missed")
		case pq.ListenerEventConnectionAttemptFailed:
			log.Warn("live events listener cannot reconnect yet", "error", err)
		}
	})
	if err := l.Listen(Channel); err != nil {
		_ = l.Close()
		return nil, fmt.Errorf("listening to %s: %w", Channel, err)
	}
	// After LISTEN: an event committed from now on wakes the reader, one before is read.
	if err := b.start(ctx); err != nil {
		_ = l.Close()
		return nil, err
	}
	go func() {
		defer func() { _ = l.Close() }()
		for {
			select {
			case <-ctx.Done():
				return
			case <-l.Notify:
				// An event, or nil: the connection came back and notifications may have
				// been missed. Either way the reader reads from its last position.
				b.wake()
			case <-time.After(60 * time.Second):
				go func() { _ = l.Ping() }()
			}
		}
	}()
	go b.read(ctx)
	return b, nil
}
