#!/usr/bin/env bash
# GraphiQL in a real browser without network (README, "GraphiQL"): builds erp, serves it on a
# fresh SQLite database, and drives headless Chromium with scripts/graphiql-browser-check.cjs
# (a query with the Headers editor's token, a subscription over graphql-ws, no request to
# another origin). Installs what it lacks: Debian's chromium, npm's playwright-core (in a
# cache folder, not in the repository).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
PLAYWRIGHT_CORE_VERSION=1.57.0
tools=${GRAPHIQL_CHECK_TOOLS:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/erp-graphiql-check}

if ! command -v chromium >/dev/null; then
	sudo=""
	[ "$(id -u)" = 0 ] || sudo=sudo
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
fi
if ! grep -qs "\"version\": \"$PLAYWRIGHT_CORE_VERSION\"" "$tools/node_modules/playwright-core/package.json"; then
	mkdir -p "$tools"
	npm install --silent --no-audit --no-fund --prefix "$tools" "playwright-core@$PLAYWRIGHT_CORE_VERSION" >/dev/null
fi

work=$(mktemp -d)
pid=""
cleanup() {
	if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
	rm -rf "$work"
}
trap cleanup EXIT

go build -o "$work/erp" ./cmd/erp
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
email=admin@example.com
password="mot de passe de la verification"
# From an empty folder: no .env of the repository is read.
(cd "$work" && exec env APP_ENV=development DATABASE_URL= DATA_DIR="$work/data" UPLOAD_DIRECTORY="$work/uploads" \
	HOST=127.0.0.1 PORT="$port" ADMIN_EMAIL="$email" ADMIN_PASSWORD="$password" BCRYPT_COST=10 \
	LOG_LEVEL=warn ./erp serve >"$work/serve.log" 2>&1) &
pid=$!
for _ in $(seq 100); do
	curl -fsS "http://127.0.0.1:$port/ready" >/dev/null 2>&1 && break
	sleep 0.1
done
curl -fsS "http://127.0.0.1:$port/ready" >/dev/null || { cat "$work/serve.log"; exit 1; }

PLAYWRIGHT_CORE="$tools/node_modules/playwright-core" node "$repo/scripts/graphiql-browser-check.cjs" \
	"http://127.0.0.1:$port" "$email" "$password" "${GRAPHIQL_CHECK_SCREENSHOT:-/tmp/graphiql-check.png}"
