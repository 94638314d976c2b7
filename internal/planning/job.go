package planning

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"time"

	"github.com/go-co-op/gocron/v2"

	"github.com/mifmaroc/erp/ent/schedulerrun"
)

// JobName names the periodic job (gocron requires one for distributed locking).
const JobName = "preventive-scheduler"

// Job runs the Runner every period until Stop. On PostgreSQL, db gives a distributed lock:
// of several replicas, one runs a given tick (the others skip it); correctness does not depend
// on it (the run is idempotent), it only saves work.
type Job struct {
	sched  gocron.Scheduler
	cancel context.CancelFunc // ends the run in progress at its next planning
}

// StartJob schedules runner every period; the first run starts at once. db may be nil (no
// distributed lock, as on SQLite). Runs go on until Stop, whatever becomes of ctx.
func StartJob(ctx context.Context, runner *Runner, period time.Duration, db *sql.DB, log *slog.Logger) (*Job, error) {
	// Stop bounds the wait itself (its ctx); gocron's own limit must not cut it shorter.
	opts := []gocron.SchedulerOption{gocron.WithLocation(time.UTC), gocron.WithStopTimeout(time.Hour)}
	if db != nil {
		opts = append(opts, gocron.WithDistributedLocker(pgLocker{db: db}))
	}
	s, err := gocron.NewScheduler(opts...)
	if err != nil {
		return nil, fmt.Errorf("creating the scheduler: %w", err)
	}
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	_, err = s.NewJob(
		gocron.DurationJob(period),
		gocron.NewTask(func() {
			if _, err := runner.Run(runCtx, schedulerrun.DeclencheurPLANIFIE); err != nil && !errors.Is(err, context.Canceled) {
				log.ErrorContext(runCtx, "preventive scheduler run failed", "error", err)
			}
		}),
		gocron.WithName(JobName),
		gocron.WithSingletonMode(gocron.LimitModeReschedule),
		gocron.WithStartAt(gocron.WithStartImmediately()),
	)
	if err != nil {
		cancel()
		return nil, fmt.Errorf("scheduling %s: %w", JobName, err)
	}
	s.Start()
	log.Info("preventive scheduler started", "period", period.String(), "distributed_lock", db != nil)
	return &Job{sched: s, cancel: cancel}, nil
}

// Stop schedules no more runs and lets the run in progress, if any, finish the plannings it
// started (it starts no new one and records itself as interrupted); it waits for that at most
// until ctx ends.
func (j *Job) Stop(ctx context.Context) error {
	j.cancel()
	done := make(chan error, 1)
	go func() { done <- j.sched.Shutdown() }()
	select {
	case err := <-done:
		if err != nil {
			return fmt.Errorf("stopping the preventive scheduler: %w", err)
		}
		return nil
	case <-ctx.Done():
		return fmt.Errorf("preventive scheduler run still in progress: %w", ctx.Err())
	}
}

// pgLocker is a gocron.Locker on PostgreSQL session advisory locks.
type pgLocker struct{ db *sql.DB }

var errLockHeld = errors.New("another replica holds the lock")

func (l pgLocker) Lock(ctx context.Context, key string) (gocron.Lock, error) {
	conn, err := l.db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	id := lockID(key)
	var got bool
	if err := conn.QueryRowContext(ctx, sqlTryAdvisoryLock, id).Scan(&got); err != nil {
		_ = conn.Close()
		return nil, err
	}
	if !got {
		_ = conn.Close()
		return nil, errLockHeld
	}
	return pgLock{conn: conn, id: id}, nil
}

type pgLock struct {
	conn *sql.Conn
	id   int64
}

func (l pgLock) Unlock(ctx context.Context) error {
	_, err := l.conn.ExecContext(ctx, sqlAdvisoryUnlock, l.id)
	return errors.Join(err, l.conn.Close())
}

// lockID maps a job name to an advisory lock key.
func lockID(key string) int64 {
	h := fnv.New64a()
	_, _ = h.Write([]byte("mif-erp:" + key))
	return int64(h.Sum64())
}
