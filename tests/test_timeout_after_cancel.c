/* A wait with time left sleeps on after reading packets that give no event.
 *
 * Deleting sockets whose polls are outstanding queues their cancelled
 * polls on the port.  The next epoll_wait reads them first (fewer packets
 * than it asks for: the port is then empty) and finds no event in them:
 *   - with a 100 ms timeout it must still sleep out its time (return 0
 *     after about 100 ms, not at once; the tick count a timeout is kept
 *     with moves in steps of up to 16 ms, hence the margin);
 *   - with a long timeout it must still report a datagram that arrives
 *     later, and return when a packet the program posts arrives;
 *   - with timeout 0 it returns 0 at once.
 * Each case runs several rounds, every one with fresh cancelled polls. */
#include "common.h"

enum { CANCELLED = 4, ROUNDS = 5, LATER_MS = 100 };

typedef struct later {
  SOCKET sender; /* sends one datagram, or INVALID_SOCKET: posts a packet */
  HANDLE ep;
} later;

static DWORD WINAPI act_later(void* arg) {
  later* job = (later*) arg;
  Sleep(LATER_MS); /* the main thread has read the cancellations by now */
  if (job->sender != INVALID_SOCKET) {
    send_all(job->sender, "x", 1);
    return 0;
  }
  return PostQueuedCompletionStatus(job->ep, 0, 0, NULL) ? 0 : 1;
}

/* Registers the idle sockets, has their polls submitted, then deletes
 * them: CANCELLED cancelled polls are on their way to the port. */
static void queue_cancellations(HANDLE ep, SOCKET* idle) {
  struct epoll_event evs[4];
  int i;
  for (i = 0; i < CANCELLED; i++)
    ep_add(ep, idle[i], EPOLLIN, 100 + (uint64_t) i);
  CHECK(ep_wait(ep, evs, 4, 0) == 0);
  for (i = 0; i < CANCELLED; i++)
    ep_del(ep, idle[i]);
}

/* A wait that must return after the other thread acts, not before. */
static int wait_for_later(HANDLE ep, SOCKET sender, struct epoll_event* evs) {
  later job;
  HANDLE thread;
  DWORD code = 1;
  double t0, took;
  int n;
  job.sender = sender;
  job.ep = ep;
  thread = CreateThread(NULL, 0, act_later, &job, 0, NULL);
  CHECK(thread != NULL);
  t0 = now_ms();
  n = ep_wait(ep, evs, 8, 5000);
  took = now_ms() - t0;
  CHECK(WaitForSingleObject(thread, INFINITE) == WAIT_OBJECT_0);
  CHECK(GetExitCodeThread(thread, &code) && code == 0);
  CloseHandle(thread);
  printf("wait(5000) behind %d cancellations took %.1f ms, %d event(s)\n",
         CANCELLED, took, n);
  CHECKF(took >= LATER_MS / 2,
         "returned after %.1f ms, before the other "
         "thread acted (%d ms)",
         took, LATER_MS);
  CHECKF(took < 3000, "returned after %.1f ms", took);
  return n;
}

int main(void) {
  HANDLE ep;
  SOCKET a, b, idle[CANCELLED];
  struct epoll_event evs[8];
  int i, round;
  test_init();

  ep = epoll_create1(0);
  CHECK(ep != NULL);
  udp_pair(AF_INET, &a, &b);
  ep_add(ep, a, EPOLLIN, 1);
  for (i = 0; i < CANCELLED; i++) {
    idle[i] = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    CHECK(idle[i] != INVALID_SOCKET);
  }

  for (round = 0; round < ROUNDS; round++) {
    double t0, took;
    queue_cancellations(ep, idle);
    t0 = now_ms();
    CHECK(ep_wait(ep, evs, 8, 100) == 0);
    took = now_ms() - t0;
    printf("wait(100) behind %d cancellations took %.1f ms\n", CANCELLED,
           took);
    CHECKF(took >= 75, "returned after %.1f ms", took);
    CHECKF(took < 1000, "returned after %.1f ms", took);
  }

  for (round = 0; round < ROUNDS; round++) {
    queue_cancellations(ep, idle);
    CHECK(wait_for_later(ep, b, evs) == 1);
    CHECK(evs[0].data.u64 == 1 && (evs[0].events & EPOLLIN));
    CHECK(drain(a) == 1);
  }

  /* The program's packet wakes the wait: nothing is ready, so 0. */
  for (round = 0; round < ROUNDS; round++) {
    queue_cancellations(ep, idle);
    CHECK(wait_for_later(ep, INVALID_SOCKET, evs) == 0);
  }

  for (round = 0; round < ROUNDS; round++) {
    double t0, took;
    queue_cancellations(ep, idle);
    t0 = now_ms();
    CHECK(ep_wait(ep, evs, 8, 0) == 0);
    CHECK(ep_wait(ep, evs, 8, 0) == 0);
    took = now_ms() - t0;
    CHECKF(took < 1000, "two zero-timeout waits took %.1f ms", took);
  }

  CHECK(epoll_close(ep) == 0);
  for (i = 0; i < CANCELLED; i++)
    closesocket(idle[i]);
  closesocket(a);
  closesocket(b);
  printf("ok\n");
  return 0;
}
