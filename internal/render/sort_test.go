package render

import (
	"testing"
	"time"

	"github.com/mifmaroc/erp/ent"
)

// TestSorted: collected history lines come out in the historique edge's declared order
// (horodatage, then id), without touching the slice they came in.
func TestSorted(t *testing.T) {
	at := time.Date(2026, 12, 4, 8, 0, 0, 0, time.UTC)
	in := []*ent.HistoriqueIntervention{
		{ID: 3, Horodatage: at.Add(time.Hour)},
		{ID: 2, Horodatage: at},
		{ID: 1, Horodatage: at},
	}
	order := ent.Shapes[ent.TypeIntervention].Edges["historique"].Order
	got := Sorted(in, order)
	var ids []int
	for _, h := range got {
		ids = append(ids, h.ID)
	}
	if want := []int{1, 2, 3}; len(ids) != 3 || ids[0] != want[0] || ids[1] != want[1] || ids[2] != want[2] {
		t.Errorf("order %v, want %v (by %v)", ids, want, order)
	}
	if in[0].ID != 3 {
		t.Error("the collected slice was sorted in place")
	}
	if again := Sorted(got, order); &again[0] != &got[0] {
		t.Error("a list already in order was copied")
	}
}
