package planning_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/planning"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 9, 0, 0, 0, time.UTC) }

func TestOccurrence(t *testing.T) {
	tests := []struct {
		name   string
		anchor time.Time
		freq   domain.Frequence
		n      int
		want   []time.Time // occurrences 0, 1, 2, …
	}{
		{"Daily", day(2026, 12, 30), "JOURNALIER", 1, []time.Time{day(2026, 12, 30), day(2026, 12, 31), day(2027, 1, 1)}},
		{"EveryTwoWeeks", day(2026, 2, 20), "HEBDOMADAIRE", 2, []time.Time{day(2026, 2, 20), day(2026, 3, 6), day(2026, 3, 20)}},
		{"MonthEndLeapYear", day(2028, 1, 31), "MENSUEL", 1, []time.Time{day(2028, 1, 31), day(2028, 2, 29), day(2028, 3, 31), day(2028, 4, 30)}},
		{"MonthEndCommonYear", day(2027, 1, 31), "MENSUEL", 1, []time.Time{day(2027, 1, 31), day(2027, 2, 28), day(2027, 3, 31)}},
		{"Quarterly", day(2026, 11, 30), "TRIMESTRIEL", 1, []time.Time{day(2026, 11, 30), day(2027, 2, 28), day(2027, 5, 30), day(2027, 8, 30)}},
		{"SemiAnnual", day(2026, 8, 31), "SEMESTRIEL", 1, []time.Time{day(2026, 8, 31), day(2027, 2, 28), day(2027, 8, 31)}},
		{"LeapDayYearly", day(2028, 2, 29), "ANNUEL", 1, []time.Time{day(2028, 2, 29), day(2029, 2, 28), day(2030, 2, 28), day(2031, 2, 28), day(2032, 2, 29)}},
		{"EveryTwoMonths", day(2026, 12, 31), "MENSUEL", 2, []time.Time{day(2026, 12, 31), day(2027, 2, 28), day(2027, 4, 30)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []time.Time
			for k := range tt.want {
				got = append(got, planning.Occurrence(tt.anchor, tt.freq, tt.n, k))
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("occurrences (-want +got):\n%s", diff)
			}
		})
	}
}

func TestNextAndLatestDue(t *testing.T) {
	anchor := day(2028, 1, 31)
	tests := []struct {
		name      string
		now       time.Time
		next      time.Time
		latest    time.Time
		hasLatest bool
	}{
		{"BeforeAnchor", day(2028, 1, 1), day(2028, 1, 31), time.Time{}, false},
		{"AtAnchor", day(2028, 1, 31), day(2028, 2, 29), day(2028, 1, 31), true},
		{"MissedSeveral", day(2028, 5, 15), day(2028, 5, 31), day(2028, 4, 30), true},
		{"YearsLater", day(2031, 3, 1), day(2031, 3, 31), day(2031, 2, 28), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := planning.Next(anchor, "MENSUEL", 1, tt.now); !got.Equal(tt.next) {
				t.Errorf("Next = %v, want %v", got, tt.next)
			}
			got, ok := planning.LatestDue(anchor, "MENSUEL", 1, tt.now)
			if ok != tt.hasLatest || !got.Equal(tt.latest) {
				t.Errorf("LatestDue = %v %t, want %v %t", got, ok, tt.latest, tt.hasLatest)
			}
		})
	}
}

func TestBetween(t *testing.T) {
	got := planning.Between(day(2026, 1, 5), "HEBDOMADAIRE", 1, day(2026, 1, 12), day(2026, 2, 2), 100)
	want := []time.Time{day(2026, 1, 12), day(2026, 1, 19), day(2026, 1, 26)}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Between (-want +got):\n%s", diff)
	}
	if n := len(planning.Between(day(2026, 1, 1), "JOURNALIER", 1, day(2026, 1, 1), day(2027, 1, 1), 10)); n != 10 {
		t.Errorf("limit: %d occurrences, want 10", n)
	}
}
