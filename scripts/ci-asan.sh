#!/usr/bin/env bash
# CI stage: the engine and its tests built with g++'s AddressSanitizer + UndefinedBehaviorSanitizer
# (Qt-free: engine tests run on the tiny assertion header), every engine test run under them.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup-debian.sh
cmake --preset asan-engine
cmake --build --preset asan-engine -j "$(nproc)"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --preset asan-engine -j "$(nproc)"
