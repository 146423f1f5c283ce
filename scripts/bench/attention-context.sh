#!/usr/bin/env bash
# Flash vs standard attention as the context grows: prompt processing of C tokens (batches of 512, so later
# batches attend to up to C keys) and generation of 128 tokens after C−128 cached ones, for each context C,
# on a synthetic model whose llama.context_length is the largest C. Each (C, backend) runs in its own
# chord-bench process so its attention scratch (counted allocations) and peak RSS are its own.
#
#   scripts/bench/attention-context.sh [--preset tinyllama-1.1b] [--type q4_0] [--ctxs 512,2048,8192]
#                                      [--reps 1] [--threads 2] [--kv-type f16] [--models DIR] [--out DIR]
set -euo pipefail

repo="$(cd "$(dirname "$0")/../.." && pwd)"
build="${CHORD_BUILD_DIR:-$repo/build/release}"
preset=tinyllama-1.1b
type=q4_0
ctxs=512,2048,8192
reps=1
threads=2
kv=f16
models="$HOME/.cache/chord-bench-models"
out=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --preset) preset="$2"; shift 2 ;;
    --type) type="$2"; shift 2 ;;
    --ctxs) ctxs="$2"; shift 2 ;;
    --reps) reps="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --kv-type) kv="$2"; shift 2 ;;
    --models) models="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "attention-context.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
for tool in chord-mkmodel chord-bench; do
  [[ -x "$build/bin/$tool" ]] || { echo "attention-context.sh: $build/bin/$tool not built" >&2; exit 1; }
done
IFS=, read -r -a ctx_list <<< "$ctxs"
max_ctx=0
for c in "${ctx_list[@]}"; do (( c > max_ctx )) && max_ctx=$c; done
out="${out:-$(mktemp -d /tmp/chord-attn.XXXXXX)}"
mkdir -p "$models" "$out"
model="$models/chord-$preset-ctx$max_ctx-$type.gguf"
[[ -f "$model" ]] || "$build/bin/chord-mkmodel" -q --preset "$preset" --ctx "$max_ctx" --type "$type" --seed 1234 \
                       --threads "$threads" -o "$model" >&2
echo "[$(date -u +%H:%M:%S)] $model, uptime: $(uptime)" >&2

for c in "${ctx_list[@]}"; do
  for attn in flash standard; do
    echo "[$(date -u +%H:%M:%S)] ctx $c $attn (load $(cut -d' ' -f1 /proc/loadavg))" >&2
    "$build/bin/chord-bench" -m "$model" -p "$c" -n 0 -t "$threads" -r "$reps" --attn "$attn" --kv-type "$kv" \
        --ctx "$c" -o json > "$out/pp-$c-$attn.json"
    "$build/bin/chord-bench" -m "$model" -p 0 -n 128 -d $((c - 128)) -t "$threads" -r "$reps" --attn "$attn" \
        --kv-type "$kv" --ctx "$c" -o json > "$out/tg-$c-$attn.json"
  done
done

node - "$out" "$ctxs" <<'JS'
const fs = require("fs");
const [dir, ctxs] = process.argv.slice(2);
const get = (f) => JSON.parse(fs.readFileSync(`${dir}/${f}`, "utf8"))[0];
const mib = (b) => (b / 2 ** 20).toFixed(1);
console.log("| context | attention | pp t/s | attn scratch (pp) MiB | tg128 t/s (after ctx−128 tokens) | attn scratch (tg) MiB | KV cache MiB | peak RSS (pp) MiB |");
console.log("|---:|---|---:|---:|---:|---:|---:|---:|");
for (const c of ctxs.split(",")) for (const a of ["flash", "standard"]) {
  const pp = get(`pp-${c}-${a}.json`), tg = get(`tg-${c}-${a}.json`);
  console.log(`| ${c} | ${a} | ${pp.avg_ts.toFixed(2)} | ${mib(pp.attn_scratch_bytes)} | ${tg.avg_ts.toFixed(2)} | ${mib(tg.attn_scratch_bytes)} | ${mib(pp.kv_cache_bytes)} | ${mib(pp.peak_rss_bytes)} |`);
}
const first = get(`pp-${ctxs.split(",")[0]}-flash.json`);
console.log(`\n${first.model_type}, ${first.simd}, ${first.n_threads} threads, KV ${first.kv_type}, batch ${first.n_batch}`);
JS
