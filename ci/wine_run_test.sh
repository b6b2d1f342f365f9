#!/usr/bin/env bash
# Tests of ci/wine_run.py, the Wine wrapper that retries Wine's own start-up
# failure, with real Wine in a build directory's Wine prefix.
#
#   bash ci/wine_run_test.sh BUILD_DIR
#
# BUILD_DIR is an x64 Meson build directory (only its Wine prefix and a
# scratch folder are used).  Checks that
#  - a program Wine fails to start twice and then starts is run a third
#    time, with two retries logged, and its stdin, stdout, stderr and exit
#    status pass through (Wine is made to fail by running it on a file that
#    is not a program: the same start.exe path and message as the flake);
#  - a program Wine never starts is retried the given number of times, then
#    Wine's message and status 1 pass through;
#  - a program that ran and failed (status 1) is not retried, nor one that
#    printed the first line of Wine's message itself, nor a missing .exe;
#  - a signal sent to the wrapper alone (SIGTERM, or SIGKILL, which it
#    cannot pass on) ends the program too;
#  - a program that exits with status 0 after marking itself started but
#    not finished fails with status 99; one that marked both passes.
# Called by ci/test.sh.
set -euo pipefail

if [ $# -ne 1 ]; then
  echo "usage: bash ci/wine_run_test.sh BUILD_DIR   (an x64 Meson build directory)" >&2
  exit 2
fi
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$(cd "$1" && pwd)
# shellcheck source=ci/setup.sh
source "$root/ci/setup.sh"

wepoll_wine_prefix "$build"
trap wepoll_wine_stop EXIT

work=$build/wine-run-test
rm -rf "$work"
mkdir -p "$work"
wrapper=$root/ci/wine_run.py
probe=$work/wine_run_probe.exe
x86_64-w64-mingw32-gcc -std=c11 -Wall -Wextra -Werror \
  "$root/ci/wine_run_probe.c" -o "$probe"
not_a_program=$work/not-a-program.exe
echo "this is not a PE file" >"$not_a_program"

# A stand-in for Wine that makes real Wine (its 64-bit loader) fail to start
# the program the first $FAKE_FAILURES times (counted in $FAKE_COUNT), then
# runs it.
wine64=$(python3 "$root/ci/wine_arch.py" loader x64)
export WINELOADER=$wine64
fake_wine=$work/fake-wine
cat >"$fake_wine" <<EOF
#!/usr/bin/env bash
n=\$((\$(cat "\$FAKE_COUNT" 2>/dev/null || echo 0) + 1))
echo "\$n" >"\$FAKE_COUNT"
if [ "\$n" -le "\$FAKE_FAILURES" ]; then exec "$wine64" "$not_a_program"; fi
exec "$wine64" "\$@"
EOF
chmod +x "$fake_wine"

export WEPOLL_WINE_RETRY_LOG=$work/retries.log
source "$root/ci/checks.sh"
retries_logged() { if [ -f "$WEPOLL_WINE_RETRY_LOG" ]; then wc -l <"$WEPOLL_WINE_RETRY_LOG"; else echo 0; fi; }
# run NAME FAILURES ARGS...: runs the wrapper over the stand-in, which fails
# FAILURES times, with stdin "hello"; leaves $work/NAME.out, $work/NAME.err,
# $work/NAME.count (how often Wine was started) and $status.
run() {
  local name=$1 fake_failures=$2
  shift 2
  rm -f "$WEPOLL_WINE_RETRY_LOG"
  status=0
  printf 'hello\n' | WEPOLL_WINE_BINARY="$fake_wine" \
    FAKE_FAILURES=$fake_failures FAKE_COUNT="$work/$name.count" \
    "$wrapper" "$@" >"$work/$name.out" 2>"$work/$name.err" || status=$?
}
starts() { cat "$work/$1.count"; }

wepoll_log "wine_run.py: a start-up failure twice, then the program runs"
run flaky 2 "$probe" echo
check "the program's exit status passes through" 7 "$status"
check "its stdout passes through, Wine's messages held back" \
  "hello" "$(cat "$work/flaky.out")"
check "its stderr passes through" 1 "$(grep -c '^probe: to stderr' "$work/flaky.err")"
check "Wine was started three times" 3 "$(starts flaky)"
check "two retries logged" 2 "$(retries_logged)"
check "each retry says why on stderr" 2 "$(grep -c 'wine start-up retry' "$work/flaky.err")"

wepoll_log "wine_run.py: a program Wine never starts"
"$wine64" "$not_a_program" >"$work/direct.out" 2>/dev/null || true
WEPOLL_WINE_START_RETRIES=2 run never 0 "$not_a_program"
check "Wine's status passes through after the last retry" 1 "$status"
check "Wine's message passes through once" \
  "$(cat "$work/direct.out")" "$(cat "$work/never.out")"
check "the message is start.exe's" 1 \
  "$(grep -c '^Application could not be started' "$work/never.out")"
check "Wine was started three times" 3 "$(starts never)"
check "two retries logged, the configured number" 2 "$(retries_logged)"

wepoll_log "wine_run.py: programs that ran and failed are not retried"
# Each: NAME, the probe's arguments or a path, the expected status and the
# expected number of stdout lines.
for spec in "fail|$probe fail|1|1" "lookalike|$probe lookalike|1|2" \
  "missing|$work/no-such-program.exe|53|0"; do
  IFS='|' read -r name args want_status want_lines <<<"$spec"
  # shellcheck disable=SC2086 # args are words
  run "$name" 0 $args
  check "$name: status" "$want_status" "$status"
  check "$name: stdout complete" "$want_lines" "$(grep -c . "$work/$name.out" || true)"
  check "$name: Wine started once" 1 "$(starts "$name")"
  check "$name: no retry logged" 0 "$(retries_logged)"
  check "$name: nothing from the wrapper on stderr" 0 \
    "$(grep -c wine_run.py "$work/$name.err" || true)"
done

wepoll_log "wine_run.py: a status 0 counts only with the finish mark"
for spec in "finished|0|0" "vanished|99|1"; do
  IFS='|' read -r name want_status want_said <<<"$spec"
  touch "$work/$name.stamp" # older than this run's mark file
  run "$name" 0 "$probe" "$name"
  check "$name: status" "$want_status" "$status"
  check "$name: its stdout passes through" "probe: $name" "$(cat "$work/$name.out")"
  check "$name: the wrapper says why" "$want_said" \
    "$(grep -c 'without finishing' "$work/$name.err" || true)"
  check "$name: no mark file left in the prefix" 0 \
    "$(find "$WINEPREFIX" -maxdepth 1 -name 'wepoll-mark-*' \
      -newer "$work/$name.stamp" | wc -l)"
done

# The probe waits for stdin, which the fifo keeps open.
mkfifo "$work/stdin.fifo"
exec 3<>"$work/stdin.fifo"
probe_running() {
  pgrep -f 'wine_run_probe.exe echo' >/dev/null && echo yes || echo no
}
# A signal the wrapper can pass on (a timeout's SIGTERM), and one it cannot
# (SIGKILL, as a test harness's kill() sends): Wine must end either way.
for sig in TERM KILL; do
  wepoll_log "wine_run.py: SIG$sig to the wrapper ends the program"
  "$wrapper" "$probe" echo <"$work/stdin.fifo" >/dev/null 2>&1 &
  pid=$!
  sleep 3
  check "SIG$sig: the program is running" yes "$(probe_running)"
  kill -"$sig" "$pid"
  status=0
  wait "$pid" 2>/dev/null || status=$? # no "Killed" notice from bash
  check "SIG$sig: the wrapper ends by that signal" \
    $((128 + $(kill -l "$sig"))) "$status"
  sleep 1
  check "SIG$sig: the program is gone" no "$(probe_running)"
done
exec 3>&-

checks_done wine_run.py
