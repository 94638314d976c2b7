package compteur

import (
	"time"
)

// Point is a reading as the computations of usage see it.
type Point struct {
	Valeur      float64
	Date        time.Time
	RemiseAZero bool
}

// Increment is what the meter counted from the reading before to p: the difference of their
// values, or nothing at a reset, since counting restarts from the reset reading's value (a
// reset meter, or a new one, may start from any value; what ran before it was counted by
// the readings before).
func Increment(prev, p Point) float64 {
	if p.RemiseAZero {
		return 0
	}
	return p.Valeur - prev.Valeur
}

// Usage is the meter's cumulative usage at each reading of points (in date order): the first
// reading's value, then the sum of the increments since. Without a reset it is the value the
// meter shows; across resets it goes on rising, which is what usage-based plannings count.
func Usage(points []Point) []float64 {
	out := make([]float64, len(points))
	for i, p := range points {
		if i == 0 {
			out[i] = p.Valeur
			continue
		}
		out[i] = out[i-1] + Increment(points[i-1], p)
	}
	return out
}

// Taux is the average rate of use, in units per day, over the readings of points (in date
// order) dated in [from, to]: the sum of their increments over the time between the first
// and the last of them. False when fewer than two readings, or a single instant, fall in the
// window: there is no rate to tell.
func Taux(points []Point, from, to time.Time) (float64, bool) {
	var (
		first, last Point
		n           int
		sum         float64
	)
	for _, p := range points {
		if p.Date.Before(from) || p.Date.After(to) {
			continue
		}
		if n == 0 {
			first = p
		} else {
			sum += Increment(last, p)
		}
		last = p
		n++
	}
	days := last.Date.Sub(first.Date).Hours() / 24
	if n < 2 || days <= 0 {
		return 0, false
	}
	return sum / days, true
}
