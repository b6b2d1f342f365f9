/* epoll_wait with a 50 ms timeout and nothing ready returns 0 after about
 * 50 ms: not before ~45 ms, and well under a second (machines are noisy). */
#include "common.h"

int main(void) {
  HANDLE ep;
  SOCKET a, b;
  struct epoll_event evs[4];
  int i;
  test_init();

  ep = epoll_create1(0);
  CHECK(ep != NULL);
  udp_pair(AF_INET, &a, &b);
  ep_add(ep, a, EPOLLIN, 1);
  for (i = 0; i < 5; i++) {
    double t0 = now_ms(), took;
    CHECK(ep_wait(ep, evs, 4, 50) == 0);
    took = now_ms() - t0;
    printf("wait(50) took %.1f ms\n", took);
    CHECKF(took >= 45, "returned after %.1f ms", took);
    CHECKF(took < 1000, "returned after %.1f ms", took);
  }

  /* An event inside the window ends the wait early. */
  send_all(b, "x", 1);
  {
    double t0 = now_ms();
    CHECK(ep_wait(ep, evs, 4, 5000) == 1);
    CHECK(now_ms() - t0 < 1000);
  }

  CHECK(epoll_close(ep) == 0);
  closesocket(a);
  closesocket(b);
  printf("ok\n");
  return 0;
}
