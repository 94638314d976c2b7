// Package planning turns preventive plannings into work: the calendar of occurrences, the
// scheduler run that creates one intervention per due planning, and the job that runs it.
package planning

import (
	"slices"
	"time"

	"github.com/mifmaroc/erp/internal/domain"
)

// months is the length in months of the calendar frequencies; days that of the others.
var (
	months = map[domain.Frequence]int{
		domain.FrequenceMensuel:     1,
		domain.FrequenceTrimestriel: 3,
		domain.FrequenceSemestriel:  6,
		domain.FrequenceAnnuel:      12,
	}
	days = map[domain.Frequence]int{
		domain.FrequenceJournalier:   1,
		domain.FrequenceHebdomadaire: 7,
	}
)

// Occurrence returns the k-th occurrence (k ≥ 0) of a plan starting at anchor, every n
// periods of freq. Calendar frequencies keep the anchor's day of month and clamp it to the
// month's last day: a plan on 31 January falls on 29 February in a leap year, then on
// 31 March again; one on 29 February falls on 28 February in other years.
func Occurrence(anchor time.Time, freq domain.Frequence, n, k int) time.Time {
	if d, ok := days[freq]; ok {
		return anchor.AddDate(0, 0, d*n*k)
	}
	total := months[freq] * n * k
	y, m, d := anchor.Date()
	first := time.Date(y, m+time.Month(total), 1, anchor.Hour(), anchor.Minute(), anchor.Second(), anchor.Nanosecond(), anchor.Location())
	last := first.AddDate(0, 1, -1).Day()
	return first.AddDate(0, 0, min(d, last)-1)
}

// longestPeriod is an upper bound of one period, used to jump close to a far date without
// passing it. (A day may last 25 hours at a DST change.)
func longestPeriod(freq domain.Frequence, n int) time.Duration {
	if d, ok := days[freq]; ok {
		return time.Duration(d*n) * 25 * time.Hour
	}
	return time.Duration(months[freq]*n*31) * 25 * time.Hour
}

// indexAfter returns the smallest k with Occurrence(k) > t (0 when the anchor is after t).
func indexAfter(anchor time.Time, freq domain.Frequence, n int, t time.Time) int {
	if anchor.After(t) {
		return 0
	}
	// The estimate never overshoots: no period is longer than longestPeriod.
	k := int(t.Sub(anchor) / longestPeriod(freq, n))
	for !Occurrence(anchor, freq, n, k).After(t) {
		k++
	}
	return k
}

// Next returns the first occurrence strictly after t.
func Next(anchor time.Time, freq domain.Frequence, n int, t time.Time) time.Time {
	return Occurrence(anchor, freq, n, indexAfter(anchor, freq, n, t))
}

// LatestDue returns the last occurrence at or before t, and false when none is.
func LatestDue(anchor time.Time, freq domain.Frequence, n int, t time.Time) (time.Time, bool) {
	k := indexAfter(anchor, freq, n, t)
	if k == 0 {
		return time.Time{}, false
	}
	return Occurrence(anchor, freq, n, k-1), true
}

// Between lists the occurrences in [from, to), at most limit of them.
func Between(anchor time.Time, freq domain.Frequence, n int, from, to time.Time, limit int) []time.Time {
	var out []time.Time
	k := indexAfter(anchor, freq, n, from.Add(-time.Nanosecond))
	for ; len(out) < limit; k++ {
		o := Occurrence(anchor, freq, n, k)
		if !o.Before(to) {
			break
		}
		out = append(out, o)
	}
	return out
}

func sortByDate(os []Forecasted) {
	slices.SortStableFunc(os, func(a, b Forecasted) int { return a.Date.Compare(b.Date) })
}
