#!/usr/bin/env bash
# Installs what is missing, builds with warnings as errors, and runs every test.
# REFRAME_SANITIZE=1 builds into build-asan/ with AddressSanitizer + UBSan instead;
# REFRAME_TSAN=1 into build-tsan/ with ThreadSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
# Line tables only (-g1): stack traces keep file:line, and the Beast-heavy files compile a
# quarter faster than with full debug info. ./scripts/build.sh alone keeps -g.
debug_flags=(-DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG")
if [ "${REFRAME_SANITIZE:-0}" = 1 ]; then
  export REFRAME_BUILD_DIR=build-asan
  ./scripts/build.sh -DREFRAME_WERROR=ON -DREFRAME_SANITIZE=ON "${debug_flags[@]}"
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
elif [ "${REFRAME_TSAN:-0}" = 1 ]; then
  export REFRAME_BUILD_DIR=build-tsan
  ./scripts/build.sh -DREFRAME_WERROR=ON -DREFRAME_TSAN=ON "${debug_flags[@]}"
  export TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1
else
  export REFRAME_BUILD_DIR=build
  ./scripts/build.sh -DREFRAME_WERROR=ON "${debug_flags[@]}"
fi
cd "$REFRAME_BUILD_DIR"
ctest --output-on-failure --parallel "$(nproc)" --timeout 600
