#!/usr/bin/env bash
# A program that vendors the single file links with ws2_32 alone.
#
#   bash ci/single-file-link.sh BUILD_DIR
#
# BUILD_DIR is an x64 Meson build directory: its Wine prefix runs the
# programs and a scratch folder BUILD_DIR/single-file-link holds them.
# For x64 and x86, with MinGW-w64 GCC and with clang, tests/consumers/
# consumer.c is compiled together with dist/wepoll.c using the link line
# wepoll 1.x documents for its single file:
#
#   <cc> -Idist -o app.exe app.c dist/wepoll.c -lws2_32
#
# Each program must link (the library names no ntdll function at link
# time), import no ntdll.dll and no wepoll DLL, and run under Wine: one
# message across a loopback TCP pair, reported by epoll_wait.  An x86
# program where 32-bit programs cannot run is built and checked but not
# started, and counts as skipped (ci/wine_run.py says why).  The build's
# wepoll.dll, when there is one, must import no ntdll.dll.  Exits non-zero
# if any build, check or run fails.  Called by ci/test.sh.
set -euo pipefail

if [ $# -ne 1 ]; then
  echo "usage: bash ci/single-file-link.sh BUILD_DIR   (an x64 Meson build directory)" >&2
  exit 2
fi
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$(cd "$1" && pwd)
# shellcheck source=ci/setup.sh
source "$root/ci/setup.sh"

wepoll_ensure_packages clang
work=$build/single-file-link
rm -rf "$work"
mkdir -p "$work"
wepoll_wine_prefix "$build"
trap wepoll_wine_stop EXIT

passed=0 failed=0 skipped=0
results=()
# one ARCH COMPILER: builds, checks and runs one consumer.
one() {
  local triple=$1-w64-mingw32 compiler=$2 name=$1-$2 exe cc imports rc
  exe=$work/$name/app.exe
  mkdir -p "$work/$name"
  case $compiler in
    gcc) cc=("$triple-gcc") ;;
    # clang finds the MinGW-w64 headers and import libraries by itself,
    # but not the folder of GCC's own support libraries.
    clang) cc=(clang "--target=$triple"
               "-L$(dirname "$("$triple-gcc" -print-libgcc-file-name)")") ;;
  esac
  echo "== $name: ${cc[*]} -Idist -o app.exe consumer.c dist/wepoll.c -lws2_32"
  if ! "${cc[@]}" -std=c11 -Wall -Wextra -Werror \
      -DCONSUMER_KIND="\"single file, $name\"" -I"$root/dist" -o "$exe" \
      "$root/tests/consumers/consumer.c" "$root/dist/wepoll.c" -lws2_32; then
    results+=("FAIL  $name: does not build with -lws2_32 alone")
    failed=$((failed + 1))
    return 0
  fi
  imports=$("$triple-objdump" -p "$exe" | sed -n 's/^\s*DLL Name: //p' |
    tr '\n' ' ')
  echo "imports: $imports"
  if grep -qiE '(^| )(ntdll|wepoll)[^ ]*\.dll' <<<"$imports"; then
    results+=("FAIL  $name: imports $imports")
    failed=$((failed + 1))
    return 0
  fi
  set +e
  "$root/ci/wine_run.py" "$exe" | tee "$work/$name/run.log"
  rc=${PIPESTATUS[0]}
  set -e
  if [ "$rc" = 77 ]; then
    results+=("SKIP  $name: built and checked, not run: $(tail -n 1 "$work/$name/run.log")")
    skipped=$((skipped + 1))
  elif [ "$rc" = 0 ] && grep -q "consumer (single file, $name): OK" "$work/$name/run.log"; then
    results+=("PASS  $name (imports: $imports)")
    passed=$((passed + 1))
  else
    results+=("FAIL  $name: the program failed under Wine (status $rc)")
    failed=$((failed + 1))
  fi
}

# The DLL shares the run-time look-up (docs/internals.md): it imports no
# ntdll.dll either.
dll=$build/lib/wepoll.dll
if [ -f "$dll" ]; then
  imports=$(x86_64-w64-mingw32-objdump -p "$dll" | sed -n 's/^\s*DLL Name: //p' |
    tr '\n' ' ')
  if grep -qi 'ntdll' <<<"$imports"; then
    results+=("FAIL  wepoll.dll of $build imports $imports")
    failed=$((failed + 1))
  else
    results+=("PASS  wepoll.dll of $build (imports: $imports)")
    passed=$((passed + 1))
  fi
fi

for arch in x86_64 i686; do
  for compiler in gcc clang; do
    one "$arch" "$compiler"
  done
done

echo
echo "single file linked with -lws2_32 alone (programs in $work):"
printf '    %s\n' "${results[@]}"
echo "SINGLE FILE LINK: $passed passed, $skipped skipped, $failed failed"
[ "$failed" = 0 ]
