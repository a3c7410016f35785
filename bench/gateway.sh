#!/usr/bin/env bash
# npm run bench:gateway — the mock upstream directly, DevUp, the floor (bench/floor-server.ts: bare
# Fastify + undici, key hash, JSON parse, usage read) and Portkey, measured the same way in one run
# with bench/harness/gateway-overhead.sh (gateway pinned to one core, wrk and the mock on the
# other), then compared side by side. DevUp runs with keys, limits, usage records, metrics and
# request logs on; its Responses and Messages routes are measured on the same streams as its chat
# route. Writes the results to docs/benchmarks.md (section "Gateway overhead").
# Knobs: the harness's (DURATION, REPEATS, …); SKIP_PORTKEY=1 measures DevUp only; BENCH_OUT=DIR keeps the run there.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
HARNESS="${BENCH_HARNESS:-$ROOT/bench/harness}"
OUT="${BENCH_OUT:-$(mktemp -d /tmp/devup-bench-XXXXXX)}"
DATA="$OUT/data"
mkdir -p "$OUT"
cd "$ROOT"
# The harness stops itself after MAX_SECONDS; on a busy machine a run takes longer than its 295 s default.
export MAX_SECONDS="${MAX_SECONDS:-900}"

echo "# building DevUp (tsc → dist-bench)"
rm -rf dist-bench
npx tsc -p bench/tsconfig.json --noEmitOnError false >/dev/null || true
[[ -f dist-bench/bench/gateway-server.js && -f dist-bench/bench/floor-server.js ]] || { echo "build failed" >&2; exit 1; }
# DevUp and the floor run with the V8 heap sizes of `npm start` (package.json) unless GATEWAY_NODE_FLAGS says otherwise.
GATEWAY_NODE_FLAGS="${GATEWAY_NODE_FLAGS-$(node -p "require('./package.json').scripts.start.match(/--max-[a-z-]+=\\d+/g).join(' ')")}"

# Other work on the machine skews every number: the load average before and after goes into the report.
uptime >"$OUT/load.txt"
KEY=$(DEVUP_DATA_DIR="$DATA" DEVUP_LOG_LEVEL=warn node dist-bench/bench/gateway-server.js --create-key)
echo "# DevUp: user key with limits created in $DATA"

# The Responses and Messages routes stream the same prompt through the same gateway, in the same repeats as chat.
cat >"$OUT/responses-stream.json" <<'JSON'
{"model":"gpt-4o-mini","instructions":"You are a helpful assistant.","input":"What is the capital of France? Answer briefly.","max_output_tokens":128,"temperature":0,"stream":true}
JSON
cat >"$OUT/messages-stream.json" <<'JSON'
{"model":"gpt-4o-mini","system":"You are a helpful assistant.","messages":[{"role":"user","content":"What is the capital of France? Answer briefly."}],"max_tokens":128,"temperature":0,"stream":true}
JSON

AUTH="Bearer $KEY" "$HARNESS/gateway-overhead.sh" --name devup \
  --start "exec env DEVUP_DATA_DIR=$DATA DEVUP_PORT=8788 node $GATEWAY_NODE_FLAGS $ROOT/dist-bench/bench/gateway-server.js" \
  --url http://127.0.0.1:8788/v1 --out "$OUT/devup" \
  --route "responses /responses $OUT/responses-stream.json" --route "messages /messages $OUT/messages-stream.json"

AUTH="Bearer $KEY" "$HARNESS/gateway-overhead.sh" --name floor \
  --start "exec env FLOOR_KEY=$KEY FLOOR_PORT=8789 node $GATEWAY_NODE_FLAGS $ROOT/dist-bench/bench/floor-server.js" \
  --url http://127.0.0.1:8789/v1 --out "$OUT/floor"

RESULTS=("$OUT/devup/results.tsv" "$OUT/floor/results.tsv")
if [[ "${SKIP_PORTKEY:-0}" != 1 ]]; then
  "$HARNESS/setup-portkey.sh" >/dev/null
  "$HARNESS/gateway-overhead.sh" --name portkey \
    --start 'node /tmp/portkey/node_modules/@portkey-ai/gateway/build/start-server.js --port=8787 --headless' \
    --url http://127.0.0.1:8787/v1 \
    -H 'x-portkey-provider: openai' -H 'x-portkey-custom-host: {MOCK_URL}' --out "$OUT/portkey"
  RESULTS+=("$OUT/portkey/results.tsv")
fi

uptime >>"$OUT/load.txt"
"$HARNESS/gateway-overhead.sh" --compare "${RESULTS[@]}" | tee "$OUT/compare.txt"
node dist-bench/bench/gateway-report.js "$OUT" "${RESULTS[@]}"
echo "# results in $OUT; docs/benchmarks.md updated"
