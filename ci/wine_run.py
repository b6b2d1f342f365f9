#!/usr/bin/env python3
"""Runs a Windows program under Wine, retrying only Wine's own start-up flake.

    wine_run.py PROGRAM.exe [ARGS...]

The cross files in ci/ name this script as Meson's exe_wrapper, and the ci/
scripts that run a Windows program use it instead of plain `wine`.

Under load Wine sometimes does not start a program at all.  Its loader
cannot map the .exe, falls back to `start.exe /exec PROGRAM`, which fails as
well and writes to stdout (Wine 8.0, English messages)

    Application could not be started, or no application associated with the specified file.
    ShellExecuteEx failed: <reason>

then exits with status 1.  The program never ran, so nothing a test checks
happened: that case, and only that case (status 1 and a stdout that is
exactly this message), is run again, at most WEPOLL_WINE_START_RETRIES
times (default 3), a second more to wait before each.  A program that ran and
failed, crashed or timed out, or one Wine cannot load for good (a missing
.exe or DLL: status 53, "wine: failed to open" or an import error on stderr)
is never retried.

Everything else passes through unchanged: stdin and stderr are inherited,
stdout is forwarded as it arrives (only output that starts like the message
above is held back, until it is either the whole message or something
else), and the exit status is the program's (a signal that ends Wine ends
this script the same way).  A signal sent to this script alone is passed on
to Wine.

A program that exits with status 0 has finished only if it says so.  When
the wineserver dies (Wine 8's can abort on a use-after-free of its own, see
docs/testing.md), every program of the prefix exits with status 0 wherever
it stood, which a harness would count as a pass.  So the wrapper names a
file in WEPOLL_TEST_MARK_FILE (a Windows path on drive Z:); the tests'
test_init() writes `started` to it, and their normal exit adds `finished`.
A run that exits with status 0 while its file says `started` but not
`finished` ends with status 99 (Meson's "hard error") and a line on stderr
that says why.  Programs that never write the file are not judged.

Each retry appends one line to the file named by WEPOLL_WINE_RETRY_LOG (if
set; ci/test.sh sets it and counts the lines in its summary) and says so on
stderr.

The loader is chosen from the program's PE header (ci/wine_arch.py): an x64
program always starts with the 64-bit loader, never through Debian's `wine`
script, which fails for every program once wine32:i386 is installed on a
kernel that cannot run 32-bit programs.  An x86 program on such a kernel is
not started at all: the wrapper prints `SKIP (x86 programs: not run:
REASON)` and exits 77, which Meson counts as skipped.  WEPOLL_WINE_START_LOG,
when set, names a file that gets a line `ARCH PROGRAM` for each program
started (tests use it to prove that no x86 program ran).  WEPOLL_WINE_BINARY,
when set, is the Wine command for every program; the wrapper's own test
(ci/wine_run_test.sh) points it at a stand-in.
"""

import ctypes
import os
import re
import select
import signal
import subprocess
import sys
import tempfile
import time

import wine_arch

FIRST_LINE = (b"Application could not be started, or no application "
              b"associated with the specified file.")
# The whole of start.exe's output when it fails: the first line, then
# "ShellExecuteEx failed: " and the system's text for the error (possibly
# empty), then line ends.
START_FAILURE = re.compile(re.escape(FIRST_LINE) +
                           rb"\r?\nShellExecuteEx failed: ([^\r\n]*)[\r\n]*")
# Longer output is not start.exe's message.
HOLD_LIMIT = 4096
DEFAULT_RETRIES = 3
SKIP = 77  # Meson's exit status for a skipped test
HARD_ERROR = 99  # Meson's exit status for a test that could not be judged
MARK_VARIABLE = "WEPOLL_TEST_MARK_FILE"
# How often to look whether Wine has exited while its output is quiet.
EXIT_POLL_S = 0.05
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def may_be_start_failure(data):
    """True while data could still be (the beginning of) the message."""
    if len(data) > HOLD_LIMIT:
        return False
    if len(data) <= len(FIRST_LINE):
        return FIRST_LINE.startswith(data)
    return data.startswith(FIRST_LINE)


class Stdout:
    """Our stdout; once its reader is gone, output is dropped, not fatal."""

    def __init__(self):
        self.open = True

    def write(self, data):
        while self.open and data:
            try:
                data = data[os.write(1, data):]
            except BrokenPipeError:
                self.open = False


def die_with_parent():
    """In the child before exec: SIGKILL when the wrapper dies, so that a
    caller who kills the wrapper (a timeout, a test's kill()) ends Wine as
    it would have ended plain `wine`."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def run_once(cmd, env, stdout):
    """Runs cmd once, forwarding its output; returns (status, held), held
    being the stdout not forwarded because it may be start.exe's message
    (None when everything was forwarded)."""
    child = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE,
                             preexec_fn=die_with_parent)

    def pass_on(signum, _frame):
        child.send_signal(signum)

    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, pass_on)
    held = b""
    holding = True
    fd = child.stdout.fileno()
    # Read until Wine exits, not until the pipe's end: processes Wine starts
    # beside the program (the wineserver, services.exe...) inherit file
    # descriptors and can keep the pipe open long after the program ended
    # (seen under `meson test`: the test hung until its timeout).  What the
    # program wrote is in the pipe when it exits.
    exited = False
    while True:
        if not exited and child.poll() is not None:
            exited = True
            os.set_blocking(fd, False)
        if exited:
            try:
                chunk = os.read(fd, 65536)
            except BlockingIOError:
                break
        elif select.select([fd], [], [], EXIT_POLL_S)[0]:
            chunk = os.read(fd, 65536)
        else:
            continue
        if not chunk:
            break
        if holding:
            held += chunk
            if may_be_start_failure(held):
                continue
            holding = False
            chunk, held = held, b""
        stdout.write(chunk)
    child.stdout.close()
    status = child.wait()
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, signal.SIG_DFL)
    return status, held if holding else None


def log_retry(cmd, attempt, retries, reason):
    line = "%s wine start-up retry %d/%d: %s: ShellExecuteEx failed: %s" % (
        time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), attempt, retries,
        " ".join(cmd[1:]), reason)
    sys.stderr.write("wine_run.py: Wine did not start the program; %s\n" %
                     line)
    sys.stderr.flush()
    path = os.environ.get("WEPOLL_WINE_RETRY_LOG")
    if path:
        # One write to a file opened for appending: lines from parallel
        # tests do not mix.
        with open(path, "ab") as f:
            f.write((line + "\n").encode("utf-8", "replace"))


def log_start(program):
    path = os.environ.get("WEPOLL_WINE_START_LOG")
    if path:
        with open(path, "ab") as f:
            f.write(("%s %s\n" % (wine_arch.pe_arch(program) or "unknown",
                                  program)).encode("utf-8", "replace"))


def unfinished(mark_path):
    """True when the program wrote `started` to its mark file and no
    `finished` after it."""
    try:
        with open(mark_path, "rb") as f:
            lines = f.read().split()
    except OSError:
        return False
    return lines[:1] == [b"started"] and b"finished" not in lines


def exit_like(status):
    if status < 0:
        signal.signal(-status, signal.SIG_DFL)
        os.kill(os.getpid(), -status)
    sys.exit(status)


def main(args):
    if not args:
        sys.stderr.write("usage: wine_run.py PROGRAM.exe [ARGS...]\n")
        return 2
    if os.environ.get("WEPOLL_WINE_BINARY"):
        wine, env = [os.environ["WEPOLL_WINE_BINARY"]], None
    else:
        wine, env, reason = wine_arch.command_for(args[0])
        if wine is None:
            print("SKIP (%s programs: not run: %s)" %
                  (wine_arch.pe_arch(args[0]) or "these", reason), flush=True)
            return SKIP
    env = dict(os.environ if env is None else env)
    # In the Wine prefix, which belongs to the build: a wrapper killed
    # with SIGKILL leaves its file there, not in /tmp.
    prefix = os.environ.get("WINEPREFIX")
    mark_fd, mark_path = tempfile.mkstemp(
        prefix="wepoll-mark-",
        dir=prefix if prefix and os.path.isdir(prefix) else None)
    os.close(mark_fd)
    env[MARK_VARIABLE] = "Z:" + mark_path  # Wine's Z: is the Linux root
    try:
        status = run_with_retries(wine, args, env, mark_path)
    finally:
        try:
            os.unlink(mark_path)
        except FileNotFoundError:
            pass
    exit_like(status)


def run_with_retries(wine, args, env, mark_path):
    """Runs the program, again while Wine fails to start it; returns the
    status to exit with."""
    cmd = wine + args
    log_start(args[0])
    retries = int(os.environ.get("WEPOLL_WINE_START_RETRIES",
                                 DEFAULT_RETRIES))
    stdout = Stdout()
    attempt = 0
    while True:
        open(mark_path, "wb").close()
        status, held = run_once(cmd, env, stdout)
        failure = START_FAILURE.fullmatch(held) if held is not None else None
        if status != 1 or failure is None or attempt >= retries:
            if held:
                stdout.write(held)
            if status == 0 and unfinished(mark_path):
                sys.stderr.write(
                    "wine_run.py: the program exited with status 0 without "
                    "finishing: it wrote 'started' but never reached its "
                    "normal exit (its wineserver died under it)\n")
                return HARD_ERROR
            return status
        attempt += 1
        log_retry(cmd, attempt, retries,
                  failure.group(1).decode("utf-8", "replace"))
        time.sleep(attempt)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
