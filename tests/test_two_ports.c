/* One socket registered in two ports, with different masks and data: each
 * port reports the events of its own registration, and DEL or close of one
 * port leaves the other working. */
#include "common.h"

int main(void) {
  HANDLE p1, p2;
  SOCKET c, s;
  struct epoll_event out;
  test_init();

  tcp_pair(AF_INET, &c, &s);
  p1 = epoll_create1(0);
  p2 = epoll_create1(0);
  CHECK(p1 != NULL && p2 != NULL && p1 != p2);
  ep_add(p1, s, EPOLLIN, 1);
  ep_add(p2, s, EPOLLIN | EPOLLOUT, 2);

  /* Writable only: p2 reports OUT, p1 nothing. */
  ep_expect_none(p1, 100);
  ep_wait_one(p2, &out, 2000);
  CHECK(out.data.u64 == 2 && out.events == EPOLLOUT);

  /* Readable: each port with its own bits and data. */
  send_all(c, "r", 1);
  ep_wait_one(p1, &out, 2000);
  CHECK(out.data.u64 == 1 && out.events == EPOLLIN);
  ep_wait_one(p2, &out, 2000);
  CHECK(out.data.u64 == 2 && out.events == (EPOLLIN | EPOLLOUT));
  ep_wait_one(p1, &out, 2000);
  CHECK(out.data.u64 == 1 && out.events == EPOLLIN);

  /* One-shot in p1 does not disarm p2. */
  ep_mod(p1, s, EPOLLIN | EPOLLONESHOT, 3);
  ep_wait_one(p1, &out, 2000);
  CHECK(out.data.u64 == 3);
  ep_expect_none(p1, 50);
  ep_wait_one(p2, &out, 2000);
  CHECK(out.data.u64 == 2 && out.events == (EPOLLIN | EPOLLOUT));

  /* DEL from p2 leaves p1's registration. */
  ep_del(p2, s);
  ep_expect_none(p2, 100);
  ep_mod(p1, s, EPOLLIN, 4);
  ep_wait_one(p1, &out, 2000);
  CHECK(out.data.u64 == 4 && out.events == EPOLLIN);
  CHECK_FAILS(epoll_ctl(p2, EPOLL_CTL_DEL, s, NULL), E_NOENT);

  /* Re-add to p2, then close p1: p2 keeps working. */
  ep_add(p2, s, EPOLLIN, 5);
  CHECK(epoll_close(p1) == 0);
  ep_wait_one(p2, &out, 2000);
  CHECK(out.data.u64 == 5 && out.events == EPOLLIN);
  CHECK(drain(s) == 1);
  ep_expect_none(p2, 100);
  send_all(c, "t", 1);
  ep_wait_one(p2, &out, 2000);
  CHECK(out.data.u64 == 5);

  CHECK(epoll_close(p2) == 0);
  closesocket(c);
  closesocket(s);
  printf("ok\n");
  return 0;
}
