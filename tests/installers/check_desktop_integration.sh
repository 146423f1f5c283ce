#!/usr/bin/env bash
# Checks Chord's freedesktop.org integration on this machine, after the package was installed or removed:
#   check_desktop_integration.sh installed   launcher, icons, AppStream, MIME type and .gguf -> Chord
#   check_desktop_integration.sh removed     the system caches no longer name Chord or its MIME type
# The caches (mimeinfo.cache, the MIME database) are rebuilt by Debian's triggers; they are checked only when
# the tool that builds them is installed.
set -euo pipefail
APP_ID=org.chordapp.Chord
DESKTOP=/usr/share/applications/$APP_ID.desktop
HICOLOR=/usr/share/icons/hicolor
fail() { echo "desktop integration: $*" >&2; exit 1; }

case "${1:-}" in
installed)
  [ -f "$DESKTOP" ] || fail "no launcher at $DESKTOP"
  desktop-file-validate "$DESKTOP" || fail "desktop-file-validate $DESKTOP"
  exec_bin=$(sed -n 's/^Exec=\([^ ]*\).*/\1/p' "$DESKTOP")
  command -v "$exec_bin" >/dev/null || fail "Exec=$exec_bin is not on PATH"
  icon=$(sed -n 's/^Icon=//p' "$DESKTOP")
  [ -f "$HICOLOR/scalable/apps/$icon.svg" ] || fail "no scalable icon $HICOLOR/scalable/apps/$icon.svg"
  for size in 16 24 32 48 64 128 256 512; do
    png=$HICOLOR/${size}x${size}/apps/$icon.png
    file "$png" | grep -q "PNG image data, $size x $size" || fail "$png missing or not ${size}x${size}"
  done
  echo "launcher $DESKTOP valid, Exec=$exec_bin on PATH, icon $icon: SVG + 8 PNG sizes in hicolor"
  appstreamcli validate --no-net "/usr/share/metainfo/$APP_ID.metainfo.xml" || fail "appstreamcli validate"
  grep -q "^MimeType=.*application/x-gguf;" "$DESKTOP" || fail "launcher does not claim application/x-gguf"
  [ -f "/usr/share/mime/packages/$APP_ID.xml" ] || fail "no MIME type definition"
  if command -v update-mime-database >/dev/null; then
    [ -f /usr/share/mime/application/x-gguf.xml ] || fail "MIME database was not rebuilt with application/x-gguf"
    grep -q ':application/x-gguf:\*\.gguf' /usr/share/mime/globs2 || fail "*.gguf glob not in the MIME database"
  fi
  if command -v update-desktop-database >/dev/null; then
    grep -q "^application/x-gguf=.*$APP_ID.desktop" /usr/share/applications/mimeinfo.cache ||
      fail "mimeinfo.cache does not map application/x-gguf to $APP_ID.desktop"
  fi
  if command -v gio >/dev/null; then
    # What a file manager does on double-click: content type of a .gguf, then the default application for it.
    model=/usr/share/chord/models/stories260K.gguf
    type=$(gio info -a standard::content-type "$model" | sed -n 's/^ *standard::content-type: //p')
    [ "$type" = application/x-gguf ] || fail "gio sees $model as '$type'"
    gio mime application/x-gguf | grep -q "$APP_ID.desktop" || fail "gio: no application for application/x-gguf"
    echo "double-click: $model is $type, opened by $(gio mime application/x-gguf | head -1 | sed 's/.*: //')"
  fi
  ;;
removed)
  [ ! -e /usr/share/mime/application/x-gguf.xml ] || fail "MIME database still has application/x-gguf"
  ! grep -q "$APP_ID" /usr/share/applications/mimeinfo.cache 2>/dev/null || fail "mimeinfo.cache still names $APP_ID"
  echo "MIME database and mimeinfo.cache no longer name Chord"
  ;;
*) echo "usage: $0 installed|removed" >&2; exit 2 ;;
esac
