/* EPOLL_CTL_MOD replaces both the mask and the data: events follow the new
 * mask at once (narrowing, widening, emptying) and carry the new data. */
#include "common.h"

int main(void) {
  HANDLE ep;
  SOCKET c, s;
  struct epoll_event out;
  int i;
  test_init();

  tcp_pair(AF_INET, &c, &s);
  ep = epoll_create1(0);
  CHECK(ep != NULL);

  /* IN: nothing to read. */
  ep_add(ep, s, EPOLLIN, 1);
  ep_expect_none(ep, 100);
  /* Widen to IN|OUT: writable at once, with the new data. */
  ep_mod(ep, s, EPOLLIN | EPOLLOUT, 2);
  ep_wait_one(ep, &out, 2000);
  CHECK(out.data.u64 == 2 && out.events == EPOLLOUT);
  /* Narrow back to IN: silence again. */
  ep_mod(ep, s, EPOLLIN, 3);
  ep_expect_none(ep, 100);
  /* Data arrives: IN with the latest data. */
  send_all(c, "q", 1);
  ep_wait_one(ep, &out, 2000);
  CHECK(out.data.u64 == 3 && out.events == EPOLLIN);
  /* Empty mask: nothing, although readable and writable. */
  ep_mod(ep, s, 0, 4);
  ep_expect_none(ep, 150);
  /* Back to OUT only while readable: only OUT. */
  ep_mod(ep, s, EPOLLOUT, 5);
  ep_wait_one(ep, &out, 2000);
  CHECK(out.data.u64 == 5 && out.events == EPOLLOUT);

  /* The data is replaced as a whole 64-bit value, and as a pointer. */
  ep_mod(ep, s, EPOLLIN, UINT64_C(0xfedcba9876543210));
  ep_wait_one(ep, &out, 2000);
  CHECK(out.data.u64 == UINT64_C(0xfedcba9876543210));
  {
    struct epoll_event ev;
    memset(&ev, 0, sizeof ev);
    ev.events = EPOLLIN;
    ev.data.ptr = &ep;
    CHECK(epoll_ctl(ep, EPOLL_CTL_MOD, s, &ev) == 0);
    ep_wait_one(ep, &out, 2000);
    CHECK(out.data.ptr == &ep);
  }

  /* Many MODs in a row between waits: only the last one counts. */
  for (i = 0; i < 50; i++)
    ep_mod(ep, s, (i % 2) ? EPOLLOUT : EPOLLIN, (uint64_t) 1000 + i);
  ep_mod(ep, s, EPOLLIN | EPOLLOUT, 2000);
  ep_wait_one(ep, &out, 2000);
  CHECK(out.data.u64 == 2000 && out.events == (EPOLLIN | EPOLLOUT));
  /* MOD right after a wait (poll outstanding) to a disjoint mask. */
  CHECK(drain(s) == 1);
  ep_mod(ep, s, EPOLLIN, 2001);
  ep_expect_none(ep, 100);
  ep_mod(ep, s, EPOLLOUT, 2002);
  ep_wait_one(ep, &out, 2000);
  CHECK(out.data.u64 == 2002 && out.events == EPOLLOUT);

  CHECK(epoll_close(ep) == 0);
  closesocket(c);
  closesocket(s);
  printf("ok\n");
  return 0;
}
