package httpserver

import (
	"math"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// loginLimiter bounds login attempts per client address and per account: Burst attempts at
// once, refilled at Burst per Window. It complements the account lockout (which only counts
// failures) against password spraying from one address and floods on one account.
type loginLimiter struct {
	Burst  int
	Window time.Duration
	Now    func() time.Time

	mu      sync.Mutex
	buckets map[string]*bucket
	swept   time.Time
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

func newLoginLimiter(perMinute int, now func() time.Time) *loginLimiter {
	return &loginLimiter{Burst: perMinute, Window: time.Minute, Now: now, buckets: map[string]*bucket{}}
}

// allow takes one attempt for every key; when one of them is exhausted nothing is taken and
// it returns how long to wait.
func (l *loginLimiter) allow(keys ...string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.Now()
	l.sweep(now)
	var wait time.Duration
	rs := make([]*rate.Reservation, 0, len(keys))
	for _, k := range keys {
		b := l.buckets[k]
		if b == nil {
			b = &bucket{lim: rate.NewLimiter(rate.Limit(float64(l.Burst)/l.Window.Seconds()), l.Burst)}
			l.buckets[k] = b
		}
		b.seen = now
		r := b.lim.ReserveN(now, 1)
		rs = append(rs, r)
		wait = max(wait, r.DelayFrom(now))
	}
	if wait > 0 {
		for _, r := range rs {
			r.CancelAt(now)
		}
		return false, wait
	}
	return true, 0
}

// sweep forgets keys idle for two windows, so the map stays small.
func (l *loginLimiter) sweep(now time.Time) {
	if now.Sub(l.swept) < l.Window {
		return
	}
	l.swept = now
	for k, b := range l.buckets {
		if now.Sub(b.seen) > 2*l.Window {
			delete(l.buckets, k)
		}
	}
}

func retryAfter(d time.Duration) string {
	return strconv.Itoa(int(math.Ceil(d.Seconds())))
}
