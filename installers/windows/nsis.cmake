# NSIS installer settings (CPack). The installer copies the deployed app (windows.cmake runs windeployqt),
# adds a Start-menu shortcut (CPACK_PACKAGE_EXECUTABLES) and an uninstaller, which CPack's NSIS template
# always writes and registers under "Add or remove programs". It also associates .gguf files with Chord.
# These variables are set on every platform so that `cpack -G NSIS` on Linux can run makensis over the
# generated script (a syntax and completeness check; the result is not a working Windows installer there).
set(CPACK_NSIS_PACKAGE_NAME "Chord")
set(CPACK_NSIS_DISPLAY_NAME "Chord ${PROJECT_VERSION}")
set(CPACK_NSIS_MUI_ICON ${CMAKE_CURRENT_SOURCE_DIR}/windows/chord.ico)
set(CPACK_NSIS_MUI_UNIICON ${CMAKE_CURRENT_SOURCE_DIR}/windows/chord.ico)
set(CPACK_NSIS_INSTALLED_ICON_NAME "bin\\\\chord.exe")
set(CPACK_NSIS_ENABLE_UNINSTALL_BEFORE_INSTALL ON)
set(CPACK_NSIS_MODIFY_PATH OFF)
set(CPACK_NSIS_MUI_FINISHPAGE_RUN chord.exe)
set(CPACK_NSIS_URL_INFO_ABOUT "")

# .gguf -> Chord. SHCTX is HKLM for an all-users install and HKCU otherwise (the template picks it).
# CPackConfig.cmake stores these in a quoted string, hence \\ and \" for one \ and one ".
# On uninstall the extension is released only if it still points at Chord.
set(CPACK_NSIS_EXTRA_INSTALL_COMMANDS [=[
  WriteRegStr SHCTX 'Software\\Classes\\.gguf' '' 'Chord.GGUF'
  WriteRegStr SHCTX 'Software\\Classes\\Chord.GGUF' '' 'GGUF language model'
  WriteRegStr SHCTX 'Software\\Classes\\Chord.GGUF\\DefaultIcon' '' '$INSTDIR\\bin\\chord.exe,0'
  WriteRegStr SHCTX 'Software\\Classes\\Chord.GGUF\\shell\\open\\command' '' '\"$INSTDIR\\bin\\chord.exe\" \"%1\"'
  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'
]=])
set(CPACK_NSIS_EXTRA_UNINSTALL_COMMANDS [=[
  ReadRegStr $0 SHCTX 'Software\\Classes\\.gguf' ''
  StrCmp $0 'Chord.GGUF' 0 +2
  DeleteRegKey SHCTX 'Software\\Classes\\.gguf'
  DeleteRegKey SHCTX 'Software\\Classes\\Chord.GGUF'
  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'
]=])
