#!/usr/bin/env python3
"""Compiles dist/wepoll.c in one language mode with one compiler, warnings
as errors, and checks what the object defines with external linkage: the
functions dist/wepoll.h declares, nothing else.

    compile_check.py --target x86_64-w64-mingw32 --compiler gcc|clang
                     --mode c89|c99|c11|c++ [-D MACRO ...]

Modes: c89 is -std=c89 (no `//`, no declarations after statements, no
C99 keywords) without -pedantic: the library needs `_Bool` (<stdbool.h>)
and 64-bit integers (the API's uint64_t), which C89 compilers give as
extensions.  c99, c11 and c++ (C++11) add -pedantic.
Exit status: 0 pass, 1 fail, 77 the compiler is not installed.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
WARNINGS = ["-Wall", "-Wextra", "-Werror"]
MODES = {
    "c89": ["-std=c89", "-Wdeclaration-after-statement"],
    "c99": ["-std=c99", "-pedantic"],
    "c11": ["-std=c11", "-pedantic"],
    "c++": ["-x", "c++", "-std=c++11", "-pedantic"],
}


def compiler_command(target, compiler):
    if compiler == "gcc":
        exe = shutil.which(target + "-gcc")
        return [exe] if exe else None
    exe = shutil.which("clang")
    return [exe, "--target=" + target] if exe else None


def nm_command(target):
    for name in (target + "-nm", "llvm-nm"):
        exe = shutil.which(name)
        if exe:
            return exe
    return None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--target", required=True)
    parser.add_argument("--compiler", choices=["gcc", "clang"], required=True)
    parser.add_argument("--mode", choices=sorted(MODES), required=True)
    parser.add_argument("-D", dest="defines", action="append", default=[])
    parser.add_argument("--dist", default=os.path.join(ROOT, "dist"))
    args = parser.parse_args()

    cc = compiler_command(args.target, args.compiler)
    nm = nm_command(args.target)
    if cc is None or nm is None:
        print("SKIP (no %s or nm for %s)" % (args.compiler, args.target))
        return 77
    source = os.path.join(args.dist, "wepoll.c")
    with open(os.path.join(args.dist, "wepoll.h"), encoding="utf-8") as f:
        api = set(re.findall(r"^WEPOLL_API\b[^;(]*?\b([A-Za-z_]\w*)\s*\(", f.read(), re.M))

    with tempfile.TemporaryDirectory() as tmp:
        obj = os.path.join(tmp, "wepoll.o")
        cmd = cc + MODES[args.mode] + WARNINGS + ["-O2"] + \
            ["-D" + d for d in args.defines] + ["-c", source, "-o", obj]
        print("$ " + " ".join(cmd))
        result = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                universal_newlines=True)
        sys.stdout.write(result.stdout)
        if result.returncode != 0:
            print("FAIL: dist/wepoll.c does not compile as %s with %s" %
                  (args.mode, args.compiler))
            return 1
        out = subprocess.run([nm, "-g", "--defined-only", obj], stdout=subprocess.PIPE,
                             universal_newlines=True, check=True).stdout
    # x86 C names carry a leading underscore.
    prefix = "_" if args.target.startswith("i686") else ""
    defined = set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3:
            name = parts[2]
            defined.add(name[len(prefix):] if prefix and name.startswith(prefix) else name)
    extra = sorted(defined - api)
    missing = sorted(api - defined)
    if extra or missing:
        print("FAIL: external symbols differ from the API: extra %s, missing %s" %
              (extra, missing))
        return 1
    print("PASS: %s with %s; external symbols: %s" %
          (args.mode, args.compiler, ", ".join(sorted(defined))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
