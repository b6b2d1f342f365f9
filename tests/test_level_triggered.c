/* Level-triggered: a readable socket is reported by every epoll_wait until
 * its data is drained, then no more. */
#include "common.h"

int main(void) {
  HANDLE ep;
  SOCKET c, s;
  struct epoll_event out;
  char buf[4];
  int i;
  test_init();

  tcp_pair(AF_INET, &c, &s);
  ep = epoll_create1(0);
  CHECK(ep != NULL);
  ep_add(ep, s, EPOLLIN, 71);
  ep_expect_none(ep, 50);

  send_all(c, "abcdefgh", 8);
  for (i = 0; i < 5; i++) {
    ep_wait_one(ep, &out, 2000);
    CHECK(out.data.u64 == 71 && out.events == EPOLLIN);
  }
  /* Partly read: still readable. */
  CHECK(recv(s, buf, 4, 0) == 4);
  for (i = 0; i < 3; i++) {
    ep_wait_one(ep, &out, i == 0 ? 2000 : 0);
    CHECK(out.data.u64 == 71 && out.events == EPOLLIN);
  }
  /* Drained: nothing, neither at once nor after a while. */
  CHECK(recv(s, buf, 4, 0) == 4);
  ep_expect_none(ep, 0);
  ep_expect_none(ep, 200);

  /* New data: reported again, also with a zero timeout once it arrived. */
  send_all(c, "x", 1);
  ep_wait_one(ep, &out, 2000);
  CHECK(out.events == EPOLLIN);
  ep_wait_one(ep, &out, 0);
  CHECK(out.events == EPOLLIN);
  CHECK(drain(s) == 1);
  ep_expect_none(ep, 200);

  CHECK(epoll_close(ep) == 0);
  closesocket(c);
  closesocket(s);
  printf("ok\n");
  return 0;
}
