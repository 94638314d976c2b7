package database

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"entgo.io/ent/dialect"

	"github.com/mifmaroc/erp/ent"
)

// A streaming replica takes the reads a request marks with ReadOnly off the primary. The
// routing is a driver under ent, so every service, the direct renderer and the dataloaders
// read through it unchanged; what goes where, and what it does not promise, is in
// docs/deployment.md ("Read replicas").

// Replica says where reads may go and when they must not (DATABASE_REPLICA_*).
type Replica struct {
	// URL is the replica's PostgreSQL URL; empty: no replica.
	URL string
	// ReadYourWrites is how long after a write its author reads the primary, at least.
	ReadYourWrites time.Duration
	// MaxLag is the replay lag beyond which the replica serves nobody.
	MaxLag time.Duration
	// CheckInterval is how often the replica's lag is measured (0: DefaultReplicaCheck).
	CheckInterval time.Duration
	// Now is the clock of the windows and the lag (nil: the wall clock).
	Now func() time.Time
	// Log receives the replica's changes of state (nil: nowhere).
	Log *slog.Logger
}

// DefaultReplicaCheck is how often the replica's lag is measured unless told otherwise.
const DefaultReplicaCheck = time.Second

type readOnlyKey struct{}

// ReadOnly marks ctx as a read-only request of user (0: anonymous): its queries outside a
// transaction may be served by the replica, unless user wrote recently (Wrote). Statements
// that write, and transactions, always go to the primary.
func ReadOnly(ctx context.Context, user int) context.Context {
	return context.WithValue(ctx, readOnlyKey{}, user)
}

func readOnlyUser(ctx context.Context) (int, bool) {
	u, ok := ctx.Value(readOnlyKey{}).(int)
	return u, ok
}

// Wrote records that user (0: nobody, ignored) has just written: his reads stay on the
// primary until both the read-your-writes window has passed and the replica is known to
// hold what was committed before now. Without a replica it does nothing.
func (db *DB) Wrote(user int) {
	if db.replica != nil && user != 0 {
		db.replica.wrote(user)
	}
}

// ReplicaStatus is what the server shows of its replica (metrics).
type ReplicaStatus struct {
	InService bool
	Lag       time.Duration // as of the last check; unknown (0) while unreachable
	Reads     int64         // queries the replica answered
}

// Replica reports the replica's status; false without a replica.
func (db *DB) Replica() (ReplicaStatus, bool) {
	if db.replica == nil {
		return ReplicaStatus{}, false
	}
	s := db.replica
	s.mu.RLock()
	defer s.mu.RUnlock()
	return ReplicaStatus{InService: s.usable, Lag: s.lag, Reads: s.reads.Load()}, true
}

// CheckReplica measures the replica's lag now, as the server does every CheckInterval
// (tests that move their clock call it to see the replica as it would be by then).
func (db *DB) CheckReplica(ctx context.Context) {
	if db.replica != nil {
		db.replica.check(ctx)
	}
}

// OpenPostgresWithReplica is OpenPostgres with the reads of ReadOnly contexts going to the
// replica at r.URL when it is usable. The replica's pool has the primary's settings. A
// replica that cannot be reached does not stop the server: reads stay on the primary until
// it answers, caught up.
func OpenPostgresWithReplica(ctx context.Context, rawURL string, p Pool, r Replica) (*DB, error) {
	db, err := OpenPostgres(ctx, rawURL, p)
	if err != nil || r.URL == "" {
		return db, err
	}
	rdb, ru, err := postgresPool(r.URL, p, "DATABASE_REPLICA_URL")
	if err != nil {
		_ = db.Close()
		return nil, err
	}
	if r.CheckInterval <= 0 {
		r.CheckInterval = DefaultReplicaCheck
	}
	if r.Now == nil {
		r.Now = time.Now
	}
	if r.Log == nil {
		r.Log = slog.New(slog.DiscardHandler)
	}
	st := &replicaState{cfg: r, primary: db.SQL, replica: rdb, writes: map[int]time.Time{}}
	st.settings = func(ctx context.Context) error { return checkSettings(ctx, rdb, ru, p, "DATABASE_REPLICA_URL") }
	rt := &router{
		primary: db.base,
		replica: postgresDriver(rdb, p),
		state:   st,
	}
	db.replica = st
	db.base = rt
	db.Ent = ent.NewClient(ent.Driver(countingDriver{Driver: rt, n: db.statements}))
	st.check(ctx) // usable from the first request when it answers
	st.start()
	return db, nil
}

// replicaState is what the router knows of the replica: whether it may serve, up to when
// it holds the primary's commits, and who wrote when.
type replicaState struct {
	cfg              Replica
	primary, replica *sql.DB
	// settings reads back the replica's statement timeout and time zone, as OpenPostgres
	// does the primary's: a pooler in front of the replica may drop them too, and reads would
	// then run without a bound. Unlike the primary's, a failure does not stop the server: the
	// replica serves nobody, and the log says what to set.
	settings func(context.Context) error
	// settingsErr is the settings failure last logged, so that it is logged once, not at
	// every check.
	settingsErr string

	mu sync.RWMutex // read at every query, written at checks and writes
	// usable: the last check reached the replica and found it within MaxLag, and no read
	// failed on it since.
	usable bool
	// holdsUntil: the replica holds every commit made on the primary before this time.
	holdsUntil time.Time
	// pending are primary positions sampled at each check that the replica had not yet
	// replayed, oldest first.
	pending []lsnSample
	writes  map[int]time.Time // user → his last write
	lag     time.Duration     // as of the last check
	reads   atomic.Int64      // queries the replica answered

	stop context.CancelFunc
	done chan struct{}
}

type lsnSample struct {
	at  time.Time
	lsn uint64
}

// maxPending bounds the samples kept while the replica is stuck; beyond it the newest
// replaces the last, which only makes the lag read longer than it is.
const maxPending = 4096

func (s *replicaState) start() {
	ctx, cancel := context.WithCancel(context.Background())
	s.stop, s.done = cancel, make(chan struct{})
	go func() {
		defer close(s.done)
		t := time.NewTicker(s.cfg.CheckInterval)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				s.check(ctx)
			}
		}
	}()
}

func (s *replicaState) close() error {
	if s.stop != nil {
		s.stop()
		<-s.done
	}
	return s.replica.Close()
}

// serves says whether the reads of ctx go to the replica.
func (s *replicaState) serves(ctx context.Context) bool {
	user, ok := readOnlyUser(ctx)
	if !ok {
		return false
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if !s.usable {
		return false
	}
	if w, wrote := s.writes[user]; wrote && user != 0 {
		if s.cfg.Now().Before(w.Add(s.cfg.ReadYourWrites)) || !w.Before(s.holdsUntil) {
			return false
		}
	}
	return true
}

func (s *replicaState) wrote(user int) {
	now := s.cfg.Now()
	s.mu.Lock()
	s.writes[user] = now
	s.mu.Unlock()
}

// failed takes the replica out of service after a read found it unreachable, until the
// next check finds it back.
func (s *replicaState) failed(err error) {
	s.mu.Lock()
	was := s.usable
	s.usable = false
	s.mu.Unlock()
	if was {
		s.cfg.Log.Warn("read replica out of service: reads go to the primary", "error", err)
	}
}

// check samples the primary's WAL position, then the replica's replayed position: a sample
// the replica has passed proves it holds every commit made before the sample was taken, so
// the replay lag is how long ago the last such sample was taken. Measured this way an idle
// primary shows no lag (a replay timestamp would grow old with nothing to replay), and the
// lag is known within one interval.
func (s *replicaState) check(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, max(s.cfg.CheckInterval, 2*time.Second))
	defer cancel()
	at := s.cfg.Now()
	var primaryLSN string
	primaryErr := s.primary.QueryRowContext(ctx, "SELECT pg_current_wal_lsn()::text").Scan(&primaryLSN)
	var (
		recovering bool
		replayed   sql.NullString
	)
	err := s.replica.QueryRowContext(ctx, "SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()::text").Scan(&recovering, &replayed)
	if err != nil {
		s.failed(fmt.Errorf("checking the replica: %w", err))
		s.mu.Lock()
		s.lag = 0
		s.mu.Unlock()
		return
	}
	if err := s.settings(ctx); err != nil {
		s.failed(err)
		if msg := err.Error(); msg != s.settingsErr {
			s.settingsErr = msg
			s.cfg.Log.Error("read replica not used: its settings differ from those asked for, or could not be read", "error", err)
		}
		return
	}
	s.settingsErr = ""
	s.mu.Lock()
	if !recovering || !replayed.Valid {
		// Not a standby (promoted, or a copy kept by other means): nothing to measure, it
		// is taken as current.
		s.pending, s.holdsUntil = nil, at
	} else if r, ok := parseLSN(replayed.String); ok {
		if p, ok := parseLSN(primaryLSN); primaryErr == nil && ok {
			switch n := len(s.pending); {
			case n > 0 && s.pending[n-1].lsn >= p: // nothing written since: the older sample says more
			case n >= maxPending:
				s.pending[n-1] = lsnSample{at: at, lsn: p}
			default:
				s.pending = append(s.pending, lsnSample{at: at, lsn: p})
			}
		}
		for len(s.pending) > 0 && s.pending[0].lsn <= r {
			s.holdsUntil = s.pending[0].at
			s.pending = s.pending[1:]
		}
	}
	lag := at.Sub(s.holdsUntil)
	s.lag = lag
	was := s.usable
	s.usable = lag <= s.cfg.MaxLag
	// The writes the replica now holds no longer keep their authors on the primary.
	for u, w := range s.writes {
		if w.Before(s.holdsUntil) && !at.Before(w.Add(s.cfg.ReadYourWrites)) {
			delete(s.writes, u)
		}
	}
	now := s.usable
	s.mu.Unlock()
	switch {
	case now && !was:
		s.cfg.Log.Info("read replica in service", "lag", lag.String())
	case !now && was:
		s.cfg.Log.Warn("read replica out of service: its replay lag exceeds DATABASE_REPLICA_MAX_LAG", "lag", lag.String(), "max_lag", s.cfg.MaxLag.String())
	}
}

// parseLSN reads PostgreSQL's text form of a WAL position, "16/B374D848".
func parseLSN(s string) (uint64, bool) {
	hi, lo, ok := strings.Cut(s, "/")
	if !ok {
		return 0, false
	}
	h, err1 := strconv.ParseUint(hi, 16, 32)
	l, err2 := strconv.ParseUint(lo, 16, 32)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return h<<32 | l, true
}

// router sends the queries of ReadOnly contexts to the replica while it serves them, and
// everything else (writes, transactions, unmarked reads) to the primary. A query the
// replica fails is run again on the primary.
type router struct {
	primary, replica dialect.Driver
	state            *replicaState
}

func (d *router) Exec(ctx context.Context, query string, args, v any) error {
	return d.primary.Exec(ctx, query, args, v)
}

func (d *router) Query(ctx context.Context, query string, args, v any) error {
	if selects(query) && d.state.serves(ctx) {
		err := d.replica.Query(ctx, query, args, v)
		if err == nil {
			d.state.reads.Add(1)
			return nil
		}
		if !d.retry(ctx, err) {
			return err
		}
	}
	return d.primary.Query(ctx, query, args, v)
}

// selects says whether query is a SELECT: ent sends its inserts and updates that return
// rows (INSERT … RETURNING) as queries too, and a WITH may hide a write.
func selects(query string) bool {
	q := strings.TrimLeft(query, " \t\r\n(")
	return len(q) >= 6 && strings.EqualFold(q[:6], "SELECT")
}

// retry says whether a query the replica failed is run on the primary: always, unless the
// request is gone. A statement the primary would answer may fail on a standby (a conflict
// with recovery, a table a migration has not yet brought), and one it cannot reach is
// taken out of service.
func (d *router) retry(ctx context.Context, err error) bool {
	if ctx.Err() != nil {
		return false
	}
	if Unavailable(err) {
		d.state.failed(err)
	}
	return true
}

func (d *router) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if selects(query) && d.state.serves(ctx) {
		rows, err := d.replica.(rawExecQuerier).QueryContext(ctx, query, args...)
		if err == nil {
			d.state.reads.Add(1)
			return rows, nil
		}
		if !d.retry(ctx, err) {
			return nil, err
		}
	}
	raw, ok := d.primary.(rawExecQuerier)
	if !ok {
		return nil, errNoRaw
	}
	return raw.QueryContext(ctx, query, args...)
}

func (d *router) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	raw, ok := d.primary.(rawExecQuerier)
	if !ok {
		return nil, errNoRaw
	}
	return raw.ExecContext(ctx, query, args...)
}

func (d *router) Tx(ctx context.Context) (dialect.Tx, error) { return d.primary.Tx(ctx) }

// BeginTx keeps the transaction options of ent's client.BeginTx.
func (d *router) BeginTx(ctx context.Context, opts *sql.TxOptions) (dialect.Tx, error) {
	if b, ok := d.primary.(interface {
		BeginTx(context.Context, *sql.TxOptions) (dialect.Tx, error)
	}); ok {
		return b.BeginTx(ctx, opts)
	}
	return d.primary.Tx(ctx)
}

func (d *router) Dialect() string { return d.primary.Dialect() }

func (d *router) Close() error {
	err := d.state.close()
	if perr := d.primary.Close(); perr != nil {
		return perr
	}
	return err
}
