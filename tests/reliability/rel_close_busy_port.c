/* epoll_close of a busy port returns promptly.
 *
 * Each round: a port with S sockets registered and their polls outstanding
 * (one epoll_wait has submitted them), W threads blocked in epoll_wait on
 * it (half with timeout -1, half with a long timeout).  Every waiter must
 * return -1 with EBADF within --bound-ms of the close starting: the port is
 * gone, so no waiter may report a timeout (0) or wait on.  epoll_close
 * must return 0 within --close-bound-ms.
 *
 * The two bounds differ because the work differs.  A waiter is woken as
 * soon as the close starts.  epoll_close must also take back every
 * cancelled poll's packet, and under Wine each of those costs the closing
 * thread a round trip to the wineserver: 1,000 of them took 0.6 s on an
 * idle 2-core machine and up to 1.4 s on a loaded one.  "Promptly" means
 * that the close waited for no timeout: it gives up on packets that never
 * come back after 5 s, so a close bound under that still catches a lost
 * packet, and the waiters' bound catches a waiter left asleep (their own
 * timeouts are 60 s or infinite).
 *
 *   rel_close_busy_port.exe [--sockets 1000] [--waiters 8] [--rounds 40]
 *       [--bound-ms 1000] [--close-bound-ms 4000] */
#include "rel_waiters.h"

enum { WAIT_TIMEOUT_MS = 60000 };

int main(int argc, char** argv) {
  int count = (int) arg_u64(argc, argv, "--sockets", 1000);
  int waiters = (int) arg_u64(argc, argv, "--waiters", 8);
  int rounds = (int) arg_u64(argc, argv, "--rounds", 40);
  double bound_ms = (double) arg_u64(argc, argv, "--bound-ms", 1000);
  double close_bound_ms =
      (double) arg_u64(argc, argv, "--close-bound-ms", 4000);
  double slowest_close = 0, slowest_return = 0;
  struct epoll_event evs[8];
  waiter_pool pool;
  SOCKET* socks;
  int round, i;

  test_init();
  socks = (SOCKET*) calloc((size_t) count, sizeof *socks);
  CHECK(socks != NULL);
  for (i = 0; i < count; i++) {
    socks[i] = socket(AF_INET, SOCK_DGRAM, 0);
    CHECKF(socks[i] != INVALID_SOCKET, "socket %d: %d", i, WSAGetLastError());
  }
  waiter_pool_start(&pool, waiters, NULL, 4, WAIT_TIMEOUT_MS);

  for (round = 0; round < rounds; round++) {
    HANDLE ep = epoll_create1(0);
    double closed_at, close_took, slowest_this_round;
    int returned;
    CHECK(ep != NULL);
    for (i = 0; i < count; i++)
      ep_add(ep, socks[i], EPOLLIN, (uint64_t) i);
    /* Submits every poll; none is ready (nothing sent, nothing bound). */
    CHECK(ep_wait(ep, evs, 8, 0) == 0);
    for (i = 0; i < waiters; i++)
      pool.ports[i] = ep;
    pool.timeout_ms = round % 2 ? -1 : WAIT_TIMEOUT_MS;
    waiter_pool_begin_round(&pool, 5 + (DWORD) (round % 10));

    closed_at = now_ms();
    CHECK(epoll_close(ep) == 0);
    close_took = now_ms() - closed_at;
    /* Each waiter is judged by when its own call returned; the await
     * leaves time for the thread to say so after a slow close. */
    returned = waiter_pool_await(&pool, now_ms() + bound_ms);
    slowest_this_round = 0;
    for (i = 0; i < waiters; i++) {
      double took = pool.results[i].returned_at - closed_at;
      if (pool.results[i].n != -2 && took > slowest_this_round)
        slowest_this_round = took;
    }
    if (returned < waiters || slowest_this_round > bound_ms ||
        close_took > close_bound_ms) {
      fprintf(stderr,
              "FAIL round %d: epoll_close of a port with %d polled sockets "
              "took %.0f ms (bound %.0f ms); %d of %d waiters returned, "
              "the slowest %.0f ms after the close started (bound %.0f "
              "ms)\n",
              round, count, close_took, close_bound_ms, returned, waiters,
              slowest_this_round, bound_ms);
      waiter_pool_print(&pool, closed_at);
      ExitProcess(1);
    }
    for (i = 0; i < waiters; i++) {
      if (pool.results[i].n != -1 || pool.results[i].err != EBADF) {
        fprintf(stderr,
                "FAIL round %d: waiter %d did not return -1 with EBADF\n",
                round, i);
        waiter_pool_print(&pool, closed_at);
        ExitProcess(1);
      }
    }
    if (close_took > slowest_close)
      slowest_close = close_took;
    if (slowest_this_round > slowest_return)
      slowest_return = slowest_this_round;
  }

  waiter_pool_stop(&pool);
  for (i = 0; i < count; i++)
    closesocket(socks[i]);
  free(socks);
  printf(
      "rel_close_busy_port: OK (%d sockets, %d waiters, %d rounds; "
      "slowest epoll_close %.1f ms, slowest waiter %.1f ms)\n",
      count, waiters, rounds, slowest_close, slowest_return);
  return 0;
}
