#!/usr/bin/env python3
"""Compares the event masks that Linux epoll and wepoll report in the same
situations (the output of scenarios.c, built natively and for Windows).

  compare.py --linux EXE|--linux-output FILE  --ours EXE|--ours-output FILE
             [--dll-dir DIR] --known known-differences.txt [--arch x64|x86]
             [--table OUT.md] [--update-readme README.md]

Each line is "<scenario> <family> <interest>: <mask>".  A line whose masks
differ must be explained, bit by bit, by entries of the known-differences
file; the script exits 1 on any difference that is not, on a line one side
lacks, and when either program did not run to its end.  A known entry that
explains nothing in this run is only reported (it may be a Windows-only or
timing-dependent difference).  The table (one row per scenario and
interest, families with equal results merged) is what docs/compatibility.md
shows (--update-readme docs/compatibility.md rewrites it between its markers).
"""
import argparse
import fnmatch
import os
import re
import subprocess
import sys

SKIP = 77
LINE = re.compile(r"^(\S+) (\S+) (\S+): (\S+)$")
README_BEGIN = "<!-- oracle-table:begin -->"
README_END = "<!-- oracle-table:end -->"


def run(exe, windows, dll_dir=None):
    cmd = [exe]
    env = dict(os.environ)
    if windows and os.name != "nt":
        cmd.insert(0, os.environ.get("WEPOLL_WINE", "wine"))
    if windows and dll_dir:
        name = "PATH" if os.name == "nt" else "WINEPATH"
        env[name] = os.pathsep.join(filter(None, [dll_dir, env.get(name)]))
    r = subprocess.run(cmd, stdout=subprocess.PIPE, text=True,
                       errors="replace", env=env)
    if r.returncode != 0:
        sys.stdout.write(r.stdout)
        raise SystemExit(f"FAIL: {' '.join(cmd)} exited {r.returncode}")
    return r.stdout


def parse(text, who):
    lines = text.splitlines()
    if "done" not in lines:
        return None
    result = {}
    for line in lines:
        m = LINE.match(line)
        if m:
            result[m.group(1, 2, 3)] = m.group(4)
        elif line != "done" and line.strip():
            raise SystemExit(f"FAIL: unexpected line from {who}: {line!r}")
    return result


def bits(mask):
    return set() if mask in ("-", "n/a") else set(mask.split("|"))


def load_known(path):
    entries = []
    with open(path, encoding="utf-8") as f:
        for number, raw in enumerate(f, 1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            parts = line.split(None, 4)
            if len(parts) < 5:
                raise SystemExit(f"{path}:{number}: want 'scenario family "
                                 "interest bits reason'")
            changes = set()
            for b in parts[3].split(","):
                if b[:1] not in "+-" or len(b) < 2:
                    raise SystemExit(f"{path}:{number}: bits are +NAME or "
                                     f"-NAME, not {b!r}")
                changes.add(b)
            entries.append({"where": f"{path}:{number}",
                            "pattern": parts[:3], "changes": changes,
                            "reason": parts[4], "used": False})
    return entries


def explain(key, linux, ours, known):
    """The reasons for a line's differing bits, and the bits left over."""
    wanted = {"+" + b for b in bits(ours) - bits(linux)}
    wanted |= {"-" + b for b in bits(linux) - bits(ours)}
    reasons = []
    for e in known:
        if not all(fnmatch.fnmatchcase(k, p)
                   for k, p in zip(key, e["pattern"])):
            continue
        covered = wanted & e["changes"]
        if covered:
            e["used"] = True
            if e["reason"] not in reasons:
                reasons.append(e["reason"])
            wanted -= covered
    return reasons, wanted


def table(rows):
    """Markdown: one row per scenario and interest (families with equal
    results merged); reasons as numbered notes below the table."""
    notes, merged = [], []
    for scenario, family, interest, linux, ours, why in rows:
        refs = []
        for reason in why:
            if reason not in notes:
                notes.append(reason)
            refs.append(f"({notes.index(reason) + 1})")
        cells = [scenario, family, interest, linux, ours, " ".join(refs)]
        same = [m for m in merged
                if m[0] == scenario and m[2] == interest and m[3:] == cells[3:]]
        if same:
            same[0][1] += " " + family
        else:
            merged.append(cells)
    out = ["| scenario | families | interest | Linux | wepoll | why |",
           "|---|---|---|---|---|---|"]
    for r in merged:
        out.append("| " + " | ".join(c.replace("|", "\\|") for c in r) +
                   " |")
    out.append("")
    out += [f"{i + 1}. {n}" for i, n in enumerate(notes)]
    return "\n".join(out) + "\n"


def update_readme(path, text):
    with open(path, encoding="utf-8") as f:
        content = f.read()
    if README_BEGIN not in content or README_END not in content:
        raise SystemExit(f"{path}: markers {README_BEGIN} / {README_END} "
                         "missing")
    head, rest = content.split(README_BEGIN, 1)
    _, tail = rest.split(README_END, 1)
    with open(path, "w", encoding="utf-8") as f:
        f.write(head + README_BEGIN + "\n" + text + README_END + tail)


def main(argv):
    p = argparse.ArgumentParser()
    p.add_argument("--linux")
    p.add_argument("--linux-output")
    p.add_argument("--ours")
    p.add_argument("--ours-output")
    p.add_argument("--dll-dir", help="where wepoll.dll is")
    p.add_argument("--known", required=True)
    p.add_argument("--arch", default="x64")
    p.add_argument("--table")
    p.add_argument("--update-readme")
    a = p.parse_args(argv)

    if a.linux_output:
        linux_text = open(a.linux_output, encoding="utf-8").read()
    else:
        linux_text = run(a.linux, False)
    if a.ours_output:
        ours_text = open(a.ours_output, encoding="utf-8").read()
    else:
        ours_text = run(a.ours, True, a.dll_dir)
    linux = parse(linux_text, "linux")
    ours = parse(ours_text, "wepoll")
    if linux is None:
        print("FAIL: the Linux scenarios did not run to the end")
        return 1
    if ours is None:
        if a.arch == "x86" and os.name != "nt" and \
                not os.path.exists("/usr/lib/wine/wine"):
            print("SKIP (wine: 32-bit Wine is not installed)")
            return SKIP
        sys.stdout.write(ours_text)
        print("FAIL: the wepoll scenarios did not run to the end")
        return 1

    known = load_known(a.known)
    rows, failures, explained = [], [], 0
    for key in list(linux) + [k for k in ours if k not in linux]:
        l_mask, o_mask = linux.get(key, "missing"), ours.get(key, "missing")
        why = []
        if "missing" in (l_mask, o_mask):
            failures.append(f"{' '.join(key)}: linux {l_mask}, ours {o_mask}")
            why = ["**line missing**"]
        elif l_mask != o_mask:
            reasons, left = explain(key, l_mask, o_mask, known)
            if left:
                failures.append(f"{' '.join(key)}: linux {l_mask}, ours "
                                f"{o_mask}; unexplained "
                                f"{','.join(sorted(left))}")
                reasons.append("**unexplained: " +
                               ",".join(sorted(left)) + "**")
            else:
                explained += 1
            why = reasons
        rows.append((key[0], key[1], key[2], l_mask, o_mask, why))

    text = table(rows)
    if a.table:
        with open(a.table, "w", encoding="utf-8") as f:
            f.write(text)
    if a.update_readme:
        update_readme(a.update_readme, text)
    for e in known:
        if not e["used"]:
            print(f"note: {e['where']} explained nothing in this run")
    print(f"oracle ({a.arch}): {len(rows)} lines, "
          f"{sum(1 for r in rows if r[3] == r[4])} equal, {explained} "
          f"known differences, {len(failures)} unexplained")
    for f in failures:
        print("DIFF " + f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
