/* No handle growth: 1,000 cycles of create port / create socket / ADD / wait
 * / close socket (with or without DEL) / close port leave the process handle
 * count where it was (a slack of 5). */
#include "common.h"

#define CYCLES 1000
#define SLACK 5

static void cycle(int i) {
  HANDLE ep = epoll_create1(0);
  SOCKET a, b;
  struct epoll_event evs[2];
  CHECK(ep != NULL);
  udp_pair(AF_INET, &a, &b);
  ep_add(ep, a, EPOLLIN | EPOLLOUT, 1);
  CHECK(ep_wait(ep, evs, 2, 0) >= 0);
  if (i % 3 == 0) ep_del(ep, a);
  if (i % 3 == 1) send_all(b, "x", 1);
  closesocket(a);
  closesocket(b);
  if (i % 2) CHECK(ep_wait(ep, evs, 2, 0) >= 0);
  CHECK(epoll_close(ep) == 0);
}

int main(void) {
  DWORD before = 0, after = 0;
  int i;
  test_init();

  if (!GetProcessHandleCount(GetCurrentProcess(), &before)) {
    skip_wine("GetProcessHandleCount is not implemented");
    CHECK(!"GetProcessHandleCount failed");
  }
  /* The counter must track handles, or the test proves nothing. */
  {
    HANDLE evs[10];
    DWORD with = 0;
    for (i = 0; i < 10; i++) CHECK((evs[i] = CreateEventA(NULL, 0, 0, NULL)));
    CHECK(GetProcessHandleCount(GetCurrentProcess(), &with));
    for (i = 0; i < 10; i++) CloseHandle(evs[i]);
    if (with < before + 10) {
      skip_wine("GetProcessHandleCount does not count handles");
      CHECKF(0, "10 new handles moved the count from %lu to %lu",
             (unsigned long) before, (unsigned long) with);
    }
  }
  /* Warm up: first-use allocations (Winsock, AFD device handles) are not
   * growth. */
  for (i = 0; i < 20; i++) cycle(i);
  CHECK(GetProcessHandleCount(GetCurrentProcess(), &before));
  for (i = 0; i < CYCLES; i++) cycle(i);
  CHECK(GetProcessHandleCount(GetCurrentProcess(), &after));
  printf("handles: %lu before, %lu after %d cycles\n", (unsigned long) before,
         (unsigned long) after, CYCLES);
  CHECKF(after <= before + SLACK, "grew by %ld handles",
         (long) after - (long) before);
  printf("ok\n");
  return 0;
}
