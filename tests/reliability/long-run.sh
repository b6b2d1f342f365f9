#!/usr/bin/env bash
# Long reliability runs: the same programs the suite runs, with
# far larger counts, against an existing build (e.g. after `bash ci/test.sh`).
#
#   bash tests/reliability/long-run.sh [BUILD_DIR] [--quick]
#
# BUILD_DIR defaults to build/x86_64.  Runs, in order:
#   - rel_fuzz: 20 clock seeds x 500,000 steps for each close policy (each
#     seed is printed; a failure prints the exact replay command);
#   - rel_stress --mode mix --seconds 10 --repeat 100;
#   - rel_stress --mode close --rounds 5000;
#   - rel_leaks --scale 10 (100,000 create/close, 1,000,000 ADD/DEL,
#     100,000 closed sockets);
#   - the wake-up, timeout and close tests with 100x the
#     suite's rounds (rel_wake_*, rel_timeout_behind_packets,
#     rel_close_busy_port, rel_unknown_poll_result);
#   - the host libFuzzer targets for 20,000,000 runs each.
# --quick divides every count by 100 (a smoke test of this script).
# Stops at the first failure.  Takes hours with the full counts.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
build=${1:-build/x86_64}
div=1
[ "${2:-}" = --quick ] && div=100
[ "${1:-}" = --quick ] && { build=build/x86_64; div=100; }
exe=$build/tests/reliability
[ -x "$exe/rel_fuzz.exe" ] || { echo "no $exe/rel_fuzz.exe: build first" >&2; exit 2; }

export WINEPREFIX=${WINEPREFIX:-$(cd "$build" && pwd)/wineprefix}
export WINEDEBUG=-all
WINEPATH="$(winepath -w "$build/lib" 2>/dev/null || echo "Z:$(cd "$build/lib" && pwd)")"
export WINEPATH
[ -d "$WINEPREFIX" ] || wineboot -i >/dev/null 2>&1

run() { echo "==> $*"; wine "$@"; }

for policy in any del-first; do
  for i in $(seq 1 $((20 / (div > 1 ? 10 : 1)))); do
    run "$exe/rel_fuzz.exe" --steps $((500000 / div)) --close-policy "$policy"
  done
done
run "$exe/rel_stress.exe" --mode mix --seconds 10 --repeat $((100 / div > 0 ? 100 / div : 1))
run "$exe/rel_stress.exe" --mode close --rounds $((5000 / div))
run "$exe/rel_leaks.exe" --scale $((div > 1 ? 1 : 10))
for mode in oneshot level mixed; do
  run "$exe/rel_wake_one_port.exe" --mode "$mode" --rounds $((30000 / div))
done
run "$exe/rel_wake_one_port.exe" --mode level --sockets 1 --rounds $((30000 / div))
for oneshot in 0 1; do
  run "$exe/rel_wake_many_ports.exe" --oneshot "$oneshot" --rounds $((20000 / div))
done
for timeout in 0 50; do
  run "$exe/rel_timeout_behind_packets.exe" --timeout "$timeout" --rounds $((10000 / div))
done
run "$exe/rel_close_busy_port.exe" --rounds $((4000 / div))
run "$exe/rel_unknown_poll_result.exe" --rounds $((10000 / div))
bash ci/host-tests.sh --no-install --fuzz-runs $((20000000 / div))
wineserver -k || true
echo "long-run: all passed"
