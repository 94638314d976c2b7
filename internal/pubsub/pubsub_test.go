package pubsub_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"entgo.io/ent/dialect"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/internal/database"
	"github.com/mifmaroc/erp/internal/pubsub"
	"github.com/mifmaroc/erp/internal/testdb"
	"github.com/mifmaroc/erp/internal/viewer"
)

func ev(id int) pubsub.Event {
	return pubsub.Event{Statut: &pubsub.StatutChange{InterventionID: id, Nouveau: "EN_COURS", At: time.Unix(0, 0)}}
}

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// newBus opens the bus the server would on a fresh database: the listener's on PostgreSQL,
// the one process's on SQLite.
func newBus(t *testing.T, db *database.DB) *pubsub.Bus {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	var (
		b   *pubsub.Bus
		err error
	)
	if db.Dialect == dialect.Postgres {
		b, err = pubsub.NewPostgres(ctx, db.Ent, db.DirectURL, quiet)
	} else {
		b, err = pubsub.New(ctx, db.Ent, db.Dialect, quiet)
	}
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// receive reads n events from s, failing the test if they are late.
func receive(t *testing.T, s *pubsub.Subscription, n int) []pubsub.Event {
	t.Helper()
	var got []pubsub.Event
	for len(got) < n {
		select {
		case e, ok := <-s.C:
			if !ok {
				t.Fatalf("subscription closed after %d of %d events", len(got), n)
			}
			got = append(got, e)
		case <-time.After(10 * time.Second):
			t.Fatalf("received %d of %d events", len(got), n)
		}
	}
	return got
}

func TestSlowSubscriberIsDroppedPublisherNeverWaits(t *testing.T) {
	b := newBus(t, testdb.Open(t))
	b.Buffer = 4
	fast := b.Subscribe()
	slow := b.Subscribe() // never reads
	for i := 1; i <= 10; i++ {
		b.Publish(context.Background(), ev(i)) // must not block on the slow subscriber
		if got := receive(t, fast, 1)[0]; got.Statut.InterventionID != i {
			t.Fatalf("fast subscriber: event %d = %+v", i, got.Statut)
		}
	}
	n := 0
	for range slow.C { // closed after its buffer filled: the loop ends
		n++
	}
	if n != 4 {
		t.Errorf("slow subscriber kept %d buffered events, want 4", n)
	}
	if b.Subscribers() != 1 {
		t.Errorf("%d subscribers left, want 1 (the slow one dropped)", b.Subscribers())
	}
	fast.Close()
	fast.Close() // twice is harmless
	if b.Subscribers() != 0 {
		t.Errorf("%d subscribers after Close", b.Subscribers())
	}
}

// TestEventsOnlyWithTheirCommit: the events of a transaction that rolls back are never
// heard; those of one that commits are, after it.
func TestEventsOnlyWithTheirCommit(t *testing.T) {
	db := testdb.Open(t)
	b := newBus(t, db)
	s := b.Subscribe()
	defer s.Close()
	boom := errors.New("refused")
	err := b.WithTx(context.Background(), db.Ent, func(*ent.Client) ([]pubsub.Event, error) { return []pubsub.Event{ev(1)}, boom })
	if !errors.Is(err, boom) {
		t.Fatalf("WithTx = %v, want the change's error", err)
	}
	if err := b.WithTx(context.Background(), db.Ent, func(*ent.Client) ([]pubsub.Event, error) {
		return []pubsub.Event{ev(2), ev(3)}, nil
	}); err != nil {
		t.Fatal(err)
	}
	got := receive(t, s, 2)
	if got[0].Statut.InterventionID != 2 || got[1].Statut.InterventionID != 3 || got[0].Position >= got[1].Position {
		t.Errorf("received %+v then %+v, want events 2 then 3 in increasing positions", got[0], got[1])
	}
	select {
	case e := <-s.C:
		t.Errorf("an extra event arrived: %+v (the rolled back one?)", e.Statut)
	case <-time.After(3 * pubsub.PollInterval):
	}
}

// TestConcurrentWritersInOrder: events committed by many writers at once are delivered once
// each, in increasing positions, and Since gives back the same sequence.
func TestConcurrentWritersInOrder(t *testing.T) {
	db := testdb.Open(t)
	b := newBus(t, db)
	b.Buffer = 100 // read once all are written
	s := b.Subscribe()
	defer s.Close()
	start := b.Last()
	const writers, each = 8, 10
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				b.Publish(context.Background(), ev(w*100+i))
			}
		}()
	}
	wg.Wait()
	got := receive(t, s, writers*each)
	seen := map[int]bool{}
	for i, e := range got {
		if i > 0 && e.Position <= got[i-1].Position {
			t.Fatalf("event %d at position %d after %d: out of order", i, e.Position, got[i-1].Position)
		}
		if seen[e.Statut.InterventionID] {
			t.Fatalf("event %d delivered twice", e.Statut.InterventionID)
		}
		seen[e.Statut.InterventionID] = true
	}
	missed, err := b.Since(context.Background(), got[9].Position)
	if err != nil {
		t.Fatal(err)
	}
	if len(missed) != len(got)-10 || missed[0].Position != got[10].Position {
		t.Errorf("Since(10th) gave %d events from %d, want %d from %d", len(missed), missed[0].Position, len(got)-10, got[10].Position)
	}
	if start >= got[0].Position {
		t.Errorf("first position %d not after the bus's start %d", got[0].Position, start)
	}
}

// TestSinceTooOld: once the events after a position are pruned, a subscriber resuming there
// is told so instead of silently missing them.
func TestSinceTooOld(t *testing.T) {
	db := testdb.Open(t)
	b := newBus(t, db)
	s := b.Subscribe()
	defer s.Close()
	for i := 1; i <= 3; i++ {
		b.Publish(context.Background(), ev(i))
	}
	got := receive(t, s, 3)
	if _, err := b.Since(context.Background(), got[0].Position); err != nil {
		t.Fatalf("Since within the retention: %v", err)
	}
	b.Retention = time.Nanosecond
	b.Prune(context.Background())
	if _, err := b.Since(context.Background(), got[0].Position); !errors.Is(err, pubsub.ErrTooOld) {
		t.Errorf("Since after pruning = %v, want ErrTooOld", err)
	}
	// The newest is kept: the position every reader resumes after.
	if missed, err := b.Since(context.Background(), got[2].Position); err != nil || len(missed) != 0 {
		t.Errorf("Since(newest) = %d events, %v; want none and no error", len(missed), err)
	}
	n, err := db.Ent.EvenementLive.Query().Count(viewer.SystemContext(context.Background()))
	if err != nil || n != 1 {
		t.Errorf("%d events kept after pruning (%v), want the newest only", n, err)
	}
}

// TestListenerReconnectMissesNothing (PostgreSQL): events committed while the listener's
// connection is cut, and while it reconnects, are all delivered, in order, once.
func TestListenerReconnectMissesNothing(t *testing.T) {
	if testdb.Dialect() != dialect.Postgres {
		t.Skip("LISTEN/NOTIFY is PostgreSQL's; SQLite has one process and no listener")
	}
	db := testdb.Open(t)
	b := newBus(t, db)
	s := b.Subscribe()
	defer s.Close()
	ctx := context.Background()
	const n = 30
	for i := 1; i <= n; i++ {
		if i == 10 || i == 20 {
			cut(t, db)
		}
		b.Publish(ctx, ev(i))
	}
	got := receive(t, s, n)
	for i, e := range got {
		if e.Statut.InterventionID != i+1 {
			t.Fatalf("event %d is %d: lost, repeated or out of order", i+1, e.Statut.InterventionID)
		}
	}
	select {
	case e := <-s.C:
		t.Errorf("an extra event arrived: %+v", e.Statut)
	case <-time.After(2 * pubsub.PollInterval):
	}
}

// cut terminates the listener's connection, as a database restart or a network cut would,
// once it is connected (it reconnects by itself after the last cut).
func cut(t *testing.T, db *database.DB) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		res, err := db.SQL.ExecContext(context.Background(), `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
			WHERE datname = current_database() AND pid <> pg_backend_pid() AND query LIKE 'LISTEN%'`)
		if err != nil {
			t.Fatal(err)
		}
		if k, _ := res.RowsAffected(); k == 1 {
			return
		}
	}
	t.Fatal("the listener did not connect again within 10s")
}
