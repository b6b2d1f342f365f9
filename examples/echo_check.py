"""Runs an echo server example and checks that it echoes.

    echo_check.py [--wrapper wine] [--dll-dir DIR] SERVER.exe

Starts the server on a free port (argument 0), reads the address it prints,
then from this process connects three clients at once, sends each a
different message in two pieces, expects every byte back, closes one
client early, and checks that a client connecting afterwards is still
served.  The server is killed at the end, or with --quit sent "quit" on
its standard input, after which it must print "stopped" and exit 0 (the C
server's shutdown from another thread through an event); --tick also
requires its periodic timer's "tick" lines.  Every wait is bounded.
"""

import argparse
import os
import queue
import socket
import subprocess
import sys
import threading

TIMEOUT = 20.0  # seconds, for the server to start and for each reply


def start(cmd, env):
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, env=env,
                            stdin=subprocess.PIPE, universal_newlines=True)
    lines = queue.Queue()

    def pump():
        for line in proc.stdout:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    try:
        line = lines.get(timeout=TIMEOUT)
    except queue.Empty:
        line = None
    if not line or not line.startswith("listening on "):
        proc.kill()
        code = proc.wait(timeout=TIMEOUT)
        if line is None and code == 0:
            # A server never exits 0 by itself: it did not start.  That is
            # Wine without its 32-bit part (wine32) given an x86 program.
            print("SKIP (wine: the server exited 0 without starting; "
                  "32-bit Wine missing?)")
            sys.exit(77)
        sys.exit("server did not announce its address (got %r, exit %s)"
                 % (line, code))
    host, port = line.split()[-1].rsplit(":", 1)
    return proc, (host, int(port)), lines


def later_lines(lines, until, timeout):
    """Lines printed after the address, up to one starting with `until`."""
    seen = []
    while True:
        try:
            line = lines.get(timeout=timeout)
        except queue.Empty:
            return seen
        if line is None:
            return seen
        seen.append(line.strip())
        if line.startswith(until):
            return seen


def receive_exactly(sock, size):
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            break
        data += chunk
    return data


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--wrapper", default=None)
    ap.add_argument("--dll-dir", default=None)
    ap.add_argument("--quit", action="store_true",
                    help='stop the server with "quit" and expect exit 0')
    ap.add_argument("--tick", action="store_true",
                    help="expect the server's periodic 'tick' lines")
    ap.add_argument("server")
    args = ap.parse_args()

    env = dict(os.environ)
    if args.dll_dir:
        if args.wrapper and "wine" in os.path.basename(args.wrapper):
            old = env.get("WINEPATH")
            env["WINEPATH"] = "Z:" + args.dll_dir + (";" + old if old else "")
        else:
            env["PATH"] = args.dll_dir + os.pathsep + env.get("PATH", "")
    cmd = ([args.wrapper] if args.wrapper else []) + [args.server, "0"]

    proc, addr, lines = start(cmd, env)
    failures = []
    try:
        clients = [socket.create_connection(addr, timeout=TIMEOUT)
                   for _ in range(3)]
        messages = [("client %d says hello " % i).encode() * (i * 50 + 1)
                    for i in range(len(clients))]
        for c, m in zip(clients, messages):
            c.sendall(m[:len(m) // 2])
        for c, m in zip(clients, messages):
            c.sendall(m[len(m) // 2:])
        for i, (c, m) in enumerate(zip(clients, messages)):
            got = receive_exactly(c, len(m))
            if got != m:
                failures.append("client %d: sent %d bytes, got back %d"
                                % (i, len(m), len(got)))

        clients[0].close()  # the server must drop it and carry on
        with socket.create_connection(addr, timeout=TIMEOUT) as late:
            late.sendall(b"still there?")
            if receive_exactly(late, 12) != b"still there?":
                failures.append("a client after a hang-up was not served")
        if args.tick:
            seen = later_lines(lines, "tick", TIMEOUT)
            if not seen or not seen[-1].startswith("tick"):
                failures.append("no periodic tick line (got %r)" % seen)
        if args.quit:
            clients[1].close()  # clients[2] stays open for the shutdown
            proc.stdin.write("quit\n")
            proc.stdin.flush()
            seen = later_lines(lines, "stopped", TIMEOUT)
            if not seen or seen[-1] != "stopped":
                failures.append("no clean shutdown (got %r)" % seen)
            elif proc.wait(timeout=TIMEOUT) != 0:
                failures.append("server exited with %s" % proc.returncode)
        for c in clients[1:]:
            c.close()
    except (OSError, subprocess.TimeoutExpired) as e:
        failures.append("error: %s" % e)
    finally:
        if proc.poll() is not None and not args.quit:
            failures.append("server exited early with %s" % proc.returncode)
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=TIMEOUT)

    for f in failures:
        print("FAIL", f)
    if failures:
        return 1
    print("PASS: %s echoed for 4 clients%s" % (
        os.path.basename(args.server),
        ", ticked and stopped cleanly" if args.quit else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
