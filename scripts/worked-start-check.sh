#!/usr/bin/env bash
# Runs the README's worked start verbatim (its sh blocks between the worked-start markers, in
# order, in one shell), on a free port and a throw-away data folder, then checks where it
# ended: the intervention ARCHIVEE with its whole history. Needs curl and jq (installed with
# apt when missing).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v jq >/dev/null; then
	sudo=""
	[ "$(id -u)" = 0 ] || sudo=sudo
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq jq >/dev/null
fi

work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# The blocks, as written, but for the port (8000 may be taken here).
awk '/<!-- worked-start -->/{on=1} /<!-- \/worked-start -->/{on=0} on' README.md |
	awk '/^```sh$/{inblock=1; next} /^```$/{inblock=0} inblock' |
	sed "s/localhost:8000/localhost:$port/g" > "$work/steps.sh"
if [ "$(grep -c . "$work/steps.sh")" -lt 10 ]; then
	echo "worked start: found no sh blocks between <!-- worked-start --> markers in README.md" >&2
	exit 1
fi
cat >> "$work/steps.sh" <<'CHECK'
# Where the worked start must have led.
final=$(gql 'query($id: ID!) { node(id: $id) { ... on Intervention { statut historique { nouveauStatut } } } }' "{\"id\": \"$IV\"}")
echo "$final" | jq -e '.data.node.statut == "ARCHIVEE" and ([.data.node.historique[].nouveauStatut] | index("CLOTUREE") != null)' > /dev/null ||
	{ echo "worked start: the intervention did not end ARCHIVEE after CLOTUREE: $final" >&2; exit 1; }
echo "worked start: intervention $IV went OUVERTE → AFFECTEE → EN_COURS → CLOTUREE → ARCHIVEE"
CHECK

cleanup() {
	kill $(jobs -p) 2>/dev/null || true
	wait 2>/dev/null || true
	rm -rf demo demo.log "$work"
}
trap cleanup EXIT
# In one shell, as a newcomer types them; the server the first block starts is its job.
PORT=$port bash -euo pipefail -c "set -m; source '$work/steps.sh'; kill %1" || {
	echo "worked start failed; the server's log:" >&2
	cat demo.log >&2 2>/dev/null || true
	exit 1
}
