# Cross-compile the Qt-free engine and its tests for aarch64; CTest runs them under qemu.
# Libraries (spdlog, fmt) come from Debian multiarch (/usr/lib/aarch64-linux-gnu, e.g. libspdlog-dev:arm64),
# so the host's root is searched too; CMAKE_LIBRARY_ARCHITECTURE keeps it to the arm64 directories.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)
set(CMAKE_FIND_ROOT_PATH /usr/aarch64-linux-gnu /)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
# qemu runs the tests on Debian's arm64 multiarch runtime (libc6:arm64, which libspdlog-dev:arm64 pulls in): its
# ld.so and libc always match. With -L /usr/aarch64-linux-gnu the cross package's ld.so (glibc 2.36-8cross1) loaded
# the multiarch libc.so.6 (2.36-9+deb12u*), and every pthread_create looped forever inside the mismatched pair.
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64 -L / CACHE STRING "")
