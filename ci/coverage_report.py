#!/usr/bin/env python3
"""Line and branch coverage of lib/, from the data of many program runs.

    coverage_report.py --build DIR --runs DIR --gcov GCOV --gcov-tool TOOL
                       --floor-lines PCT --floor-branches PCT
                       [--host-objdir DIR --host-gcov GCOV] < REASONS
    coverage_report.py --self-test   (the reason matching and the host merge, made-up data)

ci/coverage.sh calls it after running the test suites of a build made with
-Db_coverage=true.  Each test program wrote its counters into a folder of
its own under --runs (GCOV_PREFIX), so that no two processes ever update one
.gcda file; this script merges those folders with gcov-tool, runs gcov on
the result and prints, for every file of lib/ and in total, the lines run of
those that can run and the branches taken at least once of those that
exist, then every line never run.

--host-objdir names the counters of lib/'s pure C files as the host unit
tests ran them (host/run.sh --coverage, native gcc at the same -O0): their
counts are added, line by line, to the lines of the Wine build, and branch
by branch where a line has the same branches in both.  They only add runs:
the lines and branches counted are always the Wine build's.

REASONS (standard input) lists the lines no test here can reach, one entry
a line:  FILE | FUNCTION | TEXT | REASON.  An entry names the lines of
FUNCTION in FILE whose source text contains TEXT (`TEXT#K`: only the K-th
of those, 1 the first, -1 the last); `FIRST >> LAST` names each run of
lines from one containing FIRST to the next containing LAST (the same
line, if it contains both); `*` names the whole function.
Entries name code, not line numbers, so they survive edits elsewhere.  An
entry is an error when it names no never-run line (the code was removed,
renamed, or is now run), when a line it names runs, or when it is
malformed.  Blank lines and lines starting with `#` are ignored.

Exits 1 when the total of lines or of branches is below its floor, when an
entry is stale, or when a program run left no counters for lib/ (it ended
without its normal exit, so the figures would undercount).
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile


def lib_object_dirs(build):
    """The folders of the build that hold lib/'s .gcno files.

    Only those of targets the build still has: a folder left from an
    earlier configuration (a DLL before a static library) would count its
    lines as never run."""
    top = os.path.join(build, "lib")
    with open(os.path.join(build, "build.ninja"), encoding="utf-8") as f:
        ninja = f.read()
    dirs = []
    for name in sorted(os.listdir(top)):
        path = os.path.join(top, name)
        if ("lib/%s/" % name) not in ninja:
            continue
        if os.path.isdir(path) and any(f.endswith(".gcno") for f in os.listdir(path)):
            dirs.append(path)
    return dirs


def merge_runs(runs, build, objdirs, tool, out):
    """Merges every run's counters for objdirs into out/<objdir name>.

    Returns (number of runs, the runs that left no counters for lib/)."""
    run_names = sorted(os.listdir(runs)) if os.path.isdir(runs) else []
    wrote = set()
    abs_build = os.path.abspath(build).lstrip("/")
    for objdir in objdirs:
        rel = os.path.relpath(objdir, build)
        merged = None
        for name in run_names:
            src = os.path.join(runs, name, abs_build, rel)
            if not os.path.isdir(src) or not any(f.endswith(".gcda") for f in os.listdir(src)):
                continue
            wrote.add(name)
            if merged is None:
                merged = tempfile.mkdtemp(dir=out)
                for f in os.listdir(src):
                    shutil.copy(os.path.join(src, f), merged)
                continue
            nxt = tempfile.mkdtemp(dir=out)
            subprocess.run([tool, "merge", merged, src, "-o", nxt], check=True,
                           stdout=subprocess.DEVNULL)
            shutil.rmtree(merged)
            merged = nxt
        dest = os.path.join(out, os.path.basename(objdir))
        os.makedirs(dest)
        if merged is not None:
            for f in os.listdir(merged):
                shutil.copy(os.path.join(merged, f), dest)
            shutil.rmtree(merged)
        # gcov wants the notes beside the counters.
        for f in os.listdir(objdir):
            if f.endswith(".gcno"):
                shutil.copy(os.path.join(objdir, f), dest)
    return len(run_names), [n for n in run_names if n not in wrote]


def gcov_json(gcov, objdir, build):
    """gcov's JSON documents for every .gcno of objdir (unrun files too)."""
    docs = []
    for f in sorted(os.listdir(objdir)):
        if not f.endswith(".gcno"):
            continue
        res = subprocess.run([gcov, "-j", "-t", "-b", "-o", objdir, os.path.join(objdir, f)],
                             cwd=build, check=True, capture_output=True, text=True)
        for line in res.stdout.splitlines():
            line = line.strip()
            if line.startswith("{"):
                docs.append(json.loads(line))
    return docs


def collect(docs, build, root):
    """Per source file of lib/: {line: (count, function)} and {(line, i): count}.

    A header's inline code is compiled into several objects: its line ran
    if it ran in any, and its branches are summed by position."""
    lib = os.path.join(root, "lib") + os.sep
    lines, branches = {}, {}
    for doc in docs:
        cwd = doc.get("current_working_directory", build)
        for f in doc["files"]:
            path = os.path.normpath(os.path.join(cwd, f["file"]))
            if not path.startswith(lib):
                continue
            rel = os.path.relpath(path, root)
            fl = lines.setdefault(rel, {})
            fb = branches.setdefault(rel, {})
            for ln in f["lines"]:
                n = ln["line_number"]
                old = fl.get(n, (0, ln.get("function_name", "?")))
                fl[n] = (old[0] + ln["count"], old[1])
                for i, b in enumerate(ln["branches"]):
                    fb[(n, i)] = fb.get((n, i), 0) + b["count"]
    return lines, branches


def add_host_runs(lines, branches, host_lines, host_branches):
    """Adds the host build's counts to the Wine build's (see the module's
    documentation); returns how many lines of lib/ the host runs reached."""
    reached = 0
    for rel, hl in host_lines.items():
        fl, fb = lines.get(rel), branches.get(rel)
        if fl is None:
            continue
        hb = host_branches.get(rel, {})
        for n, (count, _) in hl.items():
            if n not in fl:
                continue
            fl[n] = (fl[n][0] + count, fl[n][1])
            if count > 0:
                reached += 1
            here = sorted(i for (m, i) in fb if m == n)
            there = sorted(i for (m, i) in hb if m == n)
            if here == there:
                for i in here:
                    fb[(n, i)] += hb[(n, i)]
    return reached


def read_reasons(stream):
    entries, errors = [], []
    for k, raw in enumerate(stream, 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        # TEXT may hold `|` (C's `||`), REASON may not.
        parts = line.split("|", 2)
        if len(parts) == 3 and "|" in parts[2]:
            parts = parts[:2] + parts[2].rsplit("|", 1)
        parts = [p.strip() for p in parts]
        if len(parts) != 4 or not all(parts):
            errors.append("reason entry %d is not FILE | FUNCTION | TEXT | REASON: %s" % (k, line))
            continue
        entries.append({"file": parts[0], "function": parts[1], "text": parts[2],
                        "reason": parts[3], "used": 0})
    return entries, errors


def named_lines(text, function, fl, text_at):
    """The lines of `function` an entry's TEXT names (see the module's
    comment).  fl: {line: (count, function)} of one file; text_at(line):
    that line's source text."""
    own = [n for n in sorted(fl) if fl[n][1] == function]

    def matching(piece):
        k = None
        if "#" in piece:
            head, _, tail = piece.rpartition("#")
            if tail.lstrip("-").isdigit():
                piece, k = head, int(tail)
        hits = [n for n in own if piece in text_at(n)]
        if k is None:
            return hits
        try:
            return [hits[k - 1 if k > 0 else k]] if k != 0 else []
        except IndexError:
            return []

    named = set()
    if text == "*":
        named.update(own)
    elif ">>" in text:
        first, last = [t.strip() for t in text.split(">>", 1)]
        for start in matching(first):
            for n in own:
                if n < start:
                    continue
                named.add(n)
                if last in text_at(n):
                    break
    else:
        named.update(matching(text))
    return named


def self_test():
    """Checks named_lines, read_reasons and add_host_runs on made-up data."""
    import io
    fl = {10: (1, "f"), 11: (0, "f"), 12: (5, "f"), 13: (0, "f"), 14: (0, "f"),
          20: (0, "g")}
    src = {10: "if (a || b)", 11: "return -1;", 12: "x = 1;", 13: "y = 2;",
           14: "return -1;", 20: "return 0;"}
    cases = [("return -1;", "f", {11, 14}), ("return -1;#1", "f", {11}),
             ("return -1;#-1", "f", {14}), ("return -1;#3", "f", set()),
             ("y = 2; >> return -1;", "f", {13, 14}),
             ("return -1;#1 >> return -1;", "f", {11}),
             ("if (a >> x = 1;", "f", {10, 11, 12}), ("*", "g", {20}),
             ("*", "h", set()), ("return 0;", "f", set())]
    failures = 0
    for text, function, want in cases:
        got = named_lines(text, function, fl, src.get)
        if got != want:
            print("self-test FAIL: %r in %s names %s, want %s"
                  % (text, function, sorted(got), sorted(want)))
            failures += 1
    entries, errors = read_reasons(io.StringIO(
        "# a comment\n\nlib/a.c | f | if (a || b) | why\nlib/a.c | f | no reason\n"))
    if len(entries) != 1 or entries[0]["text"] != "if (a || b)" or \
            entries[0]["reason"] != "why" or len(errors) != 1:
        print("self-test FAIL: read_reasons gave %r, %r" % (entries, errors))
        failures += 1
    # The host's counts: added to a line both builds have, to its branches
    # only where the line has the same ones; nothing new is counted.
    lines = {"lib/a.c": {1: (0, "f"), 2: (3, "f"), 3: (0, "f")}}
    branches = {"lib/a.c": {(1, 0): 0, (1, 1): 2, (3, 0): 0}}
    host_lines = {"lib/a.c": {1: (4, "f"), 3: (1, "f"), 9: (1, "f")},
                  "lib/b.c": {1: (1, "g")}}
    host_branches = {"lib/a.c": {(1, 0): 4, (1, 1): 0, (3, 0): 1, (3, 1): 0}}
    reached = add_host_runs(lines, branches, host_lines, host_branches)
    want_lines = {"lib/a.c": {1: (4, "f"), 2: (3, "f"), 3: (1, "f")}}
    want_branches = {"lib/a.c": {(1, 0): 4, (1, 1): 2, (3, 0): 0}}
    if (reached, lines, branches) != (2, want_lines, want_branches):
        print("self-test FAIL: add_host_runs gave %d, %r, %r" % (reached, lines, branches))
        failures += 1
    print("self-test: %s" % ("FAIL" if failures else "PASS"))
    return 1 if failures else 0


def pct(a, b):
    return 100.0 * a / b if b else 100.0


def main():
    if sys.argv[1:] == ["--self-test"]:
        return self_test()
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    ap.add_argument("--runs", required=True)
    ap.add_argument("--gcov", required=True)
    ap.add_argument("--gcov-tool", required=True)
    ap.add_argument("--floor-lines", type=float, required=True)
    ap.add_argument("--floor-branches", type=float, required=True)
    ap.add_argument("--host-objdir")
    ap.add_argument("--host-gcov", default="gcov")
    args = ap.parse_args()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    build = os.path.abspath(args.build)

    entries, errors = read_reasons(sys.stdin)
    objdirs = lib_object_dirs(build)
    if not objdirs:
        print("error: no .gcno files under %s/lib: not a -Db_coverage=true build" % build)
        return 1
    work = os.path.join(build, "coverage-merged")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    nruns, missing = merge_runs(os.path.abspath(args.runs), build, objdirs, args.gcov_tool, work)
    docs = []
    for d in objdirs:
        docs += gcov_json(args.gcov, os.path.join(work, os.path.basename(d)), build)
    lines, branches = collect(docs, build, root)
    host_note = ""
    if args.host_objdir and not os.path.isdir(args.host_objdir):
        errors.append("no counters of the host unit tests: %s is missing" % args.host_objdir)
    elif args.host_objdir:
        host_docs = gcov_json(args.host_gcov, os.path.abspath(args.host_objdir), root)
        host_lines, host_branches = collect(host_docs, root, root)
        if not host_lines:
            errors.append("the host unit tests left no counters for lib/ in "
                          + args.host_objdir)
        reached = add_host_runs(lines, branches, host_lines, host_branches)
        host_note = ", and the host unit tests (%d lines of lib/ run)" % reached

    sources = {}

    def text_of(rel, n):
        if rel not in sources:
            with open(os.path.join(root, rel), encoding="utf-8", errors="replace") as fh:
                sources[rel] = fh.read().splitlines()
        src = sources[rel]
        return src[n - 1].strip() if 0 < n <= len(src) else ""

    print("coverage of lib/ (%d program runs merged%s)" % (nruns, host_note))
    print("%-24s %18s %18s" % ("file", "lines", "branches"))
    tl = tlr = tb = tbt = 0
    never = []
    for rel in sorted(lines):
        fl, fb = lines[rel], branches[rel]
        run = sum(1 for c, _ in fl.values() if c > 0)
        taken = sum(1 for c in fb.values() if c > 0)
        tl, tlr, tb, tbt = tl + len(fl), tlr + run, tb + len(fb), tbt + taken
        print("%-24s %5d/%-5d %5.1f%% %5d/%-5d %5.1f%%"
              % (rel, run, len(fl), pct(run, len(fl)), taken, len(fb), pct(taken, len(fb))))
        for n in sorted(fl):
            if fl[n][0] == 0:
                never.append((rel, n, fl[n][1], text_of(rel, n)))
    print("%-24s %5d/%-5d %5.1f%% %5d/%-5d %5.1f%%"
          % ("total", tlr, tl, pct(tlr, tl), tbt, tb, pct(tbt, tb)))

    for e in entries:
        fl = lines.get(e["file"], {})
        named = named_lines(e["text"], e["function"], fl,
                            lambda n, f=e["file"]: text_of(f, n))
        e["named"] = named
        e["run"] = sorted(n for n in named if fl[n][0] > 0)

    explained, unexplained = [], []
    for rel, n, func, text in never:
        why = None
        for e in entries:
            if e["file"] == rel and n in e["named"]:
                e["used"] += 1
                why = why or e["reason"]
        (explained if why else unexplained).append((rel, n, func, text, why))

    print()
    print("never run, with the reason no test here reaches them: %d lines" % len(explained))
    for rel, n, func, text, why in explained:
        print("  %s:%d %s: %s\n      reason: %s" % (rel, n, func, text, why))
    print("never run, no test yet and no reason given: %d lines" % len(unexplained))
    for rel, n, func, text, _ in unexplained:
        print("  %s:%d %s: %s" % (rel, n, func, text))

    for e in entries:
        where = "%s | %s | %s" % (e["file"], e["function"], e["text"])
        if not e["used"]:
            errors.append("stale reason (names no never-run line: the code changed, "
                          "moved or is now run; update or remove the entry): " + where)
        elif e["run"]:
            errors.append("stale reason (lines %s that it names now run: narrow or "
                          "remove the entry): %s" % (", ".join(map(str, e["run"])), where))
    if missing:
        errors.append("%d program runs left no counters for lib/ (they did not reach a "
                      "normal exit or ExitProcess): %s" % (len(missing), ", ".join(missing)))
    if nruns == 0:
        errors.append("no program run wrote coverage data")

    lp, bp = pct(tlr, tl), pct(tbt, tb)
    print()
    print("floor: lines %.1f%%, branches %.1f%%; actual: lines %.1f%% (%d of %d), "
          "branches %.1f%% (%d of %d)"
          % (args.floor_lines, args.floor_branches, lp, tlr, tl, bp, tbt, tb))
    if lp < args.floor_lines:
        errors.append("lines %.1f%% are below the floor %.1f%%" % (lp, args.floor_lines))
    if bp < args.floor_branches:
        errors.append("branches %.1f%% are below the floor %.1f%%" % (bp, args.floor_branches))
    for e in errors:
        print("error: " + e)
    print("coverage: " + ("FAIL" if errors else "PASS"))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
