#!/usr/bin/env bash
# CI stage: the engine and its tests built with g++'s AddressSanitizer + UndefinedBehaviorSanitizer
# (Qt-free: engine tests run on the tiny assertion header), every engine test run under them, LeakSanitizer
# on. A sanitizer report stops the test (abort_on_error, halt_on_error) and fails the stage.
# Only the tests are built (the command-line tools are not under test here), which saves a tenth of the build.
# Every test must pass here as in the release build, test_llama_reference's bounds on llama.cpp's logits
# included (docs/RELIABILITY.md: how a sanitizer build once missed them).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup-debian.sh
tests=()
for t in tests/engine/test_*.cpp; do tests+=("$(basename "$t" .cpp)"); done
cmake --preset asan-engine
cmake --build --preset asan-engine -j "$(nproc)" --target "${tests[@]}"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
ctest --preset asan-engine -j "$(nproc)"
