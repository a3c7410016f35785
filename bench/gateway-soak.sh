#!/usr/bin/env bash
# npm run bench:gateway-soak [-- MINUTES] — memory over a long run: DevUp (keys, limits, usage,
# metrics, logs on) in front of the shared mock upstream, driven by wrk (32 non-streaming and 16
# 20-chunk streaming connections at once, unpinned) for SOAK_MINUTES (default 5; the long mode is
# 30: `npm run bench:gateway-soak -- 30` or SOAK_MINUTES=30). Prints one row a minute (RSS, V8 heap
# used/total, young and old generation, external, arrayBuffers, read from the bench server's
# admin-only GET /memory on BENCH_MEMORY_PORT), then the growth from minute 1 and from minute 5 to the end
# (targets: < 10%) and the peak. Knobs: HEAP_SNAPSHOTS="1 5" writes heap snapshots at those minutes
# into the run's folder (compare them in Chrome DevTools → Memory); GATEWAY_NODE_FLAGS replaces the
# gateway's node flags, by default the V8 heap sizes `npm start` runs with (package.json), so
# GATEWAY_NODE_FLAGS= runs with V8's defaults. Prints the gateway's CPU per request at the end.
# Builds dist-bench/. Stops only the processes it started.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
HARNESS="${BENCH_HARNESS:-$ROOT/bench/harness}"
SOAK_MINUTES="${1:-${SOAK_MINUTES:-5}}"
[[ "$SOAK_MINUTES" =~ ^[1-9][0-9]*$ ]] || { echo "SOAK_MINUTES must be a whole number of minutes, not '$SOAK_MINUTES'" >&2; exit 2; }
HEAP_SNAPSHOTS="${HEAP_SNAPSHOTS:-}"
OUT="$(mktemp -d /tmp/devup-soak-XXXXXX)"
cd "$ROOT"
rm -rf dist-bench
npx tsc -p bench/tsconfig.json --noEmitOnError false >/dev/null || true
[[ -f dist-bench/bench/gateway-server.js ]] || { echo "build failed" >&2; exit 1; }
GATEWAY_NODE_FLAGS="${GATEWAY_NODE_FLAGS-$(node -p "require('./package.json').scripts.start.match(/--max-[a-z-]+=\\d+/g).join(' ')")}"
echo "# gateway node flags: ${GATEWAY_NODE_FLAGS:-(V8 defaults)}"

PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT

echo "# load before: $(uptime)" | tee "$OUT/load.txt"
PORT=9110 STREAM_CHUNKS=20 node "$HARNESS/mock-upstream.mjs" >"$OUT/mock.log" 2>&1 &
PIDS+=($!)
KEY=$(DEVUP_DATA_DIR="$OUT/data" DEVUP_LOG_LEVEL=warn node dist-bench/bench/gateway-server.js --create-key)
ADMIN_KEY=$(cat "$OUT/data/admin.key")
# shellcheck disable=SC2086 # GATEWAY_NODE_FLAGS is a list of flags
MOCK_URL=http://127.0.0.1:9110/v1 DEVUP_DATA_DIR="$OUT/data" DEVUP_PORT=8790 BENCH_MEMORY_PORT=8791 node ${GATEWAY_NODE_FLAGS:-} dist-bench/bench/gateway-server.js >"$OUT/gateway.log" 2>&1 &
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
admin() { curl -s -H "Authorization: Bearer $ADMIN_KEY" "$@"; }
sample() { # MINUTE -> one line of memory.jsonl
  local rss malloc
  rss=$(awk '/^VmRSS/{print $2}' "/proc/$GATEWAY/status")
  # The main thread's malloc arena (the brk heap): SQLite's page cache, native buffers, V8's own malloc.
  malloc=$(awk '/\[heap\]$/{found=1; next} found && /^Rss:/{print $2; exit}' "/proc/$GATEWAY/smaps")
  echo "{\"minute\":$1,\"rssKib\":$rss,\"mallocKib\":${malloc:-0},\"memory\":$(admin http://127.0.0.1:8791/memory)}" >>"$OUT/memory.jsonl"
}
sample 0
wrk -t1 -c32 -d"$((SOAK_MINUTES * 60))s" -s "$OUT/plain.lua" http://127.0.0.1:8790/v1/chat/completions >"$OUT/wrk-plain.txt" &
PIDS+=($!)
wrk -t1 -c16 -d"$((SOAK_MINUTES * 60))s" -s "$OUT/stream.lua" http://127.0.0.1:8790/v1/chat/completions >"$OUT/wrk-stream.txt" &
PIDS+=($!)

# RSS every 15 s (for the peak between the minute rows); the minute rows also ask the gateway.
started=$SECONDS
for (( quarter = 1; quarter <= SOAK_MINUTES * 4; quarter++ )); do
  sleep $(( started + quarter * 15 - SECONDS > 0 ? started + quarter * 15 - SECONDS : 0 ))
  echo "$(( quarter * 15 )) $(awk '/^VmRSS/{print $2}' "/proc/$GATEWAY/status")" >>"$OUT/rss.txt"
  if (( quarter % 4 == 0 )); then
    minute=$(( quarter / 4 ))
    sample "$minute"
    node -e 'const l = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").at(-1));
      const m = (b) => (b / 1048576).toFixed(1).padStart(10);
      if (l.minute === 1) console.log(`${"minute".padStart(6)}${["RSS", "heapUsed", "heapTotal", "young", "old", "external", "arrayBuf", "malloc"].map((h) => h.padStart(10)).join("")}   (MiB)`);
      const s = l.memory.heapSpaces;
      console.log(`${String(l.minute).padStart(6)}${m(l.rssKib * 1024)}${m(l.memory.heapUsed)}${m(l.memory.heapTotal)}${m(s.new_space)}${m(s.old_space)}${m(l.memory.external)}${m(l.memory.arrayBuffers)}${m(l.mallocKib * 1024)}`);' "$OUT/memory.jsonl"
    for snapshot in $HEAP_SNAPSHOTS; do
      [[ $snapshot == "$minute" ]] && echo "# heap snapshot: $(admin -X POST "http://127.0.0.1:8791/heap-snapshot?name=minute-$minute")"
    done
  fi
done
wait "${PIDS[-1]}" "${PIDS[-2]}" 2>/dev/null || true
HWM=$(awk '/^VmHWM/{print $2}' "/proc/$GATEWAY/status")
# The gateway's CPU (user + system, clock ticks) over every request wrk sent: what a heap setting costs in GC.
TICKS=$(awk '{print $14 + $15}' "/proc/$GATEWAY/stat")
echo "# load after: $(uptime)" | tee -a "$OUT/load.txt"
grep -h "Requests/sec" "$OUT"/wrk-*.txt
REQUESTS=$(awk '/requests in/{sum += $1} END {print sum}' "$OUT"/wrk-*.txt)
echo "gateway CPU: $(( TICKS / $(getconf CLK_TCK) )) s for $REQUESTS requests, $(( TICKS * 1000000 / $(getconf CLK_TCK) / (REQUESTS > 0 ? REQUESTS : 1) )) µs per request (non-stream and 20-chunk streams together, start-up included)" | tee "$OUT/cpu.txt"
node -e '
  const fs = require("fs");
  const [file, rssFile, hwm] = process.argv.slice(1);
  const rows = fs.readFileSync(file, "utf8").trim().split("\n").map((line) => JSON.parse(line));
  const quarters = fs.readFileSync(rssFile, "utf8").trim().split("\n").map((line) => line.split(" ").map(Number));
  const mib = (kib) => `${(kib / 1024).toFixed(1)} MiB`;
  const at = (minute) => rows.find((row) => row.minute === minute);
  const last = rows.at(-1);
  const growth = (from) => {
    const base = at(from);
    if (!base || base === last) return;
    const later = quarters.filter(([second]) => second >= from * 60).map(([, kib]) => kib);
    const pct = (kib) => `${(((kib - base.rssKib) / base.rssKib) * 100).toFixed(1)}%`;
    console.log(`RSS minute ${from} → ${last.minute}: ${mib(base.rssKib)} → ${mib(last.rssKib)}, growth ${pct(last.rssKib)}; range from minute ${from} on ${pct(Math.min(...later))}..${pct(Math.max(...later))} (target < 10%)`);
  };
  growth(1);
  growth(5);
  console.log(`RSS idle (before load) ${mib(at(0).rssKib)}; peak (VmHWM) ${mib(+hwm)}; highest 15 s sample ${mib(Math.max(...quarters.map(([, kib]) => kib)))}`);
' "$OUT/memory.jsonl" "$OUT/rss.txt" "$HWM" | tee "$OUT/soak.txt"
echo "# results in $OUT"
