#!/usr/bin/env bash
# npm run bench:gateway-soak — memory over a long run: DevUp (keys, limits, usage, metrics, logs on)
# in front of the shared mock upstream, driven by wrk (non-streaming and 20-chunk streams at once)
# for SOAK_SECONDS (default 300). Samples the gateway's RSS every 15 s and reports the growth from
# the first minute's end to the last sample (target: under 10%). Run after npm run bench:gateway
# (it reuses dist-bench/). Stops only the processes it started.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
HARNESS="${BENCH_HARNESS:-$ROOT/bench/harness}"
SOAK_SECONDS="${SOAK_SECONDS:-300}"
OUT="$(mktemp -d /tmp/devup-soak-XXXXXX)"
cd "$ROOT"
[[ -f dist-bench/bench/gateway-server.js ]] || npx tsc -p bench/tsconfig.json >/dev/null || true

PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT

PORT=9110 STREAM_CHUNKS=20 node "$HARNESS/mock-upstream.mjs" >"$OUT/mock.log" 2>&1 &
PIDS+=($!)
KEY=$(DEVUP_DATA_DIR="$OUT/data" DEVUP_LOG_LEVEL=warn node dist-bench/bench/gateway-server.js --create-key)
MOCK_URL=http://127.0.0.1:9110/v1 DEVUP_DATA_DIR="$OUT/data" DEVUP_PORT=8790 node dist-bench/bench/gateway-server.js >"$OUT/gateway.log" 2>&1 &
GATEWAY=$!
PIDS+=($GATEWAY)
for _ in $(seq 1 100); do curl -s -o /dev/null http://127.0.0.1:8790/health && break; sleep 0.3; done

body='{"model":"gpt-4o-mini","messages":[{"role":"user","content":"What is the capital of France?"}],"max_tokens":128}'
for kind in plain stream; do
  {
    echo 'wrk.method = "POST"'
    if [[ $kind == stream ]]; then echo "wrk.body = [==[${body%\}},\"stream\":true}]==]"; else echo "wrk.body = [==[$body]==]"; fi
    echo 'wrk.headers["Content-Type"] = "application/json"'
    echo "wrk.headers[\"Authorization\"] = \"Bearer $KEY\""
  } >"$OUT/$kind.lua"
done
wrk -t1 -c32 -d"${SOAK_SECONDS}s" -s "$OUT/plain.lua" http://127.0.0.1:8790/v1/chat/completions >"$OUT/wrk-plain.txt" &
PIDS+=($!)
wrk -t1 -c16 -d"${SOAK_SECONDS}s" -s "$OUT/stream.lua" http://127.0.0.1:8790/v1/chat/completions >"$OUT/wrk-stream.txt" &
PIDS+=($!)

rss() { awk '/^VmRSS/{print $2}' "/proc/$GATEWAY/status"; }
echo "seconds rss_kib" | tee "$OUT/rss.txt"
for (( second = 15; second <= SOAK_SECONDS; second += 15 )); do
  sleep 15
  echo "$second $(rss)" | tee -a "$OUT/rss.txt"
done
wait "${PIDS[-1]}" "${PIDS[-2]}" 2>/dev/null || true
grep -h "Requests/sec" "$OUT"/wrk-*.txt
node -e '
  const lines = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").slice(1).map((line) => line.split(" ").map(Number));
  const base = lines.find(([second]) => second >= 60) ?? lines[0];
  const last = lines.at(-1);
  const growth = ((last[1] - base[1]) / base[1]) * 100;
  console.log(`RSS after ${base[0]} s: ${(base[1] / 1024).toFixed(1)} MiB; after ${last[0]} s: ${(last[1] / 1024).toFixed(1)} MiB; growth ${growth.toFixed(1)}% (target < 10%)`);
' "$OUT/rss.txt" | tee "$OUT/soak.txt"
