#!/usr/bin/env bash
# Consumers of an installed wepoll, built and run under Wine.
#
#   bash ci/consumer-tests.sh BUILD_DIR
#
# BUILD_DIR is a built x64 (x86_64-w64-mingw32) Meson build directory.
#  1. install: `meson install --destdir` into BUILD_DIR/consumers/stage, then
#     check the staged tree holds the DLL, both import libraries
#     (libwepoll.dll.a for MinGW, wepoll.lib for MSVC), the header, the
#     pkg-config file and the CMake package config;
#  2. pkg-config: tests/consumers/consumer.c compiled with the flags
#     `pkg-config wepoll` gives for the staged tree (PKG_CONFIG_SYSROOT_DIR);
#  3. cmake: tests/consumers/cmake with find_package(wepoll 1.6) and
#     wepoll::wepoll (Debian's cmake, cmake/toolchain-mingw-w64.cmake), run
#     by ctest; and find_package(wepoll 2.0) must be refused;
#  4. meson-pkgconfig: tests/consumers/meson, dependency('wepoll') found by
#     pkg-config in the staged tree;
#  5. meson-subproject: the same project with no wepoll installed, falling
#     back to a wrap (subprojects/wepoll.wrap, [provide]) over a source
#     tarball of this tree;
#  6. pkgbuild: packaging/msys2/PKGBUILD linted by makepkg --printsrcinfo;
#  7. vendored: tests/consumers/consumer.c compiled together with the
#     single file the install ships (share/wepoll/wepoll.c and wepoll.h),
#     which needs no DLL and no system library but ws2_32.
# Each program runs under Wine in BUILD_DIR's Wine prefix.  Installs cmake,
# pkg-config, makepkg and pacman-package-manager when missing.  Exits non-zero
# if any step fails; the last lines summarise every step.
set -euo pipefail

if [ $# -ne 1 ]; then
  echo "usage: bash ci/consumer-tests.sh BUILD_DIR   (an x64 Meson build directory)" >&2
  exit 2
fi
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$(cd "$1" && pwd)
# shellcheck source=ci/setup.sh
source "$root/ci/setup.sh"

triple=x86_64-w64-mingw32
cross=$root/ci/$triple.txt
work=$build/consumers

wepoll_ensure_packages cmake pkg-config makepkg pacman-package-manager

if [ ! -f "$build/lib/wepoll.dll" ]; then
  echo "error: $build/lib/wepoll.dll not found: build $build first" >&2
  exit 1
fi
if ! $triple-objdump -f "$build/lib/wepoll.dll" | grep 'pei-x86-64' >/dev/null; then
  echo "error: $build is not an x64 build directory" >&2
  exit 1
fi

wepoll_wine_prefix "$build"
trap wepoll_wine_stop EXIT

rm -rf "$work"
mkdir -p "$work"

# A Windows path for WINEPATH.
winpath() { printf 'Z:%s' "${1//\//\\}"; }

declare -A result
steps=()
# step NAME FUNCTION: runs FUNCTION with its output in $work/NAME.log.
step() {
  local name=$1 fn=$2 log=$work/$1.log
  steps+=("$name")
  wepoll_log "[consumers] $name"
  local rc
  # Not inside `if`: bash ignores `set -e` in a tested command, even in a
  # subshell, and a failing line in the middle would go unnoticed.
  set +e
  (set -Eeuo pipefail
   trap 'echo "FAILED (exit $?): $BASH_COMMAND" >&2' ERR
   "$fn") >"$log" 2>&1
  rc=$?
  set -e
  if [ "$rc" = 0 ]; then
    result[$name]=PASS
  else
    result[$name]=FAIL
    echo "---- $name failed; last lines of $log:" >&2
    tail -n 40 "$log" >&2
  fi
}

# The install directories of the build, from Meson's introspection.
eval "$(meson introspect "$build" --buildoptions | python3 -c '
import json, sys
opts = {o["name"]: o["value"] for o in json.load(sys.stdin)}
for key in ("prefix", "bindir", "libdir", "includedir", "datadir"):
    print("opt_%s=%s" % (key, json.dumps(opts[key])))
')"
under_prefix() { case "$1" in /*) echo "$1" ;; *) echo "$opt_prefix/$1" ;; esac; }
stage=$work/stage
prefix=$stage$opt_prefix
bindir=$stage$(under_prefix "$opt_bindir")
libdir=$stage$(under_prefix "$opt_libdir")
includedir=$stage$(under_prefix "$opt_includedir")
datadir=$stage$(under_prefix "$opt_datadir")
version=$(meson introspect "$build" --projectinfo |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["version"])')

do_install() {
  meson install -C "$build" --destdir "$stage" --no-rebuild
  local f ok=1
  for f in "$bindir/wepoll.dll" "$libdir/libwepoll.dll.a" "$libdir/wepoll.lib" \
           "$includedir/wepoll.h" "$libdir/pkgconfig/wepoll.pc" \
           "$libdir/cmake/wepoll/wepollConfig.cmake" \
           "$libdir/cmake/wepoll/wepollConfigVersion.cmake" \
           "$datadir/wepoll/wepoll.c" "$datadir/wepoll/wepoll.h"; do
    if [ -f "$f" ]; then
      echo "installed: ${f#"$stage"}"
    else
      echo "MISSING: ${f#"$stage"}"
      ok=0
    fi
  done
  [ "$ok" = 1 ]
}

do_pkgconfig() {
  export PKG_CONFIG_LIBDIR=$libdir/pkgconfig PKG_CONFIG_SYSROOT_DIR=$stage
  local got flags dir=$work/pkgconfig
  got=$(pkg-config --modversion wepoll)
  echo "pkg-config --modversion wepoll: $got"
  [ "$got" = "$version" ] || { echo "expected $version"; return 1; }
  flags=$(pkg-config --cflags --libs wepoll)
  echo "pkg-config --cflags --libs wepoll: $flags"
  mkdir -p "$dir"
  # shellcheck disable=SC2086 # the flags are words
  $triple-gcc -std=c11 -Wall -Wextra -Werror -DCONSUMER_KIND='"pkg-config"' \
    "$root/tests/consumers/consumer.c" $flags -lws2_32 -o "$dir/consumer.exe"
  # Linked against the DLL, not a copy of the code.
  $triple-objdump -p "$dir/consumer.exe" | grep 'DLL Name: wepoll.dll' >/dev/null ||
    { echo "consumer.exe does not import wepoll.dll"; return 1; }
  WINEPATH=$(winpath "$bindir") "$root/ci/wine_run.py" "$dir/consumer.exe"
}

do_cmake() {
  local dir=$work/cmake
  cmake -S "$root/tests/consumers/cmake" -B "$dir/build" \
    -DCMAKE_TOOLCHAIN_FILE="$root/cmake/toolchain-mingw-w64.cmake" \
    -DMINGW_TRIPLE=$triple -DCMAKE_BUILD_TYPE=Release \
    -DWINE_PROGRAM="$root/ci/wine_run.py" \
    -DCMAKE_PREFIX_PATH="$prefix"
  cmake --build "$dir/build"
  # The DLL was copied next to the program from wepoll::wepoll's location.
  [ -f "$dir/build/wepoll.dll" ] || { echo "wepoll.dll not copied next to consumer.exe"; return 1; }
  ctest --test-dir "$dir/build" --output-on-failure
  # The version file refuses another major version.
  if cmake -S "$root/tests/consumers/cmake" -B "$dir/build-v2" \
      -DCMAKE_TOOLCHAIN_FILE="$root/cmake/toolchain-mingw-w64.cmake" \
      -DMINGW_TRIPLE=$triple -DCMAKE_PREFIX_PATH="$prefix" \
      -DWEPOLL_FIND_VERSION=2.0 >"$dir/v2.log" 2>&1; then
    echo "find_package(wepoll 2.0) accepted wepoll $version"
    return 1
  fi
  grep -q "$version" "$dir/v2.log"
  echo "find_package(wepoll 2.0) refused, as it should"
}

# meson_consumer NAME EXPECT PKG_CONFIG_LIBDIR [extra meson args]
meson_consumer() {
  local name=$1 expect=$2 pcdir=$3 dir=$work/$1
  shift 3
  mkdir -p "$dir"
  cp -rL "$root/tests/consumers/meson" "$dir/src"
  # Meson 1.0 reads the pkg-config binary from the key `pkgconfig` (the
  # spelling `pkg-config` is only understood from Meson 1.3 on).
  cat >"$dir/pkg-config.ini" <<EOF
[binaries]
pkgconfig = 'pkg-config'
exe_wrapper = '$root/ci/wine_run.py'

[properties]
pkg_config_libdir = ['$pcdir']
sys_root = '$stage'
EOF
  meson setup "$dir/build" "$dir/src" --cross-file "$cross" \
    --cross-file "$dir/pkg-config.ini" -Dexpect="$expect" "$@"
  ninja -C "$dir/build"
  WINEPATH=$(winpath "$bindir") meson test -C "$dir/build" --print-errorlogs
  grep -h 'consumer (' "$dir/build/meson-logs/testlog.txt" || true
}

do_meson_pkgconfig() {
  meson_consumer meson-pkgconfig pkgconfig "$libdir/pkgconfig"
}

do_meson_subproject() {
  local dir=$work/meson-subproject tarball sha
  mkdir -p "$dir/no-pkgconfig"
  cp -rL "$root/tests/consumers/meson" "$dir/src"
  mkdir -p "$dir/src/subprojects/packagefiles"
  # A source release of this tree: what git tracks plus new files it does
  # not ignore (the working tree, so uncommitted changes are tested too).
  tarball=wepoll-$version.tar.gz
  (cd "$root" && git ls-files -z -co --exclude-standard |
     xargs -0 sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh |
     tar -czf "$dir/src/subprojects/packagefiles/$tarball" --null -T - \
       --transform "s,^,wepoll-$version/,S")
  sha=$(sha256sum "$dir/src/subprojects/packagefiles/$tarball" | cut -d' ' -f1)
  cat >"$dir/src/subprojects/wepoll.wrap" <<EOF
[wrap-file]
directory = wepoll-$version
source_filename = $tarball
source_hash = $sha

[provide]
dependency_names = wepoll
EOF
  cat "$dir/src/subprojects/wepoll.wrap"
  # No pkg-config file to find: dependency('wepoll') must fall back.
  cat >"$dir/pkg-config.ini" <<EOF
[binaries]
pkgconfig = 'pkg-config'
exe_wrapper = '$root/ci/wine_run.py'

[properties]
pkg_config_libdir = ['$dir/no-pkgconfig']
EOF
  meson setup "$dir/build" "$dir/src" --cross-file "$cross" \
    --cross-file "$dir/pkg-config.ini" -Dexpect=internal --wrap-mode=nodownload
  ninja -C "$dir/build"
  meson test -C "$dir/build" --print-errorlogs
  grep -h 'consumer (' "$dir/build/meson-logs/testlog.txt" || true
}

do_pkgbuild() {
  bash "$root/packaging/msys2/check-pkgbuild.sh"
}

do_vendored() {
  local dir=$work/vendored
  mkdir -p "$dir"
  # As a program vendoring the two files builds: no wepoll flag at all.
  $triple-gcc -std=c11 -Wall -Wextra -Werror -DCONSUMER_KIND='"vendored"' \
    -I"$datadir/wepoll" "$root/tests/consumers/consumer.c" \
    "$datadir/wepoll/wepoll.c" -lws2_32 -o "$dir/consumer.exe"
  if $triple-objdump -p "$dir/consumer.exe" | grep -i 'DLL Name: wepoll' >/dev/null; then
    echo "consumer.exe imports a wepoll DLL: the single file was not used"
    return 1
  fi
  "$root/ci/wine_run.py" "$dir/consumer.exe"
}

step install do_install
if [ "${result[install]}" = PASS ]; then
  step pkg-config do_pkgconfig
  step cmake do_cmake
  step meson-pkgconfig do_meson_pkgconfig
fi
step meson-subproject do_meson_subproject
step pkgbuild do_pkgbuild
if [ "${result[install]}" = PASS ]; then
  step vendored do_vendored
fi

echo
echo "consumer summary (logs in $work):"
status=0
for s in install pkg-config cmake meson-pkgconfig meson-subproject pkgbuild vendored; do
  r=${result[$s]:-NOT RUN (install failed)}
  printf '    %-17s %s\n' "$s" "$r"
  [ "$r" = PASS ] || status=1
done
if [ "$status" = 0 ]; then
  echo "CONSUMERS: PASS"
else
  echo "CONSUMERS: FAIL"
fi
exit "$status"
