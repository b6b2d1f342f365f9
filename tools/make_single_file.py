#!/usr/bin/env python3
"""Writes the single-file form of wepoll: dist/wepoll.c and dist/wepoll.h.

    python3 tools/make_single_file.py           regenerate both files
    python3 tools/make_single_file.py --check   exit 1 and name the stale
                                                 file(s) if dist/ differs
    python3 tools/make_single_file.py --out DIR write into DIR instead

dist/wepoll.c is one translation unit made of include/wepoll.h and the
sources listed in lib/meson.build (with the lib/ headers they include, each
once): it needs no other file of this repository.  Every function of lib/
is made `static` except the public API, so a program that compiles it in
exports nothing else and clashes with nothing.  Macros a source file
defines are #undef'd at its end, so that no file sees another's.

dist/wepoll.h is include/wepoll.h declaring the functions without
__declspec(dllimport): they are compiled into the program.

Build options of lib/ stay -D macros of the single file
(WEPOLL_ASSUME_STATUS_PENDING, WEPOLL_FORCE_THREADPOOL_WAIT).
Python 3 standard library only.
"""

import argparse
import os
import re
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
LIB = os.path.join(ROOT, "lib")
PUBLIC_HEADER = os.path.join(ROOT, "include", "wepoll.h")

# The DLL form picks dllimport unless told it is static; vendored, the
# functions are always in the program.
DLL_API_BLOCK = re.compile(
    r"#if defined\(WEPOLL_STATIC\) \|\| defined\(WEPOLL_BUILDING_LIBRARY\)\n"
    r"#define WEPOLL_API\n#else\n#define WEPOLL_API __declspec\(dllimport\)\n#endif\n")
SINGLE_API_BLOCK = "#define WEPOLL_API\n"

INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')
DEFINE = re.compile(r"^\s*#\s*define\s+([A-Za-z_]\w*)")
# A function definition at file scope (clang-format puts it at column 0):
# the return type, the name, the parameters, then the opening brace.
FUNC_DEF = re.compile(
    r"^(?!static\b|typedef\b|extern\b)[A-Za-z_][^;{}()=#\n]*?\b([A-Za-z_]\w*)\s*\([^;{}]*\)\s*\{",
    re.M)
API_DECL = re.compile(r"^WEPOLL_API\b[^;(]*?\b([A-Za-z_]\w*)\s*\(", re.M)


class GenerateError(Exception):
    pass


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def rel(path):
    return os.path.relpath(path, ROOT).replace(os.sep, "/")


def lib_sources():
    """The library's sources, in lib/meson.build's order."""
    text = read(os.path.join(LIB, "meson.build"))
    m = re.search(r"lib_sources\s*=\s*files\(([^)]*)\)", text)
    if not m:
        raise GenerateError("lib/meson.build: no `lib_sources = files(...)` list")
    names = re.findall(r"'([^']+\.c)'", m.group(1))
    if not names:
        raise GenerateError("lib/meson.build: lib_sources lists no .c file")
    return names


def public_header():
    text = read(PUBLIC_HEADER)
    if not DLL_API_BLOCK.search(text):
        raise GenerateError(
            "include/wepoll.h: the WEPOLL_API block changed; update "
            "DLL_API_BLOCK in tools/make_single_file.py")
    return DLL_API_BLOCK.sub(SINGLE_API_BLOCK, text, count=1)


def strip_guard(text, path):
    """A lib/ header without its include guard (the generator includes each
    header once).  Returns the text unchanged if the guard is not the usual
    #ifndef/#define at the top and #endif at the end."""
    lines = text.split("\n")
    idx = [i for i, l in enumerate(lines) if l.strip() and not l.startswith(("/*", " *"))]
    if len(idx) < 3:
        return text
    first, second, last = lines[idx[0]], lines[idx[1]], lines[idx[-1]]
    m = re.match(r"#ifndef\s+(\w+)\s*$", first)
    if not m or not re.match(r"#define\s+%s\s*$" % m.group(1), second) or \
            not last.startswith("#endif"):
        return text
    keep = [l for i, l in enumerate(lines) if i not in (idx[0], idx[1], idx[-1])]
    return "\n".join(keep)


def file_comment_end(text):
    """Index just after the leading block comment, or 0."""
    if text.startswith("/*"):
        end = text.find("*/")
        if end >= 0:
            return end + 2
    return 0


class Amalgamator:
    def __init__(self):
        self.out = []
        self.seen_headers = set()
        self.seen_system = set()

    def emit(self, text):
        self.out.append(text)

    def expand(self, path, text):
        """Emits `text` (from `path`) with its includes resolved."""
        for line in text.split("\n"):
            m = INCLUDE.match(line)
            if not m:
                self.emit(line + "\n")
                continue
            kind, name = m.groups()
            if kind == "<":
                if name not in self.seen_system:
                    self.seen_system.add(name)
                    self.emit(line + "\n")
                continue
            if name == "wepoll.h":
                continue  # the public header opens the file
            header = os.path.join(os.path.dirname(path), name)
            if not os.path.isfile(header):
                raise GenerateError("%s: cannot find included \"%s\"" % (rel(path), name))
            if header in self.seen_headers:
                continue
            self.seen_headers.add(header)
            self.emit("\n/* ---- %s ---- */\n" % rel(header))
            self.expand(header, strip_guard(read(header), header))


def make_static(text, internal):
    """Prefixes `static` to file-scope declarations and definitions of the
    functions in `internal` (those that start at column 0), and moves their
    aligned continuation lines along."""
    pattern = re.compile(
        r"^(?!static\b|typedef\b|extern\b)[A-Za-z_][^;{}()=#\n]*?\b(%s)\s*\(" %
        "|".join(sorted(internal, key=len, reverse=True)))
    out = []
    shifting = False
    for line in text.split("\n"):
        if shifting:
            if line.startswith(" ") and not line.startswith("  /*"):
                line = "       " + line
            else:
                shifting = False
        if not shifting and pattern.match(line):
            line = "static " + line
            shifting = not line.rstrip().endswith((";", "{"))
            out.append(line)
            continue
        if shifting and line.rstrip().endswith((";", "{")):
            shifting = False
        out.append(line)
    return "\n".join(out)


PREAMBLE = """\
/*
 * wepoll - the epoll API for Windows: the single-file form.
 *
 * GENERATED by tools/make_single_file.py from include/wepoll.h and lib/:
 * do not edit; change lib/ and regenerate.
 *
 * Compile this file into your program (C89 or later, or C++) beside
 * wepoll.h, and link ws2_32 (nothing else: ntdll.dll's calls are looked
 * up at run time).  It defines the functions of wepoll.h and nothing else
 * with external linkage.
 *
%s */

/* MSVC users need no linker flag for the one system library. */
#ifdef _MSC_VER
#pragma comment(lib, "ws2_32.lib")
#endif

/* What lib/ is built with: Vista's API, the lean Windows headers. */
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#if defined(_WIN32_WINNT) && _WIN32_WINNT < 0x0600
#undef _WIN32_WINNT
#endif
#ifndef _WIN32_WINNT
#define _WIN32_WINNT 0x0600
#endif

/* The helpers of lib/'s headers are static and inline (C99's keyword,
 * which C89 compilers spell otherwise); one this file does not use is no
 * warning, as it is none in a header. */
#if defined(__GNUC__) || defined(__clang__)
#define WEPOLL_INLINE __inline__ __attribute__((__unused__))
#elif defined(__cplusplus) || \\
    (defined(__STDC_VERSION__) && __STDC_VERSION__ >= 199901L)
#define WEPOLL_INLINE inline
#elif defined(_MSC_VER)
#define WEPOLL_INLINE __inline
#else
#define WEPOLL_INLINE
#endif

"""


def license_comment():
    lines = read(os.path.join(ROOT, "LICENSE")).rstrip("\n").split("\n")
    return "".join((" * " + l).rstrip() + "\n" for l in lines)


def generate():
    """Returns {file name: text} for dist/."""
    header = public_header()
    api = set(API_DECL.findall(header))
    if not api:
        raise GenerateError("include/wepoll.h: no WEPOLL_API declarations found")

    sources = [(name, read(os.path.join(LIB, name))) for name in lib_sources()]

    # Functions with external linkage in lib/: all but the API become static.
    internal = set()
    for name, text in sources:
        internal.update(FUNC_DEF.findall(text))
    internal -= api

    # The same static name in two files would clash in one translation unit.
    owner = {}
    for name, text in sources:
        for sym in set(re.findall(r"^static\b[^;=({]*?\b([A-Za-z_]\w*)\s*[(\[=;]", text, re.M)):
            if sym in owner and owner[sym] != name:
                raise GenerateError(
                    "static `%s` is defined in both lib/%s and lib/%s: rename one" %
                    (sym, owner[sym], name))
            owner[sym] = name

    amalgam = Amalgamator()
    amalgam.emit(PREAMBLE % license_comment())
    amalgam.emit("/* ---- include/wepoll.h ---- */\n")
    amalgam.emit(header.rstrip("\n") + "\n")
    for name, text in sources:
        path = os.path.join(LIB, name)
        amalgam.emit("\n/* ---- lib/%s ---- */\n" % name)
        amalgam.expand(path, text)
        # Macros are per file in lib/: end their scope with the file.
        # A fallback for a system macro (#ifndef X / #define X) stays: the
        # system's own definition must not be undone.
        macros = []
        previous = ""
        for line in text.split("\n"):
            m = DEFINE.match(line)
            if m and m.group(1) not in macros and \
                    not re.match(r"\s*#\s*ifndef\s+%s\s*$" % m.group(1), previous):
                macros.append(m.group(1))
            if line.strip():
                previous = line
        for macro in macros:
            amalgam.emit("#undef %s\n" % macro)
    body = "".join(amalgam.out)
    body = make_static(body, internal) if internal else body
    body = re.sub(r"\bstatic inline\b", "static WEPOLL_INLINE", body)
    body = re.sub(r"\n{3,}", "\n\n", body)

    dist_header = (
        "/* wepoll.h of the single-file form (wepoll.c beside it): GENERATED by\n"
        " * tools/make_single_file.py from include/wepoll.h; do not edit. */\n" + header)
    return {"wepoll.c": body, "wepoll.h": dist_header}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="do not write: exit 1 if dist/ is stale")
    parser.add_argument("--out", default=os.path.join(ROOT, "dist"),
                        help="output folder (default: dist/ of the checkout)")
    args = parser.parse_args()
    try:
        files = generate()
    except (GenerateError, OSError) as e:
        print("make_single_file: %s" % e, file=sys.stderr)
        return 2

    if args.check:
        stale = []
        for name, text in sorted(files.items()):
            path = os.path.join(args.out, name)
            try:
                with open(path, encoding="utf-8", newline="") as f:
                    current = f.read()
            except OSError:
                current = None
            if current != text:
                stale.append(path)
        for path in stale:
            print("STALE: %s differs from what lib/ and include/ generate; run "
                  "python3 tools/make_single_file.py" % rel(path), file=sys.stderr)
        if not stale:
            print("dist/ is up to date")
        return 1 if stale else 0

    os.makedirs(args.out, exist_ok=True)
    for name, text in sorted(files.items()):
        path = os.path.join(args.out, name)
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        print("wrote %s" % rel(path))
    return 0


if __name__ == "__main__":
    sys.exit(main())
