# The recipe of the Windows build of cchc's dependencies: how each Debian
# source package is configured and built with mingw-w64 into one static
# prefix. Sourced by scripts/build-windows; its bytes are part of the cache
# key of /var/cache/cchc-windows/<key>/, so any change here rebuilds.
#
# Every build is trimmed to the library cchc.exe links: no programs, tests,
# examples or documentation (the first run of the suite must stay within
# its time), static only (cchc.exe needs no DLL beside it).
#
# Expects: HOST (x86_64-w64-mingw32), PREFIX, JOBS, TOOLCHAIN (the CMake
# toolchain file), and the current directory set to the unpacked source.

# The source packages, in build order (zlib is not among them: it is
# Debian's libz-mingw-w64-dev, already built for mingw).
# OpenSSL, by far the longest, comes last: a recipe that fails elsewhere
# fails before it.
WINDOWS_SOURCE_PACKAGES=(protobuf-c libsodium jansson libcsv utf8proc libxlsxwriter
                         libzip expat gettext openssl)

# zlib: the binary package's static library and headers, copied so that the
# prefix alone holds everything (and its .pc names the static libz.a).
windows_dep_zlib() {
  local sys=/usr/$HOST
  mkdir -p "$PREFIX/lib/pkgconfig" "$PREFIX/include"
  cp "$sys/lib/libz.a" "$PREFIX/lib/"
  cp "$sys/include/zlib.h" "$sys/include/zconf.h" "$PREFIX/include/"
  cat >"$PREFIX/lib/pkgconfig/zlib.pc" <<EOF
prefix=$PREFIX
libdir=\${prefix}/lib
includedir=\${prefix}/include
Name: zlib
Description: zlib compression library (Debian libz-mingw-w64-dev)
Version: $(dpkg-query -W -f='${Version}' libz-mingw-w64-dev)
Libs: -L\${libdir} -lz
Cflags: -I\${includedir}
EOF
}

windows_autotools() {
  ./configure --host="$HOST" --prefix="$PREFIX" --libdir="$PREFIX/lib" \
    --enable-static --disable-shared --disable-dependency-tracking \
    CFLAGS="-O2" "$@"
}

windows_cmake() {
  local src=$1; shift
  cmake -S "$src" -B _build -G "Unix Makefiles" \
    -DCMAKE_TOOLCHAIN_FILE="$TOOLCHAIN" -DCCHC_WINDOWS_PREFIX="$PREFIX" \
    -DCMAKE_INSTALL_PREFIX="$PREFIX" -DCMAKE_INSTALL_LIBDIR=lib \
    -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=OFF \
    -DZLIB_LIBRARY="$PREFIX/lib/libz.a" -DZLIB_INCLUDE_DIR="$PREFIX/include" "$@"
  cmake --build _build -j"$JOBS"
  cmake --install _build
}

# the C runtime library only; protoc-c (C++, needs libprotoc) runs on the build machine
windows_dep_protobuf-c() {
  windows_autotools --disable-protoc
  make -j"$JOBS" install-libLTLIBRARIES install-nobase_includeHEADERS install-pkgconfigDATA
}

# Debian's source has no configure (it is made by autoreconf at package
# build): the library's C files are compiled with CMake instead, portable
# C only (the SIMD variants compile empty without their HAVE_*INTRIN_H),
# with the version header libsodium keeps for its MSVC build.
windows_dep_libsodium() {
  mkdir -p _cmake
  cat >_cmake/CMakeLists.txt <<'EOF'
cmake_minimum_required(VERSION 3.21)
project(sodium C)
set(S ${CMAKE_CURRENT_SOURCE_DIR}/../src/libsodium)
file(GLOB_RECURSE SOURCES ${S}/*.c)
configure_file(${S}/../../builds/msvc/version.h ${S}/include/sodium/version.h COPYONLY)
add_library(sodium STATIC ${SOURCES})
target_include_directories(sodium PRIVATE ${S}/include ${S}/include/sodium)
target_compile_definitions(sodium PRIVATE CONFIGURED=1 SODIUM_STATIC NATIVE_LITTLE_ENDIAN)
install(TARGETS sodium ARCHIVE DESTINATION lib)
install(DIRECTORY ${S}/include/ DESTINATION include FILES_MATCHING PATTERN "*.h"
        PATTERN private EXCLUDE)
EOF
  windows_cmake _cmake
  local version
  version=$(sed -n 's/^#define SODIUM_VERSION_STRING "\(.*\)"/\1/p' builds/msvc/version.h)
  cat >"$PREFIX/lib/pkgconfig/libsodium.pc" <<EOF
prefix=$PREFIX
Name: libsodium
Description: A modern and easy-to-use crypto library (static, Windows)
Version: $version
Libs: -L\${prefix}/lib -lsodium -ladvapi32
Cflags: -I\${prefix}/include -DSODIUM_STATIC
EOF
}

windows_dep_jansson() {
  windows_cmake . -DJANSSON_BUILD_DOCS=OFF -DJANSSON_EXAMPLES=OFF -DJANSSON_WITHOUT_TESTS=ON
}

windows_dep_libcsv() {
  windows_autotools
  make -j"$JOBS" install
}

windows_dep_utf8proc() {
  windows_cmake . -DUTF8PROC_ENABLE_TESTING=OFF
  if [[ ! -f $PREFIX/lib/pkgconfig/libutf8proc.pc ]]; then
    cat >"$PREFIX/lib/pkgconfig/libutf8proc.pc" <<EOF
prefix=$PREFIX
Name: libutf8proc
Description: UTF8 processing (static, Windows)
Version: $(sed -n 's/^#define UTF8PROC_VERSION_\(MAJOR\|MINOR\|PATCH\) \([0-9]*\)/\2/p' utf8proc.h | paste -sd.)
Libs: -L\${prefix}/lib -lutf8proc
Cflags: -I\${prefix}/include
EOF
  fi
  windows_pc_cflags libutf8proc -DUTF8PROC_STATIC
}

# libcrypto and libssl only: no apps, tests, engines, modules or legacy
# provider (cchc is a TLS client); build_libs skips the programs.
windows_dep_openssl() {
  env -u CC -u CFLAGS ./Configure mingw64 --cross-compile-prefix="$HOST-" \
    --prefix="$PREFIX" --libdir=lib --openssldir="$PREFIX/ssl" \
    no-shared no-tests no-module no-legacy no-engine no-dso no-comp no-ui-console
  make -j"$JOBS" build_libs
  make install_dev
}

# its CMakeLists enables C++ for its tests only; there is no mingw C++
# compiler here (g++-mingw-w64 is not needed otherwise)
windows_dep_libxlsxwriter() {
  sed -i 's/^enable_language(CXX)/# (cchc: C only) &/' CMakeLists.txt
  # its "#ifdef __MINGW32__ / #undef _WIN32" makes a mingw build open files
  # with the narrow fopen (the ANSI code page: no Vietnamese paths); without
  # it libxlsxwriter takes its own wide path (_wfopen, minizip's iowin32),
  # which its CMakeLists compiles for MSVC only
  sed -i '/^#ifdef __MINGW32__$/{N;N;/#undef _WIN32\n#endif/d}' src/packager.c src/utility.c
  ! grep -q '^#undef _WIN32' src/packager.c src/utility.c
  sed -i 's|^    if(MSVC)$|    if(WIN32) # (cchc: mingw too)|' CMakeLists.txt
  grep -q 'if(WIN32) # (cchc: mingw too)' CMakeLists.txt
  # iowin32 creates the .xlsx with no sharing; cchc hands it the name of a
  # temporary file it made itself (CREATE_NEW) and holds open until it
  # moves it into place (client/core/file_write.c): let the two handles share
  sed -i 's/^\( *\*lpdwCreationDisposition = CREATE_ALWAYS;\)$/\1 *lpdwShareMode = FILE_SHARE_READ | FILE_SHARE_WRITE;/' \
    third_party/minizip/iowin32.c
  grep -q 'CREATE_ALWAYS; \*lpdwShareMode = FILE_SHARE_READ | FILE_SHARE_WRITE;' third_party/minizip/iowin32.c
  windows_cmake . -DBUILD_TESTS=OFF -DBUILD_EXAMPLES=OFF -DUSE_SYSTEM_MINIZIP=OFF
}

# deflate through zlib only: no bzip2/lzma/zstd and no encryption backend
# (cchc reads and writes plain .xlsx)
windows_dep_libzip() {
  windows_cmake . -DENABLE_COMMONCRYPTO=OFF -DENABLE_GNUTLS=OFF -DENABLE_MBEDTLS=OFF \
    -DENABLE_OPENSSL=OFF -DENABLE_WINDOWS_CRYPTO=OFF -DENABLE_BZIP2=OFF -DENABLE_LZMA=OFF \
    -DENABLE_ZSTD=OFF -DBUILD_TOOLS=OFF -DBUILD_REGRESS=OFF -DBUILD_EXAMPLES=OFF -DBUILD_DOC=OFF
  windows_pc_cflags libzip -DZIP_STATIC
}

# Debian's security patches test "#if XML_DTD == 1" (autotools' config.h
# says 1); CMake's template defines XML_DTD empty: give it the 1
windows_dep_expat() {
  sed -i 's/^#cmakedefine XML_DTD$/#cmakedefine XML_DTD 1/; s/^#cmakedefine XML_NS$/#cmakedefine XML_NS 1/' \
    expat/expat_config.h.cmake
  windows_cmake expat -DEXPAT_BUILD_TOOLS=OFF -DEXPAT_BUILD_EXAMPLES=OFF -DEXPAT_BUILD_TESTS=OFF \
    -DEXPAT_BUILD_DOCS=OFF -DEXPAT_SHARED_LIBS=OFF -DEXPAT_BUILD_FUZZERS=OFF
  windows_pc_cflags expat -DXML_STATIC
}

# libintl of gettext-runtime only (the programs, libasprintf and the
# catalogues of gettext itself are not built). Without iconv: Debian has no
# win-iconv source in this release, and cchc's catalogue and output are both
# UTF-8, so libintl has nothing to convert.
windows_dep_gettext() {
  # Debian's patches leave m4 files newer than configure and the
  # Makefile.in: make would run automake and autoconf, which the build
  # does not need (the upstream configure serves) nor have
  find . \( -name aclocal.m4 -o -name configure -o -name Makefile.in -o -name config.h.in \) \
    -exec touch -d "@$(date +%s)" {} +
  cd gettext-runtime
  windows_autotools --disable-java --disable-csharp --disable-libasprintf --disable-openmp \
    --disable-rpath --without-libiconv-prefix --without-libintl-prefix --without-emacs \
    --disable-c++ am_cv_func_iconv=no
  make -C intl -j"$JOBS"
  make -C intl install
  [[ -f $PREFIX/lib/libintl.a && -f $PREFIX/include/libintl.h ]]
  cat >"$PREFIX/lib/pkgconfig/intl.pc" <<EOF
prefix=$PREFIX
Name: intl
Description: GNU gettext's libintl (static, Windows, no iconv)
Version: $(sed -n 's/^PACKAGE_VERSION=.\([^'"'"']*\).*/\1/p' configure | head -1)
Libs: -L\${prefix}/lib -lintl
Cflags: -I\${prefix}/include
EOF
  cd ..
}

# adds a definition the headers need to link a static library on Windows
# (without it they declare the functions __declspec(dllimport))
windows_pc_cflags() {
  local pc=$PREFIX/lib/pkgconfig/$1.pc; shift
  sed -i "s|^Cflags:\(.*\)$|Cflags:\1 $*|" "$pc"
}

# Everything in the prefix is static, so what a .pc keeps "private" (for a
# shared library) is what every user must link: folded into Libs/Requires,
# because CMake's pkg_check_modules(IMPORTED_TARGET) reads only those.
windows_pc_static() {
  local pc
  for pc in "$PREFIX"/lib/pkgconfig/*.pc; do
    awk '
      /^Libs\.private:/    { lp = lp " " substr($0, 15); next }
      /^Requires\.private:/ { rp = rp " " substr($0, 19); next }
      { lines[++n] = $0 }
      END {
        for (i = 1; i <= n; i++) {
          l = lines[i]
          if (l ~ /^Libs:/) l = l lp
          if (l ~ /^Requires:/ && rp != "") {
            l = (l ~ /^Requires:[ \t]*$/) ? "Requires:" rp : l "," rp
            rp = ""
          }
          print l
        }
        if (rp != "") print "Requires:" rp
      }' "$pc" >"$pc.new"
    mv "$pc.new" "$pc"
  done
}
