/* API fuzzer: a seeded random driver of long sequences of
 * epoll_create / epoll_ctl (ADD, MOD, DEL) / epoll_wait / epoll_close and
 * socket create / send / connect / drain / accept / shutdown / reset /
 * close, over TCP and UDP sockets (IPv4 and IPv6), listening sockets and
 * several ports, checked against a model of what must and must not be
 * reported:
 *   - no event for a registration that was deleted, whose socket was closed
 *     or whose port was closed (each event's data is a unique registration
 *     id, so a stale one is recognised);
 *   - only bits the mask asked for plus EPOLLERR / EPOLLHUP, and only bits
 *     the socket's state allows (no EPOLLIN for a socket that was never
 *     readable since its last report, no EPOLLHUP or EPOLLERR without a
 *     reset, no write event for a listening socket, ...); masks carry
 *     undefined bits at times, which are accepted and never reported;
 *   - MOD and DEL of a closed socket's value fail with EBADF once a wait
 *     has seen the close (before that they may still succeed).  ADD of a
 *     closed value is left to test_errors_ctl: in the fuzzer's mix it made
 *     Wine 8's server abort (fd.c set_fd_events assertion) once the AFD
 *     poll on the stale value was submitted;
 *   - a one-shot registration reports once, then nothing until MOD;
 *   - a level-triggered readable socket keeps being reported until drained;
 *   - every ready registration is reported within a bounded "settle"
 *     (repeated waits with a timeout, up to SETTLE_MS).
 * The operations depend only on the seed and the model's own bookkeeping,
 * never on what a wait happened to return, so a seed replays the same
 * sequence of calls; the checks allow for events that arrive late.
 *
 *   rel_fuzz.exe [--seed N] [--steps M] [--trace] [--skip a-b,c,...]
 *                [--close-policy any|del-first]
 * Without --seed the seed comes from the clock; it is printed first. */
#include "rel.h"

enum {
  NPORTS = 3,
  NSLOTS = 12,
  SETTLE_MS = 5000,
  SYNC_MS = 5000,
  MAX_EVENTS = 16
};

#define READ_BITS (EPOLLIN | EPOLLRDNORM)
#define WRITE_BITS (EPOLLOUT | EPOLLWRNORM | EPOLLWRBAND)
#define ONESHOT_BITS (EPOLLONESHOT | (1u << 31))
#define DEFINED_BITS                                                   \
  (EPOLLIN | EPOLLPRI | EPOLLOUT | EPOLLERR | EPOLLHUP | EPOLLRDNORM | \
   EPOLLRDBAND | EPOLLWRNORM | EPOLLWRBAND | EPOLLMSG | EPOLLRDHUP |   \
   ONESHOT_BITS)

/* ---- model ---- */

typedef struct slot {
  bool open;
  bool udp;
  bool listener;     /* a listening socket: `pending` connections to accept */
  int family;        /* AF_INET or AF_INET6 */
  SOCKET clients[8]; /* listener: the connecting sockets, closed with it */
  int nclients;
  SOCKET s;    /* the socket registered with ports */
  SOCKET peer; /* the other end, driven by the fuzzer, never registered */
  bool peer_open;
  long pending;    /* bytes (TCP), datagrams (UDP) or connections
                    * (listener) not yet read or accepted */
  bool fin;        /* the peer shut down its sending side */
  bool reset;      /* the peer reset the connection */
  bool local_shut; /* s shut down its own sending side */
  bool hup_ok;     /* a hang-up may be reported (not owed): see below */
} slot;

typedef struct reg {
  bool on;
  uint32_t mask;
  uint64_t id;   /* the event data: unique per ADD / MOD */
  bool armed;    /* one-shot: not reported since ADD / MOD */
  bool stale_in; /* readable at some point since its last read report */
  bool hup_seen;
  uint32_t seen; /* bits seen since the current settle began */
} reg;

typedef struct port {
  HANDLE h;
  reg regs[NSLOTS];
  bool closes_unseen; /* a registration ended by a close since a wait */
} port;

static slot slots[NSLOTS];
static port ports[NPORTS];
static rel_rng rng;
static uint64_t seed;
static unsigned long step;
static const char* op_name = "setup";
static bool trace;
/* Steps to leave out (for shrinking a failing run by hand or script):
 * each step draws from its own PRNG stream, so leaving one out does not
 * change what the others do. */
static const char* skip_list;
/* --close-policy del-first: DEL every registration before closing a socket
 * (leaves out the close-without-DEL cases; default: "any"). */
static bool del_before_close;
static uint64_t next_id = 1;

/* Why each registration id ended, for the message of a stale event. */
typedef struct id_end {
  unsigned long step;
  const char* why;
  int port, slot;
} id_end;
static id_end* id_ends;
static uint64_t id_ends_cap;

static struct {
  unsigned long events, waits, settles, ctl_ok, ctl_err, sends, drains,
      sock_opens, sock_closes, resets, fins, port_opens, port_closes;
} stats;

#define FUZZ_FAIL(...)                                           \
  do {                                                           \
    fprintf(stderr, "rel_fuzz: FAIL seed %llu step %lu op %s: ", \
            (unsigned long long) seed, step, op_name);           \
    fprintf(stderr, __VA_ARGS__);                                \
    fprintf(stderr,                                              \
            "\nrel_fuzz: replay: rel_fuzz.exe --seed %llu "      \
            "--steps %lu --close-policy %s --trace\n",           \
            (unsigned long long) seed, step + 1,                 \
            del_before_close ? "del-first" : "any");             \
    fflush(stderr);                                              \
    ExitProcess(1);                                              \
  } while (0)

#define FCHECK(expr, ...)     \
  do {                        \
    if (!(expr))              \
      FUZZ_FAIL(__VA_ARGS__); \
  } while (0)

static void end_id(uint64_t id, const char* why, int pi, int si) {
  if (id < id_ends_cap) {
    id_ends[id].step = step;
    id_ends[id].why = why;
    id_ends[id].port = pi;
    id_ends[id].slot = si;
  }
}

static void reg_end(int pi, int si, const char* why) {
  reg* r = &ports[pi].regs[si];
  if (!r->on)
    return;
  end_id(r->id, why, pi, si);
  r->on = false;
}

static bool slot_readable(const slot* sl) {
  return sl->pending > 0 ||
         (!sl->udp && !sl->listener && (sl->fin || sl->reset));
}

static bool slot_writable(const slot* sl) {
  if (sl->listener)
    return false; /* a listening socket is never writable */
  return sl->udp || (!sl->reset && !sl->fin && !sl->local_shut);
}

static const char* slot_kind(const slot* sl) {
  if (sl->listener)
    return sl->family == AF_INET6 ? "tcp6 listener" : "tcp listener";
  if (sl->udp)
    return sl->family == AF_INET6 ? "udp6" : "udp";
  return sl->family == AF_INET6 ? "tcp6" : "tcp";
}

/* ---- checking one reported event ---- */

static void check_event(int pi, const struct epoll_event* ev) {
  int si;
  reg* r = NULL;
  slot* sl;
  uint32_t allowed, bits = ev->events;
  stats.events++;
  for (si = 0; si < NSLOTS; si++) {
    if (ports[pi].regs[si].on && ports[pi].regs[si].id == ev->data.u64) {
      r = &ports[pi].regs[si];
      break;
    }
  }
  if (r == NULL) {
    uint64_t id = ev->data.u64;
    if (id > 0 && id < next_id && id < id_ends_cap && id_ends[id].why)
      FUZZ_FAIL(
          "port %d reported events 0x%x for registration %llu "
          "(port %d, slot %d) which ended at step %lu: %s",
          pi, bits, (unsigned long long) id, id_ends[id].port,
          id_ends[id].slot, id_ends[id].step, id_ends[id].why);
    FUZZ_FAIL("port %d reported events 0x%x with unknown data %llu", pi, bits,
              (unsigned long long) id);
  }
  sl = &slots[si];
  allowed = (r->mask & DEFINED_BITS & ~(ONESHOT_BITS | EPOLLMSG)) | EPOLLERR |
            EPOLLHUP;
  FCHECK(bits != 0, "port %d slot %d: an event with no bits", pi, si);
  FCHECK((bits & ~allowed) == 0,
         "port %d slot %d: events 0x%x outside mask 0x%x (+ERR|HUP)", pi, si,
         bits, r->mask);
  if (r->mask & ONESHOT_BITS) {
    FCHECK(r->armed,
           "port %d slot %d: one-shot registration %llu (mask 0x%x) "
           "reported again (0x%x) without MOD",
           pi, si, (unsigned long long) r->id, r->mask, bits);
    r->armed = false;
  }
  /* What the socket's state allows. */
  FCHECK(!(bits & READ_BITS) || slot_readable(sl) || r->stale_in,
         "port %d slot %d: read event 0x%x but the socket has not been "
         "readable since its last read report (pending %ld, fin %d)",
         pi, si, bits, sl->pending, sl->fin);
  FCHECK(!(bits & EPOLLRDHUP) || sl->fin || sl->reset,
         "port %d slot %d: EPOLLRDHUP (0x%x) without FIN or reset", pi, si,
         bits);
  FCHECK(!(bits & EPOLLHUP) || sl->reset || sl->hup_ok,
         "port %d slot %d: EPOLLHUP (0x%x) without reset", pi, si, bits);
  FCHECK(!(bits & WRITE_BITS) || !sl->listener,
         "port %d slot %d: write event 0x%x for a listening socket", pi, si,
         bits);
  FCHECK(!(bits & EPOLLERR) || sl->reset || sl->hup_ok,
         "port %d slot %d: EPOLLERR (0x%x) without reset", pi, si, bits);
  FCHECK(!(bits & (EPOLLPRI | EPOLLRDBAND)),
         "port %d slot %d: urgent bits (0x%x) but no urgent data was sent", pi,
         si, bits);
  if (bits & READ_BITS)
    r->stale_in = slot_readable(sl);
  if (bits & EPOLLHUP)
    r->hup_seen = true;
  r->seen |= bits;
}

static int do_wait(int pi, int maxevents, int timeout) {
  struct epoll_event evs[MAX_EVENTS];
  int n, i;
  memset(evs, 0, sizeof evs);
  n = epoll_wait(ports[pi].h, evs, maxevents, timeout);
  ports[pi].closes_unseen = false;
  stats.waits++;
  FCHECK(n >= 0 && n <= maxevents,
         "epoll_wait(port %d, max %d) = %d "
         "(errno %d, GetLastError %lu)",
         pi, maxevents, n, errno, (unsigned long) GetLastError());
  for (i = 0; i < n; i++) {
    if (trace)
      printf("  port %d event 0x%x id %llu\n", pi, evs[i].events,
             (unsigned long long) evs[i].data.u64);
    check_event(pi, &evs[i]);
  }
  return n;
}

/* The write bits a slot reports: a stream socket never reports EPOLLWRBAND,
 * as on Linux. */
static uint32_t write_bits_of(const slot* sl) {
  return sl->udp ? WRITE_BITS : (WRITE_BITS & ~(uint32_t) EPOLLWRBAND);
}

/* What a registration still owes in the current settle: bits (or, for a
 * one-shot one, any event at all) that must be seen. */
static uint32_t owed(int pi, int si) {
  const reg* r = &ports[pi].regs[si];
  const slot* sl = &slots[si];
  uint32_t need = 0;
  if (!r->on || !r->armed)
    return 0;
  if ((r->mask & READ_BITS) && slot_readable(sl))
    need |= r->mask & READ_BITS;
  if ((r->mask & write_bits_of(sl)) && slot_writable(sl))
    need |= r->mask & write_bits_of(sl);
  if (sl->reset && !r->hup_seen)
    need |= EPOLLHUP;
  /* Wine reports the FIN only once the unread data is gone. */
  if ((r->mask & EPOLLRDHUP) && sl->fin && !sl->reset && sl->pending == 0)
    need |= EPOLLRDHUP;
  if (r->mask & ONESHOT_BITS)
    return need != 0 ? 0xffffffffu : 0; /* one event, whatever its bits */
  return need & ~r->seen;
}

/* Waits on a port until every registration on it has been reported as its
 * state requires, or fails after SETTLE_MS. */
static void settle(int pi) {
  double deadline = now_ms() + SETTLE_MS;
  int si, rounds = 0;
  stats.settles++;
  for (si = 0; si < NSLOTS; si++)
    ports[pi].regs[si].seen = 0;
  for (;;) {
    bool done = true;
    for (si = 0; si < NSLOTS; si++) {
      if (owed(pi, si) != 0)
        done = false;
    }
    if (done)
      return;
    if (now_ms() > deadline)
      break;
    /* Not from the PRNG: how many rounds this takes depends on timing,
     * and the operation sequence must not. */
    do_wait(pi, 1 + rounds % MAX_EVENTS, 20);
    rounds++;
  }
  for (si = 0; si < NSLOTS; si++) {
    const reg* r = &ports[pi].regs[si];
    const slot* sl = &slots[si];
    uint32_t need = owed(pi, si);
    if (need != 0)
      FUZZ_FAIL(
          "port %d slot %d (%s, registration %llu, mask 0x%x): still "
          "owed 0x%x after %d waits / %d ms (seen 0x%x; pending %ld, "
          "fin %d, reset %d, local shutdown %d)",
          pi, si, slot_kind(sl), (unsigned long long) r->id, r->mask, need,
          rounds, SETTLE_MS, r->seen, sl->pending, sl->fin, sl->reset,
          sl->local_shut);
  }
}

/* ---- socket operations ---- */

static bool have_ipv6;

static void slot_open(int si) {
  slot* sl = &slots[si];
  uint32_t kind = rng_below(&rng, 8);
  memset(sl, 0, sizeof *sl);
  /* 1/8 udp, 1/8 udp6, 1/8 listener, 1/8 tcp6, 1/2 tcp (IPv6 falls back
   * to IPv4 where the system has none). */
  sl->family = (kind == 1 || kind == 3) && have_ipv6 ? AF_INET6 : AF_INET;
  sl->udp = kind <= 1;
  sl->listener = kind == 2;
  if (sl->udp) {
    udp_pair(sl->family, &sl->s, &sl->peer);
    sl->peer_open = true;
  } else if (sl->listener) {
    sl->s = tcp_listener(sl->family, NULL);
  } else {
    tcp_pair(sl->family, &sl->peer, &sl->s);
    sl->peer_open = true;
  }
  set_nonblocking(sl->s, 1);
  sl->open = true;
  stats.sock_opens++;
  if (trace)
    printf("  slot %d: %s socket %#llx, peer %#llx\n", si, slot_kind(sl),
           (unsigned long long) sl->s, (unsigned long long) sl->peer);
}

static void slot_close(int si, const char* why) {
  slot* sl = &slots[si];
  int pi;
  for (pi = 0; pi < NPORTS; pi++) {
    if (del_before_close && ports[pi].regs[si].on) {
      FCHECK(epoll_ctl(ports[pi].h, EPOLL_CTL_DEL, sl->s, NULL) == 0,
             "DEL before close (port %d, slot %d): errno %d", pi, si, errno);
      reg_end(pi, si, "EPOLL_CTL_DEL before close");
    }
    if (ports[pi].regs[si].on)
      ports[pi].closes_unseen = true;
    reg_end(pi, si, why);
  }
  CHECK(closesocket(sl->s) == 0);
  if (sl->peer_open)
    CHECK(closesocket(sl->peer) == 0);
  while (sl->nclients > 0)
    CHECK(closesocket(sl->clients[--sl->nclients]) == 0);
  sl->open = false;
  stats.sock_closes++;
}

/* Blocks (bounded) until `s` is readable as select() sees it. */
static void wait_readable(SOCKET s, const char* what) {
  double deadline = now_ms() + SYNC_MS;
  for (;;) {
    fd_set set;
    struct timeval tv = {0, 20000};
    FD_ZERO(&set);
    FD_SET(s, &set);
    if (select(0, &set, NULL, NULL, &tv) == 1)
      return;
    FCHECK(now_ms() < deadline, "%s: socket not readable after %d ms", what,
           SYNC_MS);
  }
}

/* A listener gets a connection to accept; other sockets get data. */
static void peer_send(int si) {
  slot* sl = &slots[si];
  char buf[64];
  int len = 1 + (int) rng_below(&rng, sizeof buf);
  int pi;
  if (sl->listener) {
    test_addr a;
    SOCKET c = socket(sl->family, SOCK_STREAM, 0);
    CHECK(c != INVALID_SOCKET);
    a.len = (int) sizeof a.ss;
    CHECK(getsockname(sl->s, (struct sockaddr*) &a.ss, &a.len) == 0);
    FCHECK(connect(c, (struct sockaddr*) &a.ss, a.len) == 0,
           "slot %d: connect to the listener failed: %d", si,
           WSAGetLastError());
    sl->clients[sl->nclients++] = c;
    sl->pending++;
  } else {
    memset(buf, 'a' + si, (size_t) len);
    send_all(sl->peer, buf, len);
    sl->pending += sl->udp ? 1 : len;
  }
  for (pi = 0; pi < NPORTS; pi++)
    ports[pi].regs[si].stale_in = true;
  wait_readable(sl->s, "after send");
  stats.sends++;
}

/* Reads exactly what the model says is pending. */
static void slot_drain(int si) {
  slot* sl = &slots[si];
  char buf[256];
  double deadline = now_ms() + SYNC_MS;
  while (sl->pending > 0) {
    int n;
    if (sl->listener) {
      SOCKET a = accept(sl->s, NULL, NULL);
      if (a != INVALID_SOCKET) {
        CHECK(closesocket(a) == 0);
        sl->pending--;
        continue;
      }
      FCHECK(WSAGetLastError() == WSAEWOULDBLOCK, "slot %d: accept: %d", si,
             WSAGetLastError());
      FCHECK(now_ms() < deadline,
             "slot %d: %ld connections not accepted "
             "after %d ms",
             si, sl->pending, SYNC_MS);
      wait_readable(sl->s, "accept");
      continue;
    }
    n = recv(sl->s, buf, sizeof buf, 0);
    if (n > 0) {
      sl->pending -= sl->udp ? 1 : n;
      FCHECK(sl->pending >= 0, "slot %d: read more than was sent", si);
      continue;
    }
    FCHECK(n < 0 && WSAGetLastError() == WSAEWOULDBLOCK,
           "slot %d: recv = %d (error %d) with %ld pending", si, n,
           WSAGetLastError(), sl->pending);
    FCHECK(now_ms() < deadline, "slot %d: %ld still pending after %d ms", si,
           sl->pending, SYNC_MS);
    wait_readable(sl->s, "drain");
  }
  stats.drains++;
}

/* ---- epoll_ctl ---- */

static uint32_t random_mask(void) {
  /* No EPOLLRDHUP without EPOLLIN: a poll for the FIN alone makes Wine's
   * server spin while data is unread (docs/testing.md, Wine notes). */
  static const uint32_t masks[] = {
      0,
      EPOLLIN,
      EPOLLOUT,
      EPOLLIN | EPOLLOUT,
      EPOLLIN | EPOLLRDHUP,
      EPOLLIN | EPOLLOUT | EPOLLRDHUP,
      EPOLLRDNORM,
      EPOLLWRNORM | EPOLLWRBAND,
      EPOLLIN | EPOLLPRI,
      EPOLLIN | EPOLLERR | EPOLLHUP,
  };
  /* Bits no header defines, which Linux and wepoll accept and ignore
   * (EPOLLEXCLUSIVE, EPOLLWAKEUP and unnamed ones). */
  static const uint32_t undefined[] = {1u << 28, 1u << 29, 1u << 5, 1u << 20};
  uint32_t m = masks[rng_below(&rng, sizeof masks / sizeof masks[0])];
  if (rng_below(&rng, 4) == 0)
    m |= undefined[rng_below(&rng, sizeof undefined / sizeof undefined[0])];
  switch (rng_below(&rng, 4)) {
    case 0:
      return m | EPOLLONESHOT;
    case 1:
      return m | (1u << 31); /* wepoll 1.5.8's one-shot bit */
    default:
      return m;
  }
}

static void ctl(int pi, int si, int op) {
  reg* r = &ports[pi].regs[si];
  slot* sl = &slots[si];
  struct epoll_event ev;
  int want_errno = 0, res;
  uint32_t mask = random_mask();
  memset(&ev, 0, sizeof ev);
  ev.events = mask;
  ev.data.u64 = next_id;
  if (op == EPOLL_CTL_ADD && r->on)
    want_errno = EEXIST;
  if (op != EPOLL_CTL_ADD && !r->on)
    want_errno = ENOENT;
  if (!sl->open) {
    /* MOD or DEL of a closed socket's value: no open handle, EBADF as on
     * Linux.  Skipped once a new handle has taken the value. */
    DWORD flags;
    if (sl->s == 0 || GetHandleInformation((HANDLE) sl->s, &flags))
      return;
    want_errno = EBADF;
  }
  if (trace)
    printf("  epoll_ctl(port %d, op %d, socket %#llx, mask 0x%x, id %llu)\n",
           pi, op, (unsigned long long) sl->s, mask,
           (unsigned long long) next_id);
  errno = 0;
  res = epoll_ctl(ports[pi].h, op, sl->s,
                  op == EPOLL_CTL_DEL && rng_below(&rng, 2) ? NULL : &ev);
  if (want_errno == EBADF && op != EPOLL_CTL_ADD && res == 0) {
    stats.ctl_ok++; /* the close was not seen yet: allowed until a wait */
    return;
  }
#ifdef TEST_STATUS_ASSUMED_PENDING
  /* A close-tracking port sees a close at MOD/DEL only from its watch's
   * status block, a hint; written only at dequeue (as this build plays),
   * the close is seen by the next wait, and a MOD/DEL of the reused value
   * meanwhile acts on the closed socket's registration. */
  if (want_errno == ENOENT && op != EPOLL_CTL_ADD && res == 0 &&
      ports[pi].closes_unseen) {
    stats.ctl_ok++;
    return;
  }
#endif
  if (want_errno != 0) {
    FCHECK(res == -1 && errno == want_errno,
           "epoll_ctl(port %d, op %d, slot %d) = %d errno %d, want -1 "
           "errno %d",
           pi, op, si, res, errno, want_errno);
    stats.ctl_err++;
    return;
  }
  FCHECK(res == 0,
         "epoll_ctl(port %d, op %d, slot %d, mask 0x%x) = %d "
         "errno %d, want 0",
         pi, op, si, mask, res, errno);
  stats.ctl_ok++;
  if (op == EPOLL_CTL_DEL) {
    reg_end(pi, si, "EPOLL_CTL_DEL");
    return;
  }
  if (op == EPOLL_CTL_MOD) {
    /* Events after MOD carry the new data, never the old. */
    end_id(r->id, "replaced by EPOLL_CTL_MOD", pi, si);
  } else {
    r->hup_seen = false;
    r->stale_in = slot_readable(sl);
  }
  r->on = true;
  r->mask = mask;
  r->id = next_id++;
  r->armed = true;
  r->seen = 0;
}

/* ---- ports ---- */

/* Closing without DEL and reusing the value is safe only in a close-
 * tracking port; with DEL before every close, even-numbered ports are
 * default ones and odd-numbered ones track closes, so both modes run. */
static void port_open(int pi) {
  bool tracking = !del_before_close || pi % 2 == 1;
  ports[pi].h = epoll_create1(tracking ? WEPOLL_CLOSE_TRACKING : 0);
  FCHECK(ports[pi].h != NULL, "epoll_create1 failed: errno %d", errno);
  memset(ports[pi].regs, 0, sizeof ports[pi].regs);
  stats.port_opens++;
}

static void port_close(int pi) {
  int si;
  for (si = 0; si < NSLOTS; si++)
    reg_end(pi, si, "port closed");
  FCHECK(epoll_close(ports[pi].h) == 0, "epoll_close(port %d): errno %d", pi,
         errno);
  ports[pi].h = NULL;
  stats.port_closes++;
}

/* ---- the driver ---- */

/* True when `step` is in skip_list ("a-b,c,d-e"). */
static bool step_skipped(void) {
  const char* p = skip_list;
  while (p != NULL && *p != '\0') {
    char* end;
    unsigned long a = strtoul(p, &end, 10), b = a;
    if (*end == '-')
      b = strtoul(end + 1, &end, 10);
    if (step >= a && step <= b)
      return true;
    p = *end == ',' ? end + 1 : NULL;
  }
  return false;
}

static void one_step(void) {
  uint32_t kind = rng_below(&rng, 100);
  int pi = (int) rng_below(&rng, NPORTS);
  int si = (int) rng_below(&rng, NSLOTS);
  slot* sl = &slots[si];
  bool port_ok = ports[pi].h != NULL;

  op_name = "(nothing)";
  if (step_skipped())
    return;
  if (trace)
    printf("step %lu: kind %u port %d slot %d (socket %#llx) ...\n", step,
           kind, pi, si, (unsigned long long) sl->s);
  if (kind < 14) {
    if (sl->open && sl->pending < 2000 &&
        (sl->listener ? sl->nclients < 8 : sl->peer_open && !sl->fin)) {
      op_name = "send";
      peer_send(si);
    }
  } else if (kind < 22) {
    if (sl->open && !sl->reset && sl->pending > 0) {
      op_name = "drain";
      slot_drain(si);
    }
  } else if (kind < 34) {
    if (port_ok && sl->open) {
      op_name = "ADD";
      ctl(pi, si, EPOLL_CTL_ADD);
    }
  } else if (kind < 44) {
    if (port_ok) {
      op_name = "MOD";
      ctl(pi, si, EPOLL_CTL_MOD);
    }
  } else if (kind < 50) {
    if (port_ok) {
      op_name = "DEL";
      ctl(pi, si, EPOLL_CTL_DEL);
    }
  } else if (kind < 72) {
    if (port_ok) {
      op_name = "wait";
      do_wait(pi, 1 + (int) rng_below(&rng, MAX_EVENTS), 0);
    }
  } else if (kind < 77) {
    if (port_ok) {
      op_name = "settle";
      settle(pi);
    }
  } else if (kind < 82) {
    if (sl->open) {
      op_name = "close socket";
      slot_close(si, "socket closed without DEL");
    }
  } else if (kind < 90) {
    if (!sl->open) {
      op_name = "open socket";
      slot_open(si);
    }
  } else if (kind < 93) {
    if (sl->open && !sl->udp && !sl->listener && sl->peer_open && !sl->fin) {
      op_name = "peer FIN";
      CHECK(shutdown(sl->peer, SD_SEND) == 0);
      sl->fin = true;
      stats.fins++;
    }
  } else if (kind < 95) {
    if (sl->open && !sl->udp && !sl->listener && sl->peer_open) {
      int p;
      op_name = "peer reset";
      close_abortive(sl->peer);
      sl->peer_open = false;
      if (sl->fin && sl->local_shut) {
        /* Both directions were already shut down: the connection may be
         * over, and whether a reset still reaches s is up to the TCP
         * stack, so a hang-up is allowed but not owed. */
        sl->hup_ok = true;
      } else {
        sl->reset = true;
        sl->pending = 0; /* a reset drops what was unread */
      }
      for (p = 0; p < NPORTS; p++)
        ports[p].regs[si].stale_in = true;
      stats.resets++;
    }
  } else if (kind < 97) {
    if (sl->open && !sl->udp && !sl->listener && !sl->local_shut &&
        !sl->reset) {
      op_name = "local shutdown";
      CHECK(shutdown(sl->s, SD_SEND) == 0);
      sl->local_shut = true;
    }
  } else if (kind < 99) {
    if (port_ok && rng_below(&rng, 3) == 0) {
      op_name = "close port";
      port_close(pi);
    }
  } else {
    if (!port_ok) {
      op_name = "open port";
      port_open(pi);
    }
  }
  if (trace)
    printf("step %lu: %s port %d slot %d\n", step, op_name, pi, si);
}

int main(int argc, char** argv) {
  unsigned long steps = (unsigned long) arg_u64(argc, argv, "--steps", 2000);
  int i;
  double t0;
  test_init();
  seed = arg_u64(
      argc, argv, "--seed",
      (uint64_t) GetTickCount64() ^ ((uint64_t) GetCurrentProcessId() << 32));
  for (i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--trace") == 0)
      trace = true;
  }
  skip_list = arg_str(argc, argv, "--skip");
  if (arg_str(argc, argv, "--close-policy") != NULL)
    del_before_close =
        strcmp(arg_str(argc, argv, "--close-policy"), "del-first") == 0;
  printf("rel_fuzz: seed %llu, %lu steps, close policy %s\n",
         (unsigned long long) seed, steps,
         del_before_close ? "del-first" : "any");
  rng.state = seed;
  {
    SOCKET probe = socket(AF_INET6, SOCK_STREAM, 0);
    have_ipv6 = probe != INVALID_SOCKET;
    if (have_ipv6)
      closesocket(probe);
  }
  /* Registration ids: at most one per step, plus a margin. */
  id_ends_cap = (uint64_t) steps + 16;
  id_ends = (id_end*) calloc((size_t) id_ends_cap, sizeof *id_ends);
  CHECK(id_ends != NULL);

  t0 = now_ms();
  for (i = 0; i < NPORTS; i++)
    port_open(i);
  for (i = 0; i < NSLOTS; i++)
    slot_open(i);
  for (step = 0; step < steps; step++) {
    /* A stream per step: see skip_list. */
    rng.state = seed ^ ((uint64_t) step * UINT64_C(0xd1b54a32d192ed03));
    rng_u64(&rng);
    one_step();
  }

  /* The end: everything still owed must come, then all is torn down. */
  op_name = "final settle";
  for (i = 0; i < NPORTS; i++) {
    if (ports[i].h != NULL)
      settle(i);
  }
  for (i = 0; i < NSLOTS; i++) {
    if (slots[i].open)
      slot_close(i, "final close");
  }
  for (i = 0; i < NPORTS; i++) {
    if (ports[i].h != NULL) {
      do_wait(i, MAX_EVENTS, 0);
      port_close(i);
    }
  }
  printf(
      "rel_fuzz: OK seed %llu: %lu steps in %.0f ms; %lu events checked, "
      "%lu waits, %lu settles, ctl %lu ok / %lu expected errors, %lu "
      "sends, %lu drains, %lu FINs, %lu resets, sockets %lu opened / %lu "
      "closed, ports %lu opened / %lu closed\n",
      (unsigned long long) seed, steps, now_ms() - t0, stats.events,
      stats.waits, stats.settles, stats.ctl_ok, stats.ctl_err, stats.sends,
      stats.drains, stats.fins, stats.resets, stats.sock_opens,
      stats.sock_closes, stats.port_opens, stats.port_closes);
  free(id_ends);
  return 0;
}
