#!/usr/bin/env bash
# The WebSocket load benchmark (issue 6). bench/ws_load.cpp (an edge-triggered epoll loop
# per thread, kept lean because it shares the machine with the server) drives, in the same run:
#   - `reframe serve`: full engine turns, sessions in an SQLite file (WAL), limits raised so
#     that the load is never rate-limited;
#   - a Node `ws` echo server (bench/peers/ws_echo.js): the loopback ceiling.
# For each of LOADS connections: every connection sends SAYS say frames one after another,
# each after the previous reply; then IDLE connections are opened and held. Each server is
# started fresh for each run, so its peak RSS (VmHWM) belongs to that run.
# Each load runs PAIRS times on each server, one right after the other, the order
# alternating: this machine's speed drifts by a fifth from one second to the next, so one
# pair's ratio says little. Prints one JSON line per run, then bench/ws_summary.py's line per
# load: the median of the pairs' reframe/echo ratios and their range, and the CPU a say
# cost each server inside the measured window (docs/benchmarks.md records them). Exits
# non-zero when any run lost, duplicated or failed a say, or ws_load failed, or the runs do
# not pair up.
# STORE=memory serves reframe with its sessions in memory (`--db :memory:`, no SQLite): what
# persistence costs, measured the same way. The figures of record use the default, file.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir="${REFRAME_BENCH_BUILD_DIR:-build-release}"
build_type="${REFRAME_BENCH_BUILD_TYPE:-Release}"
loads="${LOADS:-1000 5000}"
idle="${IDLE:-10000}"
says="${SAYS:-20}"
pairs="${PAIRS:-5}"
[[ "$pairs" =~ ^[1-9][0-9]*$ ]] || { echo "run_ws: PAIRS must be a whole number above 0, not \"$pairs\"" >&2; exit 2; }
threads="${CLIENT_THREADS:-2}"
[[ "$idle" =~ ^[0-9]+$ ]] || { echo "run_ws: IDLE must be a whole number, not \"$idle\"" >&2; exit 2; }
# The most connections any run opens at once: the server's limit and the open files follow it.
most="$idle"
for n in $loads; do
  [[ "$n" =~ ^[1-9][0-9]*$ ]] || { echo "run_ws: LOADS must be whole numbers above 0, not \"$n\"" >&2; exit 2; }
  [ "$n" -gt "$most" ] && most="$n"
done
out=bench/out
case "${STORE:-file}" in
  file) db="$out/ws_bench.db" ;;
  memory) db=":memory:" ;;
  *) echo "run_ws: STORE must be file or memory, not \"$STORE\"" >&2; exit 2 ;;
esac
mkdir -p "$out"

# Every connection is a file descriptor in the client and one in the server.
ulimit -n "$(ulimit -Hn)"
need=$((most + 256))
if [ "$(ulimit -n)" -lt "$need" ]; then
  echo "run_ws: $most connections need $need open files; the hard limit is $(ulimit -Hn)" >&2
  exit 1
fi

# Only the two programs it runs (another build directory may be given, e.g. one with tests).
launcher=()
if command -v ccache > /dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE="$build_type" -DREFRAME_BENCH=ON "${launcher[@]}" > /dev/null
cmake --build "$build_dir" --parallel "$(nproc)" --target reframe ws_load
bin="$build_dir/adapters/cli/reframe"
load="$build_dir/bench/ws_load"
(cd bench/peers && npm install --silent --no-audit --no-fund > /dev/null 2>&1) || {
  echo "run_ws: npm install in bench/peers failed (the echo peer needs ws)" >&2
  exit 1
}

cat > "$out/serve-bench.yaml" <<YAML
# Written by bench/run_ws.sh: the defaults, with the limits a load test would trip raised.
limits:
  max_connections: $((most + 100))
  per_connection: {per_minute: 0}
  per_ip: {per_minute: 0}
  engine_rate_per_minute: 0
YAML

server_pid=""
server_port=""
failed_runs=0

# Starts a server in the background and waits until it prints its port.
wait_port() {  # LOG PATTERN
  for _ in $(seq 300); do
    server_port="$(sed -n "$2" "$1" | head -n 1)"
    [ -n "$server_port" ] && return 0
    kill -0 "$server_pid" 2> /dev/null || { cat "$1" >&2; return 1; }
    sleep 0.1
  done
  echo "run_ws: the server did not start: $(cat "$1")" >&2
  return 1
}

start_reframe() {
  rm -f "$out/ws_bench.db" "$out/ws_bench.db-wal" "$out/ws_bench.db-shm"
  "$bin" serve --config "$out/serve-bench.yaml" --listen 127.0.0.1:0 --flows dialogues \
    --db "$db" --no-watch 2> "$out/serve.log" &
  server_pid=$!
  wait_port "$out/serve.log" 's/.*listening on http:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p'
}

start_echo() {
  node bench/peers/ws_echo.js 0 > "$out/echo.log" 2>&1 &
  server_pid=$!
  wait_port "$out/echo.log" 's/^listening \([0-9]*\)$/\1/p'
}

stop_server() {
  kill -TERM "$server_pid" 2> /dev/null || true
  wait "$server_pid" 2> /dev/null || true
}

run_one() {  # START LABEL ARGS…
  local start=$1 label=$2
  shift 2
  "$start"
  # A run that fails still lets the others go on; the script exits 1 at the end.
  if ! "$load" --target "127.0.0.1:$server_port" --server-pid "$server_pid" --threads "$threads" --label "$label" "$@" \
    | tee -a "$out/ws_runs.jsonl"; then
    echo "run_ws: the $label run ($*) failed" >&2
    failed_runs=$((failed_runs + 1))
  fi
  stop_server
}

pair() {  # N LOAD-ARGS…: N pairs, reframe first in odd ones, the echo server first in even ones
  local n=$1 i
  shift
  for i in $(seq "$n"); do
    if [ $((i % 2)) = 1 ]; then
      run_one start_reframe reframe "$@"
      run_one start_echo node-ws-echo "$@"
    else
      run_one start_echo node-ws-echo "$@"
      run_one start_reframe reframe "$@"
    fi
  done
}

: > "$out/ws_runs.jsonl"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
for n in $loads; do
  pair "$pairs" --connections "$n" --says "$says"
done
# Memory is steady from one run to the next: one pair (none with IDLE=0).
if [ "$idle" -gt 0 ]; then
  pair 1 --connections "$idle" --idle --hold 5
fi
echo "summary (the median of $pairs pairs a load; one pair for the idle connections):"
status=0
python3 bench/ws_summary.py "$out/ws_runs.jsonl" || status=$?
if [ "$failed_runs" -gt 0 ]; then
  echo "run_ws: $failed_runs run(s) of ws_load failed (see above)" >&2
  status=1
fi
test "$status" -eq 0  # the exit status: 1 when anything above failed
