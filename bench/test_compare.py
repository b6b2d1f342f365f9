#!/usr/bin/env python3
"""Checks bench/compare.py's noise judgement on a made-up run.

    python3 bench/test_compare.py

A ratio to the reference no larger than the distance between our DLL and
its same-code copy in that figure is "within noise"; a larger one is a
speed-up or a slow-down; without a copy the ratio says the noise is
unknown.  Exit 0 pass, 1 fail.
"""

import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))

# test, n, unit, medians of: ours, copy, reference.
ROWS = [
    ("rr-latency", 10, "us", 100.0, 130.0, 120.0),     # 1.20x in 1.30x noise
    ("rr-latency", 1000, "us", 100.0, 105.0, 300.0),   # 3.00x in 1.05x
    ("tcp-pingpong", 32, "msgs/s", 100.0, 90.0, 200.0),  # 2.00x slower
    ("mem-per-socket", 10000, "bytes", 180.0, 180.0, 200.0),  # exact
]

EXPECT = [
    ("request/response, 10 idle", "+-1.30x", "within noise (1.20x faster)"),
    ("request/response, 1000 idle", "+-1.05x", "3.00x faster"),
    ("TCP ping-pong, 32 pairs", "+-1.11x", "2.00x slower"),
    ("memory per socket", "+-1.00x", "0.90x the memory"),
]

failures = []


def check(ok, text):
    print("%s  %s" % ("ok  " if ok else "FAIL", text))
    if not ok:
        failures.append(text)


def run(csv_path, *extra):
    out = subprocess.run(
        [sys.executable, os.path.join(HERE, "compare.py"), csv_path,
         "--ours", "ours.dll", "--reference", "ref.dll"] + list(extra),
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, check=False)
    return out.returncode, out.stdout.decode(errors="replace")


def line_of(text, label):
    return next((l for l in text.splitlines() if label in l), "")


def main():
    with tempfile.TemporaryDirectory() as work:
        csv_path = os.path.join(work, "wbench.csv")
        with open(csv_path, "w") as f:
            f.write("test,impl,n,unit,median,min,max,rounds\n")
            for test, n, unit, ours, copy, ref in ROWS:
                for impl, v in (("ours.dll", ours), ("copy.dll", copy),
                                ("ref.dll", ref)):
                    f.write("%s,%s,%d,%s,%s,%s,%s,3\n" %
                            (test, impl, n, unit, v, v, v))

        rc, text = run(csv_path, "--copy", "copy.dll")
        check(rc == 0, "compare.py exits 0 (got %d)" % rc)
        for label, noise, verdict in EXPECT:
            line = line_of(text, label)
            check(line.rstrip().endswith(verdict) and noise in line,
                  "%s: noise %s, %r (line: %r)" %
                  (label, noise, verdict, line.strip()))
        check(text.count("within noise (") == 1,
              "exactly one figure within noise")

        rc, text = run(csv_path)
        line = line_of(text, "request/response, 10 idle")
        check(rc == 0 and "within noise" not in text and
              line.rstrip().endswith("1.20x faster (noise unknown)"),
              "without --copy: bare ratios, noise unknown (line: %r)" %
              line.strip())
    if failures:
        print("\n%d check(s) failed" % len(failures))
        return 1
    print("\ncompare.py's noise judgement holds")
    return 0


if __name__ == "__main__":
    sys.exit(main())
