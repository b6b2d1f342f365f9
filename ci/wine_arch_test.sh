#!/usr/bin/env bash
# Tests of ci/wine_arch.py (the 32-bit probe and the choice of Wine loader)
# and of the scripts that use it.
#
#   bash ci/wine_arch_test.sh BUILD_DIR
#
# BUILD_DIR is an x64 Meson build directory (its Wine prefix and a scratch
# folder are used).  Checks that
#  - the probe program is a static i386 ELF executable that exits 42 where it
#    runs (under qemu-i386 when that is installed), and the probe's answer
#    agrees with what running it directly does on this kernel;
#  - WEPOLL_FORCE_NO_32BIT=1 makes the probe say no, with that reason;
#  - ci/wine_run.py starts an x64 program with the 64-bit loader (and
#    WINELOADER pointing at it), an x86 one with the 32-bit loader only
#    where the kernel runs 32-bit programs, and otherwise starts nothing and
#    reports the test as skipped (77) with the reason;
#  - with a `wine` first on PATH that fails as the 32-bit loader does on a
#    kernel without IA32 emulation (wine32:i386 installed there), a new Wine
#    prefix is still made and a real x64 program still runs.
# Called by ci/test.sh.
set -euo pipefail

if [ $# -ne 1 ]; then
  echo "usage: bash ci/wine_arch_test.sh BUILD_DIR   (an x64 Meson build directory)" >&2
  exit 2
fi
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$(cd "$1" && pwd)
# shellcheck source=ci/setup.sh
source "$root/ci/setup.sh"

work=$build/wine-arch-test
rm -rf "$work"
mkdir -p "$work"
arch_py=$root/ci/wine_arch.py
wrapper=$root/ci/wine_run.py

source "$root/ci/checks.sh"

# --- The probe ---------------------------------------------------------------
probe=$work/probe32
python3 "$arch_py" write-probe "$probe"
header=$(readelf -h "$probe")
check "probe program is ELF32" "ELF32" \
  "$(awk -F: '/Class:/ {gsub(/ /, "", $2); print $2}' <<<"$header")"
check "probe program is for Intel 80386" "Intel 80386" \
  "$(awk -F: '/Machine:/ {sub(/^ +/, "", $2); print $2}' <<<"$header")"
check "probe program is an executable" "EXEC (Executable file)" \
  "$(awk -F: '/Type:/ {sub(/^ +/, "", $2); print $2}' <<<"$header")"
if command -v qemu-i386 >/dev/null 2>&1; then
  rc=0
  qemu-i386 "$probe" || rc=$?
  check "probe program exits 42 where it runs (qemu-i386)" 42 "$rc"
else
  echo "note  qemu-i386 is not installed: the probe program was not run under emulation"
fi

rc=0
direct_err=$("$probe" 2>&1) || rc=$?
# The kernel's own answer, whatever this run was told to pretend
# (ci/test.sh may run under WEPOLL_FORCE_NO_32BIT=1), and the answer the
# scripts of this run act on.
kernel_answer=$(env -u WEPOLL_FORCE_NO_32BIT -u WEPOLL_ASSUME_32BIT \
  python3 "$arch_py" probe || true)
answer=$(python3 "$arch_py" probe || true)
if [ "$rc" = 42 ]; then
  check "probe says yes where the program ran" "yes" "$kernel_answer"
else
  # bash reports the kernel's ENOEXEC as status 126, "Exec format error".
  check "running the program directly fails as ENOEXEC" 126 "$rc"
  contains "its error is Exec format error" "Exec format error" "$direct_err"
  check "probe says no where the program cannot run" \
    "no: this kernel cannot execute 32-bit programs (no IA32 emulation)" \
    "$kernel_answer"
fi
case ${WEPOLL_FORCE_NO_32BIT:-} in
  "" | 0) check "unforced, this run acts on the kernel's answer" \
            "$kernel_answer" "$answer" ;;
  *) check "forced, this run acts on the forced answer" \
       "no: WEPOLL_FORCE_NO_32BIT=1 says to treat this kernel as unable to execute 32-bit programs" \
       "$answer" ;;
esac
check "forced mode says no with its reason" \
  "no: WEPOLL_FORCE_NO_32BIT=1 says to treat this kernel as unable to execute 32-bit programs" \
  "$(WEPOLL_FORCE_NO_32BIT=1 python3 "$arch_py" probe || true)"
rc=0
WEPOLL_FORCE_NO_32BIT=1 python3 "$arch_py" probe >/dev/null || rc=$?
check "forced mode's probe exits 1" 1 "$rc"
check "assumed 32-bit: the probe says yes without running anything" "yes" \
  "$(env -u WEPOLL_FORCE_NO_32BIT WEPOLL_ASSUME_32BIT=1 python3 "$arch_py" probe)"
check "forcing no-32-bit wins over assuming it" \
  "no: WEPOLL_FORCE_NO_32BIT=1 says to treat this kernel as unable to execute 32-bit programs" \
  "$(WEPOLL_FORCE_NO_32BIT=1 WEPOLL_ASSUME_32BIT=1 python3 "$arch_py" probe || true)"

# --- Programs of both architectures ------------------------------------------
exe64=$work/probe64.exe
exe32=$work/probe32.exe
x86_64-w64-mingw32-gcc -std=c11 -Wall -Wextra -Werror \
  "$root/ci/wine_run_probe.c" -o "$exe64"
i686-w64-mingw32-gcc -std=c11 -Wall -Wextra -Werror \
  "$root/ci/wine_run_probe.c" -o "$exe32"
check "an x64 program is x64" x64 "$(python3 "$arch_py" arch "$exe64")"
check "an x86 program is x86" x86 "$(python3 "$arch_py" arch "$exe32")"
check "a text file is no program" unknown \
  "$(python3 "$arch_py" arch "$arch_py" || true)"

# --- Loader choice, with stand-in loaders -----------------------------------
# Each stand-in records its name, its WINELOADER and its arguments.  The
# 32-bit one fails as Debian's /usr/lib/wine/wine does on a kernel that
# cannot run it.
loaders=$work/loaders
mkdir -p "$loaders"
cat >"$loaders/wine64" <<'EOF'
#!/usr/bin/env bash
echo "wine64 WINELOADER=$WINELOADER $*" >>"$STANDIN_LOG"
EOF
cat >"$loaders/wine" <<'EOF'
#!/usr/bin/env bash
echo "wine WINELOADER=${WINELOADER:-} $*" >>"$STANDIN_LOG"
EOF
chmod +x "$loaders/wine64" "$loaders/wine"
export STANDIN_LOG=$work/standin.log
unset WINELOADER
standin() { # standin [ENV=VALUE...] COMMAND...: runs COMMAND, prints
            # "<status> <what the stand-ins recorded>"
  local rc=0
  rm -f "$STANDIN_LOG"
  env -u WEPOLL_ASSUME_32BIT WEPOLL_WINE_LOADER_DIR="$loaders" "$@" \
    >"$work/standin.out" || rc=$?
  echo "$rc $(cat "$STANDIN_LOG" 2>/dev/null)"
}
check "x64 program: the 64-bit loader, told where it is" \
  "0 wine64 WINELOADER=$loaders/wine64 $exe64 echo" \
  "$(standin python3 "$wrapper" "$exe64" echo </dev/null)"
rm -f "$work/starts.log"
WEPOLL_WINE_START_LOG=$work/starts.log standin python3 "$wrapper" "$exe64" \
  echo </dev/null >/dev/null
WEPOLL_WINE_START_LOG=$work/starts.log standin WEPOLL_FORCE_NO_32BIT=1 \
  python3 "$wrapper" "$exe32" echo </dev/null >/dev/null
check "the start log records the x64 start and no x86 one" "x64 $exe64" \
  "$(cat "$work/starts.log")"
check "x64 program: the 64-bit loader even when 32-bit Wine exists" \
  "$loaders/wine64" "$(WEPOLL_WINE_LOADER_DIR=$loaders python3 "$arch_py" loader x64)"
check "x86 program: the 32-bit loader where it is installed" \
  "$loaders/wine" "$(WEPOLL_WINE_LOADER_DIR=$loaders python3 "$arch_py" loader x86)"
rm "$loaders/wine"
check "x86 program: no loader where 32-bit Wine is not installed" \
  "none: 32-bit Wine is not installed ($loaders/wine is missing)" \
  "$(WEPOLL_WINE_LOADER_DIR=$loaders python3 "$arch_py" loader x86 || true)"
cp "$loaders/wine64" "$loaders/wine"
sed -i 's/^echo "wine64/echo "wine/' "$loaders/wine"

check "x86 program, forced no-32-bit: nothing started, skipped (77)" "77 " \
  "$(standin WEPOLL_FORCE_NO_32BIT=1 python3 "$wrapper" "$exe32" echo </dev/null)"
check "x86 program, forced no-32-bit: the skip line says why" \
  "SKIP (x86 programs: not run: WEPOLL_FORCE_NO_32BIT=1 says to treat this kernel as unable to execute 32-bit programs)" \
  "$(cat "$work/standin.out")"
if [ "$answer" = yes ]; then
  check "x86 program: the 32-bit loader on this kernel, told where it is" \
    "0 wine WINELOADER=$loaders/wine $exe32 echo" \
    "$(standin python3 "$wrapper" "$exe32" echo </dev/null)"
else
  check "x86 program on this kernel: nothing started, skipped (77)" "77 " \
    "$(standin python3 "$wrapper" "$exe32" echo </dev/null)"
  check "x86 program on this kernel: the skip line says why" \
    "SKIP (x86 programs: not run: ${answer#no: })" \
    "$(cat "$work/standin.out")"
fi

# --- Both architectures through every script that starts Wine ---------------
# WEPOLL_ASSUME_32BIT=1 takes the x86 branch on any kernel; the stand-ins
# record what would have run, so no 32-bit program starts.  Each starter
# must answer the same shape for both: the loader of the program's
# architecture, told where it is.
assume32=(WEPOLL_FORCE_NO_32BIT= WEPOLL_ASSUME_32BIT=1)
check "x86 program, 32-bit assumed: the 32-bit loader, told where it is" \
  "0 wine WINELOADER=$loaders/wine $exe32 echo" \
  "$(standin "${assume32[@]}" python3 "$wrapper" "$exe32" echo </dev/null)"
# ci/roundtrips.py (the round-trip budgets) builds its command itself.
rt_command() { # rt_command PROGRAM: "<command> WINELOADER=<value>"
  env WEPOLL_WINE_LOADER_DIR="$loaders" "${assume32[@]}" \
    python3 - "$root/ci" "$1" <<'PY'
import os, sys
sys.path.insert(0, sys.argv[1])
import roundtrips
env = {"PATH": os.environ["PATH"]}
cmd = roundtrips.wine_command(sys.argv[2], env)
print(" ".join(cmd), "WINELOADER=" + env.get("WINELOADER", "<unset>"))
PY
}
for prog in "$exe64:wine64" "$exe32:wine" "wineboot:wine64"; do
  check "roundtrips.py: $(basename "${prog%%:*}") gets ${prog##*:}, told where it is" \
    "$loaders/${prog##*:} ${prog%%:*} WINELOADER=$loaders/${prog##*:}" \
    "$(rt_command "${prog%%:*}" 2>&1)"
done
# The whole traced run, as an x86 budget test makes it (the real wineserver
# only stops a server that is not there: the prefix is new and empty).
rc=0
rm -f "$STANDIN_LOG"
env WEPOLL_WINE_LOADER_DIR="$loaders" "${assume32[@]}" python3 - \
  "$root/ci" "$exe32" "$work/rt-prefix" <<'PY' || rc=$?
import sys
sys.path.insert(0, sys.argv[1])
import roundtrips
rc, _, trace = roundtrips.run_traced(sys.argv[2], ["steady"], [], sys.argv[3])
sys.exit(rc)
PY
check "roundtrips.py: a traced x86 run starts" 0 "$rc"
check "roundtrips.py: the prefix is made with the 64-bit loader" \
  "wine64 WINELOADER=$loaders/wine64 wineboot -i" \
  "$(sed -n 1p "$STANDIN_LOG" 2>/dev/null)"
contains "roundtrips.py: the x86 scenario runs with the 32-bit loader" \
  "wine WINELOADER=$loaders/wine /" "$(sed -n 2p "$STANDIN_LOG" 2>/dev/null)"
contains "roundtrips.py: ... with its arguments" "/probe32.exe steady" \
  "$(sed -n 2p "$STANDIN_LOG" 2>/dev/null)"
# The budget test skips, and says why, where x86 programs cannot run.
rc=0
out=$(env WEPOLL_WINE_LOADER_DIR="$loaders" WEPOLL_FORCE_NO_32BIT=1 python3 \
  "$root/tests/perf/check_budget.py" --exe "$exe32" --prefix \
  "$work/rt-prefix" steady) || rc=$?
check "check_budget.py, x86 not runnable: skipped (77)" 77 "$rc"
check "check_budget.py, x86 not runnable: the skip line says why" \
  "SKIP (x86 programs: not run: WEPOLL_FORCE_NO_32BIT=1 says to treat this kernel as unable to execute 32-bit programs)" \
  "$out"

# --- Real Wine with a broken `wine` first on PATH ----------------------------
# What a kernel without IA32 emulation gives once wine32:i386 is installed:
# Debian's `wine` and every tool that goes through it fail for any program.
broken=$work/broken-bin
mkdir -p "$broken"
for tool in wine wine-stable wineboot winepath; do
  printf '#!/bin/sh\necho "%s: cannot execute binary file: Exec format error" >&2\nexit 126\n' \
    "$tool" >"$broken/$tool"
  chmod +x "$broken/$tool"
done
rc=0
PATH=$broken:$PATH WEPOLL_SHARED_WINEPREFIX="" wepoll_wine_prefix "$work" || rc=$?
check "a new Wine prefix is made without Debian's wine script" 0 "$rc"
trap wepoll_wine_stop EXIT
rc=0
out=$(printf 'through wine64\n' | PATH=$broken:$PATH python3 "$wrapper" \
  "$exe64" echo 2>/dev/null) || rc=$?
check "a real x64 program runs and its status passes through" 7 "$rc"
check "its stdin reaches it and its stdout comes back" "through wine64" \
  "$(tr -d '\r' <<<"$out")"
rc=0
PATH=$broken:$PATH wepoll_wine64 winepath -w "$work" >/dev/null || rc=$?
check "Wine's own tools run through the 64-bit loader" 0 "$rc"

checks_done wine_arch_test
