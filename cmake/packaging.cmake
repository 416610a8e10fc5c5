# Why this exists: `cmake --install` and the .deb put cchcd in place as a
# Debian service — its configuration file, its systemd unit, the operator's
# guide — and CPack builds the package from the same install rules
# (docs/operate.md). Build the package with the prefix it will live under:
#   cmake -S . -B build/deb -DCMAKE_INSTALL_PREFIX=/usr -DCCHC_TESTS=OFF
#   cmake --build build/deb && (cd build/deb && cpack -G DEB)
# (tests/deploy/package_deb.sh does exactly that and checks the result).
include(GNUInstallDirs)

# Where cchcd looks for its settings when --config and CCHC_CONFIG are not
# given: /etc/cchc/cchcd.conf under the prefix /usr, else PREFIX/etc/cchc.
set(CCHCD_CONF "${CMAKE_INSTALL_FULL_SYSCONFDIR}/cchc/cchcd.conf")
target_compile_definitions(cchcd PRIVATE CCHCD_DEFAULT_CONFIG="${CCHCD_CONF}")

# systemd reads units from PREFIX/lib/systemd/system for /usr and /usr/local
set(CCHC_SYSTEMD_UNIT_DIR "${CMAKE_INSTALL_PREFIX}/lib/systemd/system"
    CACHE PATH "where cchcd.service is installed")
set(CCHCD_BIN "${CMAKE_INSTALL_FULL_BINDIR}/cchcd")
configure_file(${PROJECT_SOURCE_DIR}/dist/systemd/cchcd.service.in
               ${PROJECT_BINARY_DIR}/dist/cchcd.service @ONLY)

install(FILES ${PROJECT_SOURCE_DIR}/dist/cchcd.conf
        DESTINATION ${CMAKE_INSTALL_FULL_SYSCONFDIR}/cchc
        PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ)
install(FILES ${PROJECT_BINARY_DIR}/dist/cchcd.service DESTINATION ${CCHC_SYSTEMD_UNIT_DIR})
install(FILES ${PROJECT_SOURCE_DIR}/docs/operate.md DESTINATION ${CMAKE_INSTALL_DOCDIR})

# --- the .deb --------------------------------------------------------------
# Debian Policy 5.6.2 makes Maintainer mandatory and "name <email>"; the
# project publishes no contact address (README has none), so the default
# names the project, not a person, with an address under example.org
# (RFC 2606: reserved, never delivered) rather than an invented one. A
# release sets the real one: -DCCHC_PACKAGE_MAINTAINER="… <…>" (docs/operate.md).
set(CCHC_PACKAGE_MAINTAINER "cchc developers <cchc@example.org>"
    CACHE STRING "the Maintainer field of the .deb: NAME <EMAIL> (Debian Policy 5.6.2)")
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME cchc)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX ${CMAKE_INSTALL_PREFIX})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "Plan 121/KH-UBND reporting server (cchcd) and client (cchc)")
set(CPACK_PACKAGE_DESCRIPTION
    "cchcd stores Can Tho City's administrative-reform plan and every periodic progress
report in PostgreSQL and serves them over TLS; cchc is the command-line client district
and commune offices, lead agencies and Sở Nội vụ use. Ships the systemd service
cchcd.service (user cchc) configured by /etc/cchc/cchcd.conf.")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${CCHC_PACKAGE_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# the shared libraries' packages, found by dpkg-shlibdeps from the binaries;
# passwd for useradd/groupadd in postinst, procps for the unit's /bin/kill
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "passwd, procps")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "postgresql (>= 15)")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "haproxy")
file(WRITE ${PROJECT_BINARY_DIR}/dist/conffiles "${CCHCD_CONF}\n")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${PROJECT_SOURCE_DIR}/dist/deb/postinst
    ${PROJECT_SOURCE_DIR}/dist/deb/prerm
    ${PROJECT_SOURCE_DIR}/dist/deb/postrm
    ${PROJECT_BINARY_DIR}/dist/conffiles)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
