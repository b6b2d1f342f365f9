/* maxevents smaller than the ready set: 40 readable one-shot sockets read
 * with maxevents 7 are each delivered exactly once over several calls, none
 * lost, and no call returns more than 7. */
#include "common.h"

#define N 40
#define MAXEV 7

int main(void) {
  HANDLE ep;
  SOCKET socks[N], peer;
  test_addr addrs[N];
  int counts[N] = {0};
  int total = 0, calls = 0, i, k;
  struct epoll_event evs[MAXEV + 1];
  test_init();

  peer = udp_bound(AF_INET, NULL);
  ep = epoll_create1(0);
  CHECK(ep != NULL);
  for (i = 0; i < N; i++) {
    socks[i] = udp_bound(AF_INET, &addrs[i]);
    ep_add(ep, socks[i], EPOLLIN | EPOLLONESHOT, (uint64_t) i);
  }
  ep_expect_none(ep, 0);
  for (i = 0; i < N; i++)
    CHECK(sendto(peer, "d", 1, 0, (struct sockaddr*) &addrs[i].ss,
                 addrs[i].len) == 1);

  /* A sentinel after the 7 slots must stay untouched. */
  while (total < N && calls < 200) {
    int n;
    memset(evs, 0, sizeof evs);
    evs[MAXEV].data.u64 = UINT64_C(0xdeadbeef);
    n = ep_wait(ep, evs, MAXEV, 100);
    CHECK(evs[MAXEV].data.u64 == UINT64_C(0xdeadbeef));
    calls++;
    for (k = 0; k < n; k++) {
      uint64_t id = evs[k].data.u64;
      CHECKF(id < N, "bad data %llu", (unsigned long long) id);
      CHECK(evs[k].events == EPOLLIN);
      counts[id]++;
      CHECKF(counts[id] == 1, "socket %d delivered twice", (int) id);
      total++;
    }
  }
  printf("%d events in %d calls\n", total, calls);
  CHECKF(total == N, "only %d of %d delivered", total, N);
  CHECK(calls >= (N + MAXEV - 1) / MAXEV);
  ep_expect_none(ep, 200);

  /* Re-arm all: each once more. */
  for (i = 0; i < N; i++)
    ep_mod(ep, socks[i], EPOLLIN | EPOLLONESHOT, (uint64_t) i);
  total = 0;
  for (calls = 0; total < N && calls < 200; calls++) {
    int n = ep_wait(ep, evs, MAXEV, 100);
    for (k = 0; k < n; k++) {
      uint64_t id = evs[k].data.u64;
      CHECK(id < N);
      counts[id]++;
      CHECKF(counts[id] == 2, "socket %d delivered %d times", (int) id,
             counts[id]);
      total++;
    }
  }
  CHECKF(total == N, "re-armed: only %d of %d delivered", total, N);
  ep_expect_none(ep, 200);

  CHECK(epoll_close(ep) == 0);
  for (i = 0; i < N; i++) closesocket(socks[i]);
  closesocket(peer);
  printf("ok\n");
  return 0;
}
