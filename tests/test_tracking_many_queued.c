/* A close-tracking port reads every packet queued before a wait polls
 * anything, and more may be queued than one read of the completion port
 * takes: with 300 sockets whose polls have all completed before the wait,
 * every socket is reported, once (one-shot), and none is lost between
 * reads. */
#include "common.h"

#define SOCKETS 300 /* more than one read of the port takes (256) */

static SOCKET a[SOCKETS], b[SOCKETS];
static int seen[SOCKETS];
static struct epoll_event out[SOCKETS + 16];

int main(void) {
  HANDLE ep;
  int i, reported = 0;
  double deadline;
  test_init();

  ep = epoll_create1(WEPOLL_CLOSE_TRACKING);
  CHECK(ep != NULL);
  for (i = 0; i < SOCKETS; i++) {
    udp_pair(AF_INET, &a[i], &b[i]);
    ep_add(ep, a[i], EPOLLIN | EPOLLONESHOT, (uint64_t) i);
  }
  ep_expect_none(ep, 0); /* every poll is now outstanding */
  for (i = 0; i < SOCKETS; i++)
    send_all(b[i], "x", 1);
  sleep_ms(500); /* the polls complete; their packets queue on the port */

  deadline = now_ms() + 5000;
  while (reported < SOCKETS && now_ms() < deadline) {
    int n = epoll_wait(ep, out, SOCKETS + 16, 1000), k;
    CHECKF(n >= 0, "epoll_wait returned %d", n);
    for (k = 0; k < n; k++) {
      uint64_t d = out[k].data.u64;
      CHECKF(d < SOCKETS, "unknown data %llu", (unsigned long long) d);
      CHECKF(out[k].events & EPOLLIN, "socket %d: events 0x%x", (int) d,
             (unsigned) out[k].events);
      CHECKF(!seen[d], "socket %d reported twice (one-shot)", (int) d);
      seen[d] = 1;
      reported++;
    }
  }
  CHECKF(reported == SOCKETS, "%d of %d sockets reported", reported, SOCKETS);
  ep_expect_none(ep, 100); /* one-shot: nothing more */
  CHECK(epoll_close(ep) == 0);
  for (i = 0; i < SOCKETS; i++) {
    closesocket(a[i]);
    closesocket(b[i]);
  }
  printf("ok: %d sockets reported once\n", reported);
  return 0;
}
