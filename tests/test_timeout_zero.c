/* epoll_wait with timeout 0 returns at once: 0 with nothing ready (also on
 * an empty port), the ready event when there is one. */
#include "common.h"

int main(void) {
  HANDLE ep;
  SOCKET a, b;
  struct epoll_event evs[4];
  double t0, worst = 0;
  int i;
  test_init();

  ep = epoll_create1(0);
  CHECK(ep != NULL);
  for (i = 0; i < 20; i++) {
    t0 = now_ms();
    CHECK(ep_wait(ep, evs, 4, 0) == 0);
    if (now_ms() - t0 > worst) worst = now_ms() - t0;
  }
  udp_pair(AF_INET, &a, &b);
  ep_add(ep, a, EPOLLIN, 1);
  for (i = 0; i < 20; i++) {
    t0 = now_ms();
    CHECK(ep_wait(ep, evs, 4, 0) == 0);
    if (now_ms() - t0 > worst) worst = now_ms() - t0;
  }
  printf("slowest zero-timeout wait: %.2f ms\n", worst);
  CHECKF(worst < 40, "a zero-timeout wait took %.1f ms", worst);

  send_all(b, "x", 1);
  sleep_ms(100);
  t0 = now_ms();
  CHECK(ep_wait(ep, evs, 4, 0) == 1);
  CHECK(now_ms() - t0 < 40);
  CHECK(evs[0].data.u64 == 1 && evs[0].events == EPOLLIN);

  CHECK(epoll_close(ep) == 0);
  closesocket(a);
  closesocket(b);
  printf("ok\n");
  return 0;
}
