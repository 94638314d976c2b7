#!/usr/bin/env bash
# Runs the whole test suite twice: on the embedded SQLite, then on PostgreSQL (reached,
# started or installed by scripts/postgres.sh). Extra arguments go to `go test`, e.g.
#   scripts/test.sh -run TestInterventions ./graph/...
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/postgres.sh
source scripts/postgres.sh

# Without a package argument, everything.
case " $* " in
*" ./"*) ;;
*) set -- "$@" ./... ;;
esac

ensure_postgres

# The PDF reports' tests read the documents back with pdftotext (internal/report).
if ! command -v pdftotext >/dev/null; then
	sudo=""
	[ "$(id -u)" = 0 ] || sudo=sudo
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq poppler-utils >/dev/null
fi

echo "== tests on SQLite"
TEST_DB=sqlite go test -count=1 -timeout 20m "$@"
echo "== tests on PostgreSQL"
TEST_DB=postgres go test -count=1 -timeout 20m "$@"
echo "== all tests passed on SQLite and PostgreSQL"
