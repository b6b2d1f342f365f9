/* Several threads blocked in epoll_wait (no timeout) on one port, and
 * packets posted to it by the program in bursts: each packet wakes one
 * wait, so the waits that return add up to the packets posted, no more,
 * no fewer.  (A registered socket is never ready: a wait woken by a packet
 * returns what is ready, so with results around a wake-up could not be
 * told from a report.) */
#include "common.h"

enum { THREADS = 4, POSTS = 400 };

static HANDLE ep;
static volatile LONG woken;    /* waits that returned 0 */
static volatile LONG reported; /* socket reports */

static DWORD WINAPI waiter(void* arg) {
  struct epoll_event out[2];
  (void) arg;
  for (;;) {
    int n = epoll_wait(ep, out, 2, -1);
    if (n < 0) { /* the port was closed */
      int why = errno;
      exit_gate_pass();
      return why == EBADF ? 0 : 1;
    }
    if (n == 0)
      InterlockedIncrement(&woken);
    else
      InterlockedExchangeAdd(&reported, n);
  }
}

int main(void) {
  HANDLE threads[THREADS];
  SOCKET a, b;
  double deadline;
  LONG seen;
  int i;
  test_init();
  ep = epoll_create1(0);
  CHECK(ep != NULL);
  udp_pair(AF_INET, &a, &b);
  ep_add(ep, a, EPOLLIN, 1);
  exit_gate_shut();
  for (i = 0; i < THREADS; i++) {
    threads[i] = CreateThread(NULL, 0, waiter, NULL, 0, NULL);
    CHECK(threads[i] != NULL);
  }
  Sleep(100);
  for (i = 0; i < POSTS; i++) {
    CHECK(PostQueuedCompletionStatus(ep, 0, i % 2 ? 7 : 0, NULL));
    if (i % 50 == 0)
      Sleep(5);
  }
  deadline = now_ms() + 10000;
  while ((seen = InterlockedCompareExchange(&woken, 0, 0)) < POSTS &&
         now_ms() < deadline)
    Sleep(10);
  CHECKF(seen == POSTS, "%ld of %d posted packets woke a wait", (long) seen,
         POSTS);
  Sleep(300); /* a packet that woke two waits would show now */
  seen = InterlockedCompareExchange(&woken, 0, 0);
  CHECKF(seen == POSTS, "%ld waits woken by %d posted packets", (long) seen,
         POSTS);
  printf("%d posts woke %ld waits of %d threads\n", POSTS, (long) seen,
         THREADS);
  CHECK(reported == 0);
  CHECK(epoll_close(ep) == 0);
  exit_gate_open();
  for (i = 0; i < THREADS; i++) {
    DWORD code = 1;
    CHECK(WaitForSingleObject(threads[i], 10000) == WAIT_OBJECT_0);
    CHECK(GetExitCodeThread(threads[i], &code) && code == 0);
    CloseHandle(threads[i]);
  }
  closesocket(a);
  closesocket(b);
  printf("OK\n");
  return 0;
}
