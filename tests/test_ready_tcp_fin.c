/* A peer's FIN (shutdown SD_SEND) reports EPOLLIN | EPOLLRDNORM | EPOLLRDHUP
 * (only the ones asked for), repeatedly, and recv then returns 0.  With data
 * sent before the FIN, RDHUP is reported at the latest once the data is
 * read (Wine reports it only then; test_ready_tcp_fin_unread
 * covers the Windows behaviour).  Argument: ipv4 | ipv6 | unix. */
#include "common.h"

static void fin_no_data(int family, uint32_t mask, uint32_t want) {
  HANDLE ep;
  SOCKET c, s;
  struct epoll_event out;
  char buf[8];

  tcp_pair(family, &c, &s);
  ep = epoll_create1(0);
  CHECK(ep != NULL);
  ep_add(ep, s, mask, 31);
  if (mask & EPOLLOUT) {
    /* Writable, nothing else yet. */
    ep_wait_one(ep, &out, 2000);
    CHECKF(out.events == EPOLLOUT, "before FIN: got 0x%x", out.events);
  } else {
    ep_expect_none(ep, 100);
  }
  CHECK(shutdown(c, SD_SEND) == 0);
  ep_wait_one(ep, &out, 2000);
  CHECK(out.data.u64 == 31);
  CHECKF(out.events == want, "mask 0x%x: got 0x%x, want 0x%x", mask,
         out.events, want);
  /* Level-triggered: the state persists. */
  ep_wait_one(ep, &out, 2000);
  CHECKF(out.events == want, "again: got 0x%x", out.events);
  CHECK(recv(s, buf, sizeof buf, 0) == 0);
  ep_wait_one(ep, &out, 2000);
  CHECKF(out.events == want, "after recv: got 0x%x", out.events);
  CHECK(epoll_close(ep) == 0);
  closesocket(c);
  closesocket(s);
}

static void fin_after_data(int family) {
  HANDLE ep;
  SOCKET c, s;
  struct epoll_event out;
  const uint32_t mask = EPOLLIN | EPOLLRDNORM | EPOLLRDHUP;
  int i;

  tcp_pair(family, &c, &s);
  ep = epoll_create1(0);
  CHECK(ep != NULL);
  ep_add(ep, s, mask, 32);
  send_all(c, "data", 4);
  CHECK(shutdown(c, SD_SEND) == 0);
  ep_wait_one(ep, &out, 2000);
  CHECK(out.data.u64 == 32);
  CHECKF(out.events & EPOLLIN, "got 0x%x", out.events);
  CHECKF((out.events & ~mask) == 0, "got 0x%x", out.events);

  CHECK(drain(s) == 4);
  for (i = 0; i < 20; i++) {
    ep_wait_one(ep, &out, 2000);
    if (out.events & EPOLLRDHUP) break;
  }
  CHECKF(out.events == mask, "after reading: got 0x%x", out.events);
  CHECK(epoll_close(ep) == 0);
  closesocket(c);
  closesocket(s);
}

int main(int argc, char** argv) {
  int family;
  test_init();
  family = test_family(argc, argv);

  fin_no_data(family, EPOLLIN | EPOLLRDNORM | EPOLLRDHUP,
              EPOLLIN | EPOLLRDNORM | EPOLLRDHUP);
  fin_no_data(family, EPOLLIN | EPOLLRDHUP | EPOLLOUT,
              EPOLLIN | EPOLLRDHUP | EPOLLOUT);
  fin_no_data(family, EPOLLIN, EPOLLIN);
  fin_no_data(family, EPOLLRDHUP, EPOLLRDHUP);
  fin_after_data(family);

  printf("ok (%s)\n", family_name(family));
  return 0;
}
