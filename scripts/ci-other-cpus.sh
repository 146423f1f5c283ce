#!/usr/bin/env bash
# "One binary for every x86-64 CPU", tested: runs chord-cli's llama.cpp conformance checks (the fidelity
# rule of ../shared/DESIGN.md) under qemu-x86_64 emulating
#   -cpu Haswell  AVX2+FMA+F16C, no AVX-512: dispatch must pick the "AVX2+FMA" kernels;
#   -cpu qemu64   no AVX at all: dispatch must pick "Scalar", and any AVX instruction that leaked into
#                 baseline code stops the run with SIGILL.
# Usage: scripts/ci-other-cpus.sh [CHORD_CLI] [SHARED_DIR]   (defaults: build/release/bin/chord-cli, ../shared)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cli=$(realpath "${1:-$root/build/release/bin/chord-cli}")
shared=$(realpath "${2:-$root/../shared}")
command -v qemu-x86_64 >/dev/null || { echo "qemu-x86_64 is missing (apt-get install qemu-user)"; exit 1; }
[ -x "$cli" ] || { echo "no chord-cli at $cli (build it first)"; exit 1; }

# Small models that exercise the SIMD matmul kernels (F32, Q4_0, Q8_0, F16) and attention; kept to
# four because qemu emulates an AVX-less CPU slowly (set CHORD_CI_ALL_REFS=1 for BF16 and F16 stories too).
refs=(
  "$shared/models/reference/stories260K.once.json"
  "$shared/models/quant/reference/synth-q-Q4_0.once.json"
  "$shared/models/quant/reference/synth-q-Q8_0.once.json"
  "$shared/models/quant/reference/synth-q-F16.once.json"
)
if [ -n "${CHORD_CI_ALL_REFS:-}" ]; then
  refs+=("$shared/models/reference/stories260K-F16.once.json" "$shared/models/quant/reference/synth-q-BF16.once.json")
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0
for spec in "Haswell:AVX2+FMA" "qemu64:Scalar"; do
  cpu=${spec%%:*}
  expected=${spec#*:}
  wrapper="$tmp/chord-cli-$cpu"
  printf '#!/bin/sh\nexec qemu-x86_64 -cpu %s "%s" "$@"\n' "$cpu" "$cli" > "$wrapper"
  chmod +x "$wrapper"

  chosen=$("$wrapper" -m "$shared/models/stories260K.gguf" -p "Once" -n 1 --temp 0 --json 2>/dev/null |
           python3 -c 'import json,sys; print(json.load(sys.stdin)["stats"]["simd"])') || chosen="(chord-cli failed)"
  if [ "$chosen" = "$expected" ]; then
    echo "qemu -cpu $cpu: kernels $chosen"
  else
    echo "FAIL qemu -cpu $cpu: kernels '$chosen', expected '$expected'"
    status=1
  fi
  if result=$("$shared/tools/fidelity" "$wrapper" "$shared" "${refs[@]}"); then
    echo "qemu -cpu $cpu: fidelity $(echo "$result" | tail -n 1)"
  else
    echo "$result"
    echo "FAIL qemu -cpu $cpu: fidelity"
    status=1
  fi
done
exit $status
