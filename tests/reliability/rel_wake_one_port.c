/* No lost wake-ups with many waiters on one port.
 *
 * T threads each block in epoll_wait(maxevents 1, long timeout) on one
 * port; S UDP sockets registered in it become readable together.  Linux
 * guarantees that while results are ready and threads wait, a waiter runs:
 * a thread that takes fewer results than are ready wakes another.  So in
 * every round every thread must return, with one event, within a short
 * bound (not after its timeout).  Modes:
 *
 *   oneshot  S one-shot sockets (S >= T): each socket is reported at most
 *            once per arming, and each is reported in the round or, for the
 *            S - T left over, by a wait right after it;
 *   level    S level-triggered sockets that nobody reads during the round:
 *            each thread gets one of them (the same socket may go to
 *            several threads; with S = 1 all threads get that one);
 *   mixed    the first half one-shot, the rest level-triggered: each
 *            thread gets one event, no one-shot socket twice, and every
 *            one-shot socket is reported in the round or by a wait after it.
 *
 * Rounds cycle through three orders, each a different path to the ready
 * results: the waiters block, then the sockets become readable; the sockets
 * are readable before the waiters come (their polls find the data at
 * once); the sockets are readable but disarmed (one-shot after their
 * report, level-triggered with interest 0) while the waiters block, and are
 * then re-armed with EPOLL_CTL_MOD.  The bound counts from the sends, the
 * waiters' entry or the MODs.  After each round the datagrams are read.
 *
 *   rel_wake_one_port.exe --mode oneshot|level|mixed [--threads 8]
 *       [--sockets 8] [--rounds 300] [--bound-ms 2000] */
#include "rel_waiters.h"

enum { SOCKETS_MAX = 64, WAIT_TIMEOUT_MS = 30000 };

typedef enum mode { MODE_ONESHOT, MODE_LEVEL, MODE_MIXED } mode;

static int socket_count;
static mode test_mode;
static SOCKET socks[SOCKETS_MAX], peers[SOCKETS_MAX];

static bool is_oneshot(int k) {
  return test_mode == MODE_ONESHOT ||
         (test_mode == MODE_MIXED && k < socket_count / 2);
}

static uint32_t interest_of(int k) {
  return EPOLLIN | (is_oneshot(k) ? EPOLLONESHOT : 0);
}

typedef enum round_order {
  ORDER_WAIT_FIRST,
  ORDER_READY_FIRST,
  ORDER_REARM_UNDER_WAITERS,
  ORDER_COUNT
} round_order;

static const char* const order_names[ORDER_COUNT] = {
    "waiters blocked first", "ready before the waiters came",
    "re-armed by MOD under blocked waiters"};

/* Sends one datagram to every socket and waits until all have arrived. */
static void send_all_datagrams(void) {
  int k;
  for (k = 0; k < socket_count; k++)
    send_datagram(peers[k]);
  for (k = 0; k < socket_count; k++)
    await_readable(socks[k]);
}

static void fail_round(waiter_pool* pool, int round, double since,
                       const char* what) {
  fprintf(stderr, "FAIL round %d: %s\n", round, what);
  waiter_pool_print(pool, since);
  ExitProcess(1);
}

/* Checks one round's results; counts one-shot reports in `reported`. */
static void check_round(waiter_pool* pool, int round, double since,
                        int* reported) {
  char what[160];
  int i;
  for (i = 0; i < pool->count; i++) {
    const waiter_result* r = &pool->results[i];
    uint64_t k = r->events[0].data.u64;
    if (r->n != 1 || r->events[0].events != EPOLLIN ||
        k >= (uint64_t) socket_count) {
      snprintf(what, sizeof what,
               "waiter %d: want exactly one EPOLLIN event of a registered "
               "socket",
               i);
      fail_round(pool, round, since, what);
    }
    if (is_oneshot((int) k) && ++reported[k] > 1) {
      snprintf(what, sizeof what, "one-shot socket %d reported twice",
               (int) k);
      fail_round(pool, round, since, what);
    }
  }
}

/* One-shot sockets the round's waiters did not get must be reported now
 * (they are ready and armed), and each only once. */
static void check_leftover_oneshot(HANDLE ep, int round, int* reported) {
  double deadline = now_ms() + 2000;
  int missing, k;
  for (;;) {
    struct epoll_event evs[SOCKETS_MAX];
    int n, j;
    missing = 0;
    for (k = 0; k < socket_count; k++)
      missing += is_oneshot(k) && reported[k] == 0;
    if (missing == 0 || now_ms() > deadline)
      break;
    n = ep_wait(ep, evs, SOCKETS_MAX, 100);
    for (j = 0; j < n; j++) {
      k = (int) evs[j].data.u64;
      CHECKF(k < socket_count, "round %d: unknown data %d", round, k);
      if (is_oneshot(k))
        CHECKF(++reported[k] == 1,
               "round %d: one-shot socket %d reported "
               "twice",
               round, k);
    }
  }
  CHECKF(missing == 0,
         "round %d: %d ready one-shot sockets never reported (2 s)", round,
         missing);
}

int main(int argc, char** argv) {
  const char* mode_name = arg_str(argc, argv, "--mode");
  int threads = (int) arg_u64(argc, argv, "--threads", 8);
  int rounds = (int) arg_u64(argc, argv, "--rounds", 300);
  double bound_ms = (double) arg_u64(argc, argv, "--bound-ms", 2000);
  double worst_ms = 0;
  waiter_pool pool;
  HANDLE ep;
  int round, k;

  test_init();
  socket_count = (int) arg_u64(argc, argv, "--sockets", 8);
  CHECK(mode_name != NULL);
  test_mode = strcmp(mode_name, "oneshot") == 0 ? MODE_ONESHOT
              : strcmp(mode_name, "level") == 0 ? MODE_LEVEL
              : strcmp(mode_name, "mixed") == 0 ? MODE_MIXED
                                                : (MODE_LEVEL + 1);
  CHECKF(test_mode <= MODE_MIXED, "unknown --mode %s", mode_name);
  CHECK(socket_count > 0 && socket_count <= SOCKETS_MAX);
  CHECKF(test_mode != MODE_ONESHOT || socket_count >= threads,
         "oneshot mode needs at least as many sockets as threads");

  ep = epoll_create1(0);
  CHECK(ep != NULL);
  udp_pairs(socket_count, socks, peers);
  for (k = 0; k < socket_count; k++)
    ep_add(ep, socks[k], interest_of(k), (uint64_t) k);
  waiter_pool_start(&pool, threads, ep, 1, WAIT_TIMEOUT_MS);

  for (round = 0; round < rounds; round++) {
    round_order order = (round_order) (round % ORDER_COUNT);
    int reported[SOCKETS_MAX] = {0};
    double since, took;
    int returned;
    if (order == ORDER_READY_FIRST) {
      send_all_datagrams();
      since = now_ms();
      waiter_pool_begin_round(&pool, 0);
    } else {
      /* Vary how long the waiters have to block before the event. */
      waiter_pool_begin_round(&pool, (DWORD) (round % 4));
      if (order == ORDER_REARM_UNDER_WAITERS)
        send_all_datagrams();
      since = now_ms();
      for (k = 0; k < socket_count; k++) {
        if (order == ORDER_WAIT_FIRST)
          send_datagram(peers[k]);
        else
          ep_mod(ep, socks[k], interest_of(k), (uint64_t) k);
      }
    }
    returned = waiter_pool_await(&pool, since + bound_ms);
    took = now_ms() - since;
    if (returned < threads) {
      char what[200];
      snprintf(what, sizeof what,
               "%d of %d waiters still asleep %.0f ms after %d sockets "
               "became ready (%s): lost wake-up",
               threads - returned, threads, took, socket_count,
               order_names[order]);
      fail_round(&pool, round, since, what);
    }
    if (took > worst_ms)
      worst_ms = took;
    check_round(&pool, round, since, reported);
    if (test_mode != MODE_LEVEL)
      check_leftover_oneshot(ep, round, reported);
    for (k = 0; k < socket_count; k++) {
      bool disarm =
          (round + 1) % ORDER_COUNT == (int) ORDER_REARM_UNDER_WAITERS;
      CHECKF(read_datagrams(socks[k]) == 1, "socket %d: want 1 datagram", k);
      /* One-shot sockets stay disarmed after their report by themselves. */
      if (disarm && !is_oneshot(k))
        ep_mod(ep, socks[k], 0, (uint64_t) k);
      else if (!disarm && is_oneshot(k))
        ep_mod(ep, socks[k], interest_of(k), (uint64_t) k);
    }
  }

  waiter_pool_stop(&pool);
  CHECK(epoll_close(ep) == 0);
  close_pairs(socket_count, socks, peers);
  printf(
      "rel_wake_one_port: OK (%s, %d threads, %d sockets, %d rounds; "
      "slowest round %.1f ms)\n",
      mode_name, threads, socket_count, rounds, worst_ms);
  return 0;
}
