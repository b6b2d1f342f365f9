/* A UDP socket reports EPOLLIN | EPOLLRDNORM (only those asked for) while a
 * datagram waits, once per wait until all are read, and EPOLLOUT when asked;
 * EPOLLMSG in the mask is never reported.
 * Argument: ipv4 | ipv6. */
#include "common.h"

int main(int argc, char** argv) {
  int family;
  HANDLE ep;
  SOCKET a, b;
  struct epoll_event out;
  char buf[16];
  test_init();
  family = test_family(argc, argv);

  udp_pair(family, &a, &b);
  ep = epoll_create1(0);
  CHECK(ep != NULL);
  ep_add(ep, a, EPOLLIN | EPOLLRDNORM, 61);
  ep_expect_none(ep, 100);

  send_all(b, "one", 3);
  send_all(b, "two", 3);
  ep_wait_one(ep, &out, 2000);
  CHECK(out.data.u64 == 61);
  CHECKF(out.events == (EPOLLIN | EPOLLRDNORM), "got 0x%x", out.events);
  CHECK(recv(a, buf, sizeof buf, 0) == 3);
  ep_wait_one(ep, &out, 2000);
  CHECKF(out.events == (EPOLLIN | EPOLLRDNORM), "got 0x%x", out.events);
  CHECK(recv(a, buf, sizeof buf, 0) == 3);
  ep_expect_none(ep, 100);

  /* EPOLLMSG is accepted and never reported. */
  ep_mod(ep, a, EPOLLIN | EPOLLMSG, 62);
  send_all(b, "three", 5);
  ep_wait_one(ep, &out, 2000);
  CHECK(out.data.u64 == 62);
  CHECKF(out.events == EPOLLIN, "got 0x%x", out.events);
  CHECK(recv(a, buf, sizeof buf, 0) == 5);

  ep_add(ep, b, EPOLLOUT | EPOLLWRNORM, 63);
  ep_wait_one(ep, &out, 2000);
  CHECK(out.data.u64 == 63);
  CHECKF(out.events == (EPOLLOUT | EPOLLWRNORM), "got 0x%x", out.events);

  CHECK(epoll_close(ep) == 0);
  closesocket(a);
  closesocket(b);
  printf("ok (%s)\n", family_name(family));
  return 0;
}
