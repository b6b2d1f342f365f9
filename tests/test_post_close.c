/* Packets posted to a port while it is being closed: a thread posts
 * without pause (through a duplicate of the port's handle, so that it never
 * posts to a value that the close has freed for another object) while
 * threads wait and the port is closed.  Nothing crashes, every waiter
 * returns (EBADF once the port is closed), and close returns. */
#include "common.h"

enum { THREADS = 4, ROUNDS = 30 };

static HANDLE ep, ep_copy;
static volatile LONG stop_posting;

static DWORD WINAPI waiter(void* arg) {
  struct epoll_event out[4];
  (void) arg;
  for (;;) {
    int n = epoll_wait(ep, out, 4, -1);
    if (n < 0) {
      int why = errno;
      exit_gate_pass();
      return why == EBADF || why == EINVAL ? 0 : 1;
    }
  }
}

static DWORD WINAPI poster(void* arg) {
  LONG i = 0;
  (void) arg;
  while (!InterlockedCompareExchange(&stop_posting, 0, 0))
    PostQueuedCompletionStatus(ep_copy, 0, (ULONG_PTR) (i++ % 3), NULL);
  return 0;
}

int main(void) {
  HANDLE threads[THREADS], post_thread;
  SOCKET a, b;
  int round, i;
  test_init();
  udp_pair(AF_INET, &a, &b);
  for (round = 0; round < ROUNDS; round++) {
    ep = epoll_create1(0);
    CHECK(ep != NULL);
    CHECK(DuplicateHandle(GetCurrentProcess(), ep, GetCurrentProcess(),
                          &ep_copy, 0, FALSE, DUPLICATE_SAME_ACCESS));
    ep_add(ep, a, EPOLLIN, 1);
    InterlockedExchange(&stop_posting, 0);
    exit_gate_shut();
    post_thread = CreateThread(NULL, 0, poster, NULL, 0, NULL);
    CHECK(post_thread != NULL);
    for (i = 0; i < THREADS; i++) {
      threads[i] = CreateThread(NULL, 0, waiter, NULL, 0, NULL);
      CHECK(threads[i] != NULL);
    }
    Sleep(round % 3 == 0 ? 0 : 20);
    CHECK(epoll_close(ep) == 0);
    exit_gate_open();
    for (i = 0; i < THREADS; i++) {
      DWORD code = 1;
      CHECKF(WaitForSingleObject(threads[i], 10000) == WAIT_OBJECT_0,
             "round %d: waiter %d did not return after close", round, i);
      CHECK(GetExitCodeThread(threads[i], &code) && code == 0);
      CloseHandle(threads[i]);
    }
    InterlockedExchange(&stop_posting, 1);
    CHECK(WaitForSingleObject(post_thread, 10000) == WAIT_OBJECT_0);
    CloseHandle(post_thread);
    CloseHandle(ep_copy);
  }
  closesocket(a);
  closesocket(b);
  printf("%d rounds: OK\n", ROUNDS);
  return 0;
}
