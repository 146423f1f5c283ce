#!/usr/bin/env bash
# aarch64: cross-compiles the Qt-free engine and its tests (preset "aarch64", g++-aarch64-linux-gnu) and
# runs them with CTest under qemu-aarch64 twice:
#   default CPU ("max": dotprod and fp16, so the "NEON+dotprod" kernels run), then
#   QEMU_CPU=cortex-a53 (no dotprod, no fp16: the NEON fallbacks run; a leaked instruction is SIGILL).
# Needs (scripts/setup-debian.sh installs them with CHORD_SETUP_EXTRA=cross): g++-aarch64-linux-gnu qemu-user, and
# spdlog/fmt (with libc6, libstdc++6) for arm64 from Debian multiarch:
#   dpkg --add-architecture arm64 && apt-get update && apt-get install libspdlog-dev:arm64 libfmt-dev:arm64
# The tests run on Debian's arm64 multiarch runtime (libc6:arm64; qemu -L /, see cmake/aarch64-linux-gnu.cmake):
# with the cross package's ld.so every thread creation hung, which looked like tests too slow for emulation.
# Measured with that fixed, the full case lists fit (test_kernels ~8, test_attention ~22 CPU-seconds per CPU).
set -euo pipefail
cd "$(dirname "$0")/.."
CHORD_SETUP_EXTRA="${CHORD_SETUP_EXTRA:-} cross" ./scripts/setup-debian.sh
for tool in aarch64-linux-gnu-g++ qemu-aarch64; do
  command -v "$tool" >/dev/null || { echo "$tool is missing (apt-get install g++-aarch64-linux-gnu qemu-user)"; exit 1; }
done
[ -e /usr/lib/aarch64-linux-gnu/cmake/spdlog ] ||
  { echo "spdlog for arm64 is missing: dpkg --add-architecture arm64 && apt-get update && apt-get install libspdlog-dev:arm64 libfmt-dev:arm64"; exit 1; }

# The ISA-dependent tests: kernels vs their scalar references, dispatch, attention, quant formats, and the
# parts that must behave the same on every CPU. The llama.cpp conformance tests compare with outputs made on
# x86 (whose float summation order decides near-ties), and run natively and under qemu-x86_64 instead.
tests=(test_kernels test_dispatch test_attention test_attention_kernels test_thread_pool test_quant_formats
       test_quant_q5_1 test_gguf test_sampler test_tokenizer test_tokenizer_unicode test_tokenizer_vectors
       test_detokenizer)
portable="^($(IFS='|'; echo "${tests[*]}"))\$"
cmake --preset aarch64 > /dev/null
cmake --build --preset aarch64 -j "$(nproc)" --target "${tests[@]}"
echo "== qemu-aarch64, default CPU (dotprod, fp16)"
ctest --preset aarch64 -j2 -R "$portable"
echo "== qemu-aarch64 -cpu cortex-a53 (no dotprod, no fp16)"
QEMU_CPU=cortex-a53 ctest --preset aarch64 -j2 -R "$portable"
