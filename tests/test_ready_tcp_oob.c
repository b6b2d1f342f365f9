/* Urgent (out-of-band) data reports EPOLLPRI, never EPOLLRDBAND (Linux's TCP
 * reports PRI alone: tests/oracle), not EPOLLIN when IN was not asked for,
 * and stops once the urgent byte is read.  Argument: ipv4 | ipv6. */
#include "common.h"

int main(int argc, char** argv) {
  int family;
  HANDLE ep;
  SOCKET c, s;
  struct epoll_event out;
  char b;
  test_init();
  family = test_family(argc, argv);

  tcp_pair(family, &c, &s);
  ep = epoll_create1(0);
  CHECK(ep != NULL);
  ep_add(ep, s, EPOLLPRI | EPOLLRDBAND, 91);
  ep_expect_none(ep, 100);

  CHECK(send(c, "!", 1, MSG_OOB) == 1);
  ep_wait_one(ep, &out, 2000);
  CHECK(out.data.u64 == 91);
  CHECKF(out.events == EPOLLPRI, "got 0x%x", out.events);

  ep_mod(ep, s, EPOLLPRI, 92);
  ep_wait_one(ep, &out, 2000);
  CHECK(out.data.u64 == 92);
  CHECKF(out.events == EPOLLPRI, "got 0x%x", out.events);

  CHECK(recv(s, &b, 1, MSG_OOB) == 1 && b == '!');
  ep_expect_none(ep, 200);

  CHECK(epoll_close(ep) == 0);
  closesocket(c);
  closesocket(s);
  printf("ok (%s)\n", family_name(family));
  return 0;
}
