#!/usr/bin/env python3
"""Compares a new wepoll DLL with the baseline DLL in wbench's CSV, against
issue 11's targets.

    python3 bench/compare.py RESULTS.csv --new NAME --base NAME

NAME is the label wbench gives a DLL (its file name); the close-tracking
mode of the new DLL is "NAME [tracking]".  Every figure is a ratio of
medians, new/base, with what it means ("faster", "slower", "the memory").

Targets, default mode against the baseline:
  registration churn (one ADD + MOD + DEL)   at least 10x faster
  request/response, 1,000 and 10,000 idle    at least 2x faster
  memory per registered socket               at most 160 bytes
Close-tracking mode against the baseline: within 1.5x on every figure
(churn and each epoll_ctl part, the first wait's submission, epoll_close,
request/response at every N, memory, TCP ping-pong at every pair count).
A DLL that refused the close-tracking flag has no such figures: "n/a".

Benchmarks, not tests: prints PASS/FAIL per target and exits 0 (2 for bad
arguments or a CSV without the DLLs).
"""

import argparse
import csv
import math
import sys

# Units where a higher figure is better; the others (us, bytes) are costs.
RATES = ("ops/s", "socks/s", "cycles/s", "msgs/s")
CTL_PARTS = ("ctl-add", "ctl-mod", "ctl-del")
# Figures the close-tracking mode is held to (rr-rate repeats rr-latency,
# rr-send/-wait/-recv split it).
# Also the order of the lines.
TRACKING_TESTS = ("churn",) + CTL_PARTS + (
    "ctl-submit", "ctl-close", "rr-latency", "mem-per-socket", "tcp-pingpong")
CHURN_TARGET = 10.0
RR_TARGET = 2.0
RR_TARGET_NS = (1000, 10000)
MEMORY_TARGET = 160.0
TRACKING_LIMIT = 1.5


def load(path):
    """({impl: {(test, n): (median, unit)}}, {impls whose mode was refused})."""
    figures, refused = {}, set()
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            if row["unit"] == "n/a":
                refused.add(row["impl"])
                continue
            figures.setdefault(row["impl"], {})[
                (row["test"], int(row["n"]))] = (float(row["median"]),
                                                 row["unit"])
    for impl in figures.values():
        add_churn(impl)
    return figures, refused


def add_churn(impl):
    """Churn: one ADD, MOD and DEL of the same socket, in cycles per second
    (the three times per operation added up)."""
    for (test, n) in list(impl):
        if test != "ctl-add":
            continue
        parts = [impl.get((t, n)) for t in CTL_PARTS]
        if all(parts) and all(p[0] > 0 for p in parts):
            impl[("churn", n)] = (1.0 / sum(1.0 / p[0] for p in parts),
                                  "cycles/s")


def shown(figures, base):
    """The keys of the figures compared, in TRACKING_TESTS order."""
    return sorted((k for k in figures if k[0] in TRACKING_TESTS and k in base),
                  key=lambda k: (TRACKING_TESTS.index(k[0]), k[1]))


def betterness(new, base, unit):
    """How many times better new is than base (> 1: better)."""
    if unit in RATES:
        return new / base
    return base / new


def meaning(new, base, unit):
    b = betterness(new, base, unit)
    if unit == "bytes":
        return "%.2fx the memory" % (new / base)
    if b >= 1:
        return "%.2fx faster" % b
    return "%.2fx slower" % (1 / b)


def line(label, new, base, unit, verdict=""):
    ratio = new / base if base else math.nan
    print("  %-34s %12.1f %12.1f %-9s %7.3f  %-20s %s" % (
        label, new, base, unit, ratio, meaning(new, base, unit), verdict))


def header(title):
    print("\n%s" % title)
    print("  %-34s %12s %12s %-9s %7s  %-20s %s" % (
        "figure (median)", "new", "base", "unit", "new/base", "meaning",
        "target"))


def label_of(test, n):
    names = {"churn": "churn ADD+MOD+DEL", "rr-latency": "request/response",
             "mem-per-socket": "memory per socket",
             "tcp-pingpong": "TCP ping-pong"}
    what = {"rr-latency": "N=%d idle", "tcp-pingpong": "%d pairs"}
    return "%s %s" % (names.get(test, test),
                      what.get(test, "n=%d") % n)


def verdict(ok):
    return "PASS" if ok else "FAIL"


def compare_default(new, base):
    header("default mode (epoll_create1(0)) against the baseline")
    keys = shown(new, base)
    for test, n in keys:
        v, unit = new[(test, n)]
        b, _ = base[(test, n)]
        target = ""
        if test == "churn":
            ok = betterness(v, b, unit) >= CHURN_TARGET
            target = ">= %gx faster: %s" % (CHURN_TARGET, verdict(ok))
        elif test == "rr-latency" and n in RR_TARGET_NS:
            ok = betterness(v, b, unit) >= RR_TARGET
            target = ">= %gx faster: %s" % (RR_TARGET, verdict(ok))
        elif test == "mem-per-socket":
            ok = v <= MEMORY_TARGET
            target = "<= %g bytes: %s" % (MEMORY_TARGET, verdict(ok))
        line(label_of(test, n), v, b, unit, target)
    missing = [n for n in RR_TARGET_NS if ("rr-latency", n) not in keys]
    if missing:
        print("  request/response at N=%s not measured (a --quick or --n "
              "run): no verdict" % ",".join(str(n) for n in missing))


def compare_tracking(tracking, refused, base, name):
    header("close-tracking mode (epoll_create1(0x1)) against the baseline: "
           "within %gx on every figure" % TRACKING_LIMIT)
    if refused:
        print("  %s: n/a: flag not supported" % name)
        return
    if tracking is None:
        print("  %s: not measured" % name)
        return
    for test, n in shown(tracking, base):
        v, unit = tracking[(test, n)]
        b, _ = base[(test, n)]
        ok = betterness(v, b, unit) >= 1 / TRACKING_LIMIT
        line(label_of(test, n), v, b, unit,
             "within %gx: %s" % (TRACKING_LIMIT, verdict(ok)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("csv")
    ap.add_argument("--new", required=True)
    ap.add_argument("--base", required=True)
    a = ap.parse_args()
    figures, refused = load(a.csv)
    for name in (a.new, a.base):
        if name not in figures or len(figures[name]) == 0:
            print("compare.py: no figures for %s in %s" % (name, a.csv))
            return 2
    tracking_name = a.new + " [tracking]"
    print("\nissue 11 targets: %s against the baseline %s" % (a.new, a.base))
    compare_default(figures[a.new], figures[a.base])
    compare_tracking(figures.get(tracking_name), tracking_name in refused,
                     figures[a.base], tracking_name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
