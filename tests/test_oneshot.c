/* EPOLLONESHOT, as (1u << 30) and as (1u << 31) (the value wepoll 1.5.8
 * binaries pass): a ready socket is reported once, then not again while it
 * stays ready, until EPOLL_CTL_MOD re-arms it; the one-shot flag is never
 * echoed back in the reported events. */
#include "common.h"

static void oneshot(uint32_t flag) {
  HANDLE ep;
  SOCKET c, s;
  struct epoll_event out;
  int round;

  printf("one-shot bit 0x%08x\n", flag);
  tcp_pair(AF_INET, &c, &s);
  ep = epoll_create1(0);
  CHECK(ep != NULL);
  ep_add(ep, s, EPOLLIN | flag, 100);
  ep_expect_none(ep, 50);
  send_all(c, "data", 4);

  for (round = 0; round < 3; round++) {
    ep_wait_one(ep, &out, 2000);
    CHECK(out.data.u64 == (uint64_t) 100 + round);
    CHECKF(out.events == EPOLLIN, "got 0x%x", out.events);
    /* Disarmed although the data is still unread. */
    ep_expect_none(ep, 0);
    ep_expect_none(ep, 150);
    ep_mod(ep, s, EPOLLIN | flag, (uint64_t) 101 + round);
  }
  ep_wait_one(ep, &out, 2000);
  CHECK(out.data.u64 == 103);

  /* Re-armed with a mask that does not match: nothing; then one that does. */
  ep_mod(ep, s, EPOLLPRI | flag, 104);
  ep_expect_none(ep, 150);
  ep_mod(ep, s, EPOLLOUT | flag, 105);
  ep_wait_one(ep, &out, 2000);
  CHECK(out.data.u64 == 105 && out.events == EPOLLOUT);
  ep_expect_none(ep, 100);

  /* Re-arming without the flag makes it level-triggered again. */
  ep_mod(ep, s, EPOLLIN, 106);
  ep_wait_one(ep, &out, 2000);
  CHECK(out.data.u64 == 106 && out.events == EPOLLIN);
  ep_wait_one(ep, &out, 2000);
  CHECK(out.data.u64 == 106 && out.events == EPOLLIN);

  /* A disarmed socket can still be deleted and re-added. */
  ep_mod(ep, s, EPOLLIN | flag, 107);
  ep_wait_one(ep, &out, 2000);
  CHECK(out.data.u64 == 107);
  ep_del(ep, s);
  ep_add(ep, s, EPOLLIN | flag, 108);
  ep_wait_one(ep, &out, 2000);
  CHECK(out.data.u64 == 108 && out.events == EPOLLIN);
  ep_expect_none(ep, 100);

  CHECK(epoll_close(ep) == 0);
  closesocket(c);
  closesocket(s);
}

int main(void) {
  test_init();
  oneshot(EPOLLONESHOT);
  oneshot(1u << 31);
  printf("ok\n");
  return 0;
}
