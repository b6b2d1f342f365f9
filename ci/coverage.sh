#!/usr/bin/env bash
# Line and branch coverage of lib/ under Wine, x64.
#
#   bash ci/coverage.sh [--no-install] [--report-only] [BUILD_DIR]
#
# Builds the model build (-Dwindows_model=true: lib/'s system calls go
# through tests/model/, which injects failures and plays Windows's answers
# where Wine's differ; see lib/os.h) with -Db_coverage=true (gcc's gcov
# counters, -O0 so that every line maps to code) in BUILD_DIR (default
# ${WEPOLL_BUILD_ROOT:-build}/coverage), runs the Meson suites that drive
# lib/ (core, reliability and model, with Windows's answers played), then
# the tests of handles and of closing once more with Wine's own answers
# (WEPOLL_MODEL_PLAY=0: the thread-pool wait that Wine takes) and the host
# unit tests of lib/'s pure C files (host/run.sh --coverage, native gcc,
# whose counts are added to the same lines), then prints the lines and
# branches of lib/ run, per file and in total, and every line never run,
# each with its reason when one is listed below.  Fails when a test fails, when the total of lines or branches
# falls below the floor, when a reason below names no never-run line or a
# line that runs, or when a program run left no counters.  --report-only
# reports on the data of the last run.  ci/test.sh runs it as one of its
# extra suites; each step prints its time.
#
# The counters live in each test program (the model build's library is
# static) and are written by its C runtime at process exit: a normal return, exit(), ExitProcess()
# (the way every skipped test leaves) and abort() get there;
# TerminateProcess() and a crash do not, and such a run is reported.  Each test program writes into a folder of its own
# (GCOV_PREFIX, set by a wrapper around every test), so programs that run
# in parallel never update one .gcda file; the folders are merged with
# gcov-tool afterwards.
set -euo pipefail

# The floor.  Measured when it was set: lines 99.3% to 99.4%, branches
# 95.3% to 95.7%; thread interleavings under Wine move a line or a few
# branches from run to run, which the figures clear.
floor_lines=99.0
floor_branches=95.0

# Lines no test here can reach: FILE | FUNCTION | TEXT | REASON, where TEXT
# is a piece of the line's text (`TEXT#K`: the K-th such line of the
# function, -1 the last), `FIRST >> LAST` (the lines from one with FIRST
# to the next with LAST) or `*` (the whole function); see
# ci/coverage_report.py.  Entries name code, never line numbers; one that
# names no never-run line, or a line that now runs, fails the run, so the
# list cannot go stale silently.
unreachable_lines() {
  cat <<'EOF'
# Guards that hold by construction.
lib/sock.c | sock_take_events | return 0; | a socket joins the ready queue only while armed, and the report that disarms a one-shot socket also takes it off
lib/sock.c | sock_delete | return; | every caller has a socket still in the port's map or has checked `deleted` first
lib/sock.c | sock_abandon | return; | epoll_close abandons the sockets in the port's map, and a deleted socket has left it
lib/sock.c | sock_consume_main | sock_delete(port, sock);#1 >> return; | a pending poll of a socket that gets closed ends with LOCAL_CLOSE; the closed-handle statuses come only at submission
lib/sock.c | sock_complete_watch | sock_status_means_closed(status)) { | a registered socket's watch ends only with LOCAL_CLOSE: DEL and epoll_close mark the socket deleted before they cancel it
lib/sock.c | sock_complete_watch | if (!sock_watch_submit(port, sock)) >> sock_delete(port, sock); | as above: a watch that ended without LOCAL_CLOSE for a live socket
EOF
}

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck disable=SC2034 # read by ci/setup.sh's functions
root=$PWD
# shellcheck source=ci/setup.sh
source ci/setup.sh

install=1
report_only=0
builddir=""
while [ $# -gt 0 ]; do
  case "$1" in
    --no-install) install=0 ;;
    --report-only) report_only=1 ;;
    -h | --help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
    -*) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
    *) builddir=$1 ;;
  esac
  shift
done
builddir=${builddir:-${WEPOLL_BUILD_ROOT:-build}/coverage}
mkdir -p "$builddir"
builddir=$(cd "$builddir" && pwd)
runs=$builddir/coverage-runs

step_start=$(date +%s)
all_start=$step_start
step() {
  local now
  now=$(date +%s)
  wepoll_log "[coverage] $1 ($((now - step_start))s)"
  step_start=$now
}

if [ "$install" = 1 ]; then
  wepoll_install x64
  # The host unit tests' build (native gcc and its gcov).
  if ! wepoll_pkg_installed gcc; then
    wepoll_apt_update_once
    wepoll_apt install --no-install-recommends gcc
  fi
fi

# The gcov of the MinGW-w64 cross compiler (Debian names it after the
# thread model of the compiler it came with; both read the same format).
find_tool() {
  local t
  for t in "x86_64-w64-mingw32-$1" "x86_64-w64-mingw32-$1-win32" \
           "x86_64-w64-mingw32-$1-posix"; do
    if command -v "$t" >/dev/null 2>&1; then echo "$t"; return 0; fi
  done
  echo "error: x86_64-w64-mingw32-$1 not found (package gcc-mingw-w64-x86-64)" >&2
  return 1
}
gcov=$(find_tool gcov)
gcov_tool=$(find_tool gcov-tool)

test_status=0
if [ "$report_only" = 0 ]; then
  wepoll_wine_prefix "$builddir"
  trap wepoll_wine_stop EXIT
  wepoll_meson_setup x86_64 "$builddir" -Db_coverage=true -Dbuildtype=debug \
    -Ddemo=false -Dwindows_model=true -Ddefault_library=static
  step "configured $builddir"
  # Only what the suites need (meson test builds their programs): some
  # other programs of the tree, the Nim ones, do not link with --coverage.
  find "$builddir" -name '*.gcda' -delete
  rm -rf "$runs"
  mkdir -p "$runs"
  # Every test goes through this wrapper, which gives its program (and the
  # programs that one starts) a folder of its own for the counters.
  wrapper=$builddir/coverage-wrapper.sh
  cat >"$wrapper" <<EOF
#!/bin/sh
name=unknown
for a in "\$@"; do case \$a in *.exe) name=\${a##*/} ;; esac; done
GCOV_PREFIX=$runs/\$name.\$\$
export GCOV_PREFIX
exec "\$@"
EOF
  chmod +x "$wrapper"
  if ! nice -n 10 meson test -C "$builddir" --print-errorlogs \
      --timeout-multiplier "${WEPOLL_TIMEOUT_MULTIPLIER:-2}" \
      --wrapper "$wrapper" --suite core --suite reliability --suite model \
      >"$builddir/coverage-test.log" 2>&1; then
    test_status=1
  fi
  sed -n '/^Ok:/,/^Timeout:/p' "$builddir/coverage-test.log"
  step "built and ran the core, reliability and model suites (Windows played)"
  # The same library with nothing played: the paths Wine's own answers
  # take (the thread-pool wait for handles, a port closed under a waiter).
  mapfile -t wine_paths < <(meson test -C "$builddir" --list --suite core |
    sed -n 's/^.* \/ \(handle_[a-z_]*\|close_while_waiting[a-z_]*\|post_close\)$/\1/p')
  if [ ${#wine_paths[@]} -eq 0 ]; then
    echo "error: no test of handles or closing listed in $builddir" >&2
    test_status=1
  elif ! WEPOLL_MODEL_PLAY=0 nice -n 10 meson test -C "$builddir" \
      --print-errorlogs --timeout-multiplier "${WEPOLL_TIMEOUT_MULTIPLIER:-2}" \
      --wrapper "$wrapper" "${wine_paths[@]}" \
      >"$builddir/coverage-test-wine.log" 2>&1; then
    test_status=1
  fi
  sed -n '/^Ok:/,/^Timeout:/p' "$builddir/coverage-test-wine.log"
  wepoll_wine_stop
  step "ran ${#wine_paths[@]} tests of handles and closing with nothing played"
  # lib/'s pure C files as the host unit tests run them (natively, gcc).
  if ! bash host/run.sh --coverage "$builddir/host-coverage"; then
    test_status=1
  fi
  step "ran the host unit tests"
fi

report_status=0
# The reason matching and the host merge themselves, on made-up data.
python3 ci/coverage_report.py --self-test || report_status=1
unreachable_lines | python3 ci/coverage_report.py --build "$builddir" \
  --runs "$runs" --gcov "$gcov" --gcov-tool "$gcov_tool" \
  --floor-lines "$floor_lines" --floor-branches "$floor_branches" \
  --host-objdir "$builddir/host-coverage" --host-gcov gcov ||
  report_status=1
step "merged and reported"
echo "coverage total time: $(($(date +%s) - all_start))s"
if [ "$test_status" != 0 ]; then
  echo "error: a test failed under coverage (see $builddir/coverage-test.log):"
  grep -E '^ *[0-9]+/[0-9]+ .* (FAIL|TIMEOUT|ERROR) ' "$builddir"/coverage-test*.log || true
  exit 1
fi
exit "$report_status"
