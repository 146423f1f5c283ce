#!/usr/bin/env bash
# Chord vs llama.cpp, side by side on the same GGUF files, in interleaved runs (A B A B).
#
#   scripts/bench/compare.sh [--types q4_0,q8_0,f16] [--rounds 2] [--reps 3] [--threads 2]
#                            [--pp 512] [--tg 128] [--models DIR] [--out DIR] [--quiet-wait S]
#   (types: f32, f16, bf16, q8_0, q4_0, or any chord-quantize type such as q4_k_m, q5_k_m, q6_k, iq4_xs)
#
# 1. makes synthetic TinyLlama-1.1B models with chord-mkmodel (seed 1234; skipped when already there);
#    other types (llama-quantize's per-tensor mixes) with chord-quantize from the f16 model;
# 2. checks that make_model.py's output (llama.cpp's side generator) loads and runs in Chord;
# 3. for each model, `rounds` times: chord-bench, then llama.cpp's bench.mjs (node-llama-cpp 3.21.1,
#    UV_THREADPOOL_SIZE=1), each in a fresh process (peak RSS = that process's VmHWM), flash attention on;
# 4. prints a markdown table: t/s of each engine per round, the ratio, both peak RSS, each file's sha256.
# Environment: CHORD_BUILD_DIR (default build/release), CHORD_REF_DIR (default ~/.cache/chord-ref, made by
# setup-llamacpp.sh), CHORD_SHARED_DIR (default /work/shared), CHORD_BUILD_NOTE (where the binaries come from).
set -euo pipefail

repo="$(cd "$(dirname "$0")/../.." && pwd)"
build="${CHORD_BUILD_DIR:-$repo/build/release}"
ref="${CHORD_REF_DIR:-$HOME/.cache/chord-ref}"
shared="${CHORD_SHARED_DIR:-/work/shared}"
types="q4_0,q8_0,f16"
rounds=2
reps=3
threads=2
pp=512
tg=128
models="$HOME/.cache/chord-bench-models"
out=""
quiet_wait=60

while [[ $# -gt 0 ]]; do
  case "$1" in
    --types) types="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --reps) reps="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --pp) pp="$2"; shift 2 ;;
    --tg) tg="$2"; shift 2 ;;
    --models) models="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --quiet-wait) quiet_wait="$2"; shift 2 ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "compare.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

mkmodel="$build/bin/chord-mkmodel"
bench="$build/bin/chord-bench"
cli="$build/bin/chord-cli"
quantize="$build/bin/chord-quantize"
for tool in "$mkmodel" "$bench" "$cli" "$quantize"; do
  [[ -x "$tool" ]] || { echo "compare.sh: $tool not built (cmake --build $build)" >&2; exit 1; }
done
[[ -d "$ref/node_modules/node-llama-cpp" ]] || "$repo/scripts/bench/setup-llamacpp.sh" "$ref"
out="${out:-$(mktemp -d /tmp/chord-compare.XXXXXX)}"
mkdir -p "$models" "$out"

# Waits (at most quiet_wait seconds) until processes other than ours use < 0.3 cores over one second,
# since the machine is shared; prints what it saw.
cpu_busy() { awk '/^cpu /{print $2+$3+$4+$7+$8+$9, $2+$3+$4+$5+$6+$7+$8+$9}' /proc/stat; }
wait_quiet() {
  local start=$SECONDS a b busy
  while :; do
    a=($(cpu_busy)); sleep 1; b=($(cpu_busy))
    busy=$(awk -v b0="${a[0]}" -v t0="${a[1]}" -v b1="${b[0]}" -v t1="${b[1]}" -v n="$(nproc)" \
      'BEGIN{printf "%.2f", (t1>t0) ? (b1-b0)/(t1-t0)*n : 0}')
    if awk -v x="$busy" 'BEGIN{exit !(x < 0.3)}' || (( SECONDS - start >= quiet_wait )); then
      echo "$busy"; return
    fi
  done
}

log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }
log "uptime: $(uptime)"
log "results in $out"
# What was measured: the commit, and whether the engine's sources had uncommitted changes when it ran.
{
  # CHORD_BUILD_NOTE: what the binaries were built from, when it is not this checkout (e.g. a CI clone).
  echo "${CHORD_BUILD_NOTE:-checkout at commit $(git -C "$repo" rev-parse --short HEAD) with $(git -C "$repo" status --porcelain -- engine | wc -l) uncommitted engine paths}; binaries built $(date -u -r "$bench" +%H:%M:%SZ)"
  echo "start $(date -u +%Y-%m-%dT%H:%M:%SZ), $(uptime)"
} > "$out/build.txt"

# 1. Models (deterministic: an existing file from the same command is identical).
IFS=, read -r -a type_list <<< "$types"
make_model() {  # type
  local t=$1 f="$models/chord-tinyllama-1.1b-$1.gguf"
  [[ -f "$f" ]] && return
  case "$t" in
    f32|f16|bf16|q8_0|q4_0)
      log "chord-mkmodel --preset tinyllama-1.1b --type $t --seed 1234"
      "$mkmodel" -q --preset tinyllama-1.1b --type "$t" --seed 1234 --threads "$threads" -o "$f.part" >&2 ;;
    *)
      make_model f16
      log "chord-quantize chord-tinyllama-1.1b-f16.gguf ${t^^}"
      "$quantize" "$models/chord-tinyllama-1.1b-f16.gguf" "$f.part" "${t^^}" --threads "$threads" >&2 ;;
  esac
  mv "$f.part" "$f"
}
for t in "${type_list[@]}"; do make_model "$t"; done

# 2. make_model.py's files (llama.cpp's side) load and generate in Chord.
if /usr/bin/python3 -c "import numpy" 2>/dev/null; then
  py="$models/make_model-tiny-q4_0.gguf"
  [[ -f "$py" ]] || /usr/bin/python3 "$shared/ref/make_model.py" --tiny --type q4_0 -o "$py" >&2
  if "$cli" -m "$py" -p "Once upon a time" -n 8 --temp 0 --threads "$threads" > "$out/make_model-check.txt" 2>&1; then
    echo "ok" > "$out/make_model-check.status"
  else
    echo "FAILED" > "$out/make_model-check.status"
  fi
  log "make_model.py --tiny q4_0 in chord-cli: $(cat "$out/make_model-check.status")"
else
  echo "skipped (apt-get install -y python3-numpy)" > "$out/make_model-check.status"
fi

# 3. Interleaved runs (A B, A B …): each round measures the memory bandwidth (it drifts on this machine),
#    then every model with Chord and with llama.cpp, one right after the other.
for t in "${type_list[@]}"; do
  sha256sum "$models/chord-tinyllama-1.1b-$t.gguf" | cut -d' ' -f1 > "$out/$t.sha256"
done
for ((r = 1; r <= rounds; r++)); do
  if [[ -x "$ref/bw" ]]; then
    log "round $r: memory bandwidth (bw.c, $threads threads, 1 GiB arrays)"
    OMP_NUM_THREADS="$threads" "$ref/bw" 1024 3 > "$out/bw.$r.txt"
  fi
  for t in "${type_list[@]}"; do
    f="$models/chord-tinyllama-1.1b-$t.gguf"
    busy=$(wait_quiet)
    log "round $r $t: chord-bench (other CPU $busy cores; load $(cut -d' ' -f1 /proc/loadavg))"
    "$bench" -m "$f" -p "$pp" -n "$tg" -t "$threads" -r "$reps" --attn flash -o json > "$out/$t.chord.$r.json"
    echo "$busy $(cut -d' ' -f1 /proc/loadavg)" > "$out/$t.chord.$r.load"
    busy=$(wait_quiet)
    log "round $r $t: llama.cpp bench.mjs (other CPU $busy cores; load $(cut -d' ' -f1 /proc/loadavg))"
    (cd "$ref" && node bench.mjs --reps "$reps" --threads "$threads" --fa on --pp "$pp" --tg "$tg" \
        --quiet-wait 10 --json "$out/$t.llama.$r.json" "$f" > "$out/$t.llama.$r.txt")
    echo "$busy $(cut -d' ' -f1 /proc/loadavg)" > "$out/$t.llama.$r.load"
  done
done

# 4. The table.
echo "end $(date -u +%Y-%m-%dT%H:%M:%SZ), $(uptime)" >> "$out/build.txt"
node "$repo/scripts/bench/compare-table.mjs" "$out" "$types" "$rounds" "$pp" "$tg" | tee "$out/table.md"
log "uptime: $(uptime)"
