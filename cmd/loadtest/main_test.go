package main

import (
	"crypto/sha256"
	"os"
	"strings"
	"testing"
	"time"
)

// The CPU figures the load test prints come from /proc: the process's own time must grow
// with work, and a process that is not there measures nothing rather than failing the run.
func TestCPUTime(t *testing.T) {
	// A process that has just started may not have used a whole clock tick yet: the time
	// can be zero before the work, never after it.
	before := cpuTime(os.Getpid())
	// Work until the clock ticks of /proc move (they count 1/100 s); bounded by iterations.
	sum := sha256.Sum256(nil)
	for i := 0; i < 10000 && cpuTime(os.Getpid()) == before; i++ {
		for range 1000 {
			sum = sha256.Sum256(sum[:])
		}
	}
	if after := cpuTime(os.Getpid()); after <= before {
		t.Errorf("own CPU time %v after work, %v before", after, before)
	}
	for _, pid := range []int{0, -1, 1 << 30} {
		if got := cpuTime(pid); got != time.Duration(0) {
			t.Errorf("cpuTime(%d) = %v, want 0", pid, got)
		}
	}
}

func TestParseProcStat(t *testing.T) {
	cases := []struct {
		name, stat string
		want       cpuTimes
	}{
		{"full", "cpu  100 5 20 300 7 0 3 40 0 0\ncpu0 50 2 10 150 3 0 1 20 0 0\n", cpuTimes{busy: 128, idle: 307, steal: 40}},
		{"no guest columns", "cpu  100 5 20 300 7 0 3 40\n", cpuTimes{busy: 128, idle: 307, steal: 40}},
		{"no steal column", "cpu  100 5 20 300 7 0 3\n", cpuTimes{}},
		{"not the cpu line", "intr 1 2 3 4 5 6 7 8 9\n", cpuTimes{}},
		{"garbled", "cpu  100 x 20 300 7 0 3 40\n", cpuTimes{}},
		{"empty", "", cpuTimes{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := parseProcStat(c.stat); got != c.want {
				t.Errorf("parseProcStat = %+v, want %+v", got, c.want)
			}
		})
	}
	d := cpuTimes{busy: 150, idle: 750, steal: 50}.since(cpuTimes{busy: 50, idle: 400, steal: 0})
	if got, want := d.String(), "CPU 20% busy, 10.0% stolen by the host"; got != want {
		t.Errorf("String = %q, want %q", got, want)
	}
	if m := machineCPU(); m.total() <= 0 {
		t.Errorf("machineCPU on this machine = %+v, want its times", m)
	}
}

func TestMillis(t *testing.T) {
	cases := map[time.Duration]string{
		0:                         "0.000 ms",
		482 * time.Microsecond:    "0.482 ms",
		3956 * time.Microsecond:   "3.96 ms",
		16863 * time.Microsecond:  "16.9 ms",
		285363 * time.Microsecond: "285 ms",
		2 * time.Second:           "2000 ms",
	}
	for d, want := range cases {
		if got := millis(d); got != want {
			t.Errorf("millis(%v) = %q, want %q", d, got, want)
		}
	}
}

// The amplify scenario counts the errors of answers it does not keep: a key split across
// two writes counts once.
func TestMessageCounter(t *testing.T) {
	answer := `{"errors":[{"message":"a"},{"message":"b"},{"message":"c"}]}`
	for size := 1; size <= len(answer); size++ {
		c := &messageCounter{}
		for i := 0; i < len(answer); i += size {
			_, _ = c.Write([]byte(answer[i:min(i+size, len(answer))]))
		}
		if c.messages != 3 || c.n != int64(len(answer)) {
			t.Errorf("writes of %d bytes: %d messages in %d bytes, want 3 in %d", size, c.messages, c.n, len(answer))
		}
	}
}

// The tail printout groups the requests slower than the p99 by when they were sent, in
// slices counted from the first request, in order, and leaves out the others.
func TestPrintTail(t *testing.T) {
	start := time.Date(2026, 12, 6, 1, 8, 31, 0, time.UTC)
	at := func(ms int, latency time.Duration) timed {
		return timed{at: start.Add(time.Duration(ms) * time.Millisecond), latency: latency}
	}
	samples := []timed{
		at(4300, 20*time.Millisecond), at(10, time.Millisecond), at(4400, 30*time.Millisecond),
		at(0, time.Millisecond), at(9300, 9*time.Millisecond), at(5000, 3*time.Millisecond),
	}
	var b strings.Builder
	printTail(&b, samples, 3*time.Millisecond, 250*time.Millisecond)
	want := "requests slower than the p99 (3.00 ms), by when they were sent (run started 01:08:31.000):\n" +
		"  +4.25s    01:08:35.250     2 slow, slowest 30.0 ms\n" +
		"  +9.25s    01:08:40.250     1 slow, slowest 9.00 ms\n"
	if got := b.String(); got != want {
		t.Errorf("printTail wrote\n%s\nwant\n%s", got, want)
	}
}
