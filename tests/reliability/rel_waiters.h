/* A pool of threads that each make one epoll_wait call per round, for the
 * wake-up and close tests: the main thread starts a round,
 * makes something happen, and checks within a bound that every waiter has
 * returned and what it got.  Threads persist across rounds, so hundreds of
 * rounds cost no thread creation. */
#ifndef WEPOLL_TESTS_REL_WAITERS_H_
#define WEPOLL_TESTS_REL_WAITERS_H_

#include "rel.h"

enum { WAITERS_MAX = 64, WAITER_EVENTS_MAX = 8 };

typedef struct waiter_result {
  int n;   /* what epoll_wait returned */
  int err; /* errno after it */
  struct epoll_event events[WAITER_EVENTS_MAX];
  double returned_at; /* now_ms() */
} waiter_result;

typedef struct waiter_pool {
  int count;
  int maxevents; /* <= WAITER_EVENTS_MAX */
  int timeout_ms;
  HANDLE ports[WAITERS_MAX]; /* the port thread i waits on this round */
  HANDLE threads[WAITERS_MAX];
  HANDLE go[WAITERS_MAX]; /* auto-reset: one epoll_wait per signal */
  HANDLE returned;        /* semaphore: one release per returned call */
  volatile LONG entering; /* threads about to call epoll_wait this round */
  volatile LONG quit;
  waiter_result results[WAITERS_MAX];
  int index[WAITERS_MAX]; /* each thread's own index, for its argument */
} waiter_pool;

static TEST_UNUSED waiter_pool* waiter_pool_of_;

static TEST_UNUSED DWORD WINAPI waiter_pool_thread_(LPVOID arg) {
  int me = *(const int*) arg;
  waiter_pool* pool = waiter_pool_of_;
  for (;;) {
    waiter_result* r = &pool->results[me];
    CHECK(WaitForSingleObject(pool->go[me], INFINITE) == WAIT_OBJECT_0);
    if (pool->quit)
      return 0;
    InterlockedIncrement(&pool->entering);
    r->n = epoll_wait(pool->ports[me], r->events, pool->maxevents,
                      pool->timeout_ms);
    r->err = errno;
    r->returned_at = now_ms();
    CHECK(ReleaseSemaphore(pool->returned, 1, NULL));
  }
}

/* Starts `count` waiter threads, all on `port` until the caller changes
 * pool->ports[i]; each call takes up to `maxevents` events and waits up to
 * `timeout_ms` (-1: for ever).  One pool per process. */
static TEST_UNUSED void waiter_pool_start(waiter_pool* pool, int count,
                                          HANDLE port, int maxevents,
                                          int timeout_ms) {
  int i;
  CHECK(count > 0 && count <= WAITERS_MAX);
  CHECK(maxevents > 0 && maxevents <= WAITER_EVENTS_MAX);
  memset(pool, 0, sizeof *pool);
  waiter_pool_of_ = pool;
  pool->count = count;
  pool->maxevents = maxevents;
  pool->timeout_ms = timeout_ms;
  pool->returned = CreateSemaphoreA(NULL, 0, WAITERS_MAX, NULL);
  CHECK(pool->returned != NULL);
  for (i = 0; i < count; i++) {
    pool->ports[i] = port;
    pool->index[i] = i;
    pool->go[i] = CreateEventA(NULL, FALSE, FALSE, NULL);
    CHECK(pool->go[i] != NULL);
    pool->threads[i] =
        CreateThread(NULL, 0, waiter_pool_thread_, &pool->index[i], 0, NULL);
    CHECK(pool->threads[i] != NULL);
  }
}

/* Lets every waiter make its call and returns once all of them are about
 * to call epoll_wait, plus `settle_ms` for them to block in it.  Whether a
 * thread is blocked yet never changes what it must get, only which code
 * path the round exercises. */
static TEST_UNUSED void waiter_pool_begin_round(waiter_pool* pool,
                                                DWORD settle_ms) {
  int i;
  InterlockedExchange(&pool->entering, 0);
  for (i = 0; i < pool->count; i++) {
    memset(&pool->results[i], 0, sizeof pool->results[i]);
    pool->results[i].n = -2; /* not returned yet */
    CHECK(SetEvent(pool->go[i]));
  }
  while (InterlockedCompareExchange(&pool->entering, 0, 0) < pool->count)
    Sleep(0);
  Sleep(settle_ms);
}

/* Waits until every waiter's call of this round has returned, or until
 * `deadline` (a now_ms() value).  Returns how many returned. */
static TEST_UNUSED int waiter_pool_await(waiter_pool* pool, double deadline) {
  int returned = 0;
  while (returned < pool->count) {
    double left = deadline - now_ms();
    if (left < 0)
      left = 0;
    if (WaitForSingleObject(pool->returned, (DWORD) left) != WAIT_OBJECT_0)
      break;
    returned++;
  }
  return returned;
}

/* Prints every waiter's outcome of this round (for a failure message). */
static TEST_UNUSED void waiter_pool_print(const waiter_pool* pool,
                                          double since) {
  int i, k;
  for (i = 0; i < pool->count; i++) {
    const waiter_result* r = &pool->results[i];
    if (r->n == -2) {
      fprintf(stderr, "  waiter %d: still inside epoll_wait\n", i);
      continue;
    }
    fprintf(stderr, "  waiter %d: returned %d (errno %d) after %.1f ms:", i,
            r->n, r->err, r->returned_at - since);
    for (k = 0; k < r->n && k < WAITER_EVENTS_MAX; k++)
      fprintf(stderr, " {0x%x, %llu}", r->events[k].events,
              (unsigned long long) r->events[k].data.u64);
    fprintf(stderr, "\n");
  }
}

/* Ends the threads; every waiter must have returned from its last call. */
static TEST_UNUSED void waiter_pool_stop(waiter_pool* pool) {
  int i;
  InterlockedExchange(&pool->quit, 1);
  for (i = 0; i < pool->count; i++)
    CHECK(SetEvent(pool->go[i]));
  CHECK(WaitForMultipleObjects((DWORD) pool->count, pool->threads, TRUE,
                               10000) == WAIT_OBJECT_0);
  for (i = 0; i < pool->count; i++) {
    CloseHandle(pool->threads[i]);
    CloseHandle(pool->go[i]);
  }
  CloseHandle(pool->returned);
}

/* A UDP socket pair per slot: socks[i] is registered, peers[i] sends. */
static TEST_UNUSED void udp_pairs(int count, SOCKET* socks, SOCKET* peers) {
  int i;
  for (i = 0; i < count; i++) {
    udp_pair(AF_INET, &socks[i], &peers[i]);
    set_nonblocking(socks[i], 1);
  }
}

/* Closes what udp_pairs() (or a tcp_pair()) made. */
static TEST_UNUSED void close_pairs(int count, SOCKET* socks, SOCKET* peers) {
  int i;
  for (i = 0; i < count; i++) {
    closesocket(socks[i]);
    closesocket(peers[i]);
  }
}

static TEST_UNUSED void send_datagram(SOCKET peer) {
  CHECKF(send(peer, "w", 1, 0) == 1, "send failed: %d", WSAGetLastError());
}

/* Waits (up to 5 s) until `s` is readable as select() sees it, so that a
 * datagram sent to it has arrived. */
static TEST_UNUSED void await_readable(SOCKET s) {
  fd_set set;
  struct timeval tv = {5, 0};
  FD_ZERO(&set);
  FD_SET(s, &set);
  CHECKF(select(0, &set, NULL, NULL, &tv) == 1,
         "socket not readable 5 s after a datagram was sent to it");
}

/* Reads every datagram queued on a non-blocking socket; returns how many. */
static TEST_UNUSED int read_datagrams(SOCKET s) {
  char buf[64];
  int count = 0;
  while (recv(s, buf, sizeof buf, 0) >= 0)
    count++;
  CHECKF(WSAGetLastError() == WSAEWOULDBLOCK, "recv failed: %d",
         WSAGetLastError());
  return count;
}

#endif /* WEPOLL_TESTS_REL_WAITERS_H_ */
