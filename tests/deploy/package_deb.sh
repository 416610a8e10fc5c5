#!/usr/bin/env bash
# Why this exists: the .deb is what an operator installs (docs/operate.md),
# and nothing else in the suite would notice a package that lacks a file,
# depends on the wrong libraries, or whose maintainer scripts create no
# user. This builds it as a release would and checks it:
#   1. configure with -DCMAKE_INSTALL_PREFIX=/usr, build, `cpack -G DEB`;
#   2. the control fields: name, version (the project's), Maintainer as
#      Debian Policy 5.6.2 wants it (NAME <EMAIL>), Depends naming the
#      package of every shared library the binaries load (objdump, dpkg -S),
#      passwd and procps, and /etc/cchc/cchcd.conf as a conffile;
#   3. the contents: every file `cmake --install` puts in place (binaries,
#      configuration 0640, systemd unit, docs, and whatever man pages,
#      completion and translations the tree installs) is in the package;
#   4. the unit: runs cchcd serve --config /etc/cchc/cchcd.conf as user
#      cchc with the sandbox options; `systemd-analyze verify` accepts it
#      and `systemd-analyze security --offline` rates it 2.0 or better
#      (when systemd-analyze is present);
#   5. the maintainer scripts parse (sh -n) and honour DPKG_ROOT;
#   6. installs it with dpkg into a temporary root — never the machine's
#      own: as root the install runs as user nobody under fakeroot, so the
#      kernel refuses any write outside the temporary root — and checks the
#      system user and group, the configuration's owner and mode, that a
#      second install adds no second user, and that purge removes the
#      files and the conffile (the user stays, as Debian keeps them).
#      Skipped with a message when fakeroot (or setpriv, as root) is absent.
# Installing into the machine's real root and starting the service is left
# to a disposable machine (docs/operate.md, "Check a package on a clean
# Debian 12"); this test never does it.
#   tests/deploy/package_deb.sh SOURCE_DIR
# Exits 0 when all holds, 1 with what does not, 77 (skip) without
# dpkg-deb, cpack or dpkg-shlibdeps.
set -euo pipefail

SRC=$(cd "${1:-$(dirname "$0")/../..}" && pwd)
for tool in dpkg dpkg-deb dpkg-shlibdeps cpack objdump; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool is not installed (scripts/deps)"; exit 77; }
done

WORK=$(mktemp -d /tmp/cchc-deb.XXXXXX)
chmod 755 "$WORK"
trap 'rm -rf "$WORK"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
ok() { echo "ok: $*"; }

# ---- 1. build the package as a release would --------------------------------
BUILD=$WORK/build
echo "==> building the package in $BUILD"
if ! { cmake -S "$SRC" -B "$BUILD" -DCMAKE_INSTALL_PREFIX=/usr -DCCHC_TESTS=OFF \
         -DCMAKE_BUILD_TYPE=Release \
       && cmake --build "$BUILD" -j2 \
       && (cd "$BUILD" && cpack -G DEB); } >"$WORK/build.log" 2>&1; then
  tail -40 "$WORK/build.log"
  echo "FAIL: the package did not build"
  exit 1
fi
shopt -s nullglob
debs=("$BUILD"/cchc_*.deb)
[[ ${#debs[@]} -eq 1 ]] || { echo "FAIL: expected one cchc_*.deb, found ${#debs[@]}"; exit 1; }
DEB=${debs[0]}
echo "==> $(basename "$DEB")"

# ---- 2. control fields ------------------------------------------------------
field() { dpkg-deb -f "$DEB" "$1"; }
version=$(sed -n 's/^project(cchc VERSION \([0-9.]*\).*/\1/p' "$SRC/CMakeLists.txt")
[[ $(field Package) == cchc ]] && ok "Package: cchc" || fail "Package is '$(field Package)'"
[[ $(field Version) == "$version" ]] && ok "Version: $version" \
  || fail "Version is '$(field Version)', the project is $version"
# Debian Policy 5.6.2: "NAME <EMAIL>"; not the old placeholder's local address
maintainer=$(field Maintainer)
if [[ $maintainer =~ ^[^\<\>@]+\ \<[^\<\>@\ ]+@[^\<\>@\ ]+\.[a-z]+\>$ && $maintainer != *localhost* ]]; then
  ok "Maintainer: $maintainer"
else
  fail "Maintainer is '$maintainer', not NAME <EMAIL> with a domain"
fi
depends=$(field Depends)
depends_on() { [[ ", $depends," == *", $1 "* || ", $depends," == *", $1,"* ]]; }
for pkg in passwd procps; do
  depends_on "$pkg" && ok "Depends on $pkg" || fail "Depends lacks $pkg: $depends"
done
mkdir -p "$WORK/x"
dpkg-deb -x "$DEB" "$WORK/x"
for bin in "$WORK/x/usr/bin/cchcd" "$WORK/x/usr/bin/cchc"; do
  [[ -x $bin ]] || { fail "$(basename "$bin") is not in the package"; continue; }
  for lib in $(objdump -p "$bin" | sed -n 's/^ *NEEDED *//p'); do
    # (no early exit in a pipe: under pipefail the writer's SIGPIPE would
    # fail the assignment)
    path=$(ldconfig -p | awk -v l="$lib" '$1 == l && !found { print $NF; found = 1 }')
    [[ -n $path ]] || { fail "$lib (needed by $(basename "$bin")) is not on this machine"; continue; }
    owner=$(dpkg -S "$(readlink -f "$path")" 2>/dev/null | awk -F: 'NR == 1 { print $1 }') \
      || true
    [[ -n $owner ]] || owner=$(dpkg -S "$path" 2>/dev/null | awk -F: 'NR == 1 { print $1 }') \
      || true
    [[ -n $owner ]] || { fail "no package owns $path"; continue; }
    depends_on "$owner" && ok "$(basename "$bin") loads $lib: Depends on $owner" \
      || fail "$(basename "$bin") loads $lib from $owner, which Depends lacks: $depends"
  done
done
mkdir -p "$WORK/control"
dpkg-deb -e "$DEB" "$WORK/control"
grep -qx /etc/cchc/cchcd.conf "$WORK/control/conffiles" 2>/dev/null \
  && ok "conffiles: /etc/cchc/cchcd.conf" || fail "/etc/cchc/cchcd.conf is not a conffile"

# ---- 3. contents: everything cmake --install puts in place ------------------
DESTDIR="$WORK/staged" cmake --install "$BUILD" >/dev/null
(cd "$WORK/staged" && find . -type f -o -type l | sort) >"$WORK/installed"
dpkg-deb -c "$DEB" | awk '$1 !~ /^d/ { print $6 }' | sort >"$WORK/packaged"
missing=$(comm -23 "$WORK/installed" "$WORK/packaged")
[[ -z $missing ]] && ok "all $(wc -l <"$WORK/installed") installed files are in the package" \
  || fail "installed but not packaged: $missing"
for f in ./usr/bin/cchcd ./usr/bin/cchc ./etc/cchc/cchcd.conf \
         ./usr/lib/systemd/system/cchcd.service ./usr/share/doc/cchc/operate.md; do
  grep -qx "$f" "$WORK/packaged" && ok "packaged: $f" || fail "not packaged: $f"
done
mode=$(dpkg-deb -c "$DEB" | awk '$6 == "./etc/cchc/cchcd.conf" { print $1 }')
[[ $mode == -rw-r----- ]] && ok "cchcd.conf is 0640 (it may hold the database password)" \
  || fail "cchcd.conf is $mode, not -rw-r-----"
# the packaged cchcd looks for the packaged file by default
usage=$("$WORK/x/usr/bin/cchcd" serve --help 2>/dev/null || true)
if [[ $usage == *"/etc/cchc/cchcd.conf"* ]]; then
  ok "cchcd's default settings file is /etc/cchc/cchcd.conf"
else
  fail "the packaged cchcd does not name /etc/cchc/cchcd.conf as its default"
fi

# ---- 4. the systemd unit ----------------------------------------------------
UNIT=$WORK/x/usr/lib/systemd/system/cchcd.service
if [[ -f $UNIT ]]; then
  for line in 'ExecStart=/usr/bin/cchcd serve --config /etc/cchc/cchcd.conf' \
              'User=cchc' 'Group=cchc' 'ExecReload=/bin/kill -HUP $MAINPID' \
              'NoNewPrivileges=yes' 'ProtectSystem=strict' 'ProtectHome=yes' \
              'PrivateTmp=yes' 'PrivateDevices=yes' 'ProtectKernelTunables=yes' \
              'ProtectKernelModules=yes' 'ProtectKernelLogs=yes' 'ProtectControlGroups=yes' \
              'RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6' 'CapabilityBoundingSet=' \
              'SystemCallFilter=@system-service' 'WantedBy=multi-user.target' \
              'UMask=0077' 'PrivateUsers=yes' 'ProtectClock=yes' 'ProtectHostname=yes' \
              'ProtectProc=invisible' 'ProcSubset=pid' 'RestrictNamespaces=yes' \
              'RestrictRealtime=yes' 'RestrictSUIDSGID=yes' 'LockPersonality=yes' \
              'MemoryDenyWriteExecute=yes' 'RemoveIPC=yes' 'PrivateMounts=yes' \
              'AmbientCapabilities=' 'SystemCallArchitectures=native' \
              'SystemCallFilter=~@privileged' 'DevicePolicy=closed'; do
    grep -qxF "$line" "$UNIT" && ok "unit: $line" || fail "unit lacks: $line"
  done
  if command -v systemd-analyze >/dev/null; then
    # the binary where the unit will find it: the extracted package's
    sed "s|^ExecStart=/usr/bin/cchcd|ExecStart=$WORK/x/usr/bin/cchcd|" "$UNIT" \
      >"$WORK/cchcd.service"
    if (cd "$WORK" && systemd-analyze verify --man=no ./cchcd.service) >"$WORK/verify.log" 2>&1; then
      ok "systemd-analyze verify"
    else
      fail "systemd-analyze verify: $(cat "$WORK/verify.log")"
    fi
    exposure=$( (cd "$WORK" && systemd-analyze security --offline=yes ./cchcd.service 2>/dev/null) \
                | sed -n 's/.*Overall exposure level for cchcd.service: \([0-9.]*\).*/\1/p')
    if [[ -z $exposure ]]; then
      echo "note: systemd-analyze security --offline gave no rating (systemd older than 250?)"
    elif awk -v e="$exposure" 'BEGIN { exit !(e <= 2.0) }'; then
      ok "systemd-analyze security: exposure $exposure (2.0 or better)"
    else
      fail "systemd-analyze security: exposure $exposure, worse than 2.0"
    fi
  else
    echo "SKIP (systemd-analyze verify and security): systemd-analyze is not installed" \
         "(Debian's systemd package); the unit was checked by its lines only"
  fi
fi

# ---- 5. maintainer scripts ----------------------------------------------------
for script in postinst prerm postrm; do
  f=$WORK/control/$script
  [[ -x $f ]] || { fail "$script is missing or not executable"; continue; }
  sh -n "$f" && ok "$script parses" || fail "$script: sh -n failed"
  grep -q 'DPKG_ROOT' "$f" && ok "$script honours DPKG_ROOT" || fail "$script ignores DPKG_ROOT"
done
grep -q 'useradd --system' "$WORK/control/postinst" && ok "postinst creates a system user" \
  || fail "postinst creates no system user"
grep -q 'deb-systemd-invoke start cchcd.service' "$WORK/control/postinst" \
  && ok "postinst starts the service where systemd runs" || fail "postinst starts nothing"

# ---- 6. install into a temporary root -----------------------------------------
run_confined() { "$@"; }
can_install=1
if ! command -v fakeroot >/dev/null; then
  echo "note: fakeroot is not installed: the install into a temporary root is skipped"
  can_install=0
elif [[ $(id -u) -eq 0 ]]; then
  if command -v setpriv >/dev/null && id nobody >/dev/null 2>&1; then
    nobody_uid=$(id -u nobody) nobody_gid=$(id -g nobody)
    run_confined() { setpriv --reuid="$nobody_uid" --regid="$nobody_gid" --clear-groups "$@"; }
  else
    echo "note: running as root without setpriv/nobody: the install is skipped"
    can_install=0
  fi
fi
if [[ $can_install -eq 1 ]]; then
  ROOT=$WORK/root
  mkdir -p "$ROOT/etc" "$ROOT/var/lib/dpkg/info" "$ROOT/var/lib/dpkg/updates" \
           "$ROOT/var/lib/dpkg/triggers"
  : >"$ROOT/var/lib/dpkg/status"
  echo 'root:x:0:0:root:/root:/bin/sh' >"$ROOT/etc/passwd"
  echo 'root:x:0:' >"$ROOT/etc/group"
  echo 'root:*:19000:0:99999:7:::' >"$ROOT/etc/shadow"
  echo 'root:*::' >"$ROOT/etc/gshadow"
  cp "$DEB" "$WORK/pkg.deb"
  chmod -R a+rX "$WORK/pkg.deb"
  if [[ $(id -u) -eq 0 ]]; then chown -R "$nobody_uid:$nobody_gid" "$ROOT"; fi
  real_passwd=$(sha256sum /etc/passwd /etc/group)
  STATE=$WORK/fakeroot.state
  touch "$STATE"
  [[ $(id -u) -eq 0 ]] && chown "$nobody_uid:$nobody_gid" "$STATE"
  # fakeroot keeps the ownerships it faked in STATE across calls
  in_root() {
    run_confined env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="$ROOT" \
      fakeroot -i "$STATE" -s "$STATE" "$@"
  }
  dpkg_root() {
    in_root dpkg --root="$ROOT" --force-script-chrootless --force-depends --log=/dev/null "$@"
  }
  if dpkg_root -i "$WORK/pkg.deb" >"$WORK/install.log" 2>&1; then
    ok "dpkg --root installs it"
  else
    fail "dpkg --root -i failed: $(tail -20 "$WORK/install.log")"
  fi
  user=$(grep '^cchc:' "$ROOT/etc/passwd" || true)
  IFS=: read -r _ _ uid gid _ home shell <<<"$user"
  if [[ -n $user && $uid -lt 1000 && $shell == /usr/sbin/nologin && $home == /nonexistent ]]; then
    ok "system user: $user"
  else
    fail "no system user cchc (uid < 1000, no login): '$user'"
  fi
  grep -q "^cchc:x:$gid:" "$ROOT/etc/group" && ok "group cchc ($gid)" || fail "no group cchc"
  owner=$(in_root stat -c '%u:%g %a' "$ROOT/etc/cchc/cchcd.conf")
  [[ $owner == "0:$gid 640" ]] && ok "cchcd.conf is root:cchc 0640" \
    || fail "cchcd.conf is $owner, not 0:$gid 640"
  [[ -x $ROOT/usr/bin/cchcd && -f $ROOT/usr/lib/systemd/system/cchcd.service ]] \
    && ok "binaries and unit in place" || fail "binaries or unit missing after install"
  dpkg_root -i "$WORK/pkg.deb" >>"$WORK/install.log" 2>&1 || fail "second install failed"
  [[ $(grep -c '^cchc:' "$ROOT/etc/passwd") -eq 1 ]] && ok "a second install adds no user" \
    || fail "a second install added a user"
  if dpkg_root --purge cchc >>"$WORK/install.log" 2>&1; then
    ok "dpkg --purge"
  else
    fail "dpkg --purge failed: $(tail -20 "$WORK/install.log")"
  fi
  [[ ! -e $ROOT/usr/bin/cchcd && ! -e $ROOT/etc/cchc/cchcd.conf ]] \
    && ok "purge removes the files and the conffile" || fail "purge left files behind"
  grep -q '^cchc:' "$ROOT/etc/passwd" && ok "purge keeps the user" || fail "purge removed the user"
  [[ $(sha256sum /etc/passwd /etc/group) == "$real_passwd" ]] \
    && ok "this machine's /etc/passwd and /etc/group are untouched" \
    || fail "this machine's /etc/passwd or /etc/group changed"
fi

echo
if [[ $failures -gt 0 ]]; then
  echo "$failures check(s) failed"
  exit 1
fi
echo "the package holds"
