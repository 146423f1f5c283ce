#!/usr/bin/env bash
# Installs the Debian 12 packages Chord's build, app and tests need. Idempotent: installs only what is
# missing. Run as root (or with sudo available). CHORD_SETUP_EXTRA="cross fuzz package" adds the tools
# of CI's extra stages.
set -euo pipefail

BUILD=(build-essential cmake ninja-build pkg-config git python3 libspdlog-dev libfmt-dev
       qt6-base-dev qt6-declarative-dev qt6-declarative-dev-tools qt6-tools-dev-tools libgl-dev)
# QML runtime modules are separate packages and are not pulled in by the -dev packages.
RUNTIME=(qml6-module-qtqml qml6-module-qtqml-models qml6-module-qtqml-workerscript qml6-module-qtquick
         qml6-module-qtquick-window qml6-module-qtquick-templates qml6-module-qtquick-controls
         qml6-module-qtquick-layouts qml6-module-qtquick-dialogs qml6-module-qt-labs-folderlistmodel
         qml6-module-qt-labs-qmlmodels qml6-module-qt-labs-platform libqt6sql6-sqlite qt6-qpa-plugins
         qt6-wayland fonts-dejavu-core)
TESTS=(qml6-module-qttest python3-jinja2 xvfb xauth unicode-data)
EXTRA=()
for stage in ${CHORD_SETUP_EXTRA:-}; do
  case "$stage" in
    cross)   EXTRA+=(g++-aarch64-linux-gnu qemu-user libspdlog-dev:arm64 libfmt-dev:arm64 libc6:arm64 libstdc++6:arm64) ;;
    fuzz)    EXTRA+=(clang-14 libclang-rt-14-dev) ;;
    package) EXTRA+=(dpkg-dev file lintian desktop-file-utils appstream rpm nsis) ;;
  esac
done

missing=()
for p in "${BUILD[@]}" "${RUNTIME[@]}" "${TESTS[@]}" "${EXTRA[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#BUILD[@]}+${#RUNTIME[@]}+${#TESTS[@]}+${#EXTRA[@]} packages present"
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
# The aarch64 cross build links Debian's arm64 spdlog/fmt (multiarch).
if printf '%s\n' "${missing[@]}" | grep -q ':arm64$' && ! dpkg --print-foreign-architectures | grep -qx arm64; then
  $SUDO dpkg --add-architecture arm64
fi
echo "setup: installing ${missing[*]}"
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
