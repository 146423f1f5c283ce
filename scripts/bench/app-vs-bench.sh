#!/usr/bin/env bash
# The app's generation speed against chord-bench's, on the same model and settings: interleaved rounds of
#   chord-bench -m M -p 0 -n N -t T -r R -o json        (tgN: N single-token decodes, no sampling)
#   chord --bench-generate N --runs R --threads T -m M  (the real app offscreen: worker thread, sampling,
#                                                         detokenizing, text batches rendered on the GUI thread)
# and prints each round's two medians and the app/bench ratio (the goal is >= 0.90).
#
#   scripts/bench/app-vs-bench.sh [-m MODEL] [-n 128] [-t 2] [-r 3] [--rounds 2]
set -euo pipefail

repo="$(cd "$(dirname "$0")/../.." && pwd)"
build="${CHORD_BUILD_DIR:-$repo/build/release}"
model="$repo/resources/models/stories260K.gguf"
n=128
threads=2
reps=3
rounds=2
while [[ $# -gt 0 ]]; do
  case "$1" in
    -m) model="$2"; shift 2 ;;
    -n) n="$2"; shift 2 ;;
    -t) threads="$2"; shift 2 ;;
    -r) reps="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
for tool in chord-bench chord; do
  [[ -x "$build/bin/$tool" ]] || { echo "$build/bin/$tool not built (cmake --build $build --target chord chord-bench)" >&2; exit 2; }
done

echo "model $(basename "$model") sha256 $(sha256sum "$model" | cut -c1-16)…, tg$n, $threads threads, $reps runs per round"
for round in $(seq 1 "$rounds"); do
  load="$(cut -d' ' -f1-3 /proc/loadavg)"
  bench="$("$build/bin/chord-bench" -m "$model" -p 0 -n "$n" -t "$threads" -r "$reps" -o json |
           python3 -c 'import json,sys; print("%.2f" % json.load(sys.stdin)[0]["avg_ts"])')"
  app="$(QT_QPA_PLATFORM=offscreen "$build/bin/chord" --bench-generate "$n" --runs "$reps" --threads "$threads" \
           --model "$model" | sed -n 's/^median generation: \([0-9.]*\) tok\/s$/\1/p')"
  ratio="$(python3 -c "print('%.3f' % ($app / $bench))")"
  echo "round $round (load $load): chord-bench tg$n $bench t/s | app $app t/s | app/bench $ratio"
done
