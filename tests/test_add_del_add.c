/* ADD, DEL and ADD again while the first registration's poll is still
 * outstanding (wepoll issue 16): the new registration works, delivers its
 * events with its own data, and the old poll's completion is not reported. */
#include "common.h"

int main(void) {
  HANDLE ep;
  SOCKET c, s;
  struct epoll_event out;
  int round;
  test_init();

  tcp_pair(AF_INET, &c, &s);
  ep = epoll_create1(0);
  CHECK(ep != NULL);

  for (round = 0; round < 5; round++) {
    uint64_t first = (uint64_t) round * 10 + 1, second = first + 1;
    ep_add(ep, s, EPOLLIN, first);
    /* A wait with no events submits the poll and leaves it outstanding. */
    ep_expect_none(ep, 0);
    ep_del(ep, s);
    ep_add(ep, s, EPOLLIN, second);
    send_all(c, "x", 1);
    ep_wait_one(ep, &out, 2000);
    CHECKF(out.data.u64 == second, "round %d: data %llu", round,
           (unsigned long long) out.data.u64);
    CHECK(out.events == EPOLLIN);
    CHECK(drain(s) == 1);
    ep_expect_none(ep, 100);
    ep_del(ep, s);
  }

  /* Same with a different mask on the re-ADD. */
  ep_add(ep, s, EPOLLIN, 100);
  ep_expect_none(ep, 0);
  ep_del(ep, s);
  ep_add(ep, s, EPOLLOUT, 101);
  ep_wait_one(ep, &out, 2000);
  CHECK(out.data.u64 == 101 && out.events == EPOLLOUT);

  /* And with the data arriving between DEL and re-ADD. */
  ep_del(ep, s);
  ep_add(ep, s, EPOLLIN, 200);
  ep_expect_none(ep, 0);
  ep_del(ep, s);
  send_all(c, "y", 1);
  sleep_ms(50);
  ep_add(ep, s, EPOLLIN, 201);
  ep_wait_one(ep, &out, 2000);
  CHECK(out.data.u64 == 201 && out.events == EPOLLIN);
  ep_wait_one(ep, &out, 2000);
  CHECK(out.data.u64 == 201);

  CHECK(epoll_close(ep) == 0);
  closesocket(c);
  closesocket(s);
  printf("ok\n");
  return 0;
}
