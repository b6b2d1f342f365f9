#!/usr/bin/env python3
"""Runs a Windows test program for a Meson test: under Wine unless on
Windows, and only counts it as passed if it printed an expected line.

  abi_run.py [--expect LINE] PROGRAM [ARGS...]
  abi_run.py --skip REASON          prints SKIP (REASON), exits 77

Why the expected line: a Wine that cannot run the program (an i686 one
without Wine's 32-bit part) may exit 0 without running it, silently under
WINEDEBUG=-all.  A program that did not print LINE has not run: a failure.
Where an x86 program cannot run at all (no 32-bit Wine, or a kernel without
IA32 emulation), ci/wine_run.py does not start it and exits 77 with the
reason, which passes through as the test's skip.
"""
import argparse
import os
import subprocess
import sys

SKIP = 77


def main(argv):
    p = argparse.ArgumentParser()
    p.add_argument("--skip", metavar="REASON")
    p.add_argument("--expect", metavar="LINE")
    p.add_argument("program", nargs="?")
    p.add_argument("args", nargs=argparse.REMAINDER)
    a = p.parse_args(argv)
    if a.skip:
        print(f"SKIP ({a.skip})")
        return SKIP
    if not a.program:
        p.error("PROGRAM is required")
    cmd = [a.program] + a.args
    if os.name != "nt":
        # Wine through ci/wine_run.py, which retries only Wine's own
        # start-up failure.
        wrapper = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                               "wine_run.py")
        cmd.insert(0, os.environ.get("WEPOLL_WINE", wrapper))
    print("running:", " ".join(cmd), flush=True)
    r = subprocess.run(cmd, stdout=subprocess.PIPE, text=True,
                       errors="replace")
    sys.stdout.write(r.stdout)
    if r.returncode != 0 or a.expect is None:
        return r.returncode
    if a.expect in r.stdout.splitlines():
        return 0
    print(f"FAIL: the program exited 0 without printing '{a.expect}': it "
          "did not run to the end")
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
