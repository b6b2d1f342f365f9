/* A peer's FIN that arrives behind unread data is reported as EPOLLRDHUP
 * together with EPOLLIN before the data is read, as on Linux.
 * Wine 8 reports only RECEIVE until the data is read (docs/testing.md).
 * Argument: ipv4 | ipv6 | unix. */
#include "common.h"

int main(int argc, char** argv) {
  int family;
  HANDLE ep;
  SOCKET c, s;
  struct epoll_event out;
  const uint32_t mask = EPOLLIN | EPOLLRDNORM | EPOLLRDHUP;
  test_init();
  family = test_family(argc, argv);
  skip_wine("AFD reports DISCONNECT only after unread data is read");

  tcp_pair(family, &c, &s);
  send_all(c, "data", 4);
  CHECK(shutdown(c, SD_SEND) == 0);
  sleep_ms(200);

  ep = epoll_create1(0);
  CHECK(ep != NULL);
  ep_add(ep, s, mask, 41);
  ep_wait_one(ep, &out, 2000);
  CHECK(out.data.u64 == 41);
  CHECKF(out.events == mask, "got 0x%x, want 0x%x", out.events, mask);

  CHECK(epoll_close(ep) == 0);
  closesocket(c);
  closesocket(s);
  printf("ok (%s)\n", family_name(family));
  return 0;
}
