#!/usr/bin/env bash
# Sets up llama.cpp's reference benchmark (node-llama-cpp 3.21.1, prebuilt CPU binaries) OUTSIDE the repo.
#   scripts/bench/setup-llamacpp.sh [DEST]      (default: $CHORD_REF_DIR or $HOME/.cache/chord-ref)
# Copies $CHORD_SHARED_DIR/ref (default /work/shared/ref; it is read-only) to DEST and runs `npm ci` there.
# Only the npm registry is needed; node-llama-cpp is told never to download or build llama.cpp itself.
# Idempotent: a DEST whose node_modules already matches the lock file is left as it is.
set -euo pipefail

shared_dir="${CHORD_SHARED_DIR:-/work/shared}"
src="$shared_dir/ref"
dest="${1:-${CHORD_REF_DIR:-$HOME/.cache/chord-ref}}"

[[ -f "$src/package-lock.json" ]] || { echo "error: $src/package-lock.json not found (set CHORD_SHARED_DIR)" >&2; exit 1; }
command -v npm >/dev/null || { echo "error: npm not found (apt-get install -y nodejs npm)" >&2; exit 1; }

case "$(realpath -m "$dest")/" in
  "$(realpath "$(dirname "$0")/../..")/"*) echo "error: $dest is inside the repository; choose a folder outside it" >&2; exit 1 ;;
esac

mkdir -p "$dest"
# Copy the files (not the read-only permissions: npm writes next to them).
for f in "$src"/*; do
  install -m 0644 "$f" "$dest/$(basename "$f")"
done

stamp="$dest/node_modules/.chord-lock.sha256"
want="$(sha256sum "$dest/package-lock.json" | cut -d' ' -f1)"
if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" && -d "$dest/node_modules/node-llama-cpp" ]]; then
  echo "llama.cpp reference already set up in $dest"
else
  echo "npm ci in $dest ..."
  (cd "$dest" && NODE_LLAMA_CPP_SKIP_DOWNLOAD=true npm ci --no-audit --no-fund)
  echo "$want" > "$stamp"
fi

# bw.c: the memory-bandwidth probe the benchmark notes quote.
if command -v gcc >/dev/null && [[ ! -x "$dest/bw" || "$dest/bw.c" -nt "$dest/bw" ]]; then
  gcc -O3 -march=native -fopenmp -o "$dest/bw" "$dest/bw.c"
fi
echo "ready: node $dest/bench.mjs --help  |  OMP_NUM_THREADS=2 $dest/bw 1024 10"
