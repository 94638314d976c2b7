# shellcheck shell=bash
# ensure_postgres makes sure a PostgreSQL server is reachable for the tests and exports
# TEST_DATABASE_URL. In order: a TEST_DATABASE_URL already set; the local server on
# 127.0.0.1:5432; a local installation that is stopped (started); none (installed with apt).

pg_port_open() {
	(exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null
}

as_root() {
	if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

pg_start_local() {
	local version
	version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)
	[ -n "$version" ] || return 1
	echo "Starting the local PostgreSQL $version cluster"
	as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
	for _ in $(seq 1 30); do pg_port_open && return 0; sleep 1; done
	return 1
}

ensure_postgres() {
	if [ -n "${TEST_DATABASE_URL:-}" ]; then
		echo "PostgreSQL for tests: TEST_DATABASE_URL (set by you)"
		return 0
	fi
	if ! pg_port_open && ! pg_start_local; then
		echo "No PostgreSQL on 127.0.0.1:5432: installing it from Debian's packages"
		as_root apt-get update -qq
		DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq postgresql >/dev/null
		pg_start_local || { echo "PostgreSQL did not start; set TEST_DATABASE_URL to a server you run" >&2; return 1; }
	fi
	# Try trust authentication first (as on our machines); else give the postgres role a
	# password for the loopback connection (Debian's default asks for one over TCP).
	if command -v psql >/dev/null && psql "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable" -Atqc 'select 1' >/dev/null 2>&1; then
		export TEST_DATABASE_URL="postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
	elif command -v psql >/dev/null && (cd / && as_root su postgres -c "psql -Atqc \"ALTER ROLE postgres PASSWORD 'postgres'\"") >/dev/null 2>&1; then
		export TEST_DATABASE_URL="postgres://postgres:postgres@127.0.0.1:5432/postgres?sslmode=disable"
	else
		export TEST_DATABASE_URL="postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
	fi
	echo "PostgreSQL for tests: ${TEST_DATABASE_URL/:postgres@/:***@}"
}
