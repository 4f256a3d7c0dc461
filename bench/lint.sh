#!/usr/bin/env bash
# The lint benchmark: `reframe lint` of every bundled flow, intents file, lexicon and the
# tone list (dialogues/), which issue 5 requires to take under 100 ms. Uses hyperfine
# (Debian package `hyperfine`) when it is there, else a loop of RUNS runs timed with
# `date`. BIN picks the binary (default: the release build bench/run.sh makes).
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${BIN:-build-release/adapters/cli/reframe}"
runs="${RUNS:-20}"
if [ ! -x "$bin" ]; then
  REFRAME_BUILD_DIR=build-release ./scripts/build.sh -DCMAKE_BUILD_TYPE=Release -DREFRAME_BUILD_TESTS=OFF
fi
"$bin" lint --strict dialogues  # must be clean, or the figure means nothing
if command -v hyperfine > /dev/null; then
  hyperfine --warmup 3 --runs "$runs" --export-json bench/out/lint.json "'$bin' lint dialogues"
else
  start=$(date +%s%N)
  for _ in $(seq "$runs"); do "$bin" lint dialogues > /dev/null; done
  end=$(date +%s%N)
  echo "{\"lint_ms_mean\": $(( (end - start) / runs / 1000000 ))}"
fi
