#!/usr/bin/env bash
# Builds the libFuzzer harnesses of fuzz/ with clang 14 (ASan + UBSan) into build-fuzz/ and
# runs each for SECONDS (default 30) on a copy of its seed corpus. Exits non-zero when a
# harness finds a crash, a leak, a sanitizer report, a timeout or an out-of-memory.
#   ./scripts/fuzz.sh [SECONDS]
# Findings are left in build-fuzz/findings/<harness>/; nothing is written into the repo.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-30}"
[[ "$seconds" =~ ^[0-9]+$ ]] || { echo "usage: $0 [SECONDS]" >&2; exit 2; }
./scripts/install-deps.sh

build=build-fuzz
CC=clang-14 CXX=clang++-14 cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DREFRAME_FUZZ=ON -DREFRAME_BUILD_TESTS=OFF -DREFRAME_WERROR=ON >/dev/null
cmake --build "$build" --target fuzz_loader fuzz_match fuzz_turn

# fuzz_loader's scratch folders go here (libFuzzer may exit without running atexit handlers).
export TMPDIR="$PWD/$build/tmp"
rm -rf "$TMPDIR" && mkdir -p "$TMPDIR"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
declare -A max_len=([loader]=65536 [match]=8192 [turn]=8192)
summary=()
status=0
for name in loader match turn; do
  corpus="$build/corpus/$name"
  findings="$build/findings/$name"
  log="$build/fuzz_$name.log"
  rm -rf "$corpus" "$findings"
  mkdir -p "$corpus" "$findings"
  cp fuzz/corpus/"$name"/* "$corpus"/
  echo "fuzz: $name for ${seconds}s (log: $log)"
  rc=0
  "$build/fuzz/fuzz_$name" "$corpus" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -max_len="${max_len[$name]}" -artifact_prefix="$findings/" -print_final_stats=1 >"$log" 2>&1 || rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1 | cut -d' ' -f2)
  line="fuzz_$name: ${execs:-?} execs in ${seconds}s (${rate:-?}/s), cov ${cov:-?} edges, corpus $(ls "$corpus" | wc -l) files"
  if [ "$rc" -ne 0 ]; then
    status=1
    line="$line: FAILED (exit $rc; see $log, artifacts in $findings/)"
    tail -n 40 "$log" >&2
  else
    line="$line: ok"
  fi
  summary+=("$line")
done
rm -rf "$TMPDIR"
printf '%s\n' "${summary[@]}"
exit "$status"
