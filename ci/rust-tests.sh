#!/usr/bin/env bash
# Tests of the Rust binding (bindings/rust, crate wepoll-sys) under Wine.
#
#   bash ci/rust-tests.sh BUILD_DIR
#
# BUILD_DIR is a built x64 (x86_64-w64-mingw32) Meson build directory; its
# lib/ holds wepoll.dll and the import library the crate links.  Uses
# Debian's rustc and cargo (not a rustup toolchain that may be on PATH) with
# the Windows standard library from libstd-rust-dev-windows, installing those
# packages when missing.  No crate is fetched: the crate has no dependencies
# and cargo runs --offline.  Runs twice: with the default `link` feature
# (layout against the C header, echo round trip, errors, run-time loading)
# and with no features (run-time loading only, nothing linked).
#
# x86 is skipped with a printed reason: Debian ships the Rust standard library
# for Windows for x86_64 only.
set -euo pipefail

if [ $# -ne 1 ]; then
  echo "usage: bash ci/rust-tests.sh BUILD_DIR   (an x64 Meson build directory)" >&2
  exit 2
fi
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$(cd "$1" && pwd)
# shellcheck source=ci/setup.sh
source "$root/ci/setup.sh"

target=x86_64-pc-windows-gnu
rust_packages=(rustc cargo libstd-rust-dev-windows)

wepoll_ensure_packages "${rust_packages[@]}"
if [ ! -d "/usr/lib/rustlib/$target/lib" ]; then
  echo "error: /usr/lib/rustlib/$target missing after installing libstd-rust-dev-windows" >&2
  exit 1
fi

dll=$build/lib/wepoll.dll
if [ ! -f "$dll" ]; then
  echo "error: $dll not found: build $build first (ninja -C $build)" >&2
  exit 1
fi
if ! x86_64-w64-mingw32-objdump -f "$dll" | grep 'pei-x86-64' >/dev/null; then
  echo "error: $dll is not an x64 DLL: pass the x86_64 build directory" >&2
  exit 1
fi

wepoll_wine_prefix "$build"
trap wepoll_wine_stop EXIT

# Debian's toolchain, whatever rustup put on PATH; our own cargo home and
# target dir so no user config is read and the source tree stays clean.
export RUSTC=/usr/bin/rustc
export CARGO_HOME=$build/rust/cargo-home
export CARGO_TARGET_DIR=$build/rust/target
# Wine, retrying only its own start-up failure (ci/wine_run.py).
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER=$root/ci/wine_run.py
export WEPOLL_LIB_DIR=$build/lib
export WEPOLL_INCLUDE_DIR=$root/include
# Wine runs the test programs from target/; wepoll.dll is found on WINEPATH.
export WINEPATH="Z:${build//\//\\}\\lib"
# Capturing a backtrace in a panicking test thread crashes under Wine 8 with
# Debian's Rust 1.63 (page fault in the unwinder's symbolizer), which would
# turn a readable test failure into a crash: keep backtraces off.
export RUST_BACKTRACE=0
mkdir -p "$CARGO_HOME"

cd "$root/bindings/rust"
log=$build/rust/test.log
status=0

wepoll_log "[rust x64] cargo test --target $target (feature link)"
if ! /usr/bin/cargo test --offline --locked --no-fail-fast --target "$target" 2>&1 | { echo "==> feature set: link"; cat; } | tee "$log"; then
  status=1
fi
# The comparison with the C header must have run, not been compiled out.
if ! grep -q '^test c_header::layout_matches_c_header \.\.\. ok$' "$log"; then
  echo "error: the layout comparison with wepoll.h did not run and pass" >&2
  status=1
fi

wepoll_log "[rust x64] cargo test --no-default-features (run-time loading only)"
if ! /usr/bin/cargo test --offline --locked --no-fail-fast --target "$target" \
    --no-default-features 2>&1 | { echo "==> feature set: none"; cat; } | tee -a "$log"; then
  status=1
fi

echo
echo "rust binding summary:"
awk '/^==> feature set: / { set = $4 }
     /^ *Running / { name = $2 }
     /^test result:/ { sub(/; finished in.*/, ""); printf "    %-8s %-22s %s\n", set, name, $0 }' "$log"
if [ -d "/usr/lib/rustlib/i686-pc-windows-gnu" ]; then
  echo "    [rust x86] SKIP: not wired up (this script takes the x64 build only)"
else
  echo "    [rust x86] SKIP: Debian ships the Rust standard library for Windows" \
    "(libstd-rust-dev-windows) for x86_64-pc-windows-gnu only"
fi
if [ "$status" = 0 ]; then
  echo "RUST: PASS"
else
  echo "RUST: FAIL"
fi
exit "$status"
