# Strict warnings for Chord's own targets only: Qt's generated sources (moc, qmlcachegen) fail -Wshadow.
function(chord_strict_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align
    -Wformat=2 -Wimplicit-fallthrough -Wmissing-declarations)
  if(CHORD_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
