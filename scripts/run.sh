#!/usr/bin/env bash
# Sets up a Debian 12 machine, builds Chord and starts it on the bundled default model (stories260K).
# The README's main command. Extra arguments go to the program.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup-debian.sh
cmake --preset release
cmake --build --preset release -j "$(nproc)"
if [ -x build/release/bin/chord ]; then
  exec build/release/bin/chord --model resources/models/stories260K.gguf "$@"
fi
exec build/release/bin/chord-cli -m resources/models/stories260K.gguf -p "${CHORD_PROMPT:-Once upon a time}" -n 256 "$@"
