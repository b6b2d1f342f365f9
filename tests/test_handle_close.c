/* epoll_close with handles registered: signaled ones with packets queued,
 * armed ones, one-shot ones disarmed, deleted ones whose packet is still
 * owed, and a thread blocked in epoll_wait.  Close returns, the waiter gets
 * EBADF, and every kernel handle the port made is gone (the process's
 * handle count, tests/handle_count.h, is back where it was), for several
 * rounds. */
#include "handle_count.h"
#include "handles.h"

enum { COUNT = 64, ROUNDS = 5 };

/* Takes what is ready until the port is closed under it. */
static DWORD WINAPI blocked_waiter(void* arg) {
  struct epoll_event out[4];
  int n;
  do
    n = epoll_wait((HANDLE) arg, out, 4, 20000);
  while (n > 0);
  return n == -1 && errno == EBADF ? 0 : 1;
}

static void round_with(HANDLE* events, int round) {
  HANDLE ep = epoll_create1(0);
  HANDLE waiter;
  struct epoll_event out[4];
  DWORD code = 1;
  int i;
  CHECK(ep != NULL);
  for (i = 0; i < COUNT; i++)
    hep_add(ep, events[i], EPOLLIN | (i % 4 == 0 ? EPOLLONESHOT : 0),
            (uint64_t) i);
  /* A quarter signaled and reported (one-shot ones now disarmed)... */
  for (i = 0; i < COUNT; i += 4)
    CHECK(SetEvent(events[i]));
  Sleep(50);
  CHECK(ep_wait(ep, out, 4, 1000) > 0);
  /* ...some signaled with packets queued, some deleted after signaling. */
  for (i = 1; i < COUNT; i += 4)
    CHECK(SetEvent(events[i]));
  for (i = 2; i < COUNT; i += 8) {
    CHECK(SetEvent(events[i]));
    hep_del(ep, events[i]);
  }
  waiter = CreateThread(NULL, 0, blocked_waiter, ep, 0, NULL);
  CHECK(waiter != NULL);
  if (round % 2 == 0)
    Sleep(50); /* let it block, or close while it gets there */
  CHECK(epoll_close(ep) == 0);
  CHECK(WaitForSingleObject(waiter, 10000) == WAIT_OBJECT_0);
  CHECK(GetExitCodeThread(waiter, &code) && code == 0);
  CloseHandle(waiter);
  CHECK_FAILS(wepoll_ctl_handle(ep, EPOLL_CTL_ADD, events[0], &out[0]),
              E_BADF);
  /* Signals after close reach no one, and touch no freed memory. */
  for (i = 0; i < COUNT; i++)
    CHECK(SetEvent(events[i]));
  Sleep(20);
  for (i = 0; i < COUNT; i++)
    ResetEvent(events[i]);
}

int main(void) {
  HANDLE events[COUNT];
  DWORD before, after;
  int i, round;
  test_init();
  print_handle_backend();
  for (i = 0; i < COUNT; i++) {
    events[i] = CreateEventW(NULL, FALSE, FALSE, NULL);
    CHECK(events[i] != NULL);
  }
  round_with(events, 0); /* the first round loads what stays loaded */
  Sleep(100);
  before = process_handle_count(NULL);
  for (round = 1; round <= ROUNDS; round++)
    round_with(events, round);
  Sleep(200); /* thread-pool wait threads retire lazily */
  after = process_handle_count(NULL);
  printf("handles: %lu before, %lu after %d rounds\n", (unsigned long) before,
         (unsigned long) after, ROUNDS);
  /* A port's own handles (IOCP, one wait packet per registration) would
   * add up to COUNT + 1 per round; a few come and go with pool threads. */
  CHECKF(after <= before + 8, "handle count grew from %lu to %lu",
         (unsigned long) before, (unsigned long) after);
  for (i = 0; i < COUNT; i++)
    CloseHandle(events[i]);
  printf("OK\n");
  return 0;
}
