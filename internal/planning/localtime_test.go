package planning_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/localtime"
	"github.com/mifmaroc/erp/internal/planning"
)

// ramadanUTC0 are the spans when Morocco leaves UTC+1 for UTC+0 around Ramadan, as the tz
// database has them (zdump -v Africa/Casablanca): [start, end) in UTC.
var ramadanUTC0 = [][2]time.Time{
	{time.Date(2026, 2, 15, 2, 0, 0, 0, time.UTC), time.Date(2026, 3, 22, 2, 0, 0, 0, time.UTC)},
	{time.Date(2027, 2, 7, 2, 0, 0, 0, time.UTC), time.Date(2027, 3, 14, 2, 0, 0, 0, time.UTC)},
	{time.Date(2028, 1, 23, 2, 0, 0, 0, time.UTC), time.Date(2028, 3, 5, 2, 0, 0, 0, time.UTC)},
}

func onUTC0(u time.Time) bool {
	for _, r := range ramadanUTC0 {
		if !u.Before(r[0]) && u.Before(r[1]) {
			return true
		}
	}
	return false
}

// casablanca is the instant of a wall-clock time in Casablanca from 2026 to 2028, computed
// from the spans above rather than from the time package: UTC+1, UTC+0 during Ramadan.
func casablanca(y int, m time.Month, d, h, min int) time.Time {
	wall := time.Date(y, m, d, h, min, 0, 0, time.UTC)
	if u := wall.Add(-time.Hour); !onUTC0(u) {
		return u
	}
	if onUTC0(wall) {
		return wall
	}
	panic("a wall-clock time the offset change skips")
}

// The calendar recurs on the wall clock of Casablanca across the changes of offset of
// Ramadan 2027 (UTC+0 from 7 February to 14 March): the same local day and time.
func TestOccurrenceAcrossRamadan(t *testing.T) {
	zone := localtime.Default()
	var sundays []time.Time // at 08:00, from 31 January to 21 March 2027
	for w := range 8 {
		sundays = append(sundays, casablanca(2027, 1, 31+7*w, 8, 0))
	}
	tests := []struct {
		name   string
		anchor time.Time
		freq   domain.Frequence
		want   []time.Time // occurrences 0, 1, 2, …
	}{
		{"MonthlyOnTheFirst", casablanca(2027, 1, 1, 0, 0), "MENSUEL", []time.Time{
			casablanca(2027, 1, 1, 0, 0), casablanca(2027, 2, 1, 0, 0), casablanca(2027, 3, 1, 0, 0),
			casablanca(2027, 4, 1, 0, 0), casablanca(2027, 5, 1, 0, 0)}},
		{"MonthEnd", casablanca(2027, 1, 31, 8, 0), "MENSUEL", []time.Time{
			casablanca(2027, 1, 31, 8, 0), casablanca(2027, 2, 28, 8, 0), casablanca(2027, 3, 31, 8, 0),
			casablanca(2027, 4, 30, 8, 0), casablanca(2027, 5, 31, 8, 0)}},
		{"WeeklySundayMorning", casablanca(2027, 1, 31, 8, 0), "HEBDOMADAIRE", sundays},
		{"DailyAcrossTheEnd", casablanca(2027, 3, 12, 9, 30), "JOURNALIER", []time.Time{
			casablanca(2027, 3, 12, 9, 30), casablanca(2027, 3, 13, 9, 30), casablanca(2027, 3, 14, 9, 30),
			casablanca(2027, 3, 15, 9, 30)}},
		{"QuarterlyIntoRamadan2028", casablanca(2027, 11, 30, 7, 0), "TRIMESTRIEL", []time.Time{
			casablanca(2027, 11, 30, 7, 0), casablanca(2028, 2, 29, 7, 0), casablanca(2028, 5, 30, 7, 0)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := tt.want
			anchor := zone.In(tt.anchor)
			var got []time.Time
			for k := range want {
				got = append(got, planning.Occurrence(anchor, tt.freq, 1, k))
			}
			if diff := cmp.Diff(utc(want), utc(got)); diff != "" {
				t.Errorf("occurrences in UTC (-want +got):\n%s", diff)
			}
			// What the scheduler and the forecast ask of the calendar agrees with it.
			for k := 1; k < len(want); k++ {
				if next := planning.Next(anchor, tt.freq, 1, want[k-1]); !next.Equal(want[k]) {
					t.Errorf("Next after %v = %v, want %v", want[k-1].UTC(), next.UTC(), want[k].UTC())
				}
				if due, ok := planning.LatestDue(anchor, tt.freq, 1, want[k].Add(-time.Second)); !ok || !due.Equal(want[k-1]) {
					t.Errorf("LatestDue just before %v = %v, want %v", want[k].UTC(), due.UTC(), want[k-1].UTC())
				}
			}
			between := planning.Between(anchor, tt.freq, 1, want[0], want[len(want)-1].Add(time.Second), 100)
			if diff := cmp.Diff(utc(want), utc(between)); diff != "" {
				t.Errorf("Between (-want +got):\n%s", diff)
			}
		})
	}
}

func utc(ts []time.Time) []time.Time {
	out := make([]time.Time, len(ts))
	for i, t := range ts {
		out[i] = t.UTC()
	}
	return out
}
