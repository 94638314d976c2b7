#!/usr/bin/env bash
# Fetches the files of the GraphiQL page (internal/graphiql) from their npm packages, so that
# the binary serves them itself and GraphiQL works without the internet:
#
#   bash scripts/graphiql-assets.sh
#
# For each package pinned below it downloads the tarball with npm, checks its sha512 against
# both the integrity pinned here and the one the registry publishes (dist.integrity), and
# copies the files the page needs, with the package's licence, into
# internal/graphiql/vendor/<package>@<version>/. Commit the result. To move to another
# version: change it here, empty the integrity, run the script (it prints the registry's),
# check that version's changes, pin the integrity, run again, then update the asset list in
# internal/graphiql/graphiql.go; `go test ./internal/graphiql/` checks that the page and the
# files agree.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=internal/graphiql/vendor

# package  version  sha512 integrity (npm's dist.integrity)  files to copy (the licence first)
packages=(
	"react 18.3.1 sha512-wS+hAgJShR0KhEvPJArfuPVN1+Hz1t0Y6n5jLrGQbkb4urgPE/0Rve+1kMB1v/oWgHgm4WIcV+i7F2pTVj+2iQ== LICENSE umd/react.production.min.js"
	"react-dom 18.3.1 sha512-5m4nQKp+rZRb09LNH59GM4BxTh9251/ylbKIbpe7TpGxfJ+9kv6BLkLBXIjjspbgbnIBNqlI23tRnTWT0snUIw== LICENSE umd/react-dom.production.min.js"
	"graphiql 4.1.2 sha512-rNlzQIAzm6i2KBXmVQWBgLvt0TloxFVB2d18bukvdsvjEuFDHsKx5IVOomL1W1o5WW+tE54+ioHb2AEKzO2cUg== LICENSE graphiql.min.js graphiql.min.css"
	"graphql-ws 6.4.2 sha512-wxhPhhOGJo8PbGDkBYVE76sZLDrS+GkyrR4bZECSLVbo0pZZNKs0HtBh2Ip/uaUuiVUxwO9ssI9R92buQfNSqQ== LICENSE.md umd/graphql-ws.min.js"
)

command -v npm >/dev/null || { echo "npm is needed (apt-get install npm)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

rm -rf "$dest"
mkdir -p "$dest"
for entry in "${packages[@]}"; do
	read -r name version pinned files <<<"$entry"
	spec="$name@$version"
	published=$(npm view "$spec" dist.integrity)
	if [ -z "$published" ]; then
		echo "$spec: the registry publishes no integrity" >&2; exit 1
	fi
	if [ "$pinned" != "$published" ]; then
		echo "$spec: pinned integrity $pinned, the registry publishes $published" >&2; exit 1
	fi
	tarball=$(cd "$work" && npm pack "$spec" --silent)
	actual="sha512-$(openssl dgst -sha512 -binary "$work/$tarball" | base64 -w0)"
	if [ "$actual" != "$pinned" ]; then
		echo "$spec: the downloaded tarball has $actual, want $pinned" >&2; exit 1
	fi
	mkdir -p "$work/$name"
	tar -xzf "$work/$tarball" -C "$work/$name"
	out="$dest/$spec"
	mkdir -p "$out"
	for f in $files; do
		# Flattened: the page names vendor/<package>@<version>/<file name>.
		cp "$work/$name/package/$f" "$out/$(basename "$f")"
	done
	printf '%s\t%s\n' "$spec" "$pinned" >>"$dest/INTEGRITY"
	echo "$spec: $actual ok"
done
echo "written to $dest; commit it"
