/* EPOLL_CTL_DEL stops events: after DEL nothing is reported for the socket,
 * whether its poll was outstanding, it was ready but not yet waited for, or
 * it had just been reported; other sockets are unaffected. */
#include "common.h"

int main(void) {
  HANDLE ep;
  SOCKET c1, s1, c2, s2;
  struct epoll_event out;
  test_init();

  tcp_pair(AF_INET, &c1, &s1);
  tcp_pair(AF_INET, &c2, &s2);
  ep = epoll_create1(0);
  CHECK(ep != NULL);
  ep_add(ep, s1, EPOLLIN, 1);
  ep_add(ep, s2, EPOLLIN, 2);

  /* Poll outstanding (a wait happened), then DEL, then data arrives. */
  ep_expect_none(ep, 50);
  ep_del(ep, s1);
  send_all(c1, "a", 1);
  ep_expect_none(ep, 200);

  /* Ready before the DEL, never waited for. */
  ep_add(ep, s1, EPOLLIN, 3);
  sleep_ms(50);
  ep_del(ep, s1);
  ep_expect_none(ep, 200);

  /* Ready and reported, then deleted. */
  ep_add(ep, s1, EPOLLIN, 4);
  ep_wait_one(ep, &out, 2000);
  CHECK(out.data.u64 == 4);
  ep_del(ep, s1);
  ep_expect_none(ep, 200);

  /* The other socket still works. */
  send_all(c2, "b", 1);
  ep_wait_one(ep, &out, 2000);
  CHECK(out.data.u64 == 2 && out.events == EPOLLIN);
  ep_del(ep, s2);
  ep_expect_none(ep, 100);

  /* DEL accepts an event pointer too, and a second DEL fails. */
  ep_add(ep, s1, EPOLLIN, 5);
  CHECK(epoll_ctl(ep, EPOLL_CTL_DEL, s1, &out) == 0);
  CHECK_FAILS(epoll_ctl(ep, EPOLL_CTL_DEL, s1, NULL), E_NOENT);
  ep_expect_none(ep, 100);

  CHECK(epoll_close(ep) == 0);
  closesocket(c1);
  closesocket(s1);
  closesocket(c2);
  closesocket(s2);
  printf("ok\n");
  return 0;
}
