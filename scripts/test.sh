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

echo "== tests on SQLite"
TEST_DB=sqlite go test -count=1 -timeout 20m "$@"
echo "== tests on PostgreSQL"
TEST_DB=postgres go test -count=1 -timeout 20m "$@"
echo "== all tests passed on SQLite and PostgreSQL"
