#!/usr/bin/env bash
# Runs the suite's subscription, scheduler and outbox scenarios behind a real PgBouncer
# (Debian's package, installed when absent) in transaction pooling: each test database's API
# pool goes through it, its listener, locks and migrations straight to PostgreSQL, as
# docs/deployment.md ("Behind PgBouncer") sets a deployment up. The PgBouncer is our own
# process with its own ini in a temporary folder, on PGBOUNCER_PORT (6432, or 6433 when that
# is taken), stopped at the end. Extra arguments go to `go test`, e.g. -v.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/postgres.sh
source scripts/postgres.sh

ensure_postgres

sudo=""
[ "$(id -u)" = 0 ] || sudo=sudo
if ! command -v pgbouncer >/dev/null && [ ! -x /usr/sbin/pgbouncer ]; then
	echo "== installing pgbouncer (apt-get)"
	# Debian's package starts its own service on 6432 unless told not to: the policy says no.
	policy=/usr/sbin/policy-rc.d
	ours=""
	if [ ! -e "$policy" ]; then
		printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null
		$sudo chmod +x "$policy"
		ours=1
	fi
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq pgbouncer >/dev/null
	[ -z "$ours" ] || $sudo rm -f "$policy"
fi
PGBOUNCER=$(command -v pgbouncer || echo /usr/sbin/pgbouncer)
"$PGBOUNCER" --version | head -1

# The server of TEST_DATABASE_URL: postgres://user[:password]@host[:port]/db?…
re='^postgres(ql)?://([^:@/]+)(:([^@]*))?@([^:/?]+)(:([0-9]+))?'
if ! [[ $TEST_DATABASE_URL =~ $re ]]; then
	echo "TEST_DATABASE_URL must be postgres://user[:password]@host[:port]/…" >&2
	exit 1
fi
pg_user=${BASH_REMATCH[2]} pg_password=${BASH_REMATCH[4]} pg_host=${BASH_REMATCH[5]} pg_port=${BASH_REMATCH[7]:-5432}

taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
port=${PGBOUNCER_PORT:-6432}
if taken "$port"; then
	port=6433
	if taken "$port"; then
		echo "ports 6432 and 6433 are both taken: set PGBOUNCER_PORT" >&2
		exit 1
	fi
fi

dir=$(mktemp -d /tmp/pgbouncer-check.XXXXXX)
chmod 755 "$dir"
pid=""
cleanup() {
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		kill "$pid"
		for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	fi
	rm -rf "$dir"
}
trap cleanup EXIT

# The settings docs/deployment.md names, with a wildcard entry so that every test database
# routes to the server. auth_type=trust here (loopback, a throwaway process); the auth file
# still lists the user, and gives the server its password when TEST_DATABASE_URL has one.
cat >"$dir/pgbouncer.ini" <<EOF
[databases]
* = host=$pg_host port=$pg_port

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $port
unix_socket_dir =
auth_type = trust
auth_file = $dir/userlist.txt
admin_users = $pg_user
pool_mode = transaction
ignore_startup_parameters = statement_timeout,jit,random_page_cost
max_client_conn = 1000
default_pool_size = 20
logfile = $dir/pgbouncer.log
pidfile = $dir/pgbouncer.pid
EOF
printf '"%s" "%s"\n' "$pg_user" "$pg_password" >"$dir/userlist.txt"
chmod 644 "$dir"/*
# PgBouncer refuses to run as root: it runs as postgres then.
as=()
if [ "$(id -u)" = 0 ]; then
	id postgres >/dev/null 2>&1 || { echo "running as root, and there is no postgres user for PgBouncer" >&2; exit 1; }
	chown postgres "$dir"
	as=(-u postgres)
fi
# start_pgbouncer starts a fresh PgBouncer (its log emptied) and waits for its port.
start_pgbouncer() {
	rm -f "$dir/pgbouncer.log"
	"$PGBOUNCER" -q "${as[@]}" "$dir/pgbouncer.ini" >/dev/null 2>&1 &
	pid=$!
	for _ in $(seq 50); do taken "$port" && break; sleep 0.1; done
	if ! taken "$port"; then
		echo "PgBouncer did not start:" >&2
		cat "$dir/pgbouncer.log" >&2 || true
		exit 1
	fi
}

stop_pgbouncer() {
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		kill "$pid"
		for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	fi
	pid=""
}

start_pgbouncer
echo "PgBouncer (pid $pid) on 127.0.0.1:$port, pool_mode=transaction, routing every database to $pg_host:$pg_port"
stop_pgbouncer

export TEST_DB=postgres
export TEST_DATABASE_POOLER_URL="postgres://$pg_user@127.0.0.1:$port/postgres?sslmode=disable"

# Every test database opened below checks at its opening that PgBouncer carries its API
# pool (internal/testdb); TestServeBehindPooler and TestBehindPooler check the rest.
scenarios=(
	"./internal/app/|serve: requests through the pool, LISTEN and the scheduler's lock direct|TestServeBehindPooler"
	"./internal/database/|hot statements unprepared from many connections, the role's statement timeout fires|TestBehindPooler"
	"./internal/pubsub/|live events: advisory xact lock + NOTIFY through the pool, LISTEN direct, reconnects|TestSlowSubscriberIsDroppedPublisherNeverWaits|TestEventsOnlyWithTheirCommit|TestConcurrentWritersInOrder|TestSinceTooOld|TestListenerReconnectMissesNothing"
	"./graph/|subscriptions over websockets, across replicas, resumed with after|TestStatutSubscription|TestNotificationReceived|TestEventsCrossReplicas|TestListenerReconnects|TestResumeAfter"
	"./internal/planning/|scheduler: session lock direct, racing replicas, runs through the pool|TestPgLockerOneHolder|TestRacingSchedulers|TestRunRepairsInterruptedRun"
	"./internal/notify/|outbox: FOR UPDATE SKIP LOCKED claims through the pool, exactly once|TestAssignmentMailArrives|TestTwoWorkersSendExactlyOnce|TestRestartResumesClaimedRows|TestConcurrentDeadlineChecks"
)
# Not TestCrashResumesWithinTheLease: it cancels a worker's statements on purpose, and a
# cancel request can crash PgBouncer 1.18 ("server_proto: server in bad state: 11",
# pgbouncer/pgbouncer#822, fixed by #927 in August 2023); docs/deployment.md says which
# version to run.
echo
echo "== scenarios behind PgBouncer"
for s in "${scenarios[@]}"; do
	IFS='|' read -r -a f <<<"$s"
	printf '%-22s %s\n%-22s   %s\n' "${f[0]}" "${f[1]}" "" "${f[*]:2}"
done
# Each package runs behind a PgBouncer of its own. PgBouncer 1.18 (Debian 12's) can crash
# when a server answers a cancel request after its client has gone ("got packet 'E' from
# server when not linked", then "server in bad state: 11": pgbouncer/pgbouncer#822, fixed
# upstream by #927): the servers' pools cancel their statements when they shut down. When
# PgBouncer died with exactly that signature, the package runs once more behind a fresh one,
# and the summary says so; any other failure, or that crash twice, fails the check.
start=$SECONDS
status=0 retried=()
: >"$dir/go-test.log"
for i in "${!scenarios[@]}"; do
	IFS='|' read -r -a f <<<"${scenarios[$i]}"
	run="^($(IFS='|'; echo "${f[*]:2}"))\$"
	for attempt in 1 2; do
		start_pgbouncer
		echo "+ TEST_DB=postgres TEST_DATABASE_POOLER_URL=$TEST_DATABASE_POOLER_URL go test -count=1 -run '$run' ${f[0]} $*"
		set +e
		# The servers' JSON log lines stay in the log file; the tests' own output is shown.
		go test -count=1 -timeout 5m -run "$run" "${f[0]}" "$@" 2>&1 | tee "$dir/go-test.last" | grep -v '^\s*{"time"'
		pkg_status=${PIPESTATUS[0]}
		set -e
		died=""
		kill -0 "$pid" 2>/dev/null || died=1
		stop_pgbouncer
		if [ -n "$died" ] && [ "$attempt" = 1 ] && grep -q "server in bad state: 11" "$dir/pgbouncer.log"; then
			echo "PgBouncer 1.18 crashed on a late cancel (pgbouncer/pgbouncer#822): ${f[0]} runs again behind a fresh one" >&2
			grep -E "when not linked|bad state" "$dir/pgbouncer.log" | tail -n 2 >&2 || true
			retried+=("${f[0]}")
			continue
		fi
		if [ -n "$died" ]; then
			echo "PgBouncer died during ${f[0]}:" >&2
			tail -n 5 "$dir/pgbouncer.log" >&2 || true
			pkg_status=1
		fi
		break
	done
	cat "$dir/go-test.last" >>"$dir/go-test.log"
	[ "$pkg_status" = 0 ] || status=1
done
echo
echo "== summary: PgBouncer $("$PGBOUNCER" --version | head -1 | awk '{print $2}'), $((SECONDS - start))s"
grep -E '^(ok|FAIL|---)' "$dir/go-test.log" || true
[ ${#retried[@]} = 0 ] || echo "run again after PgBouncer 1.18's crash on a late cancel: ${retried[*]}"
if [ "$status" != 0 ]; then
	echo "PgBouncer's log: tail of $dir/pgbouncer.log"
	tail -n 20 "$dir/pgbouncer.log" || true
	exit 1
fi
echo "all scenarios passed behind PgBouncer"
