#!/usr/bin/env bash
# Runs the whole wepoll test suite under Wine, for x64 and x86.
#
#   bash ci/test.sh [options] [-- extra meson test args]
#
# On a fresh Debian 12 machine it first installs what is missing (meson,
# ninja-build, mingw-w64, wine, wine64, the tools of the other test folders,
# and wine32:i386 where the kernel can run 32-bit programs: see
# ci/setup.sh), then for each
# architecture: creates a Wine prefix inside the build directory, configures
# build/<arch> with the cross file from ci/, builds with warnings as errors
# and runs `meson test`.  Exits non-zero when either architecture fails.
#
# Options:
#   --x64-only     only build/x86_64 (quicker while developing)
#   --x86-only     only build/i686
#   --clean        delete the build directories first
#   --no-install   do not check or install packages
#   --no-extras    skip the suites outside Meson (see "Extra suites" below)
#   -h, --help     this text
# Anything after `--` goes to `meson test`, e.g. `-- --suite abi` or a test
# name.  WEPOLL_TIMEOUT_MULTIPLIER (default 2) scales every test's timeout:
# a shared 2-core CI machine is slower than a developer's.  WEPOLL_BUILD_ROOT
# (default `build`) is where build/<arch> goes.
#
# x86 programs run only where the kernel can execute 32-bit programs (some
# kernels have no IA32 emulation) and 32-bit Wine is installed.  Elsewhere
# the x86 DLL, import libraries and the ABI checks that need no program are
# still built and run, no x86 program is started, every x86 test not run
# counts as skipped, and the summary says why.  WEPOLL_FORCE_NO_32BIT=1
# takes that path on any machine.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
# shellcheck source=ci/setup.sh
source ci/setup.sh
# shellcheck source=ci/wineserver.sh
source ci/wineserver.sh

usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; }

archs=(x86_64 i686)
clean=0
install=1
extras=1
meson_test_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --x64-only) archs=(x86_64) ;;
    --x86-only) archs=(i686) ;;
    --clean) clean=1 ;;
    --no-install) install=0 ;;
    --no-extras) extras=0 ;;
    -h | --help) usage; exit 0 ;;
    --) shift; meson_test_args=("$@"); break ;;
    *) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

start_all=$(date +%s)
build_root=${WEPOLL_BUILD_ROOT:-build}

# Every program runs under Wine through ci/wine_run.py (the cross files'
# exe_wrapper and the extra suites), which retries a program Wine failed to
# start and logs each retry here; the summary counts them.
mkdir -p "$build_root"
export WEPOLL_WINE_RETRY_LOG
WEPOLL_WINE_RETRY_LOG=$(cd "$build_root" && pwd)/wine-start-retries.log
rm -f "$WEPOLL_WINE_RETRY_LOG"

want32=x64
for a in "${archs[@]}"; do [ "$a" = i686 ] && want32=x86; done
install_start=$(date +%s)
if [ "$install" = 1 ]; then
  wepoll_install "$want32" full
else
  # Still find out whether 32-bit Wine is usable, without installing it.
  WEPOLL_HAVE_WINE32=0
  WEPOLL_WINE32_REASON="32-bit Wine is not installed (--no-install)"
  if wepoll_x86_runnable; then
    WEPOLL_HAVE_WINE32=1
  elif [ "$WEPOLL_KERNEL32" != 1 ]; then
    WEPOLL_WINE32_REASON=$WEPOLL_KERNEL32_REASON
  fi
fi

install_seconds=$(($(date +%s) - install_start))

# One Wine prefix for every build and extra suite of this run, one after
# another (see wepoll_wine_prefix).
export WEPOLL_SHARED_WINEPREFIX
WEPOLL_SHARED_WINEPREFIX=$(cd "$build_root" && pwd)/wineprefix

# Whatever happens, leave no wineserver running for the prefixes we used.
used_prefixes=()
# shellcheck disable=SC2317 # called through the EXIT trap
stop_all_wineservers() {
  local p
  for p in "${used_prefixes[@]}"; do
    WINEPREFIX=$p wineserver -k >/dev/null 2>&1 || true
  done
}
trap stop_all_wineservers EXIT

# Result per architecture, filled by run_arch; not_run counts the tests of
# a build whose programs could not run here; listed and ran count, per
# build, the tests of the suites it runs where its programs can run and
# those its test log shows as run (not skipped).
declare -A status reason seconds built not_run listed ran

# Prints, for one build directory, the tests that were skipped or failed with
# the line of their output that says why (tests print `SKIP (wine: ...)`).
list_skips_and_failures() {
  python3 - "$1/meson-logs/testlog.json" <<'EOF'
import json, sys
try:
    lines = open(sys.argv[1], encoding="utf-8", errors="replace").readlines()
except OSError:
    sys.exit(0)
for line in lines:
    try:
        t = json.loads(line)
    except ValueError:
        continue
    result = t.get("result", "")
    if result in ("OK", "EXPECTEDFAIL"):
        continue
    out = (t.get("stdout") or "") + "\n" + (t.get("stderr") or "")
    text = [l.strip() for l in out.splitlines() if l.strip()]
    why = next((l for l in reversed(text) if "SKIP" in l), None)
    if why is None:
        why = text[-1] if text else "(no output)"
    print("    %-6s %s: %s" % (result, t.get("name", "?"), why[:200]))
EOF
}

# The number of tests `meson test` would run in a build directory with the
# given arguments (its suite selection), or "?" when they do not list.
count_listed() {
  local dir=$1 out
  shift
  if out=$(meson test -C "$dir" --list "$@" 2>/dev/null); then
    grep -c ' / ' <<<"$out" || true
  else
    echo "?"
  fi
}

# The number of tests a test log counts with the given Meson result labels.
count_in_log() {
  local log=$1 labels=$2
  awk -v re="^($labels):" '$0 ~ re {n += $NF} END {print n + 0}' "$log"
}

# The number of listed tests that a test log does not count (they were not
# run at all).
count_not_run() {
  local n_listed=$1 counted
  counted=$(count_in_log "$2" "Ok|Expected Fail|Fail|Unexpected Pass|Skipped|Timeout")
  [ "$n_listed" = "?" ] && n_listed=$counted
  echo $((n_listed > counted ? n_listed - counted : 0))
}

# A build is an architecture, or "x86_64-pending": the x64 library built
# with -Dassume_status_pending=true (every status block read from memory
# sees STATUS_PENDING, as if Windows wrote them only at dequeue), under
# which the core and reliability suites (the fuzzer included) must pass too,
# or "<arch>-single": the tests linked statically with dist/wepoll.c, the
# single-file form (-Dsingle_file=true), running the core suite again, the
# header suite on dist/wepoll.h and the single file's own checks (the
# reliability suite's stress would only run the same code once more: it
# runs in the DLL builds, the pending build and the model build), or
# "i686-model": the model build (-Dwindows_model=true, see lib/os.h) for
# the failure sweep on x86.
run_arch() {
  local label=$1 arch=${1%%-*} builddir=$build_root/$1 t0 log
  local setup_args=() test_args=("${meson_test_args[@]}")
  # Without 32-bit Wine an x86 build runs only the suite that needs none.
  local norun_suite=abi
  case $label in
    *-pending)
      setup_args=(-Dassume_status_pending=true -Ddemo=false)
      [ ${#test_args[@]} -eq 0 ] && test_args=(--suite core --suite reliability)
      ;;
    *-model)
      # The x64 model build runs every suite in ci/coverage.sh; here the
      # x86 one runs the model suite (the failure sweep) on x86.  Where x86
      # programs cannot run it is built, and nothing of it runs.
      setup_args=(-Dwindows_model=true -Ddefault_library=static -Ddemo=false)
      [ ${#test_args[@]} -eq 0 ] && test_args=(--suite model)
      norun_suite=""
      ;;
    *-single)
      setup_args=(-Dsingle_file=true -Ddefault_library=static -Ddemo=false)
      [ ${#test_args[@]} -eq 0 ] &&
        test_args=(--suite core --suite header --suite single)
      norun_suite=single
      ;;
  esac
  t0=$(date +%s)
  log=$builddir/ci-test.log
  rm -f "$log" # never summarise a previous run's results
  status[$label]=FAIL
  reason[$label]=""
  built[$label]=0

  if [ "$clean" = 1 ] && [ -d "$builddir" ]; then
    wepoll_log "removing $builddir"
    WINEPREFIX=$WEPOLL_SHARED_WINEPREFIX wineserver -k >/dev/null 2>&1 || true
    rm -rf "$builddir"
  fi

  local runnable=1
  if [ "$arch" = i686 ] && [ "$WEPOLL_HAVE_WINE32" != 1 ]; then
    runnable=0
  fi

  # A build whose programs cannot run here needs no Wine prefix.
  if [ "$runnable" = 1 ]; then
    wepoll_log "[$label] Wine prefix"
    if ! wepoll_wine_prefix "$builddir"; then
      reason[$label]="could not create the Wine prefix"
      return 0
    fi
    used_prefixes+=("$WINEPREFIX")
  fi

  wepoll_log "[$label] meson setup $builddir"
  if ! wepoll_meson_setup "$arch" "$builddir" "${setup_args[@]}"; then
    reason[$label]="meson setup failed"
    seconds[$label]=$(($(date +%s) - t0))
    return 0
  fi
  wepoll_log "[$label] build"
  if ! ninja -C "$builddir"; then
    reason[$label]="build failed"
    seconds[$label]=$(($(date +%s) - t0))
    return 0
  fi
  built[$label]=1

  if [ "$runnable" != 1 ]; then
    # The ABI checker reads the DLL and the probe without running them, so
    # the x86 exports, layout and constants are still checked; its tests
    # that must run a program skip themselves and say why.
    if [ -z "$norun_suite" ]; then
      wepoll_log "[$label] built; none of its tests can run without x86 programs"
      : >"$log"
    else
      wepoll_log "[$label] meson test --suite $norun_suite (x86 programs cannot run here: the checks that need none)"
    fi
    if [ -n "$norun_suite" ] &&
        ! meson test -C "$builddir" --print-errorlogs --suite "$norun_suite" 2>&1 | tee "$log"; then
      reason[$label]="the $norun_suite checks failed"
      seconds[$label]=$(($(date +%s) - t0))
      return 0
    fi
    status[$label]=SKIPPED
    reason[$label]="built, ${norun_suite:-no} suite run; x86 programs: not run: $WEPOLL_WINE32_REASON"
    listed[$label]=$(count_listed "$builddir" "${test_args[@]}")
    ran[$label]=$(count_in_log "$log" "Ok|Expected Fail|Fail|Unexpected Pass|Timeout")
    not_run[$label]=$(count_not_run "${listed[$label]}" "$log")
    wepoll_warn_loud "[$label] x86 programs: not run: $WEPOLL_WINE32_REASON" \
      "everything was built and the $norun_suite checks that need no x86 program ran," \
      "but no x86 program was started: ${not_run[$label]} tests count as skipped"
    seconds[$label]=$(($(date +%s) - t0))
    return 0
  fi

  # The build's own server, whose stderr and end are kept (ci/wineserver.sh).
  local server_log=$builddir/wineserver.log
  if ! wepoll_wineserver_start "$server_log"; then
    reason[$label]="the wineserver did not start: $WEPOLL_WINESERVER_END"
    seconds[$label]=$(($(date +%s) - t0))
    return 0
  fi
  wepoll_log "[$label] meson test"
  if meson test -C "$builddir" --print-errorlogs \
      --timeout-multiplier "${WEPOLL_TIMEOUT_MULTIPLIER:-2}" \
      "${test_args[@]}" 2>&1 | tee "$log"; then
    status[$label]=PASS
  else
    reason[$label]="meson test failed"
  fi
  local timed_out=""
  [ "$(count_in_log "$log" Timeout)" -gt 0 ] && timed_out=hung
  if ! wepoll_wineserver_stop $timed_out; then
    # Every program of the prefix ends where it stands when its server
    # dies, so no result of this build can be trusted.
    status[$label]=FAIL
    reason[$label]="${reason[$label]:+${reason[$label]}; }the wineserver died during the tests: $WEPOLL_WINESERVER_END (log: $server_log)"
  elif [ -s "$server_log" ]; then
    reason[$label]="${reason[$label]:+${reason[$label]}; }the wineserver wrote to its log: $server_log"
  fi
  listed[$label]=$(count_listed "$builddir" "${test_args[@]}")
  ran[$label]=$(count_in_log "$log" "Ok|Expected Fail|Fail|Unexpected Pass|Timeout")
  not_run[$label]=$(count_not_run "${listed[$label]}" "$log")
  seconds[$label]=$(($(date +%s) - t0))
}

builds=("${archs[@]}")
for a in "${archs[@]}"; do [ "$a" = x86_64 ] && builds+=(x86_64-pending); done
for a in "${archs[@]}"; do builds+=("$a-single"); done
# The x64 model build is ci/coverage.sh's (an extra suite below).
for a in "${archs[@]}"; do [ "$a" = i686 ] && builds+=(i686-model); done

# dist/wepoll.c and dist/wepoll.h must be what lib/ and include/ generate
# now (the single_file_fresh test checks the same inside the builds).
wepoll_log "[dist] python3 tools/make_single_file.py --check"
dist_status=PASS
python3 tools/make_single_file.py --check || dist_status=FAIL

for arch in "${builds[@]}"; do
  run_arch "$arch"
done

# Extra suites: tests that run from their own script rather than from Meson
# (their folder's owner writes the script; it installs its own tools and
# prints its own results).  Each runs only when its script exists, and only
# when the build it needs succeeded (even if some of its Meson tests failed:
# the more results a CI log has, the better).
extra_names=()
declare -A extra_status extra_seconds
run_extra() {
  local name=$1 needs=$2 script=$3 t0
  shift 3
  [ -f "$script" ] || return 0
  extra_names+=("$name")
  if [ -n "$needs" ] && [ "${built[$needs]:-0}" != 1 ]; then
    extra_status[$name]="NOT RUN: the $needs build failed"
    return 0
  fi
  wepoll_log "[extra] $name: bash $script $*"
  t0=$(date +%s)
  if bash "$script" "$@"; then
    extra_status[$name]=PASS
  else
    extra_status[$name]=FAIL
  fi
  extra_seconds[$name]=$(($(date +%s) - t0))
}
if [ "$extras" = 1 ]; then
  for arch in "${archs[@]}"; do
    if [ "$arch" = x86_64 ]; then
      run_extra "rust binding (x64)" x86_64 ci/rust-tests.sh "$build_root/x86_64"
      run_extra "consumers of an installed wepoll (x64)" x86_64 \
        ci/consumer-tests.sh "$build_root/x86_64"
      run_extra "single file linked with ws2_32 alone (x64, x86; gcc, clang)" \
        x86_64 ci/single-file-link.sh "$build_root/x86_64"
      run_extra "Wine start-up retry wrapper (x64)" x86_64 \
        ci/wine_run_test.sh "$build_root/x86_64"
      run_extra "32-bit probe and Wine loader choice (x64)" x86_64 \
        ci/wine_arch_test.sh "$build_root/x86_64"
      run_extra "the test run's own wineserver: log, death, stop (x64)" x86_64 \
        ci/wineserver_test.sh "$build_root/x86_64"
      run_extra "model build: suites with Windows played, failure sweep, coverage of lib/ (x64, floor in ci/coverage.sh)" \
        x86_64 ci/coverage.sh --no-install "$build_root/coverage"
    fi
    # Where x86 programs run, the path of a kernel that cannot run them is
    # exercised too, forced; elsewhere the x86 run above already took it.
    if [ "$arch" = i686 ] && [ "$WEPOLL_HAVE_WINE32" = 1 ]; then
      # Beside the build root (the same depth), so that it starts from
      # copies of the x86 builds above and compiles nothing again.
      run_extra "x86 not-run path (WEPOLL_FORCE_NO_32BIT=1)" i686 \
        ci/x86_not_run_test.sh "${build_root%/}-forced-no-32bit" "$build_root"
    fi
  done
  # Compile only (no ARM64 MinGW CRT on Debian), with the flags of the
  # first architecture's build.
  run_extra "ARM64 compile of lib/ (clang, warnings as errors)" "${archs[0]}" \
    ci/arm64-compile.sh "$build_root/${archs[0]}"
  host_args=()
  [ "$install" = 0 ] && host_args=(--no-install)
  run_extra "host-side unit, sanitizer and fuzz tests" "" ci/host-tests.sh \
    "${host_args[@]}"
  # The wake-up protocol's model, checked exhaustively (needs no build).
  run_extra "model of the wake-up protocol (spin)" "" ci/model-check.sh \
    "${host_args[@]}"
fi

# Final summary: Meson's own counters per architecture, then what was skipped
# or failed and why, so the end of a CI log tells the whole story.
overall=0
skipped_archs=()
echo
echo "======================================================================"
echo "wepoll test summary"
echo "======================================================================"
echo "[setup] packages checked or installed (${install_seconds}s)"
for arch in "${builds[@]}"; do
  builddir=$build_root/$arch
  line="[$arch] ${status[$arch]}"
  [ -n "${reason[$arch]}" ] && line="$line: ${reason[$arch]}"
  echo "$line (${seconds[$arch]:-0}s)"
  if [ -f "$builddir/ci-test.log" ]; then
    # Meson's closing block, "Ok:" through "Timeout:".
    sed -n '/^Ok:/,/^Timeout:/p' "$builddir/ci-test.log" | sed 's/^/    /'
    list_skips_and_failures "$builddir"
  fi
  if [ -s "$builddir/wineserver.log" ]; then
    echo "    the wineserver's log (its end):"
    tail -n 20 "$builddir/wineserver.log" | sed 's/^/      /'
  fi
  [ "${status[$arch]}" = FAIL ] && overall=1
  [ "${status[$arch]}" = SKIPPED ] && skipped_archs+=("$arch")
done
for name in "${extra_names[@]}"; do
  echo "[extra] $name: ${extra_status[$name]} (${extra_seconds[$name]:-0}s)"
  case ${extra_status[$name]} in PASS) ;; *) overall=1 ;; esac
done
if [ "$dist_status" = PASS ]; then
  echo "[dist] single file up to date: PASS"
else
  echo "[dist] single file up to date: FAIL: dist/ is stale; run python3 tools/make_single_file.py"
  overall=1
fi
# Which kind of machine this was, and what became of the x86 tests: listed
# (what the x86 builds would run where x86 programs run), run, skipped by
# the tests themselves, and not run, beside its x64 twin's count, so that
# no x86 test drops out without a count that shows it (the C++ header
# tests are x64 only: i686-single lists 2 fewer).
kernel_answer=$(env -u WEPOLL_FORCE_NO_32BIT -u WEPOLL_ASSUME_32BIT \
  python3 ci/wine_arch.py probe || true)
if [ "$kernel_answer" = yes ]; then
  machine="this kernel runs 32-bit programs"
else
  machine="this kernel cannot run 32-bit programs (${kernel_answer#no: })"
fi
case ${WEPOLL_FORCE_NO_32BIT:-} in
  "" | 0) ;;
  *) machine="$machine; WEPOLL_FORCE_NO_32BIT=1 treats it as one that cannot" ;;
esac
echo "machine: $machine"
for arch in "${builds[@]}"; do
  case $arch in i686*) ;; *) continue ;; esac
  [ "${built[$arch]:-0}" = 1 ] || continue
  twin=x86_64${arch#i686}
  log=$build_root/$arch/ci-test.log
  self_skipped=0
  [ -f "$log" ] && self_skipped=$(count_in_log "$log" Skipped)
  line="x86 tests [$arch]: ${listed[$arch]:-?} listed, ${ran[$arch]:-0} run, $self_skipped skipped by the tests, ${not_run[$arch]:-0} not run"
  if [ -n "${listed[$twin]:-}" ]; then
    line="$line (x64 lists ${listed[$twin]})"
    if [ "${listed[$arch]:-?}" = "?" ] || [ "${listed[$twin]}" = "?" ] ||
        [ "${listed[$arch]}" -lt "${listed[$twin]}" ]; then
      line="$line: the x86 build lists fewer tests than the x64 one"
    fi
  fi
  echo "$line"
done
retries=0
[ -f "$WEPOLL_WINE_RETRY_LOG" ] && retries=$(wc -l <"$WEPOLL_WINE_RETRY_LOG")
echo "wine start-up retries: $retries (programs Wine failed to start and ran again; not failures)"
[ "$retries" -gt 0 ] && sed 's/^/    /' "$WEPOLL_WINE_RETRY_LOG"
echo "total time: $(($(date +%s) - start_all))s"
# One plain closing count over every Meson run and extra suite, the line
# CI readers look for: "tests: N passed, N failed, N skipped".
passed=0 failed=0 skipped=0
for arch in "${builds[@]}"; do
  log=$build_root/$arch/ci-test.log
  [ -f "$log" ] || continue
  passed=$((passed + $(awk '/^Ok:/ {n = $2} END {print n + 0}' "$log")))
  failed=$((failed + $(awk '/^(Fail|Timeout|Unexpected Pass):/ {n += $NF} END {print n + 0}' "$log")))
  skipped=$((skipped + $(awk '/^Skipped:/ {n = $2} END {print n + 0}' "$log")))
  skipped=$((skipped + ${not_run[$arch]:-0}))
done
for name in "${extra_names[@]}"; do
  case ${extra_status[$name]} in
    PASS) passed=$((passed + 1)) ;;
    *) failed=$((failed + 1)) ;;
  esac
done
if [ "$dist_status" = PASS ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
for arch in "${skipped_archs[@]}"; do
  echo "!!! $arch: ${reason[$arch]} (${not_run[$arch]:-0} tests not run, counted as skipped)"
done
if [ "$overall" = 0 ] && [ ${#skipped_archs[@]} -gt 0 ]; then
  echo "RESULT: PASS, but the programs of ${skipped_archs[*]} were NOT RUN (see above)"
elif [ "$overall" = 0 ]; then
  echo "RESULT: PASS"
else
  echo "RESULT: FAIL"
fi
echo "tests: $passed passed, $failed failed, $skipped skipped"
exit "$overall"
