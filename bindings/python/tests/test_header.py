"""The Python package agrees with include/wepoll.h: every EPOLL* constant the
header defines exists in the package with the header's value, and the
ctypes structures have the header's sizes, alignments and offsets.

Runs on any host with a C compiler (Linux included): the header needs only
<stdint.h>, so a probe compiled by the host compiler prints what C makes of
it.  The layout comparison is for the host's pointer size, which on a
64-bit Linux host is the layout of Windows x64 (same sizes and alignments
for uint32_t, uint64_t, void* and uintptr_t); on Windows CPython (the CI
jobs, x64 and x86) it is the native layout.

Exit status 77 (Meson's "skipped") when no C compiler is found.
"""

import ctypes
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
HEADER = os.path.join(ROOT, "include", "wepoll.h")
sys.path.insert(0, os.path.normpath(os.path.join(HERE, "..")))

import wepoll  # noqa: E402


def header_constant_names():
    """Every EPOLL* macro the header defines, read from its text."""
    with open(HEADER, encoding="utf-8") as f:
        text = f.read()
    return sorted(set(re.findall(r"^\s*#\s*define\s+(EPOLL\w+)\b", text,
                                 re.MULTILINE)))


def find_cc():
    """The C compiler for the probe: $CC, else MSVC's cl on Windows (the MSVC
    CI jobs, whose cl targets the same architecture as their Python), else
    cc, gcc or clang."""
    names = [os.environ.get("CC")]
    if os.name == "nt":
        names.append("cl")
    names += ["cc", "gcc", "clang"]
    for name in names:
        if name and shutil.which(name.split()[0]):
            return name.split()
    return None


def compile_command(cc, src, exe):
    include = os.path.dirname(HEADER)
    if os.path.basename(cc[0]).lower() in ("cl", "cl.exe", "clang-cl"):
        return cc + ["/nologo", "/std:c11", "/W4", "/WX", "/I", include,
                     src, "/Fe" + exe, "/Fo" + exe + ".obj"]
    return cc + ["-std=c11", "-Wall", "-Wextra", "-Werror", "-I", include,
                 src, "-o", exe]


LAYOUT = [
    # (C expression, ctypes value)
    ("sizeof(struct epoll_event)", ctypes.sizeof(wepoll.epoll_event)),
    ("_Alignof(struct epoll_event)", ctypes.alignment(wepoll.epoll_event)),
    ("offsetof(struct epoll_event, events)", wepoll.epoll_event.events.offset),
    ("offsetof(struct epoll_event, data)", wepoll.epoll_event.data.offset),
    ("sizeof(epoll_data_t)", ctypes.sizeof(wepoll.epoll_data)),
    ("_Alignof(epoll_data_t)", ctypes.alignment(wepoll.epoll_data)),
] + [
    ("sizeof(((epoll_data_t*)0)->%s)" % f, wepoll.epoll_data.__dict__[f].size)
    for f in ("ptr", "fd", "u32", "u64", "sock", "hnd")
] + [
    ("offsetof(epoll_data_t, %s)" % f, wepoll.epoll_data.__dict__[f].offset)
    for f in ("ptr", "fd", "u32", "u64", "sock", "hnd")
] + [
    ("sizeof(HANDLE)", ctypes.sizeof(wepoll.HANDLE)),
    ("sizeof(SOCKET)", ctypes.sizeof(wepoll.SOCKET)),
    ("(SOCKET)-1 > 0", int(wepoll.SOCKET(-1).value > 0)),
]


class Probe:
    """Compiles and runs a C program printing `index value` per expression."""

    _values = None

    @classmethod
    def values(cls):
        if cls._values is None:
            cls._values = cls._run()
        return cls._values

    @classmethod
    def _run(cls):
        cc = find_cc()
        if cc is None:
            raise unittest.SkipTest("no C compiler (set CC)")
        exprs = (["sizeof(void*)"] + [e for e, _ in LAYOUT] +
                 header_constant_names())
        lines = [
            "#include <stddef.h>",
            "#include <stdio.h>",
            "#define WEPOLL_STATIC /* declarations only */",
            '#include "wepoll.h"',
            "int main(void) {",
        ]
        for i, e in enumerate(exprs):
            lines.append('  printf("%d %%lld\\n", (long long)(%s));' % (i, e))
        lines += ["  return 0;", "}", ""]
        with tempfile.TemporaryDirectory() as tmp:
            src = os.path.join(tmp, "probe.c")
            exe = os.path.join(tmp, "probe.exe" if os.name == "nt" else "probe")
            with open(src, "w", encoding="utf-8") as f:
                f.write("\n".join(lines))
            subprocess.run(compile_command(cc, src, exe), check=True,
                           cwd=tmp)
            out = subprocess.run([exe], check=True, stdout=subprocess.PIPE,
                                 universal_newlines=True).stdout
        values = {}
        for line in out.splitlines():
            i, v = line.split()
            values[exprs[int(i)]] = int(v)
        if values["sizeof(void*)"] != ctypes.sizeof(ctypes.c_void_p):
            raise unittest.SkipTest(
                "%s builds %d-bit programs, this Python is %d-bit" %
                (cc[0], 8 * values["sizeof(void*)"],
                 8 * ctypes.sizeof(ctypes.c_void_p)))
        return values


class HeaderConstants(unittest.TestCase):
    def test_header_defines_the_usual_constants(self):
        # Guards the regular expression: the header is not read as empty.
        names = header_constant_names()
        for n in ("EPOLLIN", "EPOLLONESHOT", "EPOLL_CTL_DEL"):
            self.assertIn(n, names)

    def test_every_header_constant_has_the_header_value(self):
        values = Probe.values()
        for name in header_constant_names():
            with self.subTest(name=name):
                self.assertTrue(hasattr(wepoll, name),
                                "the package lacks " + name)
                self.assertEqual(getattr(wepoll, name), values[name])

    def test_package_has_no_constant_the_header_lacks(self):
        mine = {n for n in dir(wepoll) if n.startswith("EPOLL")}
        self.assertEqual(sorted(mine - set(header_constant_names())), [])


class HeaderLayout(unittest.TestCase):
    def test_layout_matches_c(self):
        values = Probe.values()
        for expr, mine in LAYOUT:
            with self.subTest(expr=expr):
                self.assertEqual(mine, values[expr])


def main():
    result = unittest.main(exit=False, verbosity=2).result
    if not result.wasSuccessful():
        return 1
    if result.testsRun and len(result.skipped) == result.testsRun:
        return 77
    return 0


if __name__ == "__main__":
    sys.exit(main())
