#!/usr/bin/env bash
# Follows the README's Docker steps in a scratch folder and validates the result with
# `docker compose config` (Debian's docker-compose when the compose plugin is absent; it is
# installed when neither is found): the required values are enforced, and the backend gets
# production's settings, every variable of .env, the password apart from the URL and a
# stop_grace_period. Run by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."

if docker compose version >/dev/null 2>&1; then
	compose=(docker compose)
else
	if ! command -v docker-compose >/dev/null; then
		sudo=""
		[ "$(id -u)" = 0 ] || sudo=sudo
		$sudo apt-get update -qq
		DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq docker-compose >/dev/null
	fi
	compose=(docker-compose)
fi
echo "using: $("${compose[@]}" version | head -1)"

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir "$dir/deploy"
cp docker-compose.yml Dockerfile "$dir/"
cp deploy/.env.example "$dir/deploy/"
cd "$dir"

# README: cp deploy/.env.example .env. Before the required values are set, compose refuses.
cp deploy/.env.example .env
if out=$("${compose[@]}" config 2>&1); then
	echo "docker compose config accepted a .env without POSTGRES_PASSWORD and SECRET_KEY"; exit 1
fi
grep -q POSTGRES_PASSWORD <<<"$out" || { echo "the refusal does not name POSTGRES_PASSWORD:"; echo "$out"; exit 1; }

# Then set POSTGRES_PASSWORD, SECRET_KEY, ADMIN_EMAIL.
sed -i -e 's|^POSTGRES_PASSWORD=.*|POSTGRES_PASSWORD=p@ss/w:rd?#1|' \
	-e "s|^SECRET_KEY=.*|SECRET_KEY=$(openssl rand -hex 32)|" \
	-e 's|^ADMIN_EMAIL=.*|ADMIN_EMAIL=chef@example.com|' .env
"${compose[@]}" config >config.yml
fails=0
expect() {
	if ! grep -Eq "$1" config.yml; then
		echo "docker compose config: no line matching /$1/ ($2)"; fails=1
	fi
}
expect '^ +APP_ENV: "?production"?$' "production by default"
expect "^ +ENABLE_SCHEDULER: [\"']?true[\"']?$" "the scheduler on"
expect '^ +SMTP_TLS: "?starttls"?$' "a variable of .env reaches the container (env_file)"
expect '^ +ADMIN_EMAIL: "?chef@example.com"?$' "the admin of .env"
expect '^ +DATABASE_URL: "?postgres://erp@db:5432/erp\?sslmode=disable"?$' "the URL without its password"
expect "^ +DATABASE_PASSWORD: [\"']?p@ss/w:rd\?#1[\"']?$" "the password apart, for the server to escape"
expect '^ +stop_grace_period: "?30s"?$' "time for SHUTDOWN_TIMEOUT's drain"
if [ "$fails" != 0 ]; then
	cat config.yml; exit 1
fi
echo "docker compose config: ok"
