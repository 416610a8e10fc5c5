#!/bin/sh
# Runs the Windows client (cchc.exe, unpacked from the zip) under Wine as the
# end-to-end harness runs cchc: scripts/test's windows build sets
# CCHC_TEST_CLIENT to this script and CCHC_WINDOWS_EXE to the program.
# The harness gives each person a home in XDG_CONFIG_HOME; cchc.exe keeps
# its folder where CCHC_HOME says (%APPDATA%\cchc otherwise), so the same
# folder is named for it as a Windows path (Wine's Z: is the Unix root).
set -eu
: "${CCHC_WINDOWS_EXE:?the path of cchc.exe}"
if [ -n "${XDG_CONFIG_HOME:-}" ]; then
  CCHC_HOME="Z:$(printf '%s' "$XDG_CONFIG_HOME/cchc" | tr / '\\')"
  export CCHC_HOME
fi
# the catalogue the Windows client uses is the zip's (share\locale beside
# cchc.exe), not the build tree's that the Linux tests point at
unset CCHC_LOCALEDIR
# Wine turns the arguments and the environment into UTF-16 with the Unix
# locale's codeset: UTF-8, or Vietnamese arguments arrive mangled (the
# client's language follows LC_ALL/LC_MESSAGES/LANG, not LC_CTYPE)
export LC_CTYPE=C.UTF-8
export WINEDEBUG="${WINEDEBUG:--all}"
exec wine "$CCHC_WINDOWS_EXE" "$@"
