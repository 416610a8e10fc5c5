# Cross-compiles for 64-bit Windows with Debian's mingw-w64 (gcc-mingw-w64-x86-64).
# Used by scripts/build-windows for the client's dependencies and for cchc.exe:
# the libraries come from the prefix it builds (CCHC_WINDOWS_PREFIX, in the
# environment or as -D), zlib from Debian's libz-mingw-w64-dev, and every
# program (protoc-c, msgfmt, pkg-config) from the build machine.
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(CCHC_MINGW_TRIPLET x86_64-w64-mingw32)
set(CMAKE_C_COMPILER ${CCHC_MINGW_TRIPLET}-gcc)
set(CMAKE_RC_COMPILER ${CCHC_MINGW_TRIPLET}-windres)
set(CMAKE_AR ${CCHC_MINGW_TRIPLET}-ar CACHE FILEPATH "")
set(CMAKE_RANLIB ${CCHC_MINGW_TRIPLET}-ranlib CACHE FILEPATH "")

if(NOT CCHC_WINDOWS_PREFIX AND DEFINED ENV{CCHC_WINDOWS_PREFIX})
  set(CCHC_WINDOWS_PREFIX $ENV{CCHC_WINDOWS_PREFIX})
endif()
# try_compile projects read the toolchain file again: hand them the prefix
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES CCHC_WINDOWS_PREFIX)

set(CMAKE_FIND_ROOT_PATH /usr/${CCHC_MINGW_TRIPLET})
if(CCHC_WINDOWS_PREFIX)
  list(PREPEND CMAKE_FIND_ROOT_PATH ${CCHC_WINDOWS_PREFIX})
  # pkg-config looks only into the prefix, never at the build machine's .pc files
  set(ENV{PKG_CONFIG_LIBDIR} ${CCHC_WINDOWS_PREFIX}/lib/pkgconfig)
  set(ENV{PKG_CONFIG_PATH} "")
endif()
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
# static libraries first: a cchc.exe that needs no DLL beside it
set(CMAKE_FIND_LIBRARY_SUFFIXES .a .dll.a .lib)
# libgcc and the C runtime's helpers linked in, not as DLLs
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static")
