#!/usr/bin/env bash
# Checks what scripts/build-windows packed, before the Wine tests run it:
# the zip holds one folder with cchc.exe, the Vietnamese catalogue where
# cchc.exe looks for it (share\locale beside it), README-vi.txt (UTF-8 with
# BOM, CRLF, Vietnamese intact), VERSIONS.txt, and a licence for every
# source package built into it; cchc.exe is a 64-bit Windows program that
# imports only DLLs every Windows has (the build is static).
#   tests/windows/check-zip.sh ZIP UNPACKED-DIR
set -euo pipefail
zip=$1 dir=$2
fail() { echo "check-zip: $*" >&2; exit 1; }

name=$(basename "$zip" .zip)
[[ $name =~ ^cchc-[0-9.]+-windows-x86_64$ ]] || fail "unexpected zip name $name"
top=$dir/$name
[[ -d $top ]] || fail "the zip has no folder $name"
for f in cchc.exe share/locale/vi/LC_MESSAGES/cchc.mo README-vi.txt VERSIONS.txt; do
  [[ -s $top/$f ]] || fail "$f missing or empty"
done
headers=$(x86_64-w64-mingw32-objdump -p "$top/cchc.exe")
grep -q 'file format pei-x86-64' <<<"$headers" || fail "cchc.exe is not a 64-bit Windows program"
grep -q 'Subsystem.*Windows CUI' <<<"$headers" || fail "cchc.exe is not a console program"

# the README: BOM, CRLF on every line, Vietnamese byte-exact
head -c3 "$top/README-vi.txt" | cmp -s - <(printf '\xEF\xBB\xBF') || fail "README-vi.txt has no BOM"
if grep -qv $'\r$' "$top/README-vi.txt"; then fail "README-vi.txt has lines without CRLF"; fi
grep -q 'Đặt địa chỉ máy chủ' "$top/README-vi.txt" || fail "README-vi.txt lost its Vietnamese"
grep -q "$name" "$top/README-vi.txt" || fail "README-vi.txt does not name its own version"

# a licence for everything inside
for pkg in zlib protobuf-c libsodium jansson libcsv utf8proc openssl libxlsxwriter libzip expat gettext; do
  [[ -s $top/licenses/$pkg.txt ]] || fail "no licence text for $pkg"
  [[ $pkg == zlib ]] || grep -q "^$pkg=" "$top/VERSIONS.txt" || fail "VERSIONS.txt does not name $pkg"
done

# the DLLs it imports: Windows' own only
system_dlls='^(kernel32|user32|advapi32|ws2_32|crypt32|bcrypt|shell32|ole32|msvcrt|gdi32|secur32|ucrtbase|api-ms-win-.*)\.dll$'
imports=$(sed -n 's/^\s*DLL Name: //p' <<<"$headers" | tr 'A-Z' 'a-z')
for dll in $imports; do
  if ! [[ $dll =~ $system_dlls ]] && [[ ! -f $top/$dll ]]; then
    fail "cchc.exe imports $dll, which is neither Windows' own nor in the zip"
  fi
done
echo "check-zip: $name ok (imports: $(echo $imports))"
