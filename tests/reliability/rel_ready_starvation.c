/* Found by rel_fuzz (seed 3): a socket that is always ready (level-
 * triggered EPOLLOUT) must not starve the rest of the port.  Socket A waits
 * for EPOLLIN (its poll is pending), socket B is always writable; A is then
 * changed to EPOLLOUT with MOD, which needs A's pending poll cancelled and
 * its completion dequeued.  A's EPOLLOUT must be reported within a few
 * waits, even though every wait also has B to report. */
#include "rel.h"

int main(int argc, char** argv) {
  int udp = argc > 1 && strcmp(argv[1], "udp") == 0;
  HANDLE ep;
  SOCKET a, a_peer, b, b_peer;
  struct epoll_event evs[8];
  int i, n, j, got_a = 0, got_b = 0;
  double t0;

  test_init();
  ep = epoll_create1(0);
  CHECK(ep != NULL);
  if (udp)
    udp_pair(AF_INET, &a, &a_peer);
  else
    tcp_pair(AF_INET, &a_peer, &a);
  tcp_pair(AF_INET, &b_peer, &b);

  ep_add(ep, a, EPOLLIN | EPOLLONESHOT, 1);
  ep_add(ep, b, EPOLLOUT, 2);
  n = ep_wait(ep, evs, 8, 1000); /* A's poll is now pending, B reported */
  CHECK(n == 1 && evs[0].data.u64 == 2);

  ep_mod(ep, a, EPOLLOUT, 3);
  t0 = now_ms();
  for (i = 0; i < 50 && !got_a; i++) {
    n = ep_wait(ep, evs, 8, 100);
    for (j = 0; j < n; j++) {
      CHECKF(evs[j].data.u64 == 2 || evs[j].data.u64 == 3,
             "unexpected data %llu", (unsigned long long) evs[j].data.u64);
      if (evs[j].data.u64 == 3) {
        CHECK(evs[j].events == EPOLLOUT);
        got_a = 1;
      } else {
        got_b++;
      }
    }
  }
  CHECKF(got_a,
         "%s socket A's EPOLLOUT after MOD never reported in %d "
         "waits (%.0f ms) while B was reported %d times: B starves the "
         "port's completion queue",
         udp ? "udp" : "tcp", i, now_ms() - t0, got_b);
  printf("rel_ready_starvation: OK (%s; A reported after %d waits)\n",
         udp ? "udp" : "tcp", i);
  CHECK(epoll_close(ep) == 0);
  closesocket(a);
  closesocket(a_peer);
  closesocket(b);
  closesocket(b_peer);
  return 0;
}
