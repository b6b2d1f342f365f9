#!/usr/bin/env bash
# Runs ci/test.sh's x86 path as a kernel without IA32 emulation gets it
# (WEPOLL_FORCE_NO_32BIT=1), in a build root of its own, and checks that
#  - the run passes, and its summary says that x86 programs were not run and
#    why;
#  - the x86 tests that were not run are counted as skipped;
#  - no x86 program was started (ci/wine_run.py logs every start), and
#    every x86 test that was skipped says why.
#
#   bash ci/x86_not_run_test.sh BUILD_ROOT [SEED_ROOT]
#
# With SEED_ROOT (the build root of a run that already built the x86
# builds, at the same depth below the source tree as BUILD_ROOT), each x86
# build not yet in BUILD_ROOT starts as a copy of SEED_ROOT's, less its
# Wine prefix and logs: the compile commands are the same, so ninja
# compiles nothing again and only the path taken after the build is new.
#
# ci/test.sh calls it where the kernel can run 32-bit programs: where it
# cannot, its own x86 run already is this path.
set -euo pipefail

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
  echo "usage: bash ci/x86_not_run_test.sh BUILD_ROOT [SEED_ROOT]" >&2
  exit 2
fi
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
mkdir -p "$1"
build_root=$(cd "$1" && pwd)
if [ $# = 2 ] && [ -d "$2" ]; then
  for seed in "$2"/i686*/; do
    seed=${seed%/}
    dest=$build_root/${seed##*/}
    [ -f "$seed/build.ninja" ] && [ ! -e "$dest" ] || continue
    mkdir -p "$dest"
    tar -C "$seed" --exclude=./wineprefix --exclude=./meson-logs \
      --exclude=./ci-test.log -cf - . | tar -C "$dest" -xf -
    echo "seeded $dest from $seed"
  done
fi
out=$build_root/test-sh.out

# ci/wine_run.py, through which every Windows program starts, logs each
# start here.
export WEPOLL_WINE_START_LOG=$build_root/wine-starts.log
rm -f "$WEPOLL_WINE_START_LOG"
rc=0
WEPOLL_FORCE_NO_32BIT=1 WEPOLL_BUILD_ROOT=$build_root \
  bash "$root/ci/test.sh" --x86-only --no-extras --no-install >"$out" 2>&1 ||
  rc=$?
tail -n 20 "$out"

source "$root/ci/checks.sh"
reason="x86 programs: not run: WEPOLL_FORCE_NO_32BIT=1 says to treat this kernel as unable to execute 32-bit programs"

[ "$rc" = 0 ] && ok "ci/test.sh exits 0" || fail "ci/test.sh exited $rc"
grep -qx "RESULT: PASS, but the programs of i686.* were NOT RUN (see above)" "$out" &&
  ok "the result says the x86 programs were not run" ||
  fail "no 'RESULT: PASS, but ... NOT RUN' line"
grep -qF "$reason" "$out" && ok "the summary gives the reason" ||
  fail "the reason '$reason' is not in the output"
skipped=$(sed -n 's/^tests: [0-9]* passed, [0-9]* failed, \([0-9]*\) skipped$/\1/p' "$out")
# Each x86 build names how many of its tests were not run; the closing
# count holds at least those, and i686 cannot have run more than its abi
# suite.
not_run=$(sed -n 's/^!!! i686[^:]*: .*(\([0-9]*\) tests not run, counted as skipped)$/\1/p' "$out" |
  awk '{n += $1} END {print n + 0}')
listed=$(meson test -C "$build_root/i686" --list 2>/dev/null | grep -c ' / ' || true)
abi=$(meson test -C "$build_root/i686" --list --suite abi 2>/dev/null | grep -c ' / ' || true)
i686_not_run=$(sed -n 's/^!!! i686: .*(\([0-9]*\) tests not run, counted as skipped)$/\1/p' "$out")
check "i686: every test but the abi suite's is not run" \
  "$((listed - abi))" "${i686_not_run:-none}"
if [ -n "$skipped" ] && [ "$not_run" -gt 0 ] && [ "$skipped" -ge "$not_run" ]; then
  ok "the tests not run count as skipped ($skipped skipped, $not_run of them not run)"
else
  fail "skipped count '$skipped' is below the $not_run tests not run"
fi
# The summary says which machine this is, and counts the x86 tests.
grep -q "^machine: .*; WEPOLL_FORCE_NO_32BIT=1 treats it as one that cannot$" "$out" &&
  ok "the summary names the machine, and that it was forced" ||
  fail "no 'machine: ...' line naming the forced mode"
counts=$(sed -n 's/^x86 tests \[i686\]: \([0-9]*\) listed, \([0-9]*\) run, \([0-9]*\) skipped by the tests, \([0-9]*\) not run.*/\1 \2 \3 \4/p' "$out")
read -r c_listed c_run c_skipped c_not_run <<<"${counts:-none}"
check "the summary counts i686's tests as listed" "$listed" "$c_listed"
check "... of which the abi suite's were run or skipped by the tests" \
  "$abi" "$((${c_run:-0} + ${c_skipped:-0}))"
check "... and all others not run" "$((listed - abi))" "${c_not_run:-none}"
started=$(grep -c '^x86 ' "$WEPOLL_WINE_START_LOG" 2>/dev/null || true)
[ "${started:-0}" = 0 ] && ok "no x86 program was started" ||
  fail "$started x86 programs were started: $(grep '^x86 ' "$WEPOLL_WINE_START_LOG")"
# Every x86 test that was skipped says why (Meson's testlog has its output).
if python3 - "$build_root/i686/meson-logs/testlog.json" <<'PY'
import json, sys
bad = []
for line in open(sys.argv[1], encoding="utf-8", errors="replace"):
    t = json.loads(line)
    out = (t.get("stdout") or "") + (t.get("stderr") or "")
    if t["result"] == "SKIP" and "x86 programs: not run:" not in out:
        bad.append(t["name"])
for name in bad:
    print(name)
sys.exit(1 if bad else 0)
PY
then
  ok "every skipped x86 test gives the reason"
else
  fail "x86 tests skipped for another reason (above)"
fi

checks_done x86_not_run_test
