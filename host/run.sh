#!/usr/bin/env bash
# Host-side tests of lib/'s pure C parts (map, queues, event translation,
# error table), built natively on Linux from the files in lib/ as they are.
#
#   bash host/run.sh [--fuzz-runs N] [--seed S] [--out DIR] [--no-fuzz]
#   bash host/run.sh --coverage DIR [--seed S]
#
# Builds each unit test with gcc and with clang under AddressSanitizer and
# UndefinedBehaviorSanitizer and runs it; then builds the libFuzzer targets
# (clang -fsanitize=fuzzer) and runs each for N inputs (default 200000).
# Needs gcc, clang and libclang-rt-14-dev (ci/host-tests.sh installs them).
# Longer fuzzing: bash host/run.sh --fuzz-runs 20000000
#
# --coverage DIR: only the unit tests, built with gcc --coverage at -O0 (as
# ci/coverage.sh builds lib/ for Wine, so that lines and branches match)
# into DIR, where they leave gcov's counters; ci/coverage.sh adds them to
# the figures of lib/.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
fuzz_runs=200000
seed=20261127
out=build-host
fuzz=1
coverage=""
while [ $# -gt 0 ]; do
  case "$1" in
    --coverage) coverage=$2; shift ;;
    --fuzz-runs) fuzz_runs=$2; shift ;;
    --seed) seed=$2; shift ;;
    --out) out=$2; shift ;;
    --no-fuzz) fuzz=0 ;;
    -h | --help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
  shift
done
if [ -z "$coverage" ]; then mkdir -p "$out"; fi

# The flags of every build; the sanitizer and fuzz builds add debugging
# and light optimisation, the coverage build -O0 and --coverage.
base=(-std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror -Ilib -Ihost)
common=("${base[@]}" -g -O1 -fno-omit-frame-pointer)
san=("-fsanitize=address,undefined" -fno-sanitize-recover=all)
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

# name: the test's source plus the lib/ files it exercises.
declare -A units=(
  [test_map]="host/test_map.c lib/map.c"
  [test_list]="host/test_list.c"
  [test_events]="host/test_events.c lib/events.c"
  [test_errmap]="host/test_errmap.c lib/errmap.c"
)
unit_names=(test_map test_list test_events test_errmap)

unit_args() {
  case "$1" in
    test_map | test_list) echo "$seed" ;;
  esac
}

if [ -n "$coverage" ]; then
  rm -rf "$coverage"
  mkdir -p "$coverage"
  fail=0
  for name in "${unit_names[@]}"; do
    # shellcheck disable=SC2086
    gcc "${base[@]}" -O0 --coverage ${units[$name]} -o "$coverage/$name"
    # shellcheck disable=SC2046
    if "$coverage/$name" $(unit_args "$name") >/dev/null; then
      echo "host: PASS $name (gcc, coverage)"
    else
      echo "host: FAIL $name (gcc, coverage)"
      fail=1
    fi
  done
  exit "$fail"
fi

fail=0
for cc in gcc clang; do
  if ! command -v "$cc" >/dev/null; then
    echo "host: $cc not found" >&2
    fail=1
    continue
  fi
  for name in "${unit_names[@]}"; do
    exe=$out/$name-$cc
    # shellcheck disable=SC2086
    "$cc" "${common[@]}" "${san[@]}" ${units[$name]} -o "$exe"
    # shellcheck disable=SC2046
    if "$exe" $(unit_args "$name"); then
      echo "host: PASS $name ($cc, asan+ubsan)"
    else
      echo "host: FAIL $name ($cc, asan+ubsan)"
      fail=1
    fi
  done
done

if [ "$fuzz" = 1 ]; then
  for t in map events; do
    exe=$out/fuzz_$t
    clang "${common[@]}" -fsanitize=fuzzer,address,undefined \
      -fno-sanitize-recover=all "host/fuzz_$t.c" "lib/$t.c" -o "$exe"
    corpus=$out/corpus_$t
    mkdir -p "$corpus"
    if "$exe" -seed="$seed" -runs="$fuzz_runs" -max_len=4096 \
        -print_final_stats=1 "$corpus" >"$out/fuzz_$t.log" 2>&1; then
      echo "host: PASS fuzz_$t ($fuzz_runs runs, seed $seed;" \
        "$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$out/fuzz_$t.log" | grep -o '[0-9]*$') executed)"
    else
      tail -30 "$out/fuzz_$t.log"
      echo "host: FAIL fuzz_$t (log: $out/fuzz_$t.log; crash input in the working directory)"
      fail=1
    fi
  done
fi

if [ "$fail" = 0 ]; then echo "host: RESULT PASS"; else echo "host: RESULT FAIL"; fi
exit "$fail"
