// Package planning turns preventive plannings into work: the calendar of occurrences, the
// scheduler run that creates one intervention per due planning, and the job that runs it.
//
// The calendar recurs on the wall clock of the anchor's location: the dates and times a
// planning gives are instants, and the scheduler and the forecast both read its anchor in
// the users' zone (anchorOf), so that a plan on the 1st at 08:00 stays on the 1st at 08:00
// when the zone's offset changes.
package planning

import (
	"slices"
	"time"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/localtime"
)

// anchorOf is the occurrence p's calendar is computed from (date_debut, or prochaine_date
// for plannings written before it), on zone's wall clock.
func anchorOf(p *ent.Planning, zone localtime.Zone) time.Time {
	anchor := p.ProchaineDate
	if p.DateDebut != nil {
		anchor = *p.DateDebut
	}
	return zone.In(anchor)
}

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
// periods of freq, on the wall clock of anchor's location: each occurrence keeps the
// anchor's local time of day, whatever the offset that day. Calendar frequencies keep the
// anchor's day of month and clamp it to the month's last day: a plan on 31 January falls on
// 29 February in a leap year, then on 31 March again; one on 29 February falls on
// 28 February in other years.
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

// longestPeriod is an upper bound of one period in seconds, used to jump close to a far date
// without passing it. (A day may last 25 hours at a DST change.) Seconds, not a Duration:
// the longest periods, and the span from an old anchor to now, are beyond what a Duration
// holds.
func longestPeriod(freq domain.Frequence, n int) int64 {
	if d, ok := days[freq]; ok {
		return int64(d) * int64(n) * 25 * 3600
	}
	return int64(months[freq]) * int64(n) * 31 * 25 * 3600
}

// InBounds reports whether a planning's interval is one the calendar computes: what the
// ent validator lets through (rows written before it may hold others).
func InBounds(freq domain.Frequence, n int) bool {
	_, isDays := days[freq]
	_, isMonths := months[freq]
	return (isDays || isMonths) && n >= 1 && n <= domain.MaxIntervalle
}

// indexAfter returns the smallest k with Occurrence(k) > t (0 when the anchor is after t).
func indexAfter(anchor time.Time, freq domain.Frequence, n int, t time.Time) int {
	if anchor.After(t) {
		return 0
	}
	// The estimate never overshoots: no period is longer than longestPeriod.
	k := int((t.Unix() - anchor.Unix()) / longestPeriod(freq, n))
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
