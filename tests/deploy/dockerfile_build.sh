#!/usr/bin/env bash
# Why this exists: no Docker engine runs on our build machines, so nothing
# ever ran `docker build` and the Dockerfile rotted (a layer folder missing
# from its COPY set, a library missing from its package lists). This test
# does what the build stage does, without an engine:
#   (a) copies exactly the build stage's COPY set (honouring .dockerignore)
#       from the source tree into a temporary root,
#   (c) runs the build stage's own `cmake …` commands there (paths mapped
#       into the temporary root, environment as clean as a container's),
#   (b) checks that the build stage's `apt-get install` list (with what those
#       packages depend on, and the base image's essential packages) owns
#       every file the build used: each pkg_check_modules / find_library /
#       find_program CMake evaluated, the toolchain and every system header
#       the compiler read; and that the runtime stage's list owns every
#       shared library the binaries it copies from the build stage load.
# Files are mapped to packages with dpkg -S, dependencies with dpkg-query.
#   tests/deploy/dockerfile_build.sh [-f DOCKERFILE] [SOURCE_DIR]
# Exits 0 when all holds, 1 with a list of what does not, 77 (skip) when
# this is not a Debian-like system with dpkg.
set -euo pipefail

SRC=""
DOCKERFILE=""
while [[ $# -gt 0 ]]; do
  case $1 in
    -f) DOCKERFILE=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) SRC=$1; shift ;;
  esac
done
SRC=$(cd "${SRC:-$(dirname "$0")/../..}" && pwd)
DOCKERFILE=${DOCKERFILE:-$SRC/Dockerfile}
[[ -f $DOCKERFILE ]] || { echo "no Dockerfile at $DOCKERFILE" >&2; exit 1; }

for tool in dpkg dpkg-query ldd objdump; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool not found (needs Debian)"; exit 77; }
done

TMP=$(mktemp -d /tmp/cchc-dockerfile.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
ROOTFS=$TMP/rootfs      # the container's / for the build stage
mkdir -p "$ROOTFS" "$TMP/home"

problems=()
problem() { problems+=("$*"); echo "FAIL: $*"; }

# ---------------------------------------------------------------- parsing
# Logical lines: comments dropped (also inside continuations, as Docker
# does), backslash continuations joined.
re_cont='^(.*)\\[[:space:]]*$'
logical_lines() {
  local line buf=""
  while IFS= read -r line || [[ -n $line ]]; do
    [[ $line =~ ^[[:space:]]*# ]] && continue
    if [[ $line =~ $re_cont ]]; then buf+="${BASH_REMATCH[1]} "; continue; fi
    buf+=$line
    [[ $buf =~ ^[[:space:]]*$ ]] || printf '%s\n' "$buf"
    buf=""
  done <"$1"
  [[ -z ${buf// /} ]] || printf '%s\n' "$buf"
}

# One entry per instruction: its stage, the instruction, its arguments and
# the WORKDIR in force.
ins_stage=() ins_cmd=() ins_args=() ins_workdir=()
stage_names=()
stage=-1 workdir=/
while IFS= read -r line; do
  line=${line#"${line%%[![:space:]]*}"}
  cmd=${line%%[[:space:]]*}; cmd=${cmd^^}
  args=${line#*[[:space:]]}; [[ $args == "$line" ]] && args=""
  args=${args#"${args%%[![:space:]]*}"}
  case $cmd in
    FROM)
      stage=$((stage + 1)); workdir=/
      read -ra w <<<"$args"
      name=$stage
      for ((i = 0; i < ${#w[@]}; i++)); do
        [[ ${w[i],,} == as ]] && name=${w[i + 1]:-$stage}
      done
      stage_names[stage]=$name ;;
    WORKDIR)
      [[ $args == /* ]] && workdir=$args || workdir=${workdir%/}/$args ;;
  esac
  ins_stage+=("$stage"); ins_cmd+=("$cmd"); ins_args+=("$args"); ins_workdir+=("$workdir")
done < <(logical_lines "$DOCKERFILE")
nstages=$((stage + 1))
(( nstages >= 1 )) || { echo "no FROM in $DOCKERFILE" >&2; exit 1; }

# Splits a RUN line on && and ; into trimmed shell segments.
run_segments() {
  local s=${1//&&/$'\n'}
  s=${s//;/$'\n'}
  while IFS= read -r seg; do
    seg=${seg#"${seg%%[![:space:]]*}"}; seg=${seg%"${seg##*[![:space:]]}"}
    [[ -n $seg ]] && printf '%s\n' "$seg"
  done <<<"$s"
}

# The build stage is the one whose RUN calls cmake; the runtime stage is
# the last one.
build_stage=-1
for i in "${!ins_cmd[@]}"; do
  [[ ${ins_cmd[i]} == RUN ]] || continue
  while IFS= read -r seg; do
    if [[ $seg == cmake\ * ]]; then
      if (( build_stage >= 0 && build_stage != ins_stage[i] )); then
        echo "cmake runs in more than one stage; this test knows one build stage" >&2; exit 1
      fi
      build_stage=${ins_stage[i]}
    fi
  done < <(run_segments "${ins_args[i]}")
done
(( build_stage >= 0 )) || { echo "no stage runs cmake in $DOCKERFILE" >&2; exit 1; }
runtime_stage=$((nstages - 1))
(( runtime_stage != build_stage )) || { echo "the build stage is the last stage: no runtime stage" >&2; exit 1; }
echo "Dockerfile: build stage '${stage_names[build_stage]}' (#$build_stage), runtime stage #$runtime_stage"

# apt-get install lists of a stage, one package a line.
apt_packages() {
  local i seg w
  for i in "${!ins_cmd[@]}"; do
    [[ ${ins_stage[i]} == "$1" && ${ins_cmd[i]} == RUN ]] || continue
    while IFS= read -r seg; do
      [[ $seg =~ ^(apt-get|apt)[[:space:]] ]] || continue
      read -ra w <<<"$seg"
      local after=0
      for x in "${w[@]:1}"; do
        if (( after )); then [[ $x == -* ]] || printf '%s\n' "${x%%=*}"
        elif [[ $x == install ]]; then after=1
        fi
      done
    done < <(run_segments "${ins_args[i]}")
  done
}
mapfile -t build_pkgs < <(apt_packages "$build_stage")
mapfile -t runtime_pkgs < <(apt_packages "$runtime_stage")
echo "build stage installs:   ${build_pkgs[*]:-(nothing)}"
echo "runtime stage installs: ${runtime_pkgs[*]:-(nothing)}"

# Splits COPY arguments into flags and words (JSON form is not handled).
copy_words() {
  [[ $1 == \[* ]] && { echo "COPY in JSON form is not handled by this test: COPY $1" >&2; exit 1; }
  read -ra words <<<"$1"
  copy_from="" copy_srcs=() copy_dest=""
  local w rest=()
  for w in "${words[@]}"; do
    case $w in
      --from=*) copy_from=${w#--from=} ;;
      --*) ;;
      *) rest+=("$w") ;;
    esac
  done
  (( ${#rest[@]} >= 2 )) || { echo "COPY needs a source and a destination: COPY $1" >&2; exit 1; }
  copy_dest=${rest[-1]}
  copy_srcs=("${rest[@]:0:${#rest[@]}-1}")
}

# .dockerignore patterns (simple ones: no `!` exceptions), relative to the
# context root.
ignores=()
if [[ -f $SRC/.dockerignore ]]; then
  while IFS= read -r p || [[ -n $p ]]; do
    p=${p%%#*}; p=${p//[[:space:]]/}
    [[ -z $p ]] && continue
    [[ $p == !* ]] && { echo "note: .dockerignore exception '$p' is not modelled"; continue; }
    p=${p#/}; p=${p%/}
    ignores+=("$p")
  done <"$SRC/.dockerignore"
fi

# Context paths (relative) a .dockerignore pattern excludes.
ignored_paths() {
  local p m
  ( shopt -s nullglob dotglob globstar
    cd "$SRC"
    for p in "${ignores[@]}"; do
      for m in $p; do printf '%s\n' "$m"; done
    done )
}
mapfile -t ignored < <(ignored_paths)

# ------------------------------------------------- (a) the build COPY set
echo "==> (a) copying the build stage's COPY set into $ROOTFS"
for i in "${!ins_cmd[@]}"; do
  [[ ${ins_stage[i]} == "$build_stage" && ${ins_cmd[i]} =~ ^(COPY|ADD)$ ]] || continue
  [[ ${ins_cmd[i]} == ADD ]] && { problem "build stage uses ADD (not modelled; use COPY): ADD ${ins_args[i]}"; continue; }
  copy_words "${ins_args[i]}"
  [[ -z $copy_from ]] || { problem "build stage copies --from=$copy_from (not modelled)"; continue; }
  dest=$copy_dest
  [[ $dest == /* ]] || dest=${ins_workdir[i]%/}/$dest
  dest=$(realpath -sm "$dest")   # lexically: /src/./ -> /src
  host_dest=$ROOTFS$dest
  as_dir=0
  [[ $copy_dest == */ || $copy_dest == . || $copy_dest == */. || -d $host_dest || ${#copy_srcs[@]} -gt 1 ]] && as_dir=1
  for pattern in "${copy_srcs[@]}"; do
    [[ $pattern == /* || $pattern == ../* || $pattern == */../* ]] && { problem "COPY source outside the context: $pattern"; continue; }
    mapfile -t matches < <(cd "$SRC" && shopt -s nullglob dotglob && for m in ${pattern%/}; do printf '%s\n' "$m"; done)
    (( ${#matches[@]} )) || { problem "COPY source not in the source tree: $pattern (docker build would fail)"; continue; }
    for s in "${matches[@]}"; do
      s=${s#./}
      excluded=0
      for ig in "${ignored[@]}"; do [[ $ig == "$s" ]] && excluded=1; done
      (( excluded )) && { problem "COPY source excluded by .dockerignore: $s"; continue; }
      if [[ -d $SRC/$s ]]; then
        # A directory's contents go into the destination.
        mkdir -p "$host_dest"
        cp -a "$SRC/$s/." "$host_dest/"
        for ig in "${ignored[@]}"; do
          [[ $ig == "$s"/* ]] && rm -rf "${host_dest:?}/${ig#"$s"/}"
        done
        echo "    $s/ -> $dest"
      elif (( as_dir )); then
        mkdir -p "$host_dest"
        cp -a "$SRC/$s" "$host_dest/"
        echo "    $s -> ${dest%/}/"
      else
        mkdir -p "$(dirname "$host_dest")"
        cp -a "$SRC/$s" "$host_dest"
        echo "    $s -> $dest"
      fi
    done
  done
done

# ---------------------------------------- (c) configure and build there
echo "==> (c) running the build stage's cmake commands"
# ENV of the build stage, for the clean environment the commands run in.
envs=(PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME="$TMP/home")
# Absolute paths in a cmake command are mapped into the temporary root.
map_paths() { sed -E "s#(^|[[:space:]]|=|-[BS]|[\"'])/#\1${ROOTFS}/#g" <<<"$1"; }
build_ok=1
build_dirs=()
for i in "${!ins_cmd[@]}"; do
  [[ ${ins_stage[i]} == "$build_stage" ]] || continue
  case ${ins_cmd[i]} in
    ENV)
      read -ra w <<<"${ins_args[i]}"
      if [[ ${w[0]} == *=* ]]; then envs+=("${w[@]}"); else envs+=("${w[0]}=${w[*]:1}"); fi ;;
    RUN)
      while IFS= read -r seg; do
        [[ $seg == cmake\ * ]] || continue
        mapped=$(map_paths "$seg")
        read -ra w <<<"$seg"
        for ((k = 0; k < ${#w[@]}; k++)); do
          d=""
          [[ ${w[k]} == -B ]] && d=${w[k + 1]}
          [[ ${w[k]} == -B?* ]] && d=${w[k]#-B}
          [[ -z $d || $d == /* ]] || d=${ins_workdir[i]%/}/$d
          [[ -n $d ]] && build_dirs+=("$d")
        done
        workdir=$ROOTFS${ins_workdir[i]}
        mkdir -p "$workdir"
        (( build_ok )) || { echo "    [${ins_workdir[i]}] $seg (skipped: an earlier command failed)"; continue; }
        echo "    [${ins_workdir[i]}] $seg"
        if ! (cd "$workdir" && env -i "${envs[@]}" bash -c "$mapped") >>"$TMP/build.log" 2>&1; then
          build_ok=0
          tail -n 40 "$TMP/build.log" | sed 's/^/    | /'
          problem "build stage command failed: $seg"
        fi
      done < <(run_segments "${ins_args[i]}")
      ;;
  esac
done
(( ${#build_dirs[@]} )) || problem "no cmake -B <dir> in the build stage: cannot find its build tree"
build_dir=${build_dirs[0]:-/nonexistent}
BUILD=$ROOTFS$build_dir
(( build_ok )) && echo "    configured and built in $BUILD"

# ------------------------------------------------- dpkg: files, packages
# Every installed package's dependencies (first alternative, virtual names
# resolved through Provides), whether it is in every Debian base image
# (Essential or Priority required), and the closure of a package list.
declare -A DEPS PROVIDER INSTALLED BASE
while IFS=$'\t' read -r pkg status essential priority deps provides; do
  [[ $status == installed ]] || continue
  INSTALLED[$pkg]=1
  DEPS[$pkg]="${DEPS[$pkg]:-}, $deps"
  [[ $essential == yes || $priority == required ]] && BASE[$pkg]=1
  IFS=',' read -ra pv <<<"$provides"
  for v in "${pv[@]}"; do v=${v%%(*}; v=${v//[[:space:]]/}; [[ -n $v ]] && PROVIDER[$v]=${PROVIDER[$v]:-$pkg}; done
done < <(dpkg-query -W -f='${Package}\t${db:Status-Status}\t${Essential}\t${Priority}\t${Depends}, ${Pre-Depends}\t${Provides}\n')

# closure NAME pkg… : fills associative array NAME with pkg… and everything
# they depend on, transitively.
closure() {
  local -n out=$1; shift
  local queue=("$@") p group alt name
  while (( ${#queue[@]} )); do
    p=${queue[0]}; queue=("${queue[@]:1}")
    p=${p%%:*}
    [[ -n $p && -z ${out[$p]:-} ]] || continue
    out[$p]=1
    IFS=',' read -ra groups <<<"${DEPS[$p]:-}"
    for group in "${groups[@]}"; do
      IFS='|' read -ra alts <<<"$group"
      for alt in "${alts[@]}"; do
        name=${alt%%(*}; name=${name//[[:space:]]/}; name=${name%%:*}
        [[ -n $name ]] || continue
        if [[ -n ${INSTALLED[$name]:-} ]]; then queue+=("$name"); break; fi
        if [[ -n ${PROVIDER[$name]:-} ]]; then queue+=("${PROVIDER[$name]}"); break; fi
      done
    done
  done
}

# The listed packages must exist (a typo fails docker build).
for p in "${build_pkgs[@]}" "${runtime_pkgs[@]}"; do
  [[ -n ${INSTALLED[$p]:-} ]] && continue
  if apt-cache show "$p" >/dev/null 2>&1; then
    echo "note: $p is not installed here; its dependencies are not counted"
  else
    problem "the Dockerfile installs '$p', which is no Debian package known here"
  fi
done

declare -A BUILD_COVER=() RUNTIME_COVER=()
closure BUILD_COVER "${!BASE[@]}" "${build_pkgs[@]}"
closure RUNTIME_COVER "${!BASE[@]}" "${runtime_pkgs[@]}"

# owners path… : prints "path<TAB>package" for each path dpkg knows, trying
# the path as given, its real path, and the other side of the /usr merge.
owners() {
  local p c cands=() 
  declare -A want=()
  for p in "$@"; do
    for c in "$p" "$(readlink -f "$p" 2>/dev/null || echo "$p")"; do
      cands+=("$c")
      case $c in
        /usr/lib/*|/usr/bin/*|/usr/sbin/*|/usr/lib64/*) cands+=("${c#/usr}") ;;
        /lib/*|/bin/*|/sbin/*|/lib64/*) cands+=("/usr$c") ;;
      esac
    done
  done
  declare -A owner=()
  local line pk path
  while IFS= read -r line; do
    [[ $line == diversion\ * || $line != *": "* ]] && continue
    pk=${line%%: *}; pk=${pk%%,*}; pk=${pk%%:*}
    path=${line#*: }
    owner[$path]=$pk
  done < <(printf '%s\n' "${cands[@]}" | sort -u | xargs -d '\n' dpkg -S 2>/dev/null || true)
  for p in "$@"; do
    local found=""
    for c in "$p" "$(readlink -f "$p" 2>/dev/null || echo "$p")"; do
      for c2 in "$c" "${c#/usr}" "/usr$c"; do
        [[ -n ${owner[$c2]:-} ]] && { found=${owner[$c2]}; break 2; }
      done
    done
    printf '%s\t%s\n' "$p" "${found:--}"
  done
}

# check_covered LABEL COVER_ARRAY WHY_ARRAY : every path in WHY (path ->
# reason) must belong to a package in COVER.
check_covered() {
  local label=$1
  local -n cover=$2 why=$3
  local path pkg n=0
  declare -A missing=()
  (( ${#why[@]} )) || return 0
  while IFS=$'\t' read -r path pkg; do
    n=$((n + 1))
    if [[ $pkg == - ]]; then
      problem "$label: $path (${why[$path]}) belongs to no Debian package"
    elif [[ -z ${cover[$pkg]:-} ]]; then
      missing[$pkg]+="${missing[$pkg]:+, }$path (${why[$path]})"
    fi
  done < <(owners "${!why[@]}")
  for pkg in "${!missing[@]}"; do
    problem "$label: package $pkg is not installed by the stage, which needs it for: ${missing[$pkg]}"
  done
  echo "    $label: $n files checked"
}

# ------------------------------------------ (b) build-stage packages
echo "==> (b) build-stage packages own what the build used"
declare -A BUILD_NEEDS=()
cache=$BUILD/CMakeCache.txt
cache_get() { [[ -f $cache ]] && sed -n "s|^$1:[A-Z]*=||p" "$cache" | head -n 1; }
# Every pkg_check_modules / find_library / find_program in the copied CMake
# files that the configure evaluated.
mapfile -t cmake_files < <(find "$ROOTFS" -path "$BUILD" -prune -o \( -name CMakeLists.txt -o -name '*.cmake' \) -type f -print)
calls=$(for f in "${cmake_files[@]}"; do sed 's/#.*//' "$f" | tr '\n' ' ' \
          | grep -oiE '(pkg_check_modules|pkg_search_module|find_library|find_program|find_path)[[:space:]]*\([^)]*\)' || true; done)
while IFS= read -r call; do
  [[ -n $call ]] || continue
  fn=${call%%(*}; fn=${fn,,}; fn=${fn//[[:space:]]/}
  inner=${call#*(}; inner=${inner%)}
  read -ra a <<<"$inner"
  var=${a[0]}
  case $fn in
    pkg_check_modules|pkg_search_module)
      if [[ -z $(cache_get "__pkg_config_checked_$var") ]]; then
        echo "    $fn($var …): not evaluated in this configuration"; continue
      fi
      for m in "${a[@]:1}"; do
        case $m in REQUIRED|QUIET|IMPORTED_TARGET|GLOBAL|NO_CMAKE_PATH|NO_CMAKE_ENVIRONMENT_PATH) continue ;; esac
        m=${m%%[<>=]*}
        dir=$(pkg-config --variable=pcfiledir "$m" 2>/dev/null || true)
        if [[ -n $dir && -f $dir/$m.pc ]]; then
          BUILD_NEEDS[$dir/$m.pc]="pkg_check_modules $var $m"
        else
          problem "pkg-config module $m ($var) not found on this machine"
        fi
      done ;;
    *)
      val=$(cache_get "$var")
      if [[ -z $val ]]; then echo "    $fn($var …): not evaluated in this configuration"; continue; fi
      if [[ $val == *-NOTFOUND || ! -e $val ]]; then problem "$fn($var) found nothing: $val"; continue; fi
      BUILD_NEEDS[$val]="$fn $var" ;;
  esac
done <<<"$calls"
# Libraries pkg-config handed the linker, and the toolchain.
if [[ -f $cache ]]; then
  while IFS='=' read -r k v; do
    [[ -e $v ]] && BUILD_NEEDS[$v]="${k%%:*}"
  done < <(grep -E '^(pkgcfg_lib_[^:]*|CMAKE_C_COMPILER|CMAKE_MAKE_PROGRAM|PKG_CONFIG_EXECUTABLE|CMAKE_AR|CMAKE_LINKER|CMAKE_COMMAND):[A-Z]*=' "$cache")
fi
# Every system header (and anything else outside the tree) the compiler read.
while IFS= read -r hdr; do
  BUILD_NEEDS[$hdr]="read by the compiler"
done < <(find "$BUILD" -name '*.o.d' -type f -exec cat {} + 2>/dev/null \
           | tr ' \\' '\n\n' | grep -E '^/' | grep -v "^$TMP/" | sort -u)
check_covered "build stage" BUILD_COVER BUILD_NEEDS

# ------------------------------------------ (b) runtime-stage packages
echo "==> (b) runtime-stage packages own what the copied binaries load"
declare -A RUNTIME_NEEDS=()
for i in "${!ins_cmd[@]}"; do
  [[ ${ins_stage[i]} == "$runtime_stage" && ${ins_cmd[i]} == COPY ]] || continue
  copy_words "${ins_args[i]}"
  for s in "${copy_srcs[@]}"; do
    if [[ -z $copy_from ]]; then
      [[ -e $SRC/$s ]] || problem "runtime COPY source not in the source tree: $s"
      continue
    fi
    [[ $copy_from == "${stage_names[build_stage]}" || $copy_from == "$build_stage" ]] \
      || { problem "runtime stage copies from '$copy_from', not from the build stage"; continue; }
    (( build_ok )) || continue
    [[ $s == /* ]] || s=/$s   # --from sources are relative to that stage's /
    f=$ROOTFS$s
    if [[ ! -e $f ]]; then problem "runtime stage copies $s from the build stage, which the build did not produce"; continue; fi
    objdump -p "$f" >/dev/null 2>&1 || continue   # not an ELF file
    needed=$(objdump -p "$f" | sed -n 's/^ *NEEDED *//p' | tr '\n' ' ')
    echo "    $s NEEDED: $needed"
    while IFS= read -r l; do
      if [[ $l =~ ^[[:space:]]*([^[:space:]]+)[[:space:]]+=\>[[:space:]]+not\ found ]]; then
        problem "$s: ${BASH_REMATCH[1]} not found by ldd"
      elif [[ $l =~ =\>[[:space:]]+(/[^[:space:]]+) ]]; then
        lib=${BASH_REMATCH[1]}
        RUNTIME_NEEDS[$lib]="${RUNTIME_NEEDS[$lib]:+${RUNTIME_NEEDS[$lib]}, }loaded by ${s##*/}"
      elif [[ $l =~ ^[[:space:]]*(/[^[:space:]]+)[[:space:]]+\( ]]; then
        RUNTIME_NEEDS[${BASH_REMATCH[1]}]="loader of ${s##*/}"
      fi
    done < <(ldd "$f")
  done
done
(( build_ok )) && check_covered "runtime stage" RUNTIME_COVER RUNTIME_NEEDS

echo
if (( ${#problems[@]} )); then
  echo "Dockerfile check FAILED (${#problems[@]}):"
  printf '  - %s\n' "${problems[@]}"
  exit 1
fi
echo "Dockerfile check passed: the build stage's COPY set configures and builds with its own cmake line; both stages install what the build and the binaries need."
