/* A listening socket reports EPOLLIN | EPOLLRDNORM while a connection waits
 * to be accepted, and stops once all are accepted.
 * Argument: ipv4 | ipv6 | unix. */
#include "common.h"

int main(int argc, char** argv) {
  int family;
  HANDLE ep;
  SOCKET l, c1, c2, a;
  test_addr addr;
  struct epoll_event out;
  test_init();
  family = test_family(argc, argv);

  l = tcp_listener(family, &addr);
  ep = epoll_create1(0);
  CHECK(ep != NULL);
  ep_add(ep, l, EPOLLIN | EPOLLRDNORM, 11);
  ep_expect_none(ep, 100);

  c1 = socket(family, SOCK_STREAM, 0);
  CHECK(c1 != INVALID_SOCKET);
  CHECK(connect(c1, (struct sockaddr*) &addr.ss, addr.len) == 0);
  ep_wait_one(ep, &out, 2000);
  CHECK(out.data.u64 == 11);
  CHECKF(out.events == (EPOLLIN | EPOLLRDNORM), "got 0x%x", out.events);

  /* Level-triggered: still there until accepted. */
  ep_wait_one(ep, &out, 2000);
  CHECK(out.events == (EPOLLIN | EPOLLRDNORM));

  c2 = socket(family, SOCK_STREAM, 0);
  CHECK(c2 != INVALID_SOCKET);
  CHECK(connect(c2, (struct sockaddr*) &addr.ss, addr.len) == 0);

  a = accept(l, NULL, NULL);
  CHECK(a != INVALID_SOCKET);
  closesocket(a);
  /* One connection still queued. */
  ep_wait_one(ep, &out, 2000);
  CHECK(out.events == (EPOLLIN | EPOLLRDNORM));
  a = accept(l, NULL, NULL);
  CHECK(a != INVALID_SOCKET);
  closesocket(a);
  ep_expect_none(ep, 200);

  /* Only the asked-for bit. */
  ep_mod(ep, l, EPOLLRDNORM, 12);
  closesocket(c1);
  c1 = socket(family, SOCK_STREAM, 0);
  CHECK(c1 != INVALID_SOCKET);
  CHECK(connect(c1, (struct sockaddr*) &addr.ss, addr.len) == 0);
  ep_wait_one(ep, &out, 2000);
  CHECK(out.data.u64 == 12);
  CHECKF(out.events == EPOLLRDNORM, "got 0x%x", out.events);

  CHECK(epoll_close(ep) == 0);
  closesocket(c1);
  closesocket(c2);
  closesocket(l);
  if (family == AF_UNIX) DeleteFileA(((struct sockaddr_un*) &addr.ss)->sun_path);
  printf("ok (%s)\n", family_name(family));
  return 0;
}
