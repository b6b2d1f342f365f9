/* epoll_close while the threads that issued the port's polls return EBADF
 * and exit at once.
 *
 * Any thread that waits may issue a poll, so when a program's waiters leave
 * through the close, the threads that issued the polls still pending are
 * exiting while epoll_close ends those polls.  Windows documents that a
 * request on a handle bound to a completion port outlives its thread; Wine
 * 8's wineserver, though, writes to freed memory when a device is closed
 * while one of its requests is being ended for an exiting thread, and may
 * abort (every program of the prefix then stops where it stands).  The port
 * therefore cancels its polls and takes back their packets before it closes
 * its devices.
 *
 * Each round: a fresh port with SOCKETS idle sockets, WAITERS threads
 * blocked in epoll_wait (the first of them submits the polls), a pause of
 * 1 or 5 ms, then epoll_close, which the waiters leave at once; every
 * waiter must return -1 with EBADF, and the program must reach its end.
 *
 *   rel_close_exiting_waiters.exe [--rounds 40] */
#include "rel.h"

enum { SOCKETS = 8, WAITERS = 4 };

typedef struct waiter {
  HANDLE ep;
  volatile LONG* started;
  int result;
  int error;
} waiter;

static DWORD WINAPI waiter_main(void* arg) {
  waiter* w = (waiter*) arg;
  struct epoll_event ev;
  InterlockedIncrement(w->started);
  w->result = epoll_wait(w->ep, &ev, 1, -1);
  w->error = errno;
  return 0; /* at once: the exit races the close */
}

int main(int argc, char** argv) {
  uint64_t rounds, r;

  test_init();
  rounds = arg_u64(argc, argv, "--rounds", 40);
  for (r = 0; r < rounds; r++) {
    SOCKET a[SOCKETS], b[SOCKETS];
    HANDLE threads[WAITERS];
    waiter w[WAITERS];
    volatile LONG started = 0;
    HANDLE ep = epoll_create1(0);
    int i;

    CHECK(ep != NULL);
    for (i = 0; i < SOCKETS; i++) {
      udp_pair(AF_INET, &a[i], &b[i]);
      ep_add(ep, a[i], EPOLLIN, (uint64_t) i);
    }
    for (i = 0; i < WAITERS; i++) {
      w[i].ep = ep;
      w[i].started = &started;
      w[i].result = 0;
      w[i].error = 0;
      threads[i] = CreateThread(NULL, 0, waiter_main, &w[i], 0, NULL);
      CHECK(threads[i] != NULL);
    }
    while (InterlockedCompareExchange(&started, 0, 0) < WAITERS)
      Sleep(1);
    Sleep(r % 3 ? 5 : 1); /* asleep in the port, polls submitted */
    CHECK(epoll_close(ep) == 0);
    CHECKF(
        WaitForMultipleObjects(WAITERS, threads, TRUE, 10000) == WAIT_OBJECT_0,
        "round %llu: a waiter still blocked 10 s after epoll_close",
        (unsigned long long) r);
    for (i = 0; i < WAITERS; i++) {
      CHECKF(w[i].result == -1 && w[i].error == EBADF,
             "round %llu: waiter %d returned %d, errno %d",
             (unsigned long long) r, i, w[i].result, w[i].error);
      CloseHandle(threads[i]);
    }
    for (i = 0; i < SOCKETS; i++) {
      closesocket(a[i]);
      closesocket(b[i]);
    }
  }
  printf("ok: %llu rounds\n", (unsigned long long) rounds);
  return 0;
}
