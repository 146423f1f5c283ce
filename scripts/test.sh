#!/usr/bin/env bash
# Sets up a Debian 12 machine (installs missing packages), builds Chord with warnings as errors and runs
# every test with CTest. The README's test command and the first stage of CI.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup-debian.sh
cmake --preset release
cmake --build --preset release -j "$(nproc)"
ctest --preset release -j "$(nproc)"
