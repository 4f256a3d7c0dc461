#!/usr/bin/env bash
# The replay benchmark: 100,000 turns from 1,000 users through `reframe replay`, with
# sessions in memory and in an SQLite file (WAL, synchronous=NORMAL, one transaction per
# turn), and the peers (rivescript-js with a 300-trigger brain, elizabot) on the same
# workload in the same run. Prints one JSON line per run; docs/benchmarks.md records them.
set -euo pipefail
cd "$(dirname "$0")/.."
turns="${TURNS:-100000}"
users="${USERS:-1000}"
runs="${RUNS:-3}"
out=bench/out
mkdir -p "$out"

REFRAME_BUILD_DIR=build-release ./scripts/build.sh -DCMAKE_BUILD_TYPE=Release -DREFRAME_BUILD_TESTS=OFF
bin=build-release/adapters/cli/reframe
python3 bench/gen_turns.py --turns "$turns" --users "$users" > "$out/turns.jsonl"

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
for i in $(seq "$runs"); do
  printf '{"run":%d,"store":"memory",' "$i"
  "$bin" replay --flows dialogues --db :memory: --stats < "$out/turns.jsonl" 2> "$out/stats.json" > /dev/null
  tail -n 1 "$out/stats.json" | cut -c2-
  rm -f "$out/bench.db" "$out/bench.db-wal" "$out/bench.db-shm"
  printf '{"run":%d,"store":"sqlite-file",' "$i"
  "$bin" replay --flows dialogues --db "$out/bench.db" --stats < "$out/turns.jsonl" 2> "$out/stats.json" > /dev/null
  tail -n 1 "$out/stats.json" | cut -c2-
done

if command -v npm > /dev/null; then
  (cd bench/peers && npm install --silent --no-audit --no-fund > /dev/null 2>&1) || echo '{"peer":"npm install failed"}'
  node bench/peers/rivescript_bench.js "$out/turns.jsonl" || true
  node bench/peers/elizabot_bench.js "$out/turns.jsonl" || true
fi
