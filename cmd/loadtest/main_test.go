package main

import (
	"crypto/sha256"
	"os"
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
