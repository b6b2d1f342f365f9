#!/usr/bin/env bash
# Builds wepoll, runs the benchmark under Wine and plots it.
#
#   bash ci/bench.sh [options] [-- EXTRA.dll ...]
#
# Installs what is missing (the build packages and python3-matplotlib),
# builds build-bench/<arch> with the cross file from ci/, then runs
# bench/wbench.exe on the freshly built wepoll.dll in both modes (default
# and close-tracking), on a copy of it under another name in the default
# mode (a same-code sanity line: the two should agree within noise), on the
# baseline DLL of issue 11 (bench/baseline/<arch>/, the build of commit
# 0e9a121) in both modes (it refuses close tracking: "n/a"), plus any DLL
# given after `--` (any DLL with wepoll's ABI), with WSAPoll and select as
# baselines.  Then bench/compare.py prints the new/baseline ratios and
# issue 11's targets (PASS/FAIL).  Takes a few minutes on a 2-core machine.
#
# Writes, in build-bench/<arch>/bench/:
#   wbench.txt   the printed table, speed targets, machine and the
#                comparison with the baseline
#   wbench.csv   test,impl,n,unit,median,min,max,rounds
#   wbench.png   latency against idle sockets, ping-pong against pairs
#   wakeup.txt   cross-thread wake-up latency: an event registered with
#                wepoll_ctl_handle, the loopback-socket workaround and a
#                packet posted to the port (bench/wakeup_bench.c, medians
#                side by side)
#
# Options:
#   --x86          the 32-bit build (default: x86_64)
#   --rounds R     rounds (default 3)
#   --ms MS        milliseconds per sample (default 200)
#   --quick        a short smoke run (1 round, small counts)
#   --no-install   do not check or install packages
#   -h, --help     this text
# Run it on a quiet machine: other heavy jobs change the figures (check
# `uptime` first).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
# shellcheck source=ci/setup.sh
source ci/setup.sh

usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; }

arch=x86_64
install=1
bench_args=(--rounds 3)
extra_dlls=()
while [ $# -gt 0 ]; do
  case "$1" in
    --x86) arch=i686 ;;
    --rounds | --ms) bench_args+=("$1" "$2"); shift ;;
    --quick) bench_args+=(--quick) ;;
    --no-install) install=0 ;;
    -h | --help) usage; exit 0 ;;
    --) shift; extra_dlls=("$@"); break ;;
    *) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

if [ "$install" = 1 ]; then
  if [ "$arch" = i686 ]; then wepoll_install x86; else wepoll_install x64; fi
  if ! wepoll_pkg_installed python3-matplotlib; then
    wepoll_log "installing python3-matplotlib (for the plot)"
    wepoll_apt_update_once
    wepoll_apt install --no-install-recommends python3-matplotlib
  fi
fi

builddir=build-bench/$arch
wepoll_wine_prefix "$builddir"
trap wepoll_wine_stop EXIT
wepoll_meson_setup "$arch" "$builddir" >/dev/null
ninja -C "$builddir" lib/wepoll.dll bench/wbench.exe bench/wakeup_bench.exe

out=$root/$builddir/bench
dll=$root/$builddir/lib/wepoll.dll
# A copy under another name loads as a second, independent module.
cp "$dll" "$out/wepoll-copy.dll"
# wbench measures a DLL in the modes after its colon.
dlls=("$dll:default,tracking" "$out/wepoll-copy.dll:default")
baseline=""
for f in "$root/bench/baseline/$arch/"*.dll; do
  [ -f "$f" ] && baseline=$f
done
if [ -n "$baseline" ]; then
  dlls+=("$baseline:default,tracking")
else
  wepoll_log "no baseline DLL in bench/baseline/$arch/: no comparison"
fi
for d in "${extra_dlls[@]}"; do
  dlls+=("$(cd "$(dirname "$d")" && pwd)/$(basename "$d")")
done

wepoll_log "load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
{
  echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo |
    cut -d: -f2- | sed 's/^ //'), $(wine --version 2>/dev/null), $arch"
  echo "load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "source: commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(
    git diff --quiet HEAD -- lib include 2>/dev/null || echo ' + uncommitted lib/ changes')"
  ci/wine_run.py "$out/wbench.exe" "${bench_args[@]}" --csv "$out/wbench.csv" \
    "${dlls[@]}"
  if [ -n "$baseline" ]; then
    python3 bench/compare.py "$out/wbench.csv" --new wepoll.dll \
      --base "$(basename "$baseline")"
  fi
} 2>&1 | tee "$out/wbench.txt"
# Debian's matplotlib belongs to Debian's python3, which a python3 earlier on
# PATH (pyenv, a venv) may hide.
plot_python=python3
if ! python3 -c 'import matplotlib' 2>/dev/null && [ -x /usr/bin/python3 ]; then
  plot_python=/usr/bin/python3
fi
"$plot_python" bench/plot.py "$out/wbench.csv" "$out/wbench.png" \
  --title "wepoll vs WSAPoll/select under $(wine --version 2>/dev/null), \
$(nproc) CPUs, $arch"
wakeup_args=()
for a in "${bench_args[@]}"; do [ "$a" = --quick ] && wakeup_args=(--quick); done
WINEPATH="Z:$root/$builddir/lib" wine "$out/wakeup_bench.exe" \
  "${wakeup_args[@]}" 2>&1 | tee "$out/wakeup.txt"
echo "results: $out/wbench.txt, $out/wbench.csv, $out/wbench.png, $out/wakeup.txt"
