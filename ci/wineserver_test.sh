#!/usr/bin/env bash
# Tests of ci/wineserver.sh, the wineserver a test run starts itself.
#
#   bash ci/wineserver_test.sh BUILD_DIR
#
# BUILD_DIR is an x64 Meson build directory (only its Wine prefix and a
# scratch folder are used; the program run is Wine's own cmd).  Checks that
#  - the real server starts, listens, serves a Wine program of the prefix
#    (the program starts no server of its own), and is stopped with every
#    program of the prefix: stop says it was running;
#  - a server killed while it serves is reported dead, with its signal;
#  - a server that dies before it listens fails the start, with its exit
#    and the last line it wrote to stderr;
#  - a server that listens late is waited for; one that ignores the stop
#    request is killed; after a timeout its state is added to its log.
# The last three use a stand-in for `wineserver` on PATH.  Called by
# ci/test.sh.
set -euo pipefail

if [ $# -ne 1 ]; then
  echo "usage: bash ci/wineserver_test.sh BUILD_DIR   (an x64 Meson build directory)" >&2
  exit 2
fi
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$(cd "$1" && pwd)
# shellcheck source=ci/setup.sh
source "$root/ci/setup.sh"
# shellcheck source=ci/wineserver.sh
source "$root/ci/wineserver.sh"
# shellcheck source=ci/checks.sh
source "$root/ci/checks.sh"

wepoll_wine_prefix "$build"
trap wepoll_wine_stop EXIT
work=$build/wineserver-test
rm -rf "$work"
mkdir -p "$work"

# The servers running for this prefix: those whose working directory is the
# prefix's server directory (named after the prefix's device and inode).
read -r prefix_dev prefix_inode < <(stat -c '%d %i' "$WINEPREFIX")
prefix_id=$(printf 'server-%x-%x' "$prefix_dev" "$prefix_inode")
servers_of_prefix() {
  local p n=0
  for p in $(pgrep '^wineserver' || true); do
    [[ $(readlink "/proc/$p/cwd" 2>/dev/null) == */"$prefix_id" ]] && n=$((n + 1))
  done
  echo "$n"
}

# --- the real server ---------------------------------------------------
wineserver -k >/dev/null 2>&1 || true
status=0
wepoll_wineserver_start "$work/real.log" || status=$?
check "the real server starts" 0 "$status"
pid=$WEPOLL_WINESERVER_PID
contains "it serves from the prefix's server directory" "/$prefix_id" \
  "$(readlink "/proc/$pid/cwd")"
# The session was started without pipes: a program whose output is read to
# its end returns as it exits, not when the session ends.
loader64=$(python3 "$root/ci/wine_arch.py" loader x64)
# (Read through cat, which `timeout` ends with the program, so that a pipe
# held by the session fails this check instead of hanging it.)
t0=$(date +%s)
# shellcheck disable=SC2016 # expanded by the inner bash
out=$(WINELOADER=$loader64 timeout 60 bash -c '"$0" cmd /c echo "$1" 2>&1 | cat' \
  "$loader64" wineserver-test-says-hello) || true
contains "a program of the prefix runs" "wineserver-test-says-hello" "$out"
check "its output ends when it exits (within 30 s)" yes \
  "$([ $(($(date +%s) - t0)) -lt 30 ] && echo yes || echo no)"
check "that program used it (still running, the one server of the prefix)" \
  "yes 1" "$(wepoll_process_running "$pid" && echo yes) $(servers_of_prefix)"
status=0
wepoll_wineserver_stop || status=$?
check "stop says it was running" 0 "$status"
check "after stop no server of the prefix runs" 0 "$(servers_of_prefix)"
check "the real server wrote nothing to its log" "" "$(cat "$work/real.log")"

wepoll_wineserver_start "$work/killed.log"
kill -KILL "$WEPOLL_WINESERVER_PID"
sleep 0.2
status=0
wepoll_wineserver_stop || status=$?
check "stop says a killed server had died" 1 "$status"
contains "with its signal" "killed by signal 9 (SIGKILL)" "$WEPOLL_WINESERVER_END"
check "and leaves no server of the prefix" 0 "$(servers_of_prefix)"

# --- a stand-in server -------------------------------------------------
# It starts no Wine session: Wine's programs would not find it.
wepoll_wine_session_start() { :; }
# FAKE_MODE says what the stand-in does when started as a server:
#   abort    write glibc's message to stderr and abort before listening;
#   late     listen after 1 s (a directory named like Wine's, a Unix
#            socket in it) and stay;
#   deaf     listen at once and ignore the stop request.
# `wineserver -k` is answered by killing the server unless FAKE_MODE=deaf.
fake_bin=$work/bin
mkdir -p "$fake_bin"
cat >"$fake_bin/wineserver" <<'EOF'
#!/usr/bin/env bash
case " $* " in
  *" -k "*)
    [ "$FAKE_MODE" = deaf ] || pkill -f "fake-server-$FAKE_TAG" || true
    exit 0 ;;
esac
case $FAKE_MODE in
  abort)
    echo "malloc(): unaligned tcache chunk detected" >&2
    kill -ABRT $$ ;;
  late) sleep 1 ;;
esac
dir=$FAKE_DIR/server-fake
mkdir -p "$dir"
cd "$dir"
rm -f socket
exec python3 -c '
import signal, socket, sys, time
signal.signal(signal.SIGTERM, signal.SIG_IGN) if sys.argv[1] == "deaf" else None
s = socket.socket(socket.AF_UNIX)
s.bind("socket")
s.listen(1)
time.sleep(600)' "$FAKE_MODE" "fake-server-$FAKE_TAG"
EOF
chmod +x "$fake_bin/wineserver"
export FAKE_DIR=$work FAKE_TAG=$$

run_fake() { # run_fake MODE: PATH and FAKE_MODE for the calls that follow
  export FAKE_MODE=$1
  PATH=$fake_bin:$PATH
}
saved_path=$PATH

run_fake abort
status=0
err=$(wepoll_wineserver_start "$work/abort.log" 2>&1) || status=$?
check "a server that dies before it listens fails the start" 1 "$status"
contains "the start names its signal" "killed by signal 6 (SIGABRT)" "$err"
contains "and its last words" "its last words: malloc(): unaligned tcache chunk detected" "$err"

run_fake late
t0=$(date +%s%N)
status=0
wepoll_wineserver_start "$work/late.log" || status=$?
waited_ms=$((($(date +%s%N) - t0) / 1000000))
check "a server that listens late is waited for" 0 "$status"
check "the start returned only once it listened (>= 1000 ms)" yes \
  "$([ "$waited_ms" -ge 1000 ] && echo yes || echo "no: ${waited_ms} ms")"
status=0
wepoll_wineserver_stop hung || status=$?
check "stop after a timeout says it was running" 0 "$status"
contains "its state is added to its log" \
  "wineserver state after a test timed out" "$(cat "$work/late.log")"
check "with its process line" yes \
  "$(grep -Eq "^ *$WEPOLL_WINESERVER_PID " "$work/late.log" && echo yes || echo no)"

run_fake deaf
wepoll_wineserver_start "$work/deaf.log"
pid=$WEPOLL_WINESERVER_PID
status=0
wepoll_wineserver_stop || status=$?
check "a server that ignores the stop request is stopped all the same" \
  "0 no" "$status $(wepoll_process_running "$pid" && echo yes || echo no)"
PATH=$saved_path

checks_done "wineserver_test"
