#!/usr/bin/env bash
# Compiles lib/ for Windows on ARM64 (aarch64-w64-mingw32) with clang,
# warnings as errors: compile only, since Debian ships no ARM64 MinGW-w64 CRT
# to link against.
#
#   bash ci/arm64-compile.sh BUILD_DIR
#
# BUILD_DIR is a configured Meson build directory (x64 or x86): each lib/
# source is compiled with the flags of its entry in compile_commands.json
# (defines, warnings, -Werror, -std), the compiler swapped for Debian's clang
# with --target=aarch64-w64-mingw32 and the MinGW-w64 headers Debian ships
# for every architecture (/usr/share/mingw-w64/include, package
# mingw-w64-common).  Each object must come out as ARM64 COFF.  Called by
# ci/test.sh.
set -euo pipefail

if [ $# -ne 1 ]; then
  echo "usage: bash ci/arm64-compile.sh BUILD_DIR   (a configured Meson build directory)" >&2
  exit 2
fi
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$(cd "$1" && pwd)
# shellcheck source=ci/setup.sh
source "$root/ci/setup.sh"

wepoll_ensure_packages clang llvm mingw-w64-common
headers=/usr/share/mingw-w64/include
if [ ! -f "$headers/windows.h" ]; then
  echo "error: $headers/windows.h missing (package mingw-w64-common)" >&2
  exit 1
fi
if [ ! -f "$build/compile_commands.json" ]; then
  echo "error: $build/compile_commands.json missing: configure $build first" >&2
  exit 1
fi
out=$build/arm64-compile
rm -rf "$out"
mkdir -p "$out"

# One line per lib/ source: its directory, the object to write and the
# clang command, NUL-separated words.
commands=$(python3 - "$build/compile_commands.json" "$root/lib" "$out" \
  "$headers" <<'EOF'
import json, os, shlex, sys

db, lib, out, headers = sys.argv[1:]
dropped_with_value = {"-o", "-MQ", "-MF", "-MT"}
for entry in json.load(open(db)):
    src = os.path.normpath(os.path.join(entry["directory"], entry["file"]))
    if os.path.dirname(src) != lib or not src.endswith(".c"):
        continue
    args = entry.get("arguments") or shlex.split(entry["command"])
    flags, skip = [], False
    for a in args[1:]:
        if skip:
            skip = False
        elif a in dropped_with_value:
            skip = True
        elif a not in ("-MD", "-MMD", "-c") and a != entry["file"]:
            flags.append(a)
    obj = os.path.join(out, os.path.basename(src)[:-2] + ".o")
    cmd = (["clang", "--target=aarch64-w64-mingw32", "-isystem", headers] +
           flags + ["-c", src, "-o", obj])
    print(shlex.quote(entry["directory"]), shlex.quote(obj),
          " ".join(shlex.quote(c) for c in cmd))
EOF
)
if [ -z "$commands" ]; then
  echo "error: no lib/ source in $build/compile_commands.json" >&2
  exit 1
fi

failed=0 count=0
while read -r line; do
  eval "set -- $line"
  dir=$1 obj=$2
  shift 2
  count=$((count + 1))
  if ! (cd "$dir" && "$@"); then
    echo "FAIL  $(basename "$obj" .o).c: clang reported the errors above"
    failed=$((failed + 1))
  elif ! llvm-objdump -f "$obj" | grep -q 'coff-arm64'; then
    echo "FAIL  $(basename "$obj" .o).c: the object is not ARM64 COFF"
    failed=$((failed + 1))
  else
    echo "ok    $(basename "$obj" .o).c"
  fi
done <<<"$commands"
if [ "$failed" -ne 0 ]; then
  echo "ARM64 compile check: $failed of $count lib/ sources FAILED"
  exit 1
fi
echo "ARM64 compile check: all $count lib/ sources compile warning-free ($(clang --version | head -n 1))"
