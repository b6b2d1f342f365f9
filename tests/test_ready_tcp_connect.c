/* A non-blocking connect that succeeds reports EPOLLOUT (with WRNORM when
 * asked) and no error; data then sent by the server reports EPOLLIN.
 * Argument: ipv4 | ipv6 | unix. */
#include "common.h"

int main(int argc, char** argv) {
  int family, err = -1, len = sizeof err;
  HANDLE ep;
  SOCKET l, c, a;
  test_addr addr;
  struct epoll_event out;
  test_init();
  family = test_family(argc, argv);

  l = tcp_listener(family, &addr);
  ep = epoll_create1(0);
  CHECK(ep != NULL);

  c = tcp_connect_nonblocking(family, &addr);
  ep_add(ep, c, EPOLLOUT | EPOLLWRNORM | EPOLLIN | EPOLLRDHUP, 21);
  ep_wait_one(ep, &out, 5000);
  CHECK(out.data.u64 == 21);
  CHECKF(out.events == (EPOLLOUT | EPOLLWRNORM), "got 0x%x", out.events);
  CHECK(getsockopt(c, SOL_SOCKET, SO_ERROR, (char*) &err, &len) == 0);
  CHECK(err == 0);

  a = accept(l, NULL, NULL);
  CHECK(a != INVALID_SOCKET);
  send_all(a, "z", 1);
  ep_mod(ep, c, EPOLLIN, 22);
  ep_wait_one(ep, &out, 2000);
  CHECK(out.data.u64 == 22);
  CHECKF(out.events == EPOLLIN, "got 0x%x", out.events);

  CHECK(epoll_close(ep) == 0);
  closesocket(a);
  closesocket(c);
  closesocket(l);
  if (family == AF_UNIX) DeleteFileA(((struct sockaddr_un*) &addr.ss)->sun_path);
  printf("ok (%s)\n", family_name(family));
  return 0;
}
