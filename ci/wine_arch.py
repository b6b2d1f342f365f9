#!/usr/bin/env python3
"""Which Wine loader runs a Windows program here, and whether this kernel can
run 32-bit programs at all.

    wine_arch.py probe            prints "yes", or "no: REASON" and exits 1
    wine_arch.py loader x64|x86   prints the loader for that architecture,
                                  or "none: REASON" and exits 1
    wine_arch.py arch PROGRAM     prints x64 or x86 (the PE header's machine)
    wine_arch.py write-probe FILE writes the probe's i386 program to FILE

Why this exists.  Some Linux kernels have no IA32 emulation: every 32-bit
x86 ELF fails with "Exec format error".  Debian's /usr/bin/wine starts the
32-bit loader /usr/lib/wine/wine for every program once wine32:i386 is
installed, and lets that loader hand 64-bit programs on to wine64; on such
a kernel it therefore fails for x64 programs too.  So an x64 program is
always started with the 64-bit loader itself, and an x86 program only where
the probe below passes.

The probe runs a tiny static i386 program, written here byte by byte, that
only calls exit(42) through int 0x80: it needs no 32-bit library, so it
answers for the kernel alone.  WEPOLL_FORCE_NO_32BIT=1 makes the probe say
no (so that a machine that can run 32-bit programs still exercises the
paths taken where none can run).  WEPOLL_ASSUME_32BIT=1 makes it say yes
without running anything: with stand-in loaders, it lets a kernel without
IA32 emulation test the x86 branch of every caller (it never makes a real
32-bit program runnable).  WEPOLL_FORCE_NO_32BIT wins when both are set.
WEPOLL_WINE_LOADER_DIR (default /usr/lib/wine) is where the loaders are
looked for; tests point it at stand-ins.

command_for() is the one way the scripts start a Windows program or Wine
tool: it answers with the same shape for both architectures (a command,
and an environment that tells the loader where it is), so a caller never
needs to know which loader it got.
"""

import os
import shutil
import stat
import struct
import subprocess
import sys
import tempfile

PROBE_EXIT = 42
NO_IA32 = ("this kernel cannot execute 32-bit programs (no IA32 emulation)")
FORCED = "WEPOLL_FORCE_NO_32BIT=1 says to treat this kernel as unable to " \
         "execute 32-bit programs"

# PE machine field values.
MACHINES = {0x8664: "x64", 0x14c: "x86"}


def probe_program():
    """A static ELF32 i386 executable: one load segment, exit(42)."""
    base = 0x08048000
    ehsize, phsize = 52, 32
    code = (b"\xb8\x01\x00\x00\x00"      # mov eax, 1 (exit)
            b"\xbb" + struct.pack("<I", PROBE_EXIT) +  # mov ebx, 42
            b"\xcd\x80")                 # int 0x80
    size = ehsize + phsize + len(code)
    ident = b"\x7fELF" + bytes([1, 1, 1, 0]) + bytes(8)  # ELF32, LSB, v1
    header = ident + struct.pack(
        "<HHIIIIIHHHHHH",
        2,                          # e_type: executable
        3,                          # e_machine: Intel 80386
        1,                          # e_version
        base + ehsize + phsize,     # e_entry: the code after the headers
        ehsize,                     # e_phoff
        0, 0,                       # e_shoff, e_flags
        ehsize, phsize, 1,          # e_ehsize, e_phentsize, e_phnum
        0, 0, 0)                    # no section headers
    segment = struct.pack(
        "<IIIIIIII",
        1,                          # PT_LOAD
        0, base, base,              # the whole file at base
        size, size,
        5,                          # readable, executable
        0x1000)
    return header + segment + code


def write_probe(path):
    with open(path, "wb") as f:
        f.write(probe_program())
    os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR)


def kernel_runs_32bit():
    """(True, "") or (False, reason)."""
    if os.environ.get("WEPOLL_FORCE_NO_32BIT", "") not in ("", "0"):
        return False, FORCED
    if os.environ.get("WEPOLL_ASSUME_32BIT", "") not in ("", "0"):
        return True, ""
    work = tempfile.mkdtemp(prefix="wepoll-probe32-")
    try:
        # A 64-bit control first: a folder whose files cannot be executed
        # (mounted noexec) must not be taken for a kernel without IA32.
        control = os.path.join(work, "control")
        shutil.copy("/bin/true", control)
        try:
            subprocess.run([control], check=True)
        except (OSError, subprocess.CalledProcessError) as e:
            return False, "the probe could not run a program in %s (%s)" % (
                work, e)
        probe = os.path.join(work, "probe32")
        write_probe(probe)
        try:
            rc = subprocess.run([probe]).returncode
        except OSError:
            return False, NO_IA32  # ENOEXEC: Exec format error
        if rc != PROBE_EXIT:
            return False, "the 32-bit probe program exited %d, not %d" % (
                rc, PROBE_EXIT)
        return True, ""
    finally:
        shutil.rmtree(work, ignore_errors=True)


def pe_arch(path):
    """x64, x86, or None when `path` is not a PE program we know."""
    try:
        with open(path, "rb") as f:
            head = f.read(4096)
    except OSError:
        return None
    if len(head) < 64 or head[:2] != b"MZ":
        return None
    pe = struct.unpack_from("<I", head, 0x3c)[0]
    if pe + 6 > len(head) or head[pe:pe + 4] != b"PE\0\0":
        return None
    return MACHINES.get(struct.unpack_from("<H", head, pe + 4)[0])


def loader_dir():
    return os.environ.get("WEPOLL_WINE_LOADER_DIR", "/usr/lib/wine")


def loader(arch):
    """(path, "") of the loader for arch, or (None, reason)."""
    name = "wine64" if arch == "x64" else "wine"
    path = os.path.join(loader_dir(), name)
    if os.access(path, os.X_OK):
        return path, ""
    if arch == "x64":
        # Not a Debian layout: let the distribution's own command choose.
        found = shutil.which("wine64") or shutil.which("wine")
        if found:
            return found, ""
        return None, "no Wine loader found (install wine64)"
    return None, "32-bit Wine is not installed (%s is missing)" % path


def loader_env(path, env=None):
    """The environment to start the loader `path` in.  Started directly, not
    through Debian's script, a loader is told where it is (WINELOADER, as
    that script does): Wine starts its own helper processes, and programs
    of the other architecture, with it.  The same for both architectures."""
    env = dict(os.environ if env is None else env)
    env["WINELOADER"] = path  # one inherited for the other loader is wrong
    return env


def command_for(program, env=None):
    """(cmd, env, "") that start `program` under Wine, or (None, None,
    reason) when it cannot run here.  `env` (default: this process's) is
    the base environment; the one returned adds what the loader needs.  An
    unknown file, or a Wine tool named without a path (wineboot), goes to
    the 64-bit loader, which reports it or runs it."""
    arch = pe_arch(program) or "x64"
    if arch == "x86":
        ok, reason = kernel_runs_32bit()
        if not ok:
            return None, None, reason
    path, reason = loader(arch)
    if path is None:
        return None, None, reason
    return [path], loader_env(path, env), ""


def main(argv):
    if len(argv) == 1 and argv[0] == "probe":
        ok, reason = kernel_runs_32bit()
        print("yes" if ok else "no: " + reason)
        return 0 if ok else 1
    if len(argv) == 2 and argv[0] == "loader" and argv[1] in ("x64", "x86"):
        path, reason = loader(argv[1])
        print(path if path else "none: " + reason)
        return 0 if path else 1
    if len(argv) == 2 and argv[0] == "arch":
        arch = pe_arch(argv[1])
        print(arch or "unknown")
        return 0 if arch else 1
    if len(argv) == 2 and argv[0] == "write-probe":
        write_probe(argv[1])
        return 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
