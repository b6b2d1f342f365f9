/* A connected stream socket reports EPOLLOUT / WRNORM (only those asked
 * for; never WRBAND, as Linux's TCP) while it can send, stops reporting them while its send buffer
 * is full, and reports them again once the peer has read.
 * Argument: ipv4 | ipv6 | unix. */
#include "common.h"

int main(int argc, char** argv) {
  int family, size = 4096, i;
  HANDLE ep;
  SOCKET c, s;
  struct epoll_event out;
  static char chunk[16384];
  long long sent = 0;
  const uint32_t all = EPOLLOUT | EPOLLWRNORM | EPOLLWRBAND;
  test_init();
  family = test_family(argc, argv);

  tcp_pair(family, &c, &s);
  ep = epoll_create1(0);
  CHECK(ep != NULL);

  ep_add(ep, c, all, 1);
  ep_wait_one(ep, &out, 2000);
  CHECK(out.data.u64 == 1);
  CHECKF(out.events == (EPOLLOUT | EPOLLWRNORM), "got 0x%x", out.events);

  ep_mod(ep, c, EPOLLOUT, 2);
  ep_wait_one(ep, &out, 2000);
  CHECK(out.data.u64 == 2);
  CHECKF(out.events == EPOLLOUT, "got 0x%x", out.events);

  ep_mod(ep, c, EPOLLWRNORM | EPOLLIN, 3);
  ep_wait_one(ep, &out, 2000);
  CHECK(out.data.u64 == 3);
  CHECKF(out.events == EPOLLWRNORM, "got 0x%x", out.events);

  /* Fill the send path until the socket would block. */
  setsockopt(c, SOL_SOCKET, SO_SNDBUF, (const char*) &size, sizeof size);
  setsockopt(s, SOL_SOCKET, SO_RCVBUF, (const char*) &size, sizeof size);
  set_nonblocking(c, 1);
  for (i = 0; i < 8192; i++) {
    int n = send(c, chunk, sizeof chunk, 0);
    if (n < 0) {
      CHECKF(WSAGetLastError() == WSAEWOULDBLOCK, "send: %d",
             WSAGetLastError());
      break;
    }
    sent += n;
  }
  CHECKF(i < 8192, "send never blocked after %lld bytes", sent);
  printf("send buffer full after %lld bytes\n", sent);

  ep_mod(ep, c, EPOLLOUT, 4);
  ep_expect_none(ep, 200);

  /* The peer reads; the socket becomes writable again. */
  for (i = 0; i < 200; i++) {
    int n;
    drain(s);
    n = ep_wait(ep, &out, 1, 50);
    if (n == 1)
      break;
  }
  CHECKF(i < 200, "never writable again");
  CHECK(out.data.u64 == 4);
  CHECKF(out.events == EPOLLOUT, "got 0x%x", out.events);

  CHECK(epoll_close(ep) == 0);
  closesocket(c);
  closesocket(s);
  printf("ok (%s)\n", family_name(family));
  return 0;
}
