#!/usr/bin/env bash
# Builds wepoll, runs the benchmark under Wine and plots it.
#
#   bash ci/bench.sh [options] [-- EXTRA.dll ...]
#
# Installs what is missing (the build packages and python3-matplotlib),
# builds build-bench/<arch> (${WEPOLL_BUILD_ROOT}-bench/<arch> when
# WEPOLL_BUILD_ROOT is set) with the cross file from ci/, then runs
# bench/wbench.exe on the freshly built wepoll.dll in both modes (default
# and close-tracking), on a copy of it under another name in the default
# mode (a same-code line: the two differ only by the machine's noise), on
# the reference DLL (below) and on any DLL given after `--` (any DLL with
# wepoll's ABI), with WSAPoll and select beside them.  Every figure comes
# from the same run, so ratios between the columns hold even on a busy
# machine where the absolute figures do not.  bench/compare.py then prints
# the medians side by side and our DLL's ratio to the reference, beside the
# run's noise for that figure: how far the same-code copy lay from our DLL.
# A ratio inside that band is printed as "within noise", never as a
# speed-up or a slow-down.  Takes about 6 minutes on a 2-core machine.
#
# The reference: the public wepoll 1.5.8 built for <arch>, looked for at
# ../shared/reference/wepoll-1.5.8/<arch>/wepoll.dll (relative to the
# repository root), or the DLL given with --reference.  It is copied into
# the output folder as wepoll-1.5.8.dll (or ref-NAME.dll), so that its
# label differs from ours; wbench.txt names the file measured and its
# SHA-256.  Without it the run measures ours, WSAPoll and select only.
#
# Writes, in build-bench/<arch>/bench/:
#   wbench.txt   the command, machine, commit, reference file, the table
#                and the side-by-side comparison
#   wbench.csv   test,impl,n,unit,median,min,max,rounds
#   wbench.png   latency against idle sockets, ping-pong against pairs
#   wakeup.txt   cross-thread wake-up latency: an event registered with
#                wepoll_ctl_handle, the loopback-socket workaround and a
#                packet posted to the port (bench/wakeup_bench.c, medians
#                side by side)
#
# Options:
#   --x86            the 32-bit build (default: x86_64)
#   --rounds R       rounds (default 3)
#   --ms MS          milliseconds per sample (default 200)
#   --quick          a short smoke run (1 round, small counts)
#   --reference DLL  the DLL to compare against (default: wepoll 1.5.8, above)
#   --no-reference   no reference DLL
#   --no-install     do not check or install packages
#   -h, --help       this text
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
reference=default
command="bash ci/bench.sh${*:+ $*}"
while [ $# -gt 0 ]; do
  case "$1" in
    --x86) arch=i686 ;;
    --rounds | --ms) bench_args+=("$1" "$2"); shift ;;
    --quick) bench_args+=(--quick) ;;
    --reference) reference=$2; shift ;;
    --no-reference) reference="" ;;
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

builddir=${WEPOLL_BUILD_ROOT:-build}-bench/$arch
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

# The reference DLL, copied under a name of its own: wbench labels a DLL
# with its file name, and 1.5.8's is wepoll.dll like ours.
ref_note="reference: none"
ref_label=""
if [ "$reference" = default ]; then
  reference=""
  f=$root/../shared/reference/wepoll-1.5.8/$arch/wepoll.dll
  if [ -f "$f" ]; then
    reference=$(cd "$(dirname "$f")" && pwd)/wepoll.dll
    ref_label=wepoll-1.5.8.dll
  else
    wepoll_log "no reference DLL at $f: measuring without it"
  fi
elif [ -n "$reference" ]; then
  [ -f "$reference" ] || { echo "no such file: $reference" >&2; exit 2; }
  reference=$(cd "$(dirname "$reference")" && pwd)/$(basename "$reference")
  ref_label=ref-$(basename "$reference")
fi
if [ -n "$reference" ]; then
  cp "$reference" "$out/$ref_label"
  dlls+=("$out/$ref_label:default,tracking")
  ref_note="reference: $reference (sha256 $(sha256sum "$reference" |
    cut -d' ' -f1)), measured as $ref_label"
fi
for d in "${extra_dlls[@]}"; do
  dlls+=("$(cd "$(dirname "$d")" && pwd)/$(basename "$d")")
done

wepoll_log "load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
{
  echo "command: $command"
  echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo |
    cut -d: -f2- | sed 's/^ //'), $(wepoll_wine64 --version 2>/dev/null), $arch"
  echo "load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "source: commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(
    git diff --quiet HEAD -- lib include 2>/dev/null || echo ' + uncommitted lib/ changes')"
  echo "$ref_note"
  ci/wine_run.py "$out/wbench.exe" "${bench_args[@]}" --csv "$out/wbench.csv" \
    "${dlls[@]}"
  echo "load average after the run: $(cut -d' ' -f1-3 /proc/loadavg)"
  python3 bench/compare.py "$out/wbench.csv" --ours wepoll.dll \
    --copy wepoll-copy.dll ${ref_label:+--reference "$ref_label"}
} 2>&1 | tee "$out/wbench.txt"
# Debian's matplotlib belongs to Debian's python3, which a python3 earlier on
# PATH (pyenv, a venv) may hide.
plot_python=python3
if ! python3 -c 'import matplotlib' 2>/dev/null && [ -x /usr/bin/python3 ]; then
  plot_python=/usr/bin/python3
fi
"$plot_python" bench/plot.py "$out/wbench.csv" "$out/wbench.png" \
  --title "wepoll vs WSAPoll/select under $(wepoll_wine64 --version 2>/dev/null), \
$(nproc) CPUs, $arch"
wakeup_args=()
for a in "${bench_args[@]}"; do [ "$a" = --quick ] && wakeup_args=(--quick); done
WINEPATH="Z:$root/$builddir/lib" ci/wine_run.py "$out/wakeup_bench.exe" \
  "${wakeup_args[@]}" 2>&1 | tee "$out/wakeup.txt"
echo "results: $out/wbench.txt, $out/wbench.csv, $out/wbench.png, $out/wakeup.txt"
