#!/usr/bin/env bash
# Configures and builds into build/ (or $REFRAME_BUILD_DIR). Extra arguments go to CMake.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir="${REFRAME_BUILD_DIR:-build}"
launcher=()
# ccache, when the machine has it, makes rebuilds (and builds in several worktrees) cheap.
if command -v ccache > /dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "${launcher[@]}" "$@" > /dev/null
cmake --build "$build_dir" --parallel "$(nproc)"
