/* A socket closed while registered (no EPOLL_CTL_DEL) is dropped: no event
 * is reported for it, other sockets and the port keep working, and a later
 * DEL of its value fails with ENOTSOCK (it is no longer registered, and the
 * value is not a socket: wepoll.h's rule for MOD/DEL of such a value). */
#include "common.h"

int main(void) {
  HANDLE ep;
  SOCKET c1, s1, c2, s2, c3, s3, dead;
  struct epoll_event evs[8];
  int i, k, seen2 = 0;
  test_init();

  tcp_pair(AF_INET, &c1, &s1);
  tcp_pair(AF_INET, &c2, &s2);
  tcp_pair(AF_INET, &c3, &s3);
  ep = epoll_create1(0);
  CHECK(ep != NULL);
  ep_add(ep, s1, EPOLLIN | EPOLLRDHUP, 1);
  ep_add(ep, s2, EPOLLIN, 2);

  /* Poll outstanding, then closed. */
  ep_expect_none(ep, 0);
  dead = s1;
  CHECK(closesocket(s1) == 0);
  /* The peer notices and closes too; that must not revive anything. */
  shutdown(c1, SD_SEND);
  send_all(c2, "x", 1);
  for (i = 0; i < 6; i++) {
    int n = ep_wait(ep, evs, 8, 50);
    for (k = 0; k < n; k++) {
      CHECKF(evs[k].data.u64 == 2, "event 0x%x for data %llu", evs[k].events,
             (unsigned long long) evs[k].data.u64);
      seen2++;
    }
  }
  CHECK(seen2 > 0);
  CHECK_FAILS(epoll_ctl(ep, EPOLL_CTL_DEL, dead, NULL), E_BADF);
  CHECK_FAILS(epoll_ctl(ep, EPOLL_CTL_MOD, dead, &evs[0]), E_BADF);

  /* Closed right after ADD, before any wait. */
  ep_add(ep, s3, EPOLLIN | EPOLLOUT, 3);
  dead = s3;
  CHECK(closesocket(s3) == 0);
  ep_del(ep, s2);
  ep_expect_none(ep, 200);
  CHECK_FAILS(epoll_ctl(ep, EPOLL_CTL_DEL, dead, NULL), E_BADF);

  /* The port still works. */
  ep_add(ep, s2, EPOLLIN, 4);
  ep_wait_one(ep, &evs[0], 2000);
  CHECK(evs[0].data.u64 == 4 && evs[0].events == EPOLLIN);

  CHECK(epoll_close(ep) == 0);
  closesocket(c1);
  closesocket(c2);
  closesocket(s2);
  closesocket(c3);
  printf("ok\n");
  return 0;
}
