/* epoll_close while another thread is blocked in epoll_wait(-1) on that
 * port: the waiter returns promptly (within ~2 s), with -1 and EBADF or with
 * 0, and the close itself succeeds. */
#include "common.h"

static HANDLE ep;
static volatile LONG started;
static int result;
static int result_errno;
static double returned_at;
static volatile LONG returned;

static DWORD WINAPI waiter(void* arg) {
  struct epoll_event evs[4];
  (void) arg;
  InterlockedExchange(&started, 1);
  result = epoll_wait(ep, evs, 4, -1);
  result_errno = errno;
  returned_at = now_ms();
  InterlockedExchange(&returned, 1);
  exit_gate_pass();
  return 0;
}

int main(void) {
  HANDLE thread;
  SOCKET a, b;
  double closed_at;
  DWORD w;
  test_init();

  ep = epoll_create1(0);
  CHECK(ep != NULL);
  udp_pair(AF_INET, &a, &b);
  ep_add(ep, a, EPOLLIN, 1); /* a registered socket that never fires */

  exit_gate_shut();
  thread = CreateThread(NULL, 0, waiter, NULL, 0, NULL);
  CHECK(thread != NULL);
  while (!started) sleep_ms(1);
  sleep_ms(300); /* let it block */
  CHECK(InterlockedCompareExchange(&returned, 0, 0) == 0);

  closed_at = now_ms();
  CHECK(epoll_close(ep) == 0);
  exit_gate_open();
  w = WaitForSingleObject(thread, 5000);
  if (w != WAIT_OBJECT_0) {
    fprintf(stderr, "FAIL: waiter still blocked 5 s after epoll_close\n");
    ExitProcess(1);
  }
  printf("waiter returned %d (errno %d) %.1f ms after epoll_close began\n",
         result, result_errno, returned_at - closed_at);
  CHECKF(result == 0 || (result == -1 && result_errno == EBADF),
         "returned %d, errno %d", result, result_errno);
  CHECKF(returned_at - closed_at < 2000, "took %.0f ms",
         returned_at - closed_at);
  CHECK_FAILS(epoll_close(ep), E_BADF);
  CloseHandle(thread);
  closesocket(a);
  closesocket(b);
  printf("ok\n");
  return 0;
}
