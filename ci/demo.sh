#!/usr/bin/env bash
# Builds the x64 wepoll.dll and runs its echo demo under Wine.
#
#   bash ci/demo.sh [connections [messages]]
#
# On a fresh Debian 12 machine it first installs what is missing (meson,
# ninja-build, mingw-w64, wine, wine64), creates a Wine prefix inside
# build/x86_64, builds wepoll.dll and demo/wepoll-demo.exe there and runs the
# demo: an epoll echo server and a client with many connections, both driven
# through the DLL.  Arguments go to the demo (defaults: 64 connections, 200
# messages each).  WEPOLL_BUILD_ROOT (default `build`) moves the build tree.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=ci/setup.sh
source ci/setup.sh

builddir=${WEPOLL_BUILD_ROOT:-build}/x86_64

wepoll_install x64
wepoll_wine_prefix "$builddir"
trap wepoll_wine_stop EXIT

wepoll_log "meson setup $builddir"
wepoll_meson_setup x86_64 "$builddir"
wepoll_log "building wepoll.dll and the demo"
# Only what the demo needs: the test programs are ci/test.sh's business.
ninja -C "$builddir" lib/wepoll.dll demo/wepoll-demo.exe

# The demo finds wepoll.dll through Wine's PATH, extended with WINEPATH.
WINEPATH=$(wepoll_wine64 winepath -w "$builddir/lib")
export WINEPATH
wepoll_log "running demo/wepoll-demo.exe under $(wepoll_wine64 --version)"
ci/wine_run.py "$builddir/demo/wepoll-demo.exe" "$@"
