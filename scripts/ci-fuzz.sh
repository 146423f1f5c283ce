#!/usr/bin/env bash
# CI stage: the libFuzzer targets of fuzz/ (clang-14, ASan + UBSan) built with the `fuzz` preset and
# each run for a bounded time on a seed corpus from ../shared and tests/data. A crash, a sanitizer report,
# a leak, an input slower than 10 s or a memory blow-up fails the stage; the input is left in
# build/fuzz/artifacts/ (make it a regression test). CHORD_FUZZ_SECONDS sets the time per target (20);
# CHORD_FUZZ_SEED the random seed (1: CI explores the same inputs each run, so it fails only when the code
# changes, never by luck; give another seed to explore elsewhere).
# By hand: CHORD_FUZZ_SECONDS=600 scripts/ci-fuzz.sh fuzz_gguf   (one target, ten minutes).
set -euo pipefail
cd "$(dirname "$0")/.."
CHORD_SETUP_EXTRA="${CHORD_SETUP_EXTRA:-} fuzz" ./scripts/setup-debian.sh
seconds="${CHORD_FUZZ_SECONDS:-20}"
seed="${CHORD_FUZZ_SEED:-1}"
shared="$(cd "${CHORD_SHARED_DIR:-../shared}" && pwd)"
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(fuzz_gguf fuzz_tokenizer_spm fuzz_tokenizer_bpe fuzz_chat_template fuzz_template_json)

cmake --preset fuzz
cmake --build --preset fuzz -j "$(nproc)" --target "${targets[@]}"

work=build/fuzz/run
rm -rf "$work/seeds"
mkdir -p "$work/seeds" build/fuzz/artifacts
# Seeds, one folder per kind of input (read-only: new inputs go to $work/corpus/<target>).
mkdir -p "$work/seeds/gguf" "$work/seeds/text" "$work/seeds/template" "$work/seeds/json"
python3 fuzz/make_gguf_seeds.py "$work/seeds/gguf"
cp "$shared/models/stories260K.gguf" "$shared"/models/arch/*.gguf "$shared/models/quant/synth-q-Q4_K_M.gguf" \
   "$shared/tokenizer/ggml-vocab-llama-spm.gguf" "$work/seeds/gguf/"
# Tokenizer inputs: each test string of llama.cpp's vocabulary tests, behind a flags byte (0..3).
python3 - "$work/seeds/text" "$shared"/tokenizer/*.inp "$shared"/tokenizer/derived/*.inp <<'PY'
import os, sys
out, n = sys.argv[1], 0
for path in sys.argv[2:]:
    for case in open(path, encoding="utf-8", errors="surrogateescape").read().split("\n__ggml_vocab_test__\n"):
        with open(os.path.join(out, "case-%04d" % n), "wb") as f:
            f.write(bytes([n % 4]) + case.encode("utf-8", "surrogateescape"))
        n += 1
PY
cp tests/data/templates/*.jinja "$work/seeds/template/"
cp tests/data/templates/cases/*.json "$work/seeds/json/"

status=0
for t in "${targets[@]}"; do
  case "$t" in
    fuzz_gguf) seeds=gguf; max_len=65536 ;;
    fuzz_tokenizer_*) seeds=text; max_len=4096 ;;
    fuzz_chat_template) seeds=template; max_len=16384 ;;
    fuzz_template_json) seeds=json; max_len=8192 ;;
    *) echo "unknown target $t"; exit 2 ;;
  esac
  mkdir -p "$work/corpus/$t"
  echo "=== $t: ${seconds}s"
  if ! "build/fuzz/bin/$t" -max_total_time="$seconds" -seed="$seed" -timeout=10 -rss_limit_mb=2048 -max_len="$max_len" \
        -print_final_stats=1 -artifact_prefix="build/fuzz/artifacts/$t-" \
        "$work/corpus/$t" "$work/seeds/$seeds" > "$work/$t.log" 2>&1; then
    status=1
    echo "$t FAILED (input in build/fuzz/artifacts/):"
    grep -A30 -m1 -E "ERROR|runtime error|fuzz_tokenizer:|differs|does not parse" "$work/$t.log" || tail -40 "$work/$t.log"
  fi
  grep -E "stat::number_of_executed_units|stat::new_units_added|stat::peak_rss_mb" "$work/$t.log" | tr '\n' ' '
  echo
done
exit $status
