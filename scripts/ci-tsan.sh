#!/usr/bin/env bash
# CI stage: ThreadSanitizer on the engine's threading: the worker pool (test_thread_pool), attention split by
# heads (test_attention), sessions decoding, shifting and reusing the KV cache on every core (test_context_shift,
# test_kv_reuse), every architecture's forward pass (test_architectures) and every llama.cpp reference model
# (test_llama_reference), 50 loads and unloads (test_model_limits). Qt-free engine tests only: Debian's Qt is
# not built with TSan and would report false races. The other engine tests are single-threaded (kernels
# against scalar references, parsers, tokenizers) or repeat these paths; all 28 pass under TSan when run by
# hand (docs/RELIABILITY.md: the other 21 took 2.8 CPU-min more to build and their run 140 s in all).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup-debian.sh
tests=(test_thread_pool test_attention test_context_shift test_kv_reuse test_architectures test_llama_reference
       test_model_limits)
cmake --preset tsan-engine
cmake --build --preset tsan-engine -j "$(nproc)" --target "${tests[@]}"
# TSan's shadow layout needs at most 28 random mmap bits (newer kernels default to 32): run without ASLR.
run=()
if [ "$(cat /proc/sys/vm/mmap_rnd_bits 2>/dev/null || echo 28)" -gt 28 ]; then run=(setarch "$(uname -m)" -R); fi
regex="^($(IFS='|'; echo "${tests[*]}"))\$"
TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" "${run[@]}" ctest --preset tsan-engine -j "$(nproc)" -R "$regex"
