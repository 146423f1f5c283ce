#!/usr/bin/env bash
# The whole test suite (engine, app, QML, end-to-end, the `chord` smoke checks) built with g++'s
# AddressSanitizer + UndefinedBehaviorSanitizer (`asan` preset) and run under them with LeakSanitizer on.
# A sanitizer report stops the test and fails it. The memory soak test is left out by tests/CMakeLists.txt
# (the sanitizers' quarantine holds freed memory, so RSS bounds mean nothing there).
# The test preset sets the sanitizer options and the leak suppressions for Debian's own libraries
# (tests/sanitizers/lsan.supp; our code is never suppressed). It unwinds with DWARF on every allocation
# (fast_unwind_on_malloc=0): Debian's Qt has no frame pointers, so the fast unwinder stops at the first Qt
# frame and a suppression could only match on a bare allocator name; this about doubles the tests' time.
#
# Not a CI stage: it builds the Qt app too (about twice the engine's build), and the project keeps CI under
# 30 minutes by limiting sanitizer builds there to the engine (scripts/ci-asan.sh). Run it by hand:
#   scripts/asan-all.sh            configure, build everything, run every test
#   JOBS=1 scripts/asan-all.sh     fewer parallel jobs on a busy machine
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup-debian.sh
jobs="${JOBS:-$(nproc)}"
cmake --preset asan
cmake --build --preset asan -j "$jobs"
ctest --preset asan -j "$jobs"
