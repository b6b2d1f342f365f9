# shellcheck shell=bash
# The wineserver of a test run, started by the scripts rather than by the
# first Wine program, so that what it says and how it ends are known.
# Sourced by ci/test.sh (after ci/setup.sh); the functions use WINEPREFIX.
#
# Left to itself, the first Wine program of a prefix starts the server as a
# daemon whose error output goes nowhere: when Wine 8's server aborts
# (docs/testing.md), every program of the prefix exits or hangs and nothing
# says why.  Started here it runs in the foreground (-f), stays up until it
# is stopped (-p, no idle timeout, so one server serves a whole `meson
# test`), writes its stderr to a log, and is this shell's child: its exit
# status tells a death from a stop.  `wineserver` is Debian's wrapper, which
# execs the 64-bit server whenever wine64 is installed (on either kernel
# variant) and the 32-bit one otherwise; it serves x64 and x86 programs
# alike, so nothing here depends on the kernel.

# Whether process PID still runs (a process that has ended but not been
# waited for yet is not running).
wepoll_process_running() {
  local state
  state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
  [ -n "$state" ] && [ "$state" != Z ] && [ "$state" != X ]
}

# Starts the prefix's server with its stderr in LOG, after stopping any
# server the prefix has; returns once it listens.  Sets
# WEPOLL_WINESERVER_PID and WEPOLL_WINESERVER_LOG.
#   wepoll_wineserver_start LOG
wepoll_wineserver_start() {
  local log=$1 i
  wineserver -k >/dev/null 2>&1 || true
  : >"$log"
  WEPOLL_WINESERVER_LOG=$log
  # glibc writes why it aborts a process to stderr only when told to (else
  # it may try the terminal first).
  LIBC_FATAL_STDERR_=1 wineserver -f -p </dev/null >>"$log" 2>&1 &
  WEPOLL_WINESERVER_PID=$!
  # The server changes into its own directory before it creates the socket
  # clients connect to; a server-* directory with a socket in it is ready.
  for ((i = 0; i < ${WEPOLL_WINESERVER_START_TRIES:-200}; i++)); do
    if [ -S "/proc/$WEPOLL_WINESERVER_PID/cwd/socket" ] &&
        [[ $(readlink "/proc/$WEPOLL_WINESERVER_PID/cwd") == */server-* ]]; then
      wepoll_wine_session_start && return 0
      echo "error: the Wine session of $WINEPREFIX did not start" >&2
      wepoll_wineserver_stop "" >/dev/null 2>&1 || true
      return 1
    fi
    wepoll_process_running "$WEPOLL_WINESERVER_PID" || break
    sleep 0.05
  done
  wepoll_wineserver_reap
  echo "error: the wineserver for $WINEPREFIX did not start: $WEPOLL_WINESERVER_END" >&2
  return 1
}

# Starts the session's system programs (wineboot --init, services.exe and
# the others a new server's first program starts) with no pipe attached.
# Under a server that stays up they stay up too, holding the stdout of the
# program that started them: were that a test, the harness would wait on
# its pipe until the test timed out.
wepoll_wine_session_start() {
  wepoll_wine64 wineboot </dev/null >/dev/null 2>&1
}

# Waits for the server started by wepoll_wineserver_start, which has ended,
# and sets WEPOLL_WINESERVER_END to one line on how: its exit status or
# signal, and the last line of its log.  (A variable, not output: `wait`
# knows the server only in the shell that started it, not in a $(...).)
wepoll_wineserver_reap() {
  local status=0 last
  wait "$WEPOLL_WINESERVER_PID" 2>/dev/null || status=$?
  if [ "$status" -gt 128 ]; then
    WEPOLL_WINESERVER_END="killed by signal $((status - 128)) (SIG$(kill -l "$((status - 128))" 2>/dev/null || echo '?'))"
  else
    WEPOLL_WINESERVER_END="exited with status $status"
  fi
  last=$(grep -v '^[[:space:]]*$' "$WEPOLL_WINESERVER_LOG" 2>/dev/null | tail -n 1)
  WEPOLL_WINESERVER_END+="; its last words: ${last:-(none)}"
}

# Stops the server started by wepoll_wineserver_start and every program of
# its prefix.  Returns 0 when it was still running; otherwise returns 1 with
# WEPOLL_WINESERVER_END set (see wepoll_wineserver_reap).  When a program of the prefix
# had hung (give "hung" as the first argument), the server's state is added
# to its log first: a server that no longer answers is told from one that
# waits.
#   wepoll_wineserver_stop [hung]
# shellcheck disable=SC2120 # ci/test.sh passes "hung"
wepoll_wineserver_stop() {
  local pid=$WEPOLL_WINESERVER_PID i
  if ! wepoll_process_running "$pid"; then
    wepoll_wineserver_reap
    return 1
  fi
  if [ "${1:-}" = hung ]; then
    {
      echo "--- wineserver state after a test timed out ($(date -u +%T)):"
      ps -o pid=,stat=,time=,wchan:32= -p "$pid"
    } >>"$WEPOLL_WINESERVER_LOG" 2>&1 || true
  fi
  wineserver -k >/dev/null 2>&1 || true
  # A server that ignores the request is not left behind.
  for ((i = 0; i < 100; i++)); do
    wepoll_process_running "$pid" || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  return 0
}
