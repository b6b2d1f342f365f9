#!/usr/bin/env python3
"""Counts the Wine server requests a wepoll scenario makes, per delivered event.

    python3 ci/roundtrips.py [--dll wepoll.dll] [--prefix DIR] SCENARIO.exe [ARGS...]
    python3 ci/roundtrips.py --trace TRACE.txt

Runs the scenario program under `WINEDEBUG=+server` in a private Wine prefix
(`wineserver -k` first, so that the server is started by the traced process
and traces everything), then sums, for each window the scenario marks, the
requests of the marking thread by kind.

Under Wine every trip into the "kernel" that is not plain Unix I/O is a
request to wineserver, and the trace names each one, so the count is exact
and the same on every run: a test, not a measurement.

Markers (see tests/perf/rt_scenario.c): the scenario creates a named event
`wepoll-rt:begin:<label>` before the measured calls and `wepoll-rt:end:<n>`
after them, n being the number of epoll events they delivered.  Requests on
the same thread strictly between the two create_event requests are counted.

Request kinds: the request name, except
  afd_poll        ioctl with code 00012024 (IOCTL_AFD_POLL)
  afd_poll+wait   the select ntdll makes on the wait handle an ioctl returns
                  when the poll was satisfied at once (no completion packet)
  ioctl:<code>    any other ioctl (e.g. getsockopt goes through one)
  <k>+wait        likewise for the ioctl kind <k>
  select          any other select (a wait, e.g. on the IOCP)
  select:apc      a select that returned a kernel APC instead (Wine delivers
                  an asynchronous I/O completion this way: the thread then
                  fetches the result with get_async_result and hands the
                  APC's result back in its next select, select:apc_return)
  remove_completion  one dequeued (or asked-for) completion packet

The module is also imported by tests/perf/check_budget.py.
"""

import argparse
import collections
import os
import re
import shutil
import subprocess
import sys
import tempfile

import wine_arch

AFD_POLL_CODE = "00012024"

CALL_RE = re.compile(r"^([0-9a-f]{4,8}): ([a-z_0-9]+)\((?!\) =)(.*)$")
REPLY_RE = re.compile(r"^([0-9a-f]{4,8}): ([a-z_0-9]+)\(\) = (\S+)(.*)$")
MARK_RE = re.compile(r'name=L"wepoll-rt:(begin|end):([^"]*)"')
CODE_RE = re.compile(r"code=([0-9A-Za-z_]+)")
WAIT_RE = re.compile(r"\bwait=([0-9a-f]+)")
HANDLES_RE = re.compile(r"handles=\{([0-9a-f,]*)\}")


class Window:
    def __init__(self, label, tid):
        self.label = label
        self.tid = tid
        self.events = 0
        self.kinds = collections.Counter()


def parse_trace(lines):
    """Returns the closed windows, in order, from +server trace lines."""
    windows = []
    open_by_tid = {}
    last_ioctl = {}  # tid -> (kind, wait handle) of the last ioctl reply
    last_select = {}  # tid -> window the last select call was counted in
    pending_kind = {}  # tid -> kind of the ioctl call awaiting its reply
    for line in lines:
        m = CALL_RE.match(line)
        if m:
            tid, name, rest = m.group(1), m.group(2), m.group(3)
            mark = MARK_RE.search(rest) if name == "create_event" else None
            if mark:
                if mark.group(1) == "begin":
                    open_by_tid[tid] = Window(mark.group(2), tid)
                else:
                    w = open_by_tid.pop(tid, None)
                    if w is not None:
                        w.events = int(mark.group(2))
                        windows.append(w)
                continue
            kind = name
            if name == "ioctl":
                c = CODE_RE.search(rest)
                code = c.group(1) if c else "?"
                kind = "afd_poll" if code == AFD_POLL_CODE else "ioctl:" + code
                pending_kind[tid] = kind
            elif name == "select":
                h = HANDLES_RE.search(rest)
                prev = last_ioctl.get(tid)
                if h and prev and h.group(1) == prev[1]:
                    kind = prev[0] + "+wait"
                    last_ioctl.pop(tid, None)
                elif "prev_apc=0000," not in rest:
                    kind = "select:apc_return"
            w = open_by_tid.get(tid)
            if w is not None:
                w.kinds[kind] += 1
            if kind == "select":
                last_select[tid] = w
            continue
        m = REPLY_RE.match(line)
        if m and m.group(2) == "select":
            w = last_select.pop(m.group(1), None)
            if w is not None and m.group(3) == "KERNEL_APC":
                w.kinds["select"] -= 1
                w.kinds["select:apc"] += 1
                if w.kinds["select"] == 0:
                    del w.kinds["select"]
            continue
        if m and m.group(2) == "ioctl":
            tid = m.group(1)
            wm = WAIT_RE.search(m.group(4))
            kind = pending_kind.pop(tid, "ioctl:?")
            if wm and int(wm.group(1), 16) != 0:
                last_ioctl[tid] = (kind, wm.group(1))
            else:
                last_ioctl.pop(tid, None)
    return windows


class Summary:
    """Windows of one label, summed."""

    def __init__(self, label):
        self.label = label
        self.windows = 0
        self.events = 0
        self.kinds = collections.Counter()

    @property
    def total(self):
        return sum(self.kinds.values())

    def per(self, kind=None):
        """Requests of `kind` (all when None) per event, or per window when
        the windows delivered no event."""
        n = self.events if self.events else self.windows
        count = self.total if kind is None else self.kinds.get(kind, 0)
        return count / n if n else 0.0


def summarize(windows):
    out = collections.OrderedDict()
    for w in windows:
        s = out.setdefault(w.label, Summary(w.label))
        s.windows += 1
        s.events += w.events
        s.kinds.update(w.kinds)
    return out


def format_table(summaries, title=None):
    rows = []
    if title:
        rows.append(title)
    rows.append("%-14s %7s %7s %9s  %s" % ("window", "windows", "events",
                                          "req/unit", "split by kind (per unit)"))
    for s in summaries.values():
        unit = "event" if s.events else "window"
        split = ", ".join("%s %.2f" % (k, s.per(k))
                          for k, _ in sorted(s.kinds.items()))
        rows.append("%-14s %7d %7d %9.2f  per %s: %s" % (
            s.label, s.windows, s.events, s.per(), unit, split or "-"))
    return "\n".join(rows)


def wine_command(program, env):
    """The command that runs `program` (or a Wine tool such as wineboot)
    with the loader of its architecture (ci/wine_arch.py); sets what that
    loader needs in `env`."""
    cmd, loader_env, reason = wine_arch.command_for(program, env)
    if cmd is None:
        raise RuntimeError("cannot run %s here: %s" % (program, reason))
    env.update(loader_env)
    return cmd + [program]


def ensure_prefix(prefix, env):
    """Creates the private Wine prefix once (wineboot), quietly."""
    if os.path.exists(os.path.join(prefix, "system.reg")):
        return
    os.makedirs(prefix, exist_ok=True)
    e = dict(env, WINEDEBUG="-all", WINEDLLOVERRIDES="mscoree,mshtml=")
    subprocess.run(wine_command("wineboot", e) + ["-i"], env=e, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, check=False)
    subprocess.run(["wineserver", "-w"], env=e, check=False)


def run_traced(exe, args, dlls, prefix, timeout=300):
    """Runs exe under +server in `prefix`; returns (exit code, stdout, trace
    file path).  The exe and the DLLs are copied into one temporary folder so
    that the DLLs are found beside the program."""
    env = dict(os.environ)
    env["WINEPREFIX"] = os.path.abspath(prefix)
    env.pop("WINEPATH", None)
    ensure_prefix(env["WINEPREFIX"], env)
    # Stop this prefix's server: the traced process must start a new one.
    subprocess.run(["wineserver", "-k"], env=env, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, check=False)
    subprocess.run(["wineserver", "-w"], env=env, check=False)
    work = tempfile.mkdtemp(prefix="wepoll-rt-")
    for f in [exe] + list(dlls):
        shutil.copy(f, work)
    trace_path = os.path.join(work, "trace.txt")
    env["WINEDEBUG"] = "+server"
    with open(trace_path, "w") as trace:
        proc = subprocess.run(
            wine_command(os.path.join(work, os.path.basename(exe)), env) +
            list(args),
            env=env, stdout=subprocess.PIPE, stderr=trace, timeout=timeout,
            cwd=work)
    # The server holds the trace file open; stop it so the trace is whole.
    subprocess.run(["wineserver", "-k"], env=env, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, check=False)
    subprocess.run(["wineserver", "-w"], env=env, check=False)
    return proc.returncode, proc.stdout.decode(errors="replace"), trace_path


def count(exe, args, dlls, prefix, keep_trace=False):
    """Runs a scenario and returns its summaries by label."""
    rc, out, trace_path = run_traced(exe, args, dlls, prefix)
    try:
        if rc != 0:
            raise RuntimeError("%s %s exited with %d:\n%s" % (
                exe, " ".join(args), rc, out))
        with open(trace_path, errors="replace") as f:
            windows = parse_trace(f)
    finally:
        if not keep_trace:
            shutil.rmtree(os.path.dirname(trace_path), ignore_errors=True)
        else:
            print("trace kept in %s" % trace_path, file=sys.stderr)
    if not windows:
        raise RuntimeError("no marked windows in the trace: is the prefix's "
                           "wineserver shared with another process?")
    return summarize(windows)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dll", action="append", default=[],
                    help="DLL to put beside the program (repeatable)")
    ap.add_argument("--prefix", default=os.environ.get(
        "WEPOLL_RT_PREFIX", os.path.join(tempfile.gettempdir(),
                                         "wepoll-rt-prefix-%d" % os.getuid())),
                    help="private Wine prefix (created when missing)")
    ap.add_argument("--trace", help="parse an existing trace instead")
    ap.add_argument("--keep-trace", action="store_true")
    ap.add_argument("exe", nargs="?")
    ap.add_argument("args", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    if a.trace:
        with open(a.trace, errors="replace") as f:
            print(format_table(summarize(parse_trace(f))))
        return 0
    if not a.exe:
        ap.error("give a scenario program or --trace")
    summaries = count(a.exe, a.args, a.dll, a.prefix, a.keep_trace)
    print(format_table(summaries, "%s %s" % (os.path.basename(a.exe),
                                             " ".join(a.args))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
