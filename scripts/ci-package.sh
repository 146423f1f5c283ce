#!/usr/bin/env bash
# CI stage: the Linux installers. Builds the .deb/.rpm/.tar.gz with CPack from the release build, runs
# lintian, checks the .deb's Depends against what the app really loads, installs the .deb with apt, runs the
# installed chord offscreen on the installed default model until it has generated tokens, checks the desktop
# integration files are where desktop environments look, purges the package and checks nothing is left.
# Finally makensis must accept the generated NSIS script. Needs root (apt) and CHORD_SETUP_EXTRA=package.
# Environment: CHORD_PACKAGE_BUILD_DIR (default build/release).
set -euo pipefail
cd "$(dirname "$0")/.."
SRC=$PWD
BUILD=$(realpath "${CHORD_PACKAGE_BUILD_DIR:-build/release}")
OUT=$BUILD/packages
APP_ID=org.chordapp.Chord
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
APT=($SUDO env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 -y -q)
start=$(date +%s)
step() { echo "--- package: $1 ($(( $(date +%s) - start ))s)"; }
fail() { echo "ci-package: FAILED: $*" >&2; exit 1; }

CHORD_SETUP_EXTRA=package ./scripts/setup-debian.sh
# A previous failed run must not leave Chord installed; neither may this one.
cleanup() { dpkg-query -W -f='${Status}' chord 2>/dev/null | grep -q installed && "${APT[@]}" purge chord >/dev/null || true; }
cleanup
trap cleanup EXIT

step "install files in $BUILD (the release build made bin/chord)"
[ -x "$BUILD/bin/chord" ] || fail "$BUILD/bin/chord missing: run the release build first (scripts/test.sh)"
cmake "$BUILD" >/dev/null
cmake --build "$BUILD" --target chord_linux_install_files
version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$BUILD/CMakeCache.txt")
[ -n "$version" ] || fail "no project version in $BUILD/CMakeCache.txt"

step "cpack DEB RPM TGZ (version $version)"
rm -rf "$OUT"
(cd "$BUILD" && cpack -G "DEB;RPM;TGZ" -B "$OUT" >/dev/null) || fail "cpack"
deb=$(ls "$OUT"/chord_"$version"_*.deb)
rpm=$(ls "$OUT"/chord-"$version"-*.rpm)
tgz=$(ls "$OUT"/chord-"$version"-*.tar.gz)
ls -l "$deb" "$rpm" "$tgz"
for field in Version Depends Recommends; do echo "$field: $(dpkg-deb -f "$deb" "$field")"; done
# Lists first: grep -q closing a pipe early would fail the pipeline (pipefail).
rpm_files=$(rpm -qpl "$rpm" 2>/dev/null)
tgz_files=$(tar -tzf "$tgz")
for f in usr/bin/chord usr/share/chord/models/stories260K.gguf usr/share/applications/$APP_ID.desktop; do
  grep -qx "/$f" <<<"$rpm_files" || fail "$rpm lacks /$f"
  grep -q "/${f#usr/}$" <<<"$tgz_files" || fail "$tgz lacks ${f#usr/}"
done
! grep -q -E '/bin/chord-' <<<"$rpm_files$tgz_files" || fail "the engine's developer tools were packaged"
echo "rpm and tar.gz hold the app, the model and the launcher"

step "lintian"
lintian_log=$OUT/lintian.txt
lintian --fail-on error --display-info "$deb" | tee "$lintian_log" || fail "lintian reports errors (see above)"
echo "lintian: $(grep -c '^E:' "$lintian_log" || true) errors, $(grep -c '^W:' "$lintian_log" || true) warnings, $(grep -c '^I:' "$lintian_log" || true) infos"

step "install with apt-get install ./$(basename "$deb")"
cp "$deb" /tmp/ && (cd /tmp && "${APT[@]}" install "./$(basename "$deb")" >/dev/null) || fail "apt-get install"
rm -f "/tmp/$(basename "$deb")"
mapfile -t installed < <(dpkg -L chord)
echo "${#installed[@]} paths installed"

step "installed chord: --version, --self-test on the installed model"
got=$(cd / && /usr/bin/chord --version)
[ "$got" = "chord $version" ] || fail "chord --version printed '$got', expected 'chord $version'"
echo "$got"
selftest_log=$OUT/self-test.txt
(cd / && env -u CHORD_SIMD QT_QPA_PLATFORM=offscreen HOME="$(mktemp -d)" LD_DEBUG=files LD_DEBUG_OUTPUT="$OUT/ld" \
   timeout 300 /usr/bin/chord --self-test) | tee "$selftest_log" || fail "chord --self-test failed"
grep -qx "model: /usr/share/chord/models/stories260K.gguf" "$selftest_log" || fail "self-test did not use the installed model"
grep -qE "^reply \([1-9][0-9]* tokens" "$selftest_log" || fail "self-test generated no tokens"
# The launcher passes the file (Exec=chord %f): the same run through a positional file argument.
(cd / && QT_QPA_PLATFORM=offscreen HOME="$(mktemp -d)" timeout 300 /usr/bin/chord --self-test \
   /usr/share/chord/models/stories260K.gguf) | grep -E "^reply \([1-9]" || fail "chord FILE.gguf --self-test"

step "dependencies: QML imports, linked and loaded libraries -> Debian packages -> Depends"
cat "$OUT"/ld.* > "$OUT/ld-debug.txt" && rm -f "$OUT"/ld.*
python3 tests/installers/check_deb_depends.py --deb "$deb" --binary /usr/bin/chord --qml-dir "$SRC/qml" \
  --loaded "$OUT/ld-debug.txt" || fail "Depends is incomplete"

step "desktop integration where desktop environments look"
tests/installers/check_desktop_integration.sh installed || fail "desktop integration"

step "purge and look for leftovers"
"${APT[@]}" purge chord >/dev/null || fail "apt-get purge chord"
dpkg-query -W -f='${Status}' chord 2>/dev/null | grep -q "installed" && fail "chord still installed"
left=()
for path in "${installed[@]}"; do
  # Shared directories (/usr, /usr/share/icons/...) stay; anything that is a file, or a directory of Chord's own, must go.
  if [ -e "$path" ] && { [ ! -d "$path" ] || [[ "$path" == */chord || "$path" == */chord/* ]]; }; then left+=("$path"); fi
done
[ ${#left[@]} -eq 0 ] || fail "left behind after purge: ${left[*]}"
tests/installers/check_desktop_integration.sh removed || fail "caches still name Chord after purge"
echo "nothing left behind (${#installed[@]} paths checked)"

step "makensis accepts the NSIS script (a Linux-content installer: syntax and completeness check only)"
(cd "$BUILD" && cpack -G NSIS -B "$OUT/nsis" >/dev/null) || fail "cpack -G NSIS / makensis"
ls -l "$OUT"/nsis/*.exe

step "done"
