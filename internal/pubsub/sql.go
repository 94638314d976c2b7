package pubsub

// The statement of this package, PostgreSQL only: publishing is a call of pg_notify, which
// ent has no API for. Run inside a transaction, PostgreSQL delivers it only on commit.

// sqlNotify sends payload $2 on channel $1 to every listener.
const sqlNotify = "SELECT pg_notify($1, $2)"
