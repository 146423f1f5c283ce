#!/usr/bin/env bash
# Makes the documentation screenshots from the running app: docs/screenshots/{main-light,main-dark,
# settings,error}.png. Uses Xvfb when it is installed (full rendering), else Qt's offscreen platform.
# The app runs with temporary chats and settings (chord --screenshot-dir), so nothing of yours is touched.
#   scripts/screenshots.sh [BUILD_DIR] [MODEL.gguf]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build/release}"
model="${2:-$root/resources/models/stories260K.gguf}"
chord="$build/bin/chord"
out="$root/docs/screenshots"
[ -x "$chord" ] || { echo "screenshots: $chord not found; build first (cmake --build $build --target chord)" >&2; exit 1; }
[ -f "$model" ] || { echo "screenshots: model $model not found" >&2; exit 1; }
mkdir -p "$out"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
export XDG_CONFIG_HOME="$scratch/config" XDG_DATA_HOME="$scratch/data" XDG_STATE_HOME="$scratch/state" XDG_CACHE_HOME="$scratch/cache"
export QT_QUICK_CONTROLS_STYLE=Basic
if command -v xvfb-run >/dev/null 2>&1; then
  xvfb-run -a -s "-screen 0 1600x1000x24" "$chord" --screenshot-dir "$out" --model "$model"
else
  QT_QPA_PLATFORM=offscreen "$chord" --screenshot-dir "$out" --model "$model"
fi
ls -l "$out"
