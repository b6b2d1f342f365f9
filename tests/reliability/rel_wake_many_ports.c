/* One socket in many ports, a waiter on each.
 *
 * The same UDP socket is registered in P ports (data: the port's index);
 * one thread per port blocks in epoll_wait with a long timeout.  When the
 * socket becomes readable, every port must report it: every waiter returns
 * within a short bound with exactly that event, as on Linux, where each
 * epoll instance watching a file is woken by it.  Then the datagram is read
 * (and one-shot registrations re-armed) for the next round.  Rounds cycle
 * through three orders: the waiters block before the datagram comes; the
 * datagram is there before the waiters; the socket, readable, is added
 * (after a DEL from every port) while the waiters are blocked.  The bound
 * counts from the send, the waiters' entry or the ADDs.
 *
 * --tcp 1 uses a connected TCP socket instead of a UDP one.
 *
 *   rel_wake_many_ports.exe [--ports 8] [--oneshot 0|1] [--tcp 0|1]
 *       [--rounds 200]
 *       [--bound-ms 2000] */
#include "rel_waiters.h"

enum { WAIT_TIMEOUT_MS = 30000 };

typedef enum round_order {
  ORDER_WAIT_FIRST,        /* waiters block, then the datagram comes */
  ORDER_READY_FIRST,       /* the datagram is there before the waiters */
  ORDER_ADD_UNDER_WAITERS, /* added to every port under blocked waiters */
  ORDER_COUNT
} round_order;

int main(int argc, char** argv) {
  int nports = (int) arg_u64(argc, argv, "--ports", 8);
  bool oneshot = arg_u64(argc, argv, "--oneshot", 0) != 0;
  bool tcp = arg_u64(argc, argv, "--tcp", 0) != 0;
  int rounds = (int) arg_u64(argc, argv, "--rounds", 200);
  double bound_ms = (double) arg_u64(argc, argv, "--bound-ms", 2000);
  uint32_t interest = EPOLLIN | (oneshot ? EPOLLONESHOT : 0);
  HANDLE ports[WAITERS_MAX];
  double worst_ms = 0;
  waiter_pool pool;
  SOCKET s, peer;
  int round, i;

  test_init();
  CHECK(nports > 0 && nports <= WAITERS_MAX);
  if (tcp) {
    tcp_pair(AF_INET, &peer, &s);
    set_nonblocking(s, 1);
  } else {
    udp_pairs(1, &s, &peer);
  }
  for (i = 0; i < nports; i++) {
    ports[i] = epoll_create1(0);
    CHECK(ports[i] != NULL);
    ep_add(ports[i], s, interest, (uint64_t) i);
  }
  waiter_pool_start(&pool, nports, ports[0], 4, WAIT_TIMEOUT_MS);
  for (i = 0; i < nports; i++)
    pool.ports[i] = ports[i];

  for (round = 0; round < rounds; round++) {
    round_order order = (round_order) (round % ORDER_COUNT);
    double sent_at, took;
    int returned;
    if (order == ORDER_READY_FIRST) {
      send_datagram(peer);
      await_readable(s);
      sent_at = now_ms();
      waiter_pool_begin_round(&pool, 0);
    } else if (order == ORDER_ADD_UNDER_WAITERS) {
      waiter_pool_begin_round(&pool, (DWORD) (round % 4));
      send_datagram(peer);
      await_readable(s);
      sent_at = now_ms();
      for (i = 0; i < nports; i++)
        ep_add(ports[i], s, interest, (uint64_t) i);
    } else {
      waiter_pool_begin_round(&pool, (DWORD) (round % 4));
      sent_at = now_ms();
      send_datagram(peer);
    }
    returned = waiter_pool_await(&pool, sent_at + bound_ms);
    took = now_ms() - sent_at;
    if (returned < nports) {
      fprintf(stderr,
              "FAIL round %d: %d of %d ports' waiters still asleep %.0f ms "
              "after the socket they all watch became readable\n",
              round, nports - returned, nports, took);
      waiter_pool_print(&pool, sent_at);
      ExitProcess(1);
    }
    if (took > worst_ms)
      worst_ms = took;
    for (i = 0; i < nports; i++) {
      const waiter_result* r = &pool.results[i];
      if (r->n != 1 || r->events[0].events != EPOLLIN ||
          r->events[0].data.u64 != (uint64_t) i) {
        fprintf(stderr,
                "FAIL round %d: port %d's waiter did not get exactly its "
                "own EPOLLIN event\n",
                round, i);
        waiter_pool_print(&pool, sent_at);
        ExitProcess(1);
      }
    }
    CHECK(read_datagrams(s) == 1);
    for (i = 0; i < nports; i++) {
      if ((round + 1) % ORDER_COUNT == (int) ORDER_ADD_UNDER_WAITERS)
        ep_del(ports[i], s);
      else if (oneshot)
        ep_mod(ports[i], s, interest, (uint64_t) i);
    }
  }

  waiter_pool_stop(&pool);
  for (i = 0; i < nports; i++)
    CHECK(epoll_close(ports[i]) == 0);
  close_pairs(1, &s, &peer);
  printf(
      "rel_wake_many_ports: OK (%d ports, %s %s, %d rounds; slowest "
      "round %.1f ms)\n",
      nports, oneshot ? "one-shot" : "level-triggered", tcp ? "TCP" : "UDP",
      rounds, worst_ms);
  return 0;
}
