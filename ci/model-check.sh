#!/usr/bin/env bash
# Checks the model of the port's wake-up protocol (lib/port_wake.pml)
# exhaustively with spin: the model as the code is must pass, and each
# known bug put back (the model's BUG_* macros) must be rejected with an
# assertion violation, so that the check cannot pass by checking nothing.
# Called by ci/test.sh as an extra suite; runs on its own too:
#
#   bash ci/model-check.sh [--no-install]
#
# Installs what it needs from Debian when missing (ci/model.packages:
# spin, gcc).  Work files go to ${WEPOLL_BUILD_ROOT:-build}/model.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
# shellcheck source=ci/setup.sh
source ci/setup.sh

if [ "${1:-}" != --no-install ]; then
  wepoll_ensure_packages spin gcc
fi

model=$root/lib/port_wake.pml
out=${WEPOLL_BUILD_ROOT:-build}/model
mkdir -p "$out"
out=$(cd "$out" && pwd)

# Builds and runs the verifier for one variant (spin -D flags in $@);
# prints pan's report to $out/<name>.log and echoes its error count.
check() {
  local name=$1 dir=$out/$1
  shift
  rm -rf "$dir"
  mkdir -p "$dir"
  (
    cd "$dir"
    # A copy here, so that a counterexample's trail replays here.
    cp "$model" port_wake.pml
    spin -a "$@" port_wake.pml >spin.log 2>&1 || { cat spin.log >&2; exit 1; }
    gcc -O2 -DSAFETY -o pan pan.c >gcc.log 2>&1 ||
      { cat gcc.log >&2; exit 1; }
    # pan exits 0 even when it finds an error: its report says.
    ./pan -m100000 >pan.log 2>&1 || true
  ) || return 1
  cp "$dir/pan.log" "$out/$name.log"
  local errors
  errors=$(sed -n 's/.*errors: \([0-9][0-9]*\).*/\1/p' "$dir/pan.log")
  if [ -z "$errors" ]; then
    echo "model check: no result from pan for $name" >&2
    cat "$dir/pan.log" >&2
    return 1
  fi
  # A search cut short by the depth bound proves nothing.
  if grep -q "max search depth too small" "$dir/pan.log"; then
    echo "model check: $name: search depth too small" >&2
    return 1
  fi
  echo "$errors"
}

status=0
errors=$(check correct) || exit 1
states=$(sed -n 's/^ *\([0-9][0-9]*\) states, stored.*/\1/p' "$out/correct.log")
if [ "$errors" = 0 ]; then
  echo "model check: the protocol as the code has it: PASS ($states states, exhaustive)"
else
  echo "model check: the protocol as the code has it: FAIL"
  grep -E "violated|invalid end" "$out/correct.log" || true
  echo "  replay: cd $out/correct && spin -t -p port_wake.pml"
  status=1
fi

for bug in BUG_UNKNOWN_IS_CLOSE BUG_NO_LEVEL_WAKE BUG_CLOSE_NO_WAKE \
  BUG_LEAVE_NO_WAKE BUG_FOREIGN_IGNORED BUG_FOREIGN_NO_RELAY; do
  errors=$(check "$bug" "-D$bug") || exit 1
  if [ "$errors" != 0 ] && grep -q "assertion violated" "$out/$bug.log"; then
    echo "model check: $bug put back: rejected, as it must be"
  else
    echo "model check: $bug put back: NOT rejected: the check is vacuous"
    status=1
  fi
done
exit "$status"
