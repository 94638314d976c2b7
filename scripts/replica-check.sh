#!/usr/bin/env bash
# Proves DATABASE_REPLICA_URL against a real streaming replica on this machine: initdb a
# primary (wal_level=replica, replication allowed from 127.0.0.1), pg_basebackup -R it into a
# hot standby that logs every statement, then run TestStreamingReplica (internal/app) through
# the real HTTP stack: reads served by the standby (its log shows them), a user reading his
# own write at once while replay is paused and another user does not see it yet, the lag
# bound, and the standby serving again once resumed. Both clusters are stopped and their
# directories removed on exit.
#
# Uses the PostgreSQL binaries under /usr/lib/postgresql/*/bin (installed with apt when
# missing). Ports: REPLICA_CHECK_PRIMARY_PORT (5441) and REPLICA_CHECK_REPLICA_PORT (5442);
# the directories go under TMPDIR. Run as root (the clusters then run as the postgres user)
# or as a user who may run initdb.
set -euo pipefail
cd "$(dirname "$0")/.."

primary_port=${REPLICA_CHECK_PRIMARY_PORT:-5441}
replica_port=${REPLICA_CHECK_REPLICA_PORT:-5442}
start=$(date +%s)
step() { echo "== [$(($(date +%s) - start))s] $*"; }

as_root() {
	if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$bindir" ]; then
	step "no PostgreSQL binaries under /usr/lib/postgresql: installing Debian's postgresql"
	as_root apt-get update -qq
	DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq postgresql >/dev/null
	bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
fi
step "PostgreSQL binaries: $bindir ($("$bindir/postgres" --version))"

# initdb refuses root: the clusters run as postgres then.
pg() {
	if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

for port in "$primary_port" "$replica_port"; do
	if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
		echo "port $port is taken: set REPLICA_CHECK_PRIMARY_PORT / REPLICA_CHECK_REPLICA_PORT" >&2
		exit 1
	fi
done

work=$(mktemp -d "${TMPDIR:-/tmp}/replica-check.XXXXXX")
chmod 755 "$work"
[ "$(id -u)" -eq 0 ] && chown postgres: "$work"
cleanup() {
	status=$?
	for dir in replica primary; do
		if [ -f "$work/$dir/postmaster.pid" ]; then
			pg "$bindir/pg_ctl" -D "$work/$dir" -m immediate -w stop >/dev/null 2>&1 || true
		fi
	done
	if [ "$status" -ne 0 ]; then
		for log in primary.log replica.log; do
			[ -f "$work/$log" ] && { echo "--- last lines of $log"; grep -v 'LOG:  \(statement\|execute\)' "$work/$log" | tail -n 20; }
		done
	fi
	rm -rf "$work"
	exit "$status"
}
trap cleanup EXIT

step "initdb the primary ($work/primary, port $primary_port)"
pg "$bindir/initdb" -D "$work/primary" -U postgres --auth=trust -E UTF8 --locale=C >/dev/null
cat >>"$work/primary/postgresql.conf" <<CONF
port = $primary_port
listen_addresses = '127.0.0.1'
unix_socket_directories = '$work'
wal_level = replica
max_wal_senders = 4
hot_standby = on
# A throwaway cluster: durability buys nothing here.
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 32MB
CONF
echo "host replication postgres 127.0.0.1/32 trust" >>"$work/primary/pg_hba.conf"
pg "$bindir/pg_ctl" -D "$work/primary" -l "$work/primary.log" -w start >/dev/null

step "pg_basebackup -R into the standby ($work/replica, port $replica_port)"
pg "$bindir/pg_basebackup" -h 127.0.0.1 -p "$primary_port" -U postgres -D "$work/replica" -R -X stream -c fast
cat >>"$work/replica/postgresql.conf" <<CONF
port = $replica_port
# Every statement the standby runs goes to its log: the test counts the reads it served.
log_statement = 'all'
CONF
pg "$bindir/pg_ctl" -D "$work/replica" -l "$work/replica.log" -w start >/dev/null

psql_at() { "$bindir/psql" "postgres://postgres@127.0.0.1:$1/postgres?sslmode=disable" -Atqc "$2"; }
for _ in $(seq 1 100); do
	[ "$(psql_at "$primary_port" "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")" = 1 ] && break
	sleep 0.2
done
[ "$(psql_at "$replica_port" "SELECT pg_is_in_recovery()")" = t ] || { echo "the standby is not in recovery" >&2; exit 1; }
[ "$(psql_at "$primary_port" "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")" = 1 ] ||
	{ echo "the standby does not stream from the primary" >&2; exit 1; }
step "streaming: $(psql_at "$primary_port" "SELECT application_name || ' from ' || client_addr || ', ' || state || ', ' || sync_state FROM pg_stat_replication")"

step "TestStreamingReplica through the HTTP stack"
TEST_REPLICA_PRIMARY_URL="postgres://postgres@127.0.0.1:$primary_port/postgres?sslmode=disable" \
	TEST_REPLICA_URL="postgres://postgres@127.0.0.1:$replica_port/postgres?sslmode=disable" \
	TEST_REPLICA_LOG="$work/replica.log" \
	go test -count=1 -v -run '^TestStreamingReplica$' ./internal/app/ 2>&1 |
	grep -E '^(=== RUN|--- |PASS|FAIL|ok|panic)|replica_stream_test.go' | grep -v 'time=' | tee "$work/test.out"
grep -q -- '--- PASS: TestStreamingReplica' "$work/test.out" || { echo "TestStreamingReplica did not pass" >&2; exit 1; }

step "summary"
echo "  primary 127.0.0.1:$primary_port → hot standby 127.0.0.1:$replica_port (asynchronous streaming)"
echo "  the standby served reads (its statement log), a writer read his write with replay paused,"
echo "  another user did not see it until the lag bound sent him to the primary, and resumed"
echo "  the standby served again; $(grep -c 'FROM "equipements"' "$work/replica.log" || true) equipment reads ran on the standby"
step "replica check passed"
