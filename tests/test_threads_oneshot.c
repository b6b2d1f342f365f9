/* 8 threads wait on one port holding one-shot sockets while the main thread
 * makes them readable and re-arms them with MOD: every event is delivered to
 * exactly one thread, exactly once per arming, over several rounds. */
#include "common.h"

#define THREADS 8
#define N 64
#define ROUNDS 4

static HANDLE ep;
static SOCKET socks[N];
static volatile LONG counts[N];
static volatile LONG total;
static volatile LONG stop;
static volatile LONG errors;
static volatile LONG per_thread[THREADS];

static DWORD WINAPI waiter(void* arg) {
  int me = (int) (intptr_t) arg;
  struct epoll_event evs[4];
  char buf[8];
  while (!stop) {
    int n = epoll_wait(ep, evs, 4, 50), k;
    if (n < 0) {
      InterlockedIncrement(&errors);
      return 1;
    }
    for (k = 0; k < n; k++) {
      uint64_t id = evs[k].data.u64;
      if (id >= N || evs[k].events != EPOLLIN) {
        InterlockedIncrement(&errors);
        continue;
      }
      /* Consume the datagram; the socket stays disarmed until MOD. */
      if (recv(socks[id], buf, sizeof buf, 0) != 1)
        InterlockedIncrement(&errors);
      InterlockedIncrement(&counts[id]);
      InterlockedIncrement(&per_thread[me]);
      InterlockedIncrement(&total);
    }
  }
  return 0;
}

int main(void) {
  HANDLE threads[THREADS];
  test_addr addrs[N];
  SOCKET peer;
  int i, r, busy = 0;
  test_init();

  ep = epoll_create1(0);
  CHECK(ep != NULL);
  peer = udp_bound(AF_INET, NULL);
  for (i = 0; i < N; i++) {
    socks[i] = udp_bound(AF_INET, &addrs[i]);
    ep_add(ep, socks[i], EPOLLIN | EPOLLONESHOT, (uint64_t) i);
  }
  for (i = 0; i < THREADS; i++) {
    threads[i] = CreateThread(NULL, 0, waiter, (void*) (intptr_t) i, 0, NULL);
    CHECK(threads[i] != NULL);
  }
  sleep_ms(100);

  for (r = 0; r < ROUNDS; r++) {
    double t0 = now_ms();
    if (r > 0)
      for (i = 0; i < N; i++)
        ep_mod(ep, socks[i], EPOLLIN | EPOLLONESHOT, (uint64_t) i);
    for (i = 0; i < N; i++)
      CHECK(sendto(peer, "d", 1, 0, (struct sockaddr*) &addrs[i].ss,
                   addrs[i].len) == 1);
    while (total < (LONG) N * (r + 1) && now_ms() - t0 < 10000) sleep_ms(5);
    /* Let any duplicate show up before checking. */
    sleep_ms(150);
    CHECKF(errors == 0, "%ld errors in waiter threads", (long) errors);
    CHECKF(total == (LONG) N * (r + 1), "round %d: total %ld, want %d", r,
           (long) total, N * (r + 1));
    for (i = 0; i < N; i++)
      CHECKF(counts[i] == r + 1, "round %d: socket %d delivered %ld times",
             r, i, (long) counts[i]);
  }

  stop = 1;
  CHECK(WaitForMultipleObjects(THREADS, threads, TRUE, 5000) ==
        WAIT_OBJECT_0);
  for (i = 0; i < THREADS; i++) {
    DWORD code = 1;
    CHECK(GetExitCodeThread(threads[i], &code) && code == 0);
    CloseHandle(threads[i]);
    if (per_thread[i] > 0) busy++;
    printf("thread %d: %ld events\n", i, (long) per_thread[i]);
  }
  printf("%d of %d threads received events\n", busy, THREADS);

  CHECK(epoll_close(ep) == 0);
  for (i = 0; i < N; i++) closesocket(socks[i]);
  closesocket(peer);
  printf("ok\n");
  return 0;
}
