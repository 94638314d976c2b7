package planning

// The statements of this package that ent cannot write: the scheduler's lock between
// replicas is a PostgreSQL session advisory lock, which has no ent API (it is a function
// call, not a query on a table). It is taken and released on one pinned connection (see
// pgLocker), since a session lock belongs to the connection that took it. SQLite runs a
// single process and takes no lock.
const (
	// sqlTryAdvisoryLock takes the lock of key $1 if no session holds it, without waiting:
	// true when taken.
	sqlTryAdvisoryLock = "SELECT pg_try_advisory_lock($1)"
	// sqlAdvisoryUnlock releases the lock of key $1 taken on the same connection.
	sqlAdvisoryUnlock = "SELECT pg_advisory_unlock($1)"
)
