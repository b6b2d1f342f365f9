/* A connected stream socket reports EPOLLIN / EPOLLRDNORM when data arrives,
 * exactly the readable bits asked for, and nothing while it has no data
 * (even though it is writable, OUT was not asked for).
 * Argument: ipv4 | ipv6 | unix. */
#include "common.h"

static void expect_read_bits(HANDLE ep, SOCKET s, SOCKET peer, uint32_t mask,
                             uint32_t want, uint64_t data) {
  struct epoll_event out;
  char buf[16];
  ep_mod(ep, s, mask, data);
  ep_expect_none(ep, 100);
  send_all(peer, "hello", 5);
  ep_wait_one(ep, &out, 2000);
  CHECKF(out.data.u64 == data, "data %llu", (unsigned long long) out.data.u64);
  CHECKF(out.events == want, "mask 0x%x: got 0x%x, want 0x%x", mask,
         out.events, want);
  CHECK(recv(s, buf, sizeof buf, 0) == 5);
  CHECK(memcmp(buf, "hello", 5) == 0);
}

int main(int argc, char** argv) {
  int family;
  HANDLE ep;
  SOCKET c, s;
  test_init();
  family = test_family(argc, argv);

  tcp_pair(family, &c, &s);
  ep = epoll_create1(0);
  CHECK(ep != NULL);
  ep_add(ep, s, EPOLLIN | EPOLLRDNORM, 1);
  ep_expect_none(ep, 100);

  expect_read_bits(ep, s, c, EPOLLIN | EPOLLRDNORM, EPOLLIN | EPOLLRDNORM, 2);
  expect_read_bits(ep, s, c, EPOLLIN, EPOLLIN, 3);
  expect_read_bits(ep, s, c, EPOLLRDNORM, EPOLLRDNORM, 4);
  expect_read_bits(ep, s, c, EPOLLIN | EPOLLRDHUP, EPOLLIN, 5);

  CHECK(epoll_close(ep) == 0);
  closesocket(c);
  closesocket(s);
  printf("ok (%s)\n", family_name(family));
  return 0;
}
