/* epoll_close while 4 threads are blocked in epoll_wait on that port (two
 * with -1, two with a 60 s timeout): every one of them returns within ~2 s,
 * with -1 and EBADF or with 0. */
#include "common.h"

#define WAITERS 4

static HANDLE ep;
static volatile LONG started;
static int results[WAITERS];
static int errnos[WAITERS];
static double returned_at[WAITERS];
static volatile LONG returned;

static DWORD WINAPI waiter(void* arg) {
  int me = (int) (intptr_t) arg;
  struct epoll_event evs[4];
  InterlockedIncrement(&started);
  results[me] = epoll_wait(ep, evs, 4, me % 2 ? 60000 : -1);
  errnos[me] = errno;
  returned_at[me] = now_ms();
  InterlockedIncrement(&returned);
  exit_gate_pass();
  return 0;
}

int main(void) {
  HANDLE threads[WAITERS];
  SOCKET a, b;
  double closed_at;
  int i;
  test_init();

  ep = epoll_create1(0);
  CHECK(ep != NULL);
  udp_pair(AF_INET, &a, &b);
  ep_add(ep, a, EPOLLIN, 1);
  exit_gate_shut();
  for (i = 0; i < WAITERS; i++) {
    threads[i] = CreateThread(NULL, 0, waiter, (void*) (intptr_t) i, 0, NULL);
    CHECK(threads[i] != NULL);
  }
  while (started < WAITERS) sleep_ms(1);
  sleep_ms(300);
  CHECK(InterlockedCompareExchange(&returned, 0, 0) == 0);

  closed_at = now_ms();
  CHECK(epoll_close(ep) == 0);
  exit_gate_open();
  if (WaitForMultipleObjects(WAITERS, threads, TRUE, 5000) != WAIT_OBJECT_0) {
    fprintf(stderr, "FAIL: a waiter still blocked 5 s after epoll_close\n");
    ExitProcess(1);
  }
  for (i = 0; i < WAITERS; i++) {
    double took = returned_at[i] - closed_at;
    printf("waiter %d: %d (errno %d) after %.1f ms\n", i, results[i],
           errnos[i], took);
    CHECKF(results[i] == 0 || (results[i] == -1 && errnos[i] == EBADF),
           "waiter %d returned %d, errno %d", i, results[i], errnos[i]);
    CHECKF(took < 2000, "waiter %d took %.0f ms", i, took);
    CloseHandle(threads[i]);
  }
  closesocket(a);
  closesocket(b);
  printf("ok\n");
  return 0;
}
