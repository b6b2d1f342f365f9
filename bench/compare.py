#!/usr/bin/env python3
"""Prints wbench's results side by side, with each figure's ratio to a
reference DLL measured in the same run.

    python3 bench/compare.py RESULTS.csv --ours NAME [--reference NAME]
                             [--markdown]

NAME is the label wbench gives a DLL (its file name; the close-tracking
mode is "NAME [tracking]").  The columns are our DLL in both modes, every
other DLL of the run, then WSAPoll and select where measured.  The last
column says how our default mode compares with the reference ("1.20x
faster", "0.90x the memory").  Every figure is a median of the same run, so
the ratios hold on a machine too busy for the absolute figures to.
--markdown prints the table as Markdown, for the documentation.

Benchmarks, not tests: there is no pass or fail; exits 0 (2 for bad
arguments or a CSV without our DLL).
"""

import argparse
import csv
import sys

# Units where a higher figure is better; the others (us, bytes) are costs.
RATES = ("ops/s", "socks/s", "cycles/s", "msgs/s")
CTL_PARTS = ("ctl-add", "ctl-mod", "ctl-del")
# The figures shown, in this order (rr-rate repeats rr-latency).
ORDER = ("rr-latency", "rr-wait", "tcp-pingpong", "churn") + CTL_PARTS + (
    "ctl-submit", "ctl-close", "mem-per-socket")
LABELS = {
    "rr-latency": "request/response, %d idle (us)",
    "rr-wait": "its epoll_wait alone, %d idle (us)",
    "tcp-pingpong": "TCP ping-pong, %d pairs (msgs/s)",
    "churn": "churn ADD+MOD+DEL, %d sockets (cycles/s)",
    "ctl-add": "epoll_ctl ADD, %d sockets (ops/s)",
    "ctl-mod": "epoll_ctl MOD, %d sockets (ops/s)",
    "ctl-del": "epoll_ctl DEL, %d sockets (ops/s)",
    "ctl-submit": "first wait after %d ADDs (sockets/s)",
    "ctl-close": "epoll_close, %d polled (sockets/s)",
    "mem-per-socket": "memory per socket, %d sockets (bytes)",
}


def load(path):
    """({impl: {(test, n): (median, unit)}}, [impls in CSV order],
    {impls whose mode was refused})."""
    figures, order, refused = {}, [], set()
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            impl = row["impl"]
            if impl not in order:
                order.append(impl)
            if row["unit"] == "n/a":
                refused.add(impl)
                continue
            figures.setdefault(impl, {})[(row["test"], int(row["n"]))] = (
                float(row["median"]), row["unit"])
    for impl in figures.values():
        add_churn(impl)
    return figures, order, refused


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


def ratio_text(ours, ref, unit):
    if not ours or not ref:
        return "-"
    if unit == "bytes":
        return "%.2fx the memory" % (ours / ref)
    better = ours / ref if unit in RATES else ref / ours
    if better >= 1:
        return "%.2fx faster" % better
    return "%.2fx slower" % (1 / better)


def number(v):
    if v is None:
        return "-"
    return "{:,.0f}".format(v) if v >= 100 else "%.1f" % v


def columns(ours, order, figures, refused, reference):
    """Our two modes first, then the other DLLs, the reference last among
    them, then WSAPoll and select."""
    first = [ours, ours + " [tracking]"]
    base = ["WSAPoll", "select"]
    last = [reference, reference + " [tracking]"] if reference else []
    rest = [i for i in order if i not in first + base + last]
    cols = first + rest + last + base
    return [c for c in cols if c in figures or c in refused]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("csv")
    ap.add_argument("--ours", required=True)
    ap.add_argument("--reference")
    ap.add_argument("--markdown", action="store_true")
    a = ap.parse_args()
    figures, order, refused = load(a.csv)
    if a.ours not in figures:
        print("compare.py: no figures for %s in %s" % (a.ours, a.csv))
        return 2
    ref = a.reference if a.reference in figures else None
    if a.reference and ref is None:
        print("compare.py: no figures for %s in %s: no ratios" %
              (a.reference, a.csv))
    cols = columns(a.ours, order, figures, refused, ref)
    keys = sorted({k for c in cols for k in figures.get(c, {})
                   if k[0] in ORDER},
                  key=lambda k: (ORDER.index(k[0]), k[1]))
    head = ["figure (median)"] + cols + (
        ["%s against %s" % (a.ours, ref)] if ref else [])
    rows = []
    for test, n in keys:
        unit = None
        cells = []
        for c in cols:
            if c in refused:
                cells.append("n/a")
                continue
            v = figures.get(c, {}).get((test, n))
            if v:
                unit = v[1]
            cells.append(number(v[0] if v else None))
        row = [LABELS[test] % n] + cells
        if ref:
            o = figures[a.ours].get((test, n))
            r = figures[ref].get((test, n))
            row.append(ratio_text(o and o[0], r and r[0], unit))
        rows.append(row)
    print("\nside by side, medians of this run (n/a: the DLL refused the "
          "close-tracking flag)")
    if a.markdown:
        print("| " + " | ".join(head) + " |")
        print("|" + "---|" * len(head))
        for r in rows:
            print("| " + " | ".join(r) + " |")
        return 0
    widths = [max(len(r[i]) for r in rows + [head]) for i in range(len(head))]
    for r in [head] + rows:
        print("  " + "  ".join(
            cell.ljust(w) if i == 0 else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(r, widths))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
