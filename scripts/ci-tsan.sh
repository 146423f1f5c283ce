#!/usr/bin/env bash
# CI stage: ThreadSanitizer on the engine's threading (the worker pool, attention split by heads,
# sessions decoding on several threads). Qt-free engine tests only: Debian's Qt is not built with TSan
# and would report false races.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup-debian.sh
tests=(test_thread_pool test_attention test_context_shift test_kv_reuse)
cmake --preset tsan-engine
cmake --build --preset tsan-engine -j "$(nproc)" --target "${tests[@]}"
# TSan's shadow layout needs at most 28 random mmap bits (newer kernels default to 32): run without ASLR.
run=()
if [ "$(cat /proc/sys/vm/mmap_rnd_bits 2>/dev/null || echo 28)" -gt 28 ]; then run=(setarch "$(uname -m)" -R); fi
regex="^($(IFS='|'; echo "${tests[*]}"))\$"
TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" "${run[@]}" ctest --preset tsan-engine -R "$regex"
