#!/usr/bin/env python3
"""Plots wbench's CSV to a PNG.

    python3 bench/plot.py RESULTS.csv OUT.png [--title TEXT]

Left: request/response latency against the number of idle sockets N, one
line per DLL and per baseline (WSAPoll, select), log-log, with min-max bars.
Right: TCP ping-pong throughput against the number of connection pairs, one
line per DLL.  Needs python3-matplotlib (Debian package).
"""

import argparse
import collections
import csv

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def load(path):
    rows = collections.defaultdict(list)  # (test, impl) -> [(n, med, lo, hi)]
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            rows[(r["test"], r["impl"])].append(
                (int(r["n"]), float(r["median"]), float(r["min"]),
                 float(r["max"])))
    for v in rows.values():
        v.sort()
    return rows


def panel(ax, rows, test, ylabel, xlabel, title):
    impls = [impl for (t, impl) in rows if t == test]
    for impl in impls:
        pts = rows[(test, impl)]
        xs = [p[0] for p in pts]
        med = [p[1] for p in pts]
        err = [[p[1] - p[2] for p in pts], [p[3] - p[1] for p in pts]]
        style = "--" if impl in ("WSAPoll", "select") else "-"
        ax.errorbar(xs, med, yerr=err, fmt=style + "o", capsize=3,
                    markersize=4, label=impl)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.grid(True, which="both", alpha=0.3)
    if impls:
        ax.legend(fontsize=8)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("csv")
    ap.add_argument("png")
    ap.add_argument("--title", default="wepoll benchmark")
    a = ap.parse_args()
    rows = load(a.csv)
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.8))
    panel(left, rows, "rr-latency", "microseconds per cycle (median, bars min-max)",
          "idle sockets registered (N), plus one active",
          "UDP request/response latency")
    panel(right, rows, "tcp-pingpong", "messages per second (median, bars min-max)",
          "TCP connection pairs", "TCP ping-pong throughput")
    fig.suptitle(a.title, fontsize=10)
    fig.tight_layout()
    fig.savefig(a.png, dpi=110)
    print("wrote %s" % a.png)


if __name__ == "__main__":
    main()
