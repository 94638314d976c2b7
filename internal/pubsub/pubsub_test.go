package pubsub_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/mifmaroc/erp/internal/pubsub"
)

func ev(id int) pubsub.Event {
	return pubsub.Event{Statut: &pubsub.StatutChange{InterventionID: id, Nouveau: "EN_COURS", At: time.Unix(0, 0)}}
}

func TestSlowSubscriberIsDroppedPublisherNeverWaits(t *testing.T) {
	b := pubsub.NewMemory(slog.New(slog.NewTextHandler(io.Discard, nil)))
	b.Buffer = 4
	fast := b.Subscribe()
	slow := b.Subscribe() // never reads
	for i := 1; i <= 10; i++ {
		b.Publish(context.Background(), ev(i)) // must not block on the slow subscriber
		select {
		case got, ok := <-fast.C:
			if !ok || got.Statut.InterventionID != i {
				t.Fatalf("fast subscriber: event %d = %+v, open %t", i, got.Statut, ok)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("fast subscriber did not get event %d", i)
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
