#!/usr/bin/env python3
"""Installs bindings/nim with nimble into a private folder, then runs a Nim
compile command with that folder as the only place `import wepoll` can come
from: the package nimble installs is named `wepoll` and is what Nim code
imports.

    nimble_build.py NIMBLE PKGDIR WORKDIR -- nim c ... test.nim
(the Nim file last).
"""

import glob
import os
import shutil
import subprocess
import sys


def main():
    if len(sys.argv) < 6 or sys.argv[4] != "--":
        print(__doc__, file=sys.stderr)
        return 2
    nimble, pkgdir = sys.argv[1], sys.argv[2]
    workdir = os.path.abspath(sys.argv[3])
    nim_cmd = sys.argv[5:]
    src = os.path.join(workdir, "src")
    nimble_dir = os.path.join(workdir, "nimble")
    shutil.rmtree(workdir, ignore_errors=True)
    # A copy, so that nimble writes nothing into the source tree.
    shutil.copytree(pkgdir, src, ignore=shutil.ignore_patterns("tests"))
    subprocess.run([nimble, "--nimbleDir:" + nimble_dir, "install", "-y"],
                   cwd=src, check=True)
    installed = glob.glob(os.path.join(nimble_dir, "pkgs", "wepoll-*", "wepoll.nim"))
    if len(installed) != 1:
        print("FAIL: nimble installed no package `wepoll` with wepoll.nim: %s" %
              os.listdir(os.path.join(nimble_dir, "pkgs")), file=sys.stderr)
        return 1
    print("nimble installed %s" % os.path.relpath(installed[0], workdir))
    # The option goes before the file: after it, nim takes it for the
    # program's arguments.
    nimble_path = "--nimblePath:" + os.path.join(nimble_dir, "pkgs")
    return subprocess.run(nim_cmd[:-1] + [nimble_path] + nim_cmd[-1:]).returncode


if __name__ == "__main__":
    sys.exit(main())
