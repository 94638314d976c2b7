#!/usr/bin/env bash
# Load benchmarks of BENCHMARKS.md: a server on a seeded PostgreSQL database, driven at fixed
# rates by cmd/loadtest on the same machine.
#
#   scripts/bench.sh            the targets: list, detail, work order (as staff and as its technician),
#                               status change, login, filtered and subtree lists, each for
#                               DURATION (60s) after WARMUP (10s)
#   scripts/bench.sh workorder  the detail and the work order (as staff and as its technician) only
#   scripts/bench.sh stock      stock movements (restocks and uses alternated) at STOCK_RATE
#                               (100/s) on the 100,000-intervention database, whose seeded
#                               ledger holds over 100,000 movements; then `erp stock verify`
#                               (STOCK_DB names another database seeded alike)
#   scripts/bench.sh soak       the mix at SOAK_RATE (50/s) for SOAK (10m): memory and
#                               goroutines after
#   scripts/bench.sh scale      the list at SCALE_RATE (100/s) on 10,000 and on 1,000,000
#                               interventions, with the plans PostgreSQL chooses
#   scripts/bench.sh tracing    the list at 300/s and the detail at 1000/s, untraced then traced
#                               (every request sampled) into an OTLP sink (loadtest -otlp-sink)
#   scripts/bench.sh amplify    anonymous requests of 1 MiB, 16 at once, 4 times, one shape
#                               per fresh production server (SQLite): its memory before, at
#                               the peak, and until it is back within 10 % (AMPLIFY_SETTLE, 6m)
#
# The databases (erp_bench_100k, erp_bench_10k, erp_bench_1m) are seeded once and kept;
# drop them to start again. Needs PostgreSQL (scripts/postgres.sh finds or installs it).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/postgres.sh
ensure_postgres

mode=${1:-targets}
DURATION=${DURATION:-60s}
WARMUP=${WARMUP:-10s}
SOAK=${SOAK:-10m}
PORT=${BENCH_PORT:-8099}
METRICS=127.0.0.1:${BENCH_METRICS_PORT:-9109}
server_url=${TEST_DATABASE_URL%%\?*}
server_url=${server_url%/*}

mkdir -p bin
go build -o bin/erp ./cmd/erp
go build -o bin/loadtest ./cmd/loadtest

# database NAME INTERVENTIONS: the URL of a database seeded with that many interventions.
database() {
	local url="$server_url/$1?sslmode=disable"
	if ! psql "$TEST_DATABASE_URL" -Atqc "select 1 from pg_database where datname = '$1'" | grep -q 1; then
		psql "$TEST_DATABASE_URL" -qc "create database $1" >/dev/null
		echo "seeding $1 with $2 interventions (once)" >&2
		DATABASE_URL="$url" bin/erp seed --size large --interventions "$2" >&2 ||
			{ psql "$TEST_DATABASE_URL" -qc "drop database $1"; return 1; }
	fi
	# Migrations that fill a new column rewrite every row: measured on their dead rows, counts
	# lose their index-only scans (a server without autovacuum, as here, never cleans them).
	DATABASE_URL="$url" LOG_LEVEL=warn bin/erp migrate up >&2
	psql "$url" -qc "vacuum analyze" >&2
	# Flush the dirty pages now rather than under the measured run.
	psql "$url" -qc checkpoint
	echo "$url"
}

pid=
stop_server() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; pid=; }
summary=$(mktemp)
# The server's log, printed when it fails to start; each run has its own.
serverlog=$(mktemp -t erp-bench.XXXXXX.log)
trap 'stop_server; rm -f "$summary" "$serverlog"' EXIT

# The server runs as in production but for the login rate limit, lifted so that the login
# scenario measures bcrypt and the database rather than 429s from one address.
start_server() {
	stop_server
	DATABASE_URL="$1" PORT=$PORT METRICS_ADDR=$METRICS LOG_LEVEL=warn ENABLE_SCHEDULER=false LOGIN_RATE_LIMIT=1000000 \
		SECRET_KEY=bench-secret-key-0123456789abcdef0123456789 bin/erp serve >"$serverlog" 2>&1 &
	pid=$!
	for _ in $(seq 1 50); do
		curl -fsS "http://127.0.0.1:$PORT/ready" >/dev/null 2>&1 && return 0
		sleep 0.2
	done
	echo "the server did not become ready; its log:" >&2
	cat "$serverlog" >&2
	return 1
}

load() { # scenario rate [duration [label [loadtest flags…]]]
	echo "== ${4:-$1} at $2/s"
	bin/loadtest -url "http://127.0.0.1:$PORT" -scenario "$1" -rate "$2" -duration "${3:-$DURATION}" -postgres-cpu \
		-warmup "$WARMUP" -pid "$pid" -metrics "http://$METRICS" -label "${4:-$1}" "${@:5}" | tee -a "$summary"
}

case $mode in
amplify)
	# The requests are refused or answered before any database access: SQLite in a scratch
	# directory will do.
	data=$(mktemp -d)
	trap 'stop_server; rm -rf "$summary" "$serverlog" "$data"' EXIT
	for shape in unknown-directives repeated-directives arguments nesting aliases variables \
		unused-fragments json-variables comment persisted; do
		stop_server
		rm -rf "${data:?}"/*
		APP_ENV=production DATA_DIR="$data" UPLOAD_DIRECTORY="$data/uploads" PORT=$PORT METRICS_ADDR=$METRICS LOG_LEVEL=warn \
			SECRET_KEY=bench-secret-key-0123456789abcdef0123456789 bin/erp serve >"$serverlog" 2>&1 &
		pid=$!
		for _ in $(seq 1 50); do curl -fsS "http://127.0.0.1:$PORT/health" >/dev/null 2>&1 && break; sleep 0.2; done
		echo "== $shape"
		bin/loadtest -scenario amplify -shapes "$shape" -url "http://127.0.0.1:$PORT" -pid "$pid" -metrics "http://$METRICS" \
			-settle "${AMPLIFY_SETTLE:-6m}"
	done
	exit 0
	;;
targets)
	start_server "$(database erp_bench_100k 100000)"
	load list 300
	load detail 1000
	load workorder 1000
	load workorder 1000 "$DURATION" workorder-technicien -as-technician
	load status 100
	load login 5
	load filtered 100
	load subtree 100 # 10,010 places: sites' and buildings' work
	load list 100 # a rate the list sustains here
	;;
workorder)
	start_server "$(database erp_bench_100k 100000)"
	load detail 1000
	load workorder 1000
	load workorder 1000 "$DURATION" workorder-technicien -as-technician
	;;
tracing)
	url=$(database erp_bench_100k 100000)
	start_server "$url"
	load list 300 "$DURATION" "list, untraced"
	load detail 1000 "$DURATION" "detail, untraced"
	sinkaddr=127.0.0.1:${BENCH_OTLP_PORT:-4319}
	bin/loadtest -otlp-sink "$sinkaddr" &
	sink=$!
	trap 'stop_server; kill $sink 2>/dev/null; rm -f "$summary" "$serverlog"' EXIT
	OTEL_EXPORTER_OTLP_ENDPOINT="http://$sinkaddr" start_server "$url"
	load list 300 "$DURATION" "list, traced"
	load detail 1000 "$DURATION" "detail, traced"
	stop_server
	kill -INT $sink
	wait $sink
	;;
stock)
	url=$(database "${STOCK_DB:-erp_bench_100k}" 100000)
	echo "movements in the ledger before: $(psql "$url" -Atc 'select count(*) from mouvement_stocks')"
	start_server "$url"
	load stock "${STOCK_RATE:-100}"
	stop_server
	echo "movements in the ledger after: $(psql "$url" -Atc 'select count(*) from mouvement_stocks')"
	DATABASE_URL="$url" LOG_LEVEL=warn bin/erp stock verify | tail -1
	;;
soak)
	start_server "$(database erp_bench_100k 100000)"
	load mix "${SOAK_RATE:-50}" "$SOAK"
	;;
scale)
	for db in "erp_bench_10k 10000" "erp_bench_1m 1000000"; do
		set -- $db
		url=$(database "$1" "$2")
		start_server "$url"
		load list "${SCALE_RATE:-100}" "$DURATION" "list, $1"
		# The page, then what its rendered column reads per row (history, documents by intervention).
		for q in "select * from interventions order by id limit 51" \
			"select * from historique_interventions where intervention_id = any(array(select id from interventions order by id limit 51))" \
			"select * from documents where intervention_id = any(array(select id from interventions order by id limit 51))"; do
			psql "$url" -c "explain analyze $q" | grep -E "Scan|Execution"
		done
	done
	;;
*)
	echo "usage: scripts/bench.sh [targets|stock|soak|scale|amplify]" >&2
	exit 2
	;;
esac

echo
echo "| run | rate asked | rate served | p50 | p95 | p99 | server CPU / request | stolen by the host | errors |"
echo "|---|---|---|---|---|---|---|---|---|"
sed -n 's/^summary //p' "$summary"
