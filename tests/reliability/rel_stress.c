/* Thread stress.
 *
 * --mode mix (default): 8 threads share 2 ports and, for a bounded time,
 * mix epoll_wait, epoll_ctl and socket I/O.  Every byte sent is a token:
 *   - one-shot sockets (EPOLLIN | EPOLLONESHOT): the thread that gets the
 *     event owns the socket until it re-arms it with MOD; an event that
 *     arrives while the socket is disarmed is a duplicate;
 *   - level-triggered sockets (EPOLLIN): any thread may drain them;
 *   - churn sockets: ADDed, MODed and DELeted all the time; their events
 *     only have to carry a churn id and an allowed mask.
 * After the senders stop, the threads keep waiting until every token has
 * been received through an event; a token never received is a lost event.
 * Pass: zero lost, zero duplicated, every count printed.
 *
 * --mode close: a port is closed under threads blocked in epoll_wait (and
 * one thread calling epoll_ctl); every one of them must return -1 with
 * EBADF promptly (EINVAL once another handle has taken the port's value).
 *
 *   rel_stress.exe [--mode mix|close] [--seconds S] [--repeat R]
 *                  [--rounds N] [--seed N]
 * --repeat runs the whole test R times in a row (e.g. --repeat 100). */
#include "rel.h"

enum {
  THREADS = 8,
  PORTS = 2,
  ONESHOT_SOCKS = 16,
  LEVEL_SOCKS = 16,
  CHURN_SOCKS = 8,
  NSOCKS = ONESHOT_SOCKS + LEVEL_SOCKS + CHURN_SOCKS
};

#define ID_BASE UINT64_C(0x5157000000000000)
#define CHURN_FLAG UINT64_C(0x0000100000000000)

typedef struct stress_sock {
  SOCKET s, peer;
  int port;
  bool oneshot, churn;
  CRITICAL_SECTION send_lock;  /* one sender at a time per peer */
  CRITICAL_SECTION churn_lock; /* churn: ADD/MOD/DEL one at a time */
  bool churn_registered;       /* under churn_lock */
  volatile LONG armed;         /* one-shot: 1 between MOD and its event */
  volatile LONG handling;      /* one-shot: threads inside the handler */
  volatile LONG64 sent, received;
  volatile LONG draining; /* level: a try-lock so one thread reads */
} stress_sock;

static stress_sock socks[NSOCKS];
static HANDLE ports[PORTS];
static volatile LONG stop_sending;
static volatile LONG threads_done_sending; /* threads past their last send */
static volatile LONG stop_all;
static volatile LONG failed;
static uint64_t base_seed;

static struct {
  volatile LONG64 events, oneshot_events, level_events, churn_events,
      spurious_level, ctl_calls, sends, waits, timeouts, duplicates, rearms;
} counts;

#define STRESS_FAIL(...)                               \
  do {                                                 \
    fprintf(stderr, "rel_stress: FAIL: " __VA_ARGS__); \
    fprintf(stderr, "\n");                             \
    fflush(stderr);                                    \
    InterlockedExchange(&failed, 1);                   \
  } while (0)

static uint64_t sock_id(int k) {
  return ID_BASE | (socks[k].churn ? CHURN_FLAG : 0) | (uint64_t) k;
}

/* Reads everything readable; returns the byte count. */
static long read_all(SOCKET s) {
  char buf[512];
  long total = 0;
  for (;;) {
    int n = recv(s, buf, sizeof buf, 0);
    if (n > 0) {
      total += n;
      continue;
    }
    if (n < 0 && WSAGetLastError() != WSAEWOULDBLOCK)
      STRESS_FAIL("recv failed: %d", WSAGetLastError());
    return total;
  }
}

static void handle_event(int pi, const struct epoll_event* ev) {
  uint64_t id = ev->data.u64;
  int k = (int) (id & 0xffff);
  stress_sock* ss;
  InterlockedIncrement64(&counts.events);
  if ((id & ~(CHURN_FLAG | 0xffff)) != ID_BASE || k >= NSOCKS) {
    STRESS_FAIL("event 0x%x with foreign data %llx", ev->events,
                (unsigned long long) id);
    return;
  }
  ss = &socks[k];
  if (ss->port != pi || (ss->churn != ((id & CHURN_FLAG) != 0))) {
    STRESS_FAIL("event for socket %d on port %d, registered with port %d", k,
                pi, ss->port);
    return;
  }
  if (ss->churn) {
    InterlockedIncrement64(&counts.churn_events);
    if (ev->events & ~(EPOLLIN | EPOLLOUT | EPOLLERR | EPOLLHUP))
      STRESS_FAIL("churn socket %d: events 0x%x", k, ev->events);
    return;
  }
  if (ev->events != EPOLLIN) {
    STRESS_FAIL("socket %d: events 0x%x, want EPOLLIN", k, ev->events);
    return;
  }
  if (ss->oneshot) {
    struct epoll_event mod;
    InterlockedIncrement64(&counts.oneshot_events);
    if (InterlockedCompareExchange(&ss->armed, 0, 1) != 1) {
      InterlockedIncrement64(&counts.duplicates);
      STRESS_FAIL("one-shot socket %d reported again before MOD", k);
      return;
    }
    if (InterlockedIncrement(&ss->handling) != 1) {
      InterlockedIncrement64(&counts.duplicates);
      STRESS_FAIL("one-shot socket %d handled by two threads at once", k);
    }
    InterlockedExchangeAdd64(&ss->received, read_all(ss->s));
    InterlockedDecrement(&ss->handling);
    /* Re-arm: data that came after the read is reported again. */
    memset(&mod, 0, sizeof mod);
    mod.events = EPOLLIN | EPOLLONESHOT;
    mod.data.u64 = sock_id(k);
    InterlockedExchange(&ss->armed, 1);
    if (epoll_ctl(ports[pi], EPOLL_CTL_MOD, ss->s, &mod) != 0)
      STRESS_FAIL("MOD (re-arm) of socket %d failed: errno %d", k, errno);
    InterlockedIncrement64(&counts.rearms);
    InterlockedIncrement64(&counts.ctl_calls);
    return;
  }
  InterlockedIncrement64(&counts.level_events);
  /* Level-triggered: several threads may get the same readiness; one
   * reads, the others count a report that found nothing to do. */
  if (InterlockedCompareExchange(&ss->draining, 1, 0) == 0) {
    long n = read_all(ss->s);
    InterlockedExchangeAdd64(&ss->received, n);
    if (n == 0)
      InterlockedIncrement64(&counts.spurious_level);
    InterlockedExchange(&ss->draining, 0);
  } else {
    InterlockedIncrement64(&counts.spurious_level);
  }
}

static void do_wait(int pi, int timeout) {
  struct epoll_event evs[16];
  int n = epoll_wait(ports[pi], evs, 1 + (int) (GetCurrentThreadId() % 16),
                     timeout);
  int i;
  InterlockedIncrement64(&counts.waits);
  if (n < 0) {
    STRESS_FAIL("epoll_wait failed: errno %d", errno);
    return;
  }
  if (n == 0)
    InterlockedIncrement64(&counts.timeouts);
  for (i = 0; i < n; i++)
    handle_event(pi, &evs[i]);
}

static void send_token(int k) {
  stress_sock* ss = &socks[k];
  EnterCriticalSection(&ss->send_lock);
  if (send(ss->peer, "t", 1, 0) == 1)
    InterlockedIncrement64(&ss->sent);
  else
    STRESS_FAIL("send to socket %d failed: %d", k, WSAGetLastError());
  LeaveCriticalSection(&ss->send_lock);
  InterlockedIncrement64(&counts.sends);
}

static void churn(rel_rng* rng) {
  int k = ONESHOT_SOCKS + LEVEL_SOCKS + (int) rng_below(rng, CHURN_SOCKS);
  stress_sock* ss = &socks[k];
  struct epoll_event ev;
  int r;
  memset(&ev, 0, sizeof ev);
  ev.events = rng_below(rng, 2) ? EPOLLIN : (EPOLLIN | EPOLLOUT);
  if (rng_below(rng, 3) == 0)
    ev.events |= EPOLLONESHOT;
  ev.data.u64 = sock_id(k);
  EnterCriticalSection(&ss->churn_lock);
  if (!ss->churn_registered) {
    r = epoll_ctl(ports[ss->port], EPOLL_CTL_ADD, ss->s, &ev);
    ss->churn_registered = r == 0;
  } else if (rng_below(rng, 2)) {
    r = epoll_ctl(ports[ss->port], EPOLL_CTL_MOD, ss->s, &ev);
  } else {
    r = epoll_ctl(ports[ss->port], EPOLL_CTL_DEL, ss->s, NULL);
    ss->churn_registered = !(r == 0);
  }
  LeaveCriticalSection(&ss->churn_lock);
  InterlockedIncrement64(&counts.ctl_calls);
  if (r != 0)
    STRESS_FAIL("churn epoll_ctl on socket %d failed: errno %d", k, errno);
  /* Keep churn sockets readable now and then. */
  if (rng_below(rng, 4) == 0) {
    send(ss->peer, "c", 1, 0);
    read_all(ss->s);
  }
}

static DWORD WINAPI mix_thread(LPVOID arg) {
  int index = (int) (intptr_t) arg;
  rel_rng rng = {base_seed + (uint64_t) index * 7919};
  bool sending = true;
  while (!stop_all && !failed) {
    uint32_t r = rng_below(&rng, 100);
    int pi = (int) rng_below(&rng, PORTS);
    /* A thread that saw stop_sending before its send may still be inside
     * send_token when the drain starts; the drain waits for this count so
     * that every token it waits for has been sent and counted. */
    if (sending && stop_sending) {
      sending = false;
      InterlockedIncrement(&threads_done_sending);
    }
    if (sending && r < 30)
      send_token((int) rng_below(&rng, ONESHOT_SOCKS + LEVEL_SOCKS));
    else if (sending && r < 40)
      churn(&rng);
    else
      do_wait(pi, 10);
  }
  return 0;
}

/* Per socket, not a sum: while a send is being counted, its token may
 * already be received (received > sent for a moment), which would hide
 * another socket's outstanding token from a sum. */
static bool any_outstanding(void) {
  int k;
  for (k = 0; k < ONESHOT_SOCKS + LEVEL_SOCKS; k++)
    if (socks[k].sent != socks[k].received)
      return true;
  return false;
}

static int run_mix(double seconds, int round) {
  HANDLE threads[THREADS];
  LONG64 sent = 0, received = 0;
  double t0, stop_deadline, drain_deadline;
  int i, k;

  memset((void*) &counts, 0, sizeof counts);
  stop_sending = 0;
  stop_all = 0;
  threads_done_sending = 0;
  for (i = 0; i < PORTS; i++) {
    ports[i] = epoll_create1(0);
    CHECK(ports[i] != NULL);
  }
  for (k = 0; k < NSOCKS; k++) {
    stress_sock* ss = &socks[k];
    memset(ss, 0, sizeof *ss);
    tcp_pair(AF_INET, &ss->peer, &ss->s);
    set_nonblocking(ss->s, 1);
    ss->port = k % PORTS;
    ss->oneshot = k < ONESHOT_SOCKS;
    ss->churn = k >= ONESHOT_SOCKS + LEVEL_SOCKS;
    InitializeCriticalSection(&ss->send_lock);
    InitializeCriticalSection(&ss->churn_lock);
    if (!ss->churn) {
      ss->armed = 1;
      ep_add(ports[ss->port], ss->s,
             EPOLLIN | (ss->oneshot ? EPOLLONESHOT : 0), sock_id(k));
    }
  }

  t0 = now_ms();
  for (i = 0; i < THREADS; i++) {
    threads[i] =
        CreateThread(NULL, 0, mix_thread, (LPVOID) (intptr_t) i, 0, NULL);
    CHECK(threads[i] != NULL);
  }
  while (now_ms() - t0 < seconds * 1000 && !failed)
    Sleep(20);
  InterlockedExchange(&stop_sending, 1);
  stop_deadline = now_ms() + 15000;
  while (threads_done_sending < THREADS && !failed) {
    if (now_ms() > stop_deadline) {
      STRESS_FAIL("%ld of %d threads stopped sending within 15 s",
                  (long) threads_done_sending, THREADS);
      break;
    }
    Sleep(10);
  }
  /* Every token is sent and counted: each must now come out through an
   * event.  One event takes milliseconds; 15 s is a bound for a loaded
   * machine, after which a token still unread is a lost event. */
  drain_deadline = now_ms() + 15000;
  while (any_outstanding() && now_ms() < drain_deadline && !failed)
    Sleep(10);
  InterlockedExchange(&stop_all, 1);
  CHECK(WaitForMultipleObjects(THREADS, threads, TRUE, 30000) ==
        WAIT_OBJECT_0);
  for (i = 0; i < THREADS; i++)
    CloseHandle(threads[i]);

  for (k = 0; k < ONESHOT_SOCKS + LEVEL_SOCKS; k++) {
    sent += socks[k].sent;
    received += socks[k].received;
    if (socks[k].sent != socks[k].received) {
      /* Bytes still readable mean the event was never reported; none
       * would mean the test's own count is wrong. */
      u_long unread = 0;
      ioctlsocket(socks[k].s, FIONREAD, &unread);
      STRESS_FAIL(
          "socket %d (%s): %lld tokens sent, %lld received through "
          "events (%lld lost, %lu bytes still unread, armed %ld)",
          k, socks[k].oneshot ? "one-shot" : "level",
          (long long) socks[k].sent, (long long) socks[k].received,
          (long long) (socks[k].sent - socks[k].received),
          (unsigned long) unread, (long) socks[k].armed);
    }
  }
  printf(
      "rel_stress: mix round %d: %.1f s, %d threads, %d ports, %d "
      "sockets: %lld events (%lld one-shot, %lld level, %lld churn), "
      "%lld tokens sent, %lld received, %lld lost, %lld duplicated, "
      "%lld re-arms, %lld ctl calls, %lld waits (%lld timed out), %lld "
      "level reports with nothing left to read\n",
      round, (now_ms() - t0) / 1000, THREADS, PORTS, NSOCKS,
      (long long) counts.events, (long long) counts.oneshot_events,
      (long long) counts.level_events, (long long) counts.churn_events,
      (long long) sent, (long long) received, (long long) (sent - received),
      (long long) counts.duplicates, (long long) counts.rearms,
      (long long) counts.ctl_calls, (long long) counts.waits,
      (long long) counts.timeouts, (long long) counts.spurious_level);

  for (i = 0; i < PORTS; i++)
    CHECK(epoll_close(ports[i]) == 0);
  for (k = 0; k < NSOCKS; k++) {
    closesocket(socks[k].s);
    closesocket(socks[k].peer);
    DeleteCriticalSection(&socks[k].send_lock);
    DeleteCriticalSection(&socks[k].churn_lock);
  }
  if (sent == 0 || counts.oneshot_events == 0 || counts.level_events == 0)
    STRESS_FAIL("the run exercised nothing (sent %lld)", (long long) sent);
  return failed ? 1 : 0;
}

/* ---- close while waiting ---- */

enum { CLOSE_WAITERS = 6 };

typedef struct close_ctx {
  HANDLE port;
  SOCKET sock;
  volatile LONG entered;
  volatile LONG returned_ebadf;
  volatile LONG other;
  double max_return_ms;
  double closed_at;
  CRITICAL_SECTION lock;
} close_ctx;

/* The error of a call on a port that was closed: EBADF, or EINVAL once
 * another handle has taken the closed port's value (an open handle that is
 * no port, as wepoll.h documents). */
static int port_gone_error(HANDLE port, int e) {
  DWORD flags;
  return e == EBADF || (e == EINVAL && GetHandleInformation(port, &flags));
}

static DWORD WINAPI close_waiter(LPVOID arg) {
  close_ctx* c = (close_ctx*) arg;
  struct epoll_event evs[4];
  int n, e;
  double give_up = now_ms() + 20000;
  InterlockedIncrement(&c->entered);
  /* Long timeouts: returning early is the point.  Events (the ctl thread
   * keeps adding a writable socket) are fine; only -1 ends the loop. */
  do {
    n = epoll_wait(c->port, evs, 4, (GetCurrentThreadId() & 1) ? -1 : 20000);
    e = errno;
  } while (n >= 0 && now_ms() < give_up);
  if (n == -1 && port_gone_error(c->port, e)) {
    double dt = now_ms() - c->closed_at;
    InterlockedIncrement(&c->returned_ebadf);
    EnterCriticalSection(&c->lock);
    if (dt > c->max_return_ms)
      c->max_return_ms = dt;
    LeaveCriticalSection(&c->lock);
  } else {
    InterlockedIncrement(&c->other);
    fprintf(stderr, "rel_stress: waiter returned %d errno %d\n", n, e);
  }
  return 0;
}

static DWORD WINAPI close_ctl_thread(LPVOID arg) {
  close_ctx* c = (close_ctx*) arg;
  struct epoll_event ev;
  int i;
  memset(&ev, 0, sizeof ev);
  ev.events = EPOLLOUT | EPOLLONESHOT;
  InterlockedIncrement(&c->entered);
  /* ADD / DEL until the port is gone (bounded). */
  for (i = 0; i < 1000000; i++) {
    int r = epoll_ctl(c->port, (i % 2) ? EPOLL_CTL_DEL : EPOLL_CTL_ADD,
                      c->sock, &ev);
    if (r != 0) {
      int e = errno;
      if (port_gone_error(c->port, e)) {
        InterlockedIncrement(&c->returned_ebadf);
        return 0;
      }
      if (!(e == ENOENT || e == EEXIST))
        InterlockedIncrement(&c->other);
    }
  }
  InterlockedIncrement(&c->other); /* never saw the close */
  return 0;
}

static int run_close(int rounds, int round_base) {
  int r, i, bad = 0;
  double worst = 0;
  long total_waiters = 0;
  for (r = 0; r < rounds; r++) {
    close_ctx c;
    HANDLE threads[CLOSE_WAITERS + 1];
    SOCKET peer;
    memset(&c, 0, sizeof c);
    InitializeCriticalSection(&c.lock);
    c.port = epoll_create1(0);
    CHECK(c.port != NULL);
    tcp_pair(AF_INET, &peer, &c.sock);
    for (i = 0; i < CLOSE_WAITERS; i++)
      CHECK((threads[i] = CreateThread(NULL, 0, close_waiter, &c, 0, NULL)) !=
            NULL);
    CHECK((threads[CLOSE_WAITERS] =
               CreateThread(NULL, 0, close_ctl_thread, &c, 0, NULL)) != NULL);
    while (c.entered < CLOSE_WAITERS + 1)
      Sleep(1);
    Sleep(5 + (DWORD) (r % 20)); /* let them block (the time varies) */
    c.closed_at = now_ms();
    CHECK(epoll_close(c.port) == 0);
    if (WaitForMultipleObjects(CLOSE_WAITERS + 1, threads, TRUE, 10000) !=
        WAIT_OBJECT_0) {
      fprintf(stderr,
              "rel_stress: FAIL: close round %d: threads still in "
              "the port 10 s after epoll_close\n",
              round_base + r);
      ExitProcess(1);
    }
    for (i = 0; i < CLOSE_WAITERS + 1; i++)
      CloseHandle(threads[i]);
    total_waiters += c.returned_ebadf;
    if (c.returned_ebadf != CLOSE_WAITERS + 1 || c.other != 0) {
      fprintf(stderr,
              "rel_stress: FAIL: close round %d: %ld of %d threads "
              "got EBADF, %ld got something else\n",
              round_base + r, (long) c.returned_ebadf, CLOSE_WAITERS + 1,
              (long) c.other);
      bad++;
    }
    if (c.max_return_ms > worst)
      worst = c.max_return_ms;
    closesocket(c.sock);
    closesocket(peer);
    DeleteCriticalSection(&c.lock);
  }
  printf(
      "rel_stress: close while waiting: %d rounds, %ld threads returned "
      "EBADF (%d waiters + 1 ctl thread per round), slowest return %.1f "
      "ms after epoll_close\n",
      rounds, total_waiters, CLOSE_WAITERS, worst);
  if (worst > 5000) {
    fprintf(stderr, "rel_stress: FAIL: a waiter took %.0f ms to return\n",
            worst);
    bad++;
  }
  return bad ? 1 : 0;
}

int main(int argc, char** argv) {
  const char* mode = arg_str(argc, argv, "--mode");
  double seconds = (double) arg_u64(argc, argv, "--seconds", 3);
  int repeat = (int) arg_u64(argc, argv, "--repeat", 1);
  int rounds = (int) arg_u64(argc, argv, "--rounds", 20);
  int i, result = 0;
  test_init();
  base_seed = arg_u64(argc, argv, "--seed", 99);
  if (mode == NULL)
    mode = "mix";
  printf("rel_stress: mode %s, repeat %d, seed %llu\n", mode, repeat,
         (unsigned long long) base_seed);
  for (i = 0; i < repeat && result == 0; i++) {
    if (strcmp(mode, "mix") == 0)
      result = run_mix(seconds, i);
    else if (strcmp(mode, "close") == 0)
      result = run_close(rounds, i * rounds);
    else
      test_fail_at(__FILE__, __LINE__, "unknown mode %s", mode);
  }
  if (result == 0)
    printf("rel_stress: OK\n");
  return result;
}
