#!/usr/bin/env bash
# Shows one GraphQL operation's trace in a real OpenTelemetry Collector: builds a collector
# with the OTLP receiver and the debug exporter (tools/otelcol, a module of its own: a few
# minutes the first time), runs the server on a scratch SQLite database with
# OTEL_EXPORTER_OTLP_ENDPOINT pointing at it, sends `query Moi { me { email } }` under a
# known traceparent, stops the server (which flushes its spans) and prints the spans the
# collector received for that trace; exit status 1 if the operation's spans are missing.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
cleanup() {
	kill $(jobs -p) 2>/dev/null || true
	wait 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

echo "building the collector (tools/otelcol) and the server"
(cd tools/otelcol && go build -o "$work/otelcol" .)
go build -o "$work/erp" ./cmd/erp

cport=$(free_port)
port=$(free_port)
cat > "$work/collector.yaml" <<YAML
receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:$cport
exporters:
  debug:
    verbosity: detailed
service:
  telemetry:
    metrics:
      level: none
  pipelines:
    traces:
      receivers: [otlp]
      exporters: [debug]
YAML
"$work/otelcol" --config "file:$work/collector.yaml" > "$work/collector.log" 2>&1 &
for _ in $(seq 1 100); do
	curl -s -o /dev/null "http://127.0.0.1:$cport/" && break
	sleep 0.1
done

trace=4bf92f3577b34da6a3ce929d0e0e4736
DATA_DIR="$work/data" UPLOAD_DIRECTORY="$work/uploads" PORT=$port ADMIN_EMAIL=admin@mif-maroc.local ADMIN_PASSWORD=premier-mot-de-passe \
	OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$cport" OTEL_SERVICE_NAME=mif-erp-demo "$work/erp" serve > "$work/erp.log" 2>&1 &
erp=$!
until curl -sf "localhost:$port/ready" > /dev/null; do sleep 0.2; done
token=$(curl -s "localhost:$port/auth/token" -d username=admin@mif-maroc.local -d password=premier-mot-de-passe | jq -r .access_token)
curl -s "localhost:$port/graphql" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
	-H "traceparent: 00-$trace-00f067aa0ba902b7-01" -d '{"query": "query Moi { me { email } }"}'
echo
kill -TERM "$erp"
wait "$erp" || true
sleep 1 # the collector prints what it received

# The spans of the trace, as the collector's debug exporter printed them.
awk -v t="$trace" '/^Span #/{show=0} /Trace ID *: /{show=($NF==t)} show && /(Trace ID|Parent ID|^ *ID|Name|Kind) *:/' "$work/collector.log" |
	sed 's/^ *//' | tee "$work/spans.txt"
for want in "Name *: POST /graphql" "Name *: query Moi" "Name *: Query.me" "Name *: sql\."; do
	if ! grep -Eq "$want" "$work/spans.txt"; then
		echo "the collector received no span matching '$want' in trace $trace; its log:" >&2
		cat "$work/collector.log" >&2
		exit 1
	fi
done
echo "the collector received the operation's spans in trace $trace"
