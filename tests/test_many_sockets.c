/* 10,000 registered UDP sockets, one of them active: epoll_wait returns
 * exactly that one, with its data, and nothing once it is drained.  Fewer
 * sockets if the system runs out (the count is printed). */
#include "common.h"

#define WANT 10000

int main(void) {
  HANDLE ep;
  SOCKET* socks;
  SOCKET peer;
  test_addr addr;
  struct epoll_event evs[16];
  int n = 0, i, active, got;
  double t0;
  test_init();

  socks = (SOCKET*) calloc(WANT, sizeof(SOCKET));
  CHECK(socks != NULL);
  ep = epoll_create1(0);
  CHECK(ep != NULL);
  t0 = now_ms();
  for (n = 0; n < WANT; n++) {
    socks[n] = socket(AF_INET, SOCK_DGRAM, 0);
    if (socks[n] == INVALID_SOCKET) {
      printf("socket() failed after %d sockets (%d)\n", n, WSAGetLastError());
      break;
    }
    ep_add(ep, socks[n], EPOLLIN, (uint64_t) n);
  }
  printf("%d sockets registered in %.0f ms\n", n, now_ms() - t0);
  CHECKF(n >= 1000, "only %d sockets could be created", n);

  t0 = now_ms();
  ep_expect_none(ep, 0);
  printf("first wait (submitting polls) %.0f ms\n", now_ms() - t0);
  ep_expect_none(ep, 100);

  active = n / 2 + 17;
  bind_loopback(socks[active], AF_INET, &addr);
  peer = udp_bound(AF_INET, NULL);
  CHECK(sendto(peer, "x", 1, 0, (struct sockaddr*) &addr.ss, addr.len) == 1);

  t0 = now_ms();
  got = ep_wait(ep, evs, 16, 5000);
  printf("active socket reported after %.1f ms\n", now_ms() - t0);
  CHECKF(got == 1, "%d events", got);
  CHECK(evs[0].data.u64 == (uint64_t) active && evs[0].events == EPOLLIN);
  /* Again (level-triggered), still alone. */
  got = ep_wait(ep, evs, 16, 2000);
  CHECKF(got == 1 && evs[0].data.u64 == (uint64_t) active, "%d events",
         got);
  CHECK(drain(socks[active]) == 1);
  ep_expect_none(ep, 200);

  t0 = now_ms();
  CHECK(epoll_close(ep) == 0);
  printf("epoll_close %.0f ms\n", now_ms() - t0);
  for (i = 0; i < n; i++) closesocket(socks[i]);
  closesocket(peer);
  free(socks);
  printf("ok (%d sockets)\n", n);
  return 0;
}
