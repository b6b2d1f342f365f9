#!/usr/bin/env python3
"""The round-trip budget, as tests.

    check_budget.py --exe rt_scenario.exe [--dll wepoll.dll] --prefix DIR BUDGET

BUDGET is one of
  steady  request/response on one socket: per delivered event at most one
          AFD poll submission, and no more dequeue requests than one
          GetQueuedCompletionStatusEx call makes (calibrated in the same run
          on a private completion port); also no more requests in all than
          a hand-made poll + dequeue (raw-ready / raw-blocking), and no
          more than WSAPoll or select make for the same cycle
  ctl     EPOLL_CTL_ADD makes no AFD request, only the socket check's; MOD
          to a covered mask, and
          repeated MOD of the same mask, submit and cancel nothing; MOD
          alone makes no request
  idle    epoll_wait with 10,000 idle sockets registered makes exactly the
          requests it makes with 10
  cycle   registration cycles on a fresh socket each: ADD + MOD + DEL, and
          ADD + epoll_wait(0) + DEL, within wepoll 1.5.8's request counts
          plus the socket check's two; the wait reads the port once

The counts come from ci/roundtrips.py (Wine server requests, which are
deterministic).  Exit 0 pass, 1 fail, 77 skip (no Wine).
"""

import argparse
import os
import shutil
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "ci"))
import roundtrips  # noqa: E402

# Requests that belong to submitting one AFD poll and receiving its result:
# the ioctl, ntdll's wait for a result available at once, and Wine's
# delivery of an asynchronous result (kernel APC, get_async_result, return).
SUBMIT_KINDS = ("afd_poll", "afd_poll+wait", "get_async_result", "select:apc",
                "select:apc_return")
# Requests GetQueuedCompletionStatusEx makes.
DEQUEUE_KINDS = ("remove_completion", "select")

failures = []


def check(ok, text):
    print("%s  %s" % ("ok  " if ok else "FAIL", text))
    if not ok:
        failures.append(text)


def per_event(s, kinds):
    n = s.events if s.events else s.windows
    return sum(s.kinds.get(k, 0) for k in kinds) / n if n else 0.0


def others(s):
    return {k: v for k, v in s.kinds.items()
            if k not in SUBMIT_KINDS and k not in DEQUEUE_KINDS}


def need(summaries, *labels):
    for label in labels:
        if label not in summaries:
            check(False, "window %r missing from the trace" % label)
            return False
    return True


def budget_steady(run):
    s = run("steady")
    if not need(s, "gqcs-ready", "gqcs-blocking", "raw-ready", "raw-blocking",
                "rr", "rr-blocking"):
        return
    raw = s["raw-ready"]
    check(abs(raw.per("afd_poll") - 1.0) < 1e-9,
          "instrument: a hand-made poll counts as 1 afd_poll per event "
          "(got %.2f)" % raw.per("afd_poll"))
    for label, gqcs, naive in (("rr", "gqcs-ready", "raw-ready"),
                               ("rr-blocking", "gqcs-blocking",
                                "raw-blocking")):
        w = s[label]
        check(w.events == w.windows,
              "%s: every wait delivered one event (%d events in %d waits)" %
              (label, w.events, w.windows))
        check(w.per("afd_poll") <= 1.0,
              "%s: AFD poll submissions per event %.2f <= 1" %
              (label, w.per("afd_poll")))
        limit = s[gqcs].per()
        check(per_event(w, DEQUEUE_KINDS) <= limit,
              "%s: dequeue requests per event %.2f <= %.2f (one "
              "GetQueuedCompletionStatusEx call, %s)" %
              (label, per_event(w, DEQUEUE_KINDS), limit, gqcs))
        check(not others(w), "%s: no other requests (got %s)" %
              (label, others(w) or "none"))
        check(w.per() <= s[naive].per(),
              "%s: requests per event %.2f <= %.2f (hand-made poll + "
              "dequeue, %s)" % (label, w.per(), s[naive].per(), naive))
    if need(s, "wsapoll-rr", "select-rr"):
        # Waits served from polls satisfied at submission read the port
        # only once a scan of status blocks finds an ended poll (lib/port.c),
        # so a steady request/response makes no more requests than a peer.
        for peer in ("wsapoll-rr", "select-rr"):
            check(s["rr"].per() <= s[peer].per() + 1e-9,
                  "rr: requests per event %.2f <= %.2f (%s on the same "
                  "socket)" % (s["rr"].per(), s[peer].per(), peer))


def budget_ctl(run):
    s = run("ctl")
    if not need(s, "validate", "add", "mod-only", "mod-covered", "mod-same",
                "mod-grow"):
        return
    add, validate = s["add"], s["validate"]
    # A default port's ADD submits nothing: the socket is checked
    # (getsockopt(SO_TYPE), SIO_BASE_HANDLE for a layered provider) and its
    # first poll goes out with the next epoll_wait, as in wepoll 1.x.  No
    # device is opened per ADD (the warm-up opened the shared one).
    check(add.kinds.get("afd_poll", 0) == 0 and
          add.kinds.get("afd_poll+wait", 0) == 0,
          "add: no AFD poll at ADD (got %s in %d ADDs)" %
          (dict(add.kinds), add.windows))
    check(add.per() <= validate.per() + 1e-9,
          "add: requests per ADD %.2f <= %.2f (the socket check alone: "
          "getsockopt(SO_TYPE) + SIO_BASE_HANDLE on the same kind of socket)" %
          (add.per(), validate.per()))
    check(s["mod-only"].total == 0,
          "mod-only: MOD to a covered mask makes no request (got %s)" %
          (dict(s["mod-only"].kinds) or "none"))
    for label in ("mod-covered", "mod-same"):
        w = s[label]
        submitted = w.kinds.get("afd_poll", 0) + w.kinds.get("cancel_async", 0)
        check(submitted == 0,
              "%s: MOD + epoll_wait(0) submits and cancels nothing (got %s)" %
              (label, dict(w.kinds)))
    grow = s["mod-grow"]
    check(grow.kinds.get("afd_poll", 0) >= grow.windows,
          "instrument: MOD to a wider mask is seen submitting (%d afd_poll in "
          "%d windows)" % (grow.kinds.get("afd_poll", 0), grow.windows))


def budget_idle(run):
    small, large = run("idle", "10"), run("idle", "10000")
    for label in ("rr", "wait-empty"):
        if not need(small, label) or not need(large, label):
            return
        a, b = small[label], large[label]
        check(a.events == b.events and a.kinds == b.kinds,
              "%s: the same requests with 10,000 idle sockets as with 10 "
              "(10: %s; 10000: %s)" % (label, dict(a.kinds), dict(b.kinds)))
    if need(large, "rr-blocking"):
        w = large["rr-blocking"]
        check(w.per("afd_poll") <= 1.0,
              "rr-blocking with 10,000 idle: AFD poll submissions per event "
              "%.2f <= 1" % w.per("afd_poll"))


# Requests per registration cycle under Wine 8.0, from wepoll 1.5.8's
# counts plus the two of our socket check (getsockopt(SO_TYPE): an ioctl and
# the wait for its answer), which 1.5.8 does not make.  1.5.8 makes 1 per
# ADD + MOD + DEL (SIO_BASE_HANDLE sets an event) and 7 per ADD +
# epoll_wait(0) + DEL: SIO_BASE_HANDLE, the poll submission, one dequeue
# that takes the previous cycle's cancelled poll (two remove_completion:
# the packet, then the empty answer), the cancel, and Wine's delivery of
# the cancelled result (select:apc, select:apc_return).
SOCKET_CHECK = 2
CYCLE_BUDGETS = (("add-mod-del", 1 + SOCKET_CHECK),
                 ("add-wait0-del", 7 + SOCKET_CHECK))


def budget_cycle(run):
    s = run("cycle")
    if not need(s, "gqcs-ready", *[label for label, _ in CYCLE_BUDGETS]):
        return
    for label, limit in CYCLE_BUDGETS:
        w = s[label]
        split = ", ".join("%s %.2f" % (k, w.per(k))
                          for k, _ in sorted(w.kinds.items()))
        check(w.events == 0 and w.per() <= limit + 1e-9,
              "%s: requests per cycle %.2f <= %d (%s)" %
              (label, w.per(), limit, split))
    w = s["add-wait0-del"]
    # The previous cycle's cancelled poll is the one packet queued: a
    # zero-timeout wait whose dequeue took fewer packets than it asked for
    # has seen the port empty, and reads it no more.
    limit = s["gqcs-ready"].per()
    check(per_event(w, DEQUEUE_KINDS) <= limit + 1e-9,
          "add-wait0-del: dequeue requests per cycle %.2f <= %.2f (one "
          "GetQueuedCompletionStatusEx call taking one queued packet)" %
          (per_event(w, DEQUEUE_KINDS), limit))
    check(w.per("afd_poll") == 1.0 and w.per("cancel_async") == 1.0,
          "instrument: each wait cycle is seen submitting and cancelling one "
          "poll (afd_poll %.2f, cancel_async %.2f)" %
          (w.per("afd_poll"), w.per("cancel_async")))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--exe", required=True)
    ap.add_argument("--dll", action="append", default=[])
    ap.add_argument("--prefix", required=True)
    ap.add_argument("budget", choices=("steady", "ctl", "idle", "cycle"))
    a = ap.parse_args()
    # The scenario starts as ci/roundtrips.py will start it: with the loader
    # of its own architecture, where this machine can run it.
    cmd, _, why = roundtrips.wine_arch.command_for(a.exe)
    if cmd is None:
        print("SKIP (%s programs: not run: %s)" %
              (roundtrips.wine_arch.pe_arch(a.exe) or "these", why))
        return 77
    if shutil.which("wineserver") is None:
        print("SKIP (wineserver not found: the counter needs Wine)")
        return 77

    def run(*args):
        summaries = roundtrips.count(a.exe, list(args), a.dll, a.prefix)
        print(roundtrips.format_table(summaries, "== rt_scenario %s" %
                                      " ".join(args)))
        print()
        return summaries

    try:
        {"steady": budget_steady, "ctl": budget_ctl, "idle": budget_idle,
         "cycle": budget_cycle}[a.budget](run)
    except RuntimeError as e:
        print("FAIL  %s" % e)
        return 1
    if failures:
        print("\n%d budget check(s) failed" % len(failures))
        return 1
    print("\nall budget checks hold")
    return 0


if __name__ == "__main__":
    sys.exit(main())
