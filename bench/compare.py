#!/usr/bin/env python3
"""Prints wbench's results side by side, with each figure's ratio to a
reference DLL measured in the same run.

    python3 bench/compare.py RESULTS.csv --ours NAME [--reference NAME]
                             [--copy NAME] [--markdown]

NAME is the label wbench gives a DLL (its file name; the close-tracking
mode is "NAME [tracking]").  The columns are our DLL in both modes, every
other DLL of the run, then WSAPoll and select where measured.  The last
column says how our default mode compares with the reference ("1.20x
faster", "0.90x the memory").  Every figure is a median of the same run, so
the ratios hold on a machine too busy for the absolute figures to.

The run's noise, per figure: --copy names a copy of our DLL measured in the
same run under another name (the same code, so any distance between the two
is the machine's).  Its spread for a figure is the factor by which the two
medians differ (1.00x: none).  A ratio to the reference no larger than that
factor is printed as "within noise", not as a speed-up or a slow-down; the
column before it shows the spread ("+-1.30x").  Without --copy the noise is
unknown and the ratios are printed bare, flagged "(noise unknown)".
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


def spread(ours, copy):
    """The factor (>= 1) by which two medians of the same code differ, or
    None when one is missing."""
    if not ours or not copy:
        return None
    return max(ours / copy, copy / ours)


def ratio_text(ours, ref, unit, noise=None):
    """Our figure against the reference's; "within noise" when the two
    differ by no more than the same code differed from itself (`noise`)."""
    if not ours or not ref:
        return "-"
    if unit == "bytes":
        text = "%.2fx the memory" % (ours / ref)
        factor = max(ours / ref, ref / ours)
    else:
        better = ours / ref if unit in RATES else ref / ours
        factor = max(better, 1 / better)
        text = "%.2fx %s" % (factor, "faster" if better >= 1 else "slower")
    if noise is not None and factor <= noise:
        return "within noise (%s)" % text
    return text


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
    ap.add_argument("--copy")
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
    copy = a.copy if a.copy in figures else None
    if a.copy and copy is None:
        print("compare.py: no figures for %s in %s: noise unknown" %
              (a.copy, a.csv))
    cols = columns(a.ours, order, figures, refused, ref)
    keys = sorted({k for c in cols for k in figures.get(c, {})
                   if k[0] in ORDER},
                  key=lambda k: (ORDER.index(k[0]), k[1]))
    head = ["figure (median)"] + cols
    if ref and copy:
        head += ["noise (%s)" % copy]
    if ref:
        head += ["%s against %s" % (a.ours, ref)]
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
            noise = None
            if copy:
                c = figures[copy].get((test, n))
                noise = spread(o and o[0], c and c[0])
                row.append("+-%.2fx" % noise if noise else "-")
            text = ratio_text(o and o[0], r and r[0], unit, noise)
            if noise is None and text != "-":
                text += " (noise unknown)"
            row.append(text)
        rows.append(row)
    print("\nside by side, medians of this run (n/a: the DLL refused the "
          "close-tracking flag)")
    if ref and copy:
        print("noise: how far %s, the same code, lay from %s in each figure; "
              "a ratio to %s inside it is \"within noise\"" %
              (copy, a.ours, ref))
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
