# Windows: a GUI-subsystem chord.exe with its icon, Qt deployed next to it by windeployqt at install time
# (so the NSIS installer and the ZIP carry every Qt DLL, plugin and QML module the app imports), and the
# compiler's runtime libraries.
set_target_properties(chord PROPERTIES WIN32_EXECUTABLE ON)
target_sources(chord PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/windows/chord.rc)

find_program(CHORD_WINDEPLOYQT windeployqt HINTS "${QT6_INSTALL_PREFIX}/${QT6_INSTALL_BINS}" REQUIRED)

# Runs after app/'s install(TARGETS chord ...) rule, on the installed chord.exe. --qmldir makes windeployqt
# scan Chord's QML for imports; the static "Chord" module itself is inside the executable.
install(CODE "
  set(chord_exe \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/bin/chord.exe\")
  execute_process(COMMAND \"${CHORD_WINDEPLOYQT}\" --release --no-translations --no-compiler-runtime
                          --qmldir \"${PROJECT_SOURCE_DIR}/qml\" \"\${chord_exe}\"
                  RESULT_VARIABLE chord_deploy_result)
  if(NOT chord_deploy_result EQUAL 0)
    message(FATAL_ERROR \"windeployqt failed on \${chord_exe}\")
  endif()
")

set(CMAKE_INSTALL_SYSTEM_RUNTIME_DESTINATION bin)
include(InstallRequiredSystemLibraries)
