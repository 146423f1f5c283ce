# macOS: chord becomes Chord.app (Info.plist with the .gguf document type, icns), macdeployqt copies Qt's
# frameworks, plugins and the QML modules the app imports into the bundle at install time, and CPack's
# DragNDrop generator wraps it in a .dmg with a link to /Applications.
# app/CMakeLists.txt must install the bundle with `BUNDLE DESTINATION .` (see installers/README.md).
set(CHORD_ICNS ${CMAKE_CURRENT_SOURCE_DIR}/macos/chord.icns)
set_source_files_properties(${CHORD_ICNS} PROPERTIES MACOSX_PACKAGE_LOCATION Resources)
target_sources(chord PRIVATE ${CHORD_ICNS})
set_target_properties(chord PROPERTIES
  MACOSX_BUNDLE ON
  OUTPUT_NAME Chord
  MACOSX_BUNDLE_INFO_PLIST ${CMAKE_CURRENT_SOURCE_DIR}/macos/Info.plist.in
  MACOSX_BUNDLE_BUNDLE_NAME Chord
  MACOSX_BUNDLE_EXECUTABLE_NAME Chord
  MACOSX_BUNDLE_GUI_IDENTIFIER ${CHORD_APP_ID}
  MACOSX_BUNDLE_ICON_FILE chord.icns
  MACOSX_BUNDLE_SHORT_VERSION_STRING ${PROJECT_VERSION}
  MACOSX_BUNDLE_BUNDLE_VERSION ${PROJECT_VERSION}
  MACOSX_BUNDLE_COPYRIGHT "Copyright 2026 The Chord developers")

find_program(CHORD_MACDEPLOYQT macdeployqt HINTS "${QT6_INSTALL_PREFIX}/${QT6_INSTALL_BINS}" REQUIRED)

# The app looks for its bundled model in <executable dir>/../share/chord/models, i.e. Contents/share inside
# the bundle.
install(FILES ${CHORD_DEFAULT_MODEL} DESTINATION Chord.app/Contents/share/chord/models)
install(CODE "
  set(chord_app \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/Chord.app\")
  execute_process(COMMAND \"${CHORD_MACDEPLOYQT}\" \"\${chord_app}\" -qmldir=${PROJECT_SOURCE_DIR}/qml -always-overwrite
                  RESULT_VARIABLE chord_deploy_result)
  if(NOT chord_deploy_result EQUAL 0)
    message(FATAL_ERROR \"macdeployqt failed on \${chord_app}\")
  endif()
")
