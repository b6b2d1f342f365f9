#!/usr/bin/env bash
# Host-side sanitizer and fuzz runs of lib/'s pure C parts:
# the socket map, the intrusive queues, the epoll <-> AFD translation and the
# errno <-> Win32 table, compiled natively from lib/ with gcc and clang under
# AddressSanitizer + UndefinedBehaviorSanitizer, plus libFuzzer targets for
# the map and the translation.  Called by ci/test.sh; runs on its own too:
#
#   bash ci/host-tests.sh [--no-install] [host/run.sh options]
#
# e.g. a long fuzz run:  bash ci/host-tests.sh --fuzz-runs 20000000
# Installs what it needs from Debian when missing: gcc, clang,
# libclang-rt-14-dev (the sanitizer and libFuzzer runtimes).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=ci/setup.sh
source ci/setup.sh

install=1
if [ "${1:-}" = --no-install ]; then
  install=0
  shift
fi

if [ "$install" = 1 ]; then
  missing=()
  for p in gcc clang libclang-rt-14-dev; do
    wepoll_pkg_installed "$p" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    wepoll_apt_update_once
    wepoll_log "installing ${missing[*]}"
    wepoll_apt install --no-install-recommends "${missing[@]}"
  fi
fi

exec bash host/run.sh --out "${WEPOLL_BUILD_ROOT:-build}/host" "$@"
