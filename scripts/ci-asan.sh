#!/usr/bin/env bash
# CI stage: the engine and its tests built with g++'s AddressSanitizer + UndefinedBehaviorSanitizer
# (Qt-free: engine tests run on the tiny assertion header), every engine test run under them, LeakSanitizer
# on. A sanitizer report stops the test (abort_on_error, halt_on_error) and fails the stage.
# Only the tests are built (the command-line tools are not under test here), which saves a tenth of the build.
#
# test_llama_reference is left out: it passes the sanitizers (no report), but its F16 step-0 logit bound
# (1e-3 off llama.cpp) fails in this -O2 sanitizer build where the release build passes — an open finding
# recorded in docs/RELIABILITY.md, run here as a separate, non-failing step until it is understood.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup-debian.sh
tests=()
for t in tests/engine/test_*.cpp; do tests+=("$(basename "$t" .cpp)"); done
cmake --preset asan-engine
cmake --build --preset asan-engine -j "$(nproc)" --target "${tests[@]}"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
ctest --preset asan-engine -j "$(nproc)" -E '^test_llama_reference$'
# The reference test still runs in full under the sanitizers: a sanitizer report fails the stage, the
# known logit-bound failure alone does not.
log=build/asan-engine/llama_reference.log
if ! build/asan-engine/bin/test_llama_reference > "$log" 2>&1; then
  if grep -qE "ERROR: (Address|Leak)Sanitizer|runtime error:" "$log"; then
    tail -60 "$log"
    exit 1
  fi
  echo "test_llama_reference: no sanitizer report; logit bounds (known open finding, docs/RELIABILITY.md):"
  grep -E "off by|FAIL" "$log" | head -20
fi
