# Linux desktop integration (freedesktop.org): launcher, AppStream metainfo, MIME type for .gguf, hicolor
# icons, man page and the Debian copyright/changelog. Debian's triggers (desktop-file-utils,
# shared-mime-info, hicolor-icon-theme) refresh their caches when these files are installed or removed,
# so the package needs no maintainer scripts.
set(linux ${CMAKE_CURRENT_SOURCE_DIR}/linux)
set(generated ${CMAKE_CURRENT_BINARY_DIR}/linux)

configure_file(${linux}/${CHORD_APP_ID}.metainfo.xml.in ${generated}/${CHORD_APP_ID}.metainfo.xml @ONLY)
configure_file(${linux}/chord.1.in ${generated}/chord.1 @ONLY)
configure_file(${linux}/changelog.in ${generated}/changelog @ONLY)

# Debian wants compressed man pages and changelogs, gzip -n so the package is reproducible.
add_custom_command(OUTPUT ${generated}/chord.1.gz ${generated}/changelog.gz
  COMMAND gzip -9 -n -c ${generated}/chord.1 > ${generated}/chord.1.gz
  COMMAND gzip -9 -n -c ${generated}/changelog > ${generated}/changelog.gz
  DEPENDS ${generated}/chord.1 ${generated}/changelog
  COMMENT "Compressing the man page and changelog"
  VERBATIM)
add_custom_target(chord_linux_install_files ALL DEPENDS ${generated}/chord.1.gz ${generated}/changelog.gz)

install(FILES ${linux}/${CHORD_APP_ID}.desktop DESTINATION share/applications)
install(FILES ${generated}/${CHORD_APP_ID}.metainfo.xml DESTINATION share/metainfo)
install(FILES ${linux}/${CHORD_APP_ID}.mime.xml DESTINATION share/mime/packages RENAME ${CHORD_APP_ID}.xml)
install(FILES ${linux}/icons/chord.svg DESTINATION share/icons/hicolor/scalable/apps RENAME ${CHORD_APP_ID}.svg)
foreach(size ${CHORD_ICON_SIZES})
  install(FILES ${linux}/icons/chord-${size}.png DESTINATION share/icons/hicolor/${size}x${size}/apps
          RENAME ${CHORD_APP_ID}.png)
endforeach()
install(FILES ${generated}/chord.1.gz DESTINATION share/man/man1)
install(FILES ${CMAKE_CURRENT_SOURCE_DIR}/linux/copyright ${generated}/changelog.gz DESTINATION share/doc/chord)
