package pubsub

// The statement of this package, PostgreSQL only: ent has no API for advisory locks or
// pg_notify. Run in the transaction that writes events: the lock is held until it ends, and
// PostgreSQL sends the notification only if it commits.

// sqlOrderAndNotify takes the ordering lock $1 and wakes the listeners of channel $2.
const sqlOrderAndNotify = "SELECT pg_advisory_xact_lock($1), pg_notify($2, '')"
