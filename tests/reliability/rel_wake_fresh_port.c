/* Every waiter of a fresh port wakes when as many one-shot events become
 * ready as threads wait: none sleeps past an event queued for it.
 *
 * Each round makes everything anew: a port, 8 UDP sockets added with
 * EPOLLIN | EPOLLONESHOT and data.u32 = 100 + k, then 8 threads that each
 * call epoll_wait(port, &ev, 1, 5000) once.  `--delay-ms` after the threads
 * started, one datagram goes to each socket, back to back.  Every thread
 * must return 1, and the 8 events must name the 8 sockets.  The round ends
 * with the sockets closed and epoll_close.
 *
 * Unlike rel_wake_one_port, nothing is warmed up across rounds: the first
 * wait of a port submits the polls, and each thread exits as soon as its
 * call returns, so a poll may finish after the thread that submitted it has
 * gone.  Its result must still be read right: under Wine such a packet
 * comes with the poll's status block never written, which the library once
 * took for "socket closed" and dropped the registration (one waiter then
 * slept out its 5 s in about 1 round of 10).
 *
 *   rel_wake_fresh_port.exe [--rounds 20] [--threads 8] [--delay-ms 100] */
#include "rel.h"

enum { THREADS_MAX = 32, WAIT_TIMEOUT_MS = 5000, DATA_BASE = 100 };

typedef struct waiter {
  HANDLE port;
  int n;   /* what epoll_wait returned */
  int err; /* errno after it */
  struct epoll_event event;
  double returned_at; /* now_ms() */
} waiter;

static DWORD WINAPI waiter_main(LPVOID arg) {
  waiter* w = (waiter*) arg;
  w->n = epoll_wait(w->port, &w->event, 1, WAIT_TIMEOUT_MS);
  w->err = errno;
  w->returned_at = now_ms();
  return 0;
}

static void print_round(const waiter* waiters, int threads, double sent_at) {
  int i;
  for (i = 0; i < threads; i++) {
    const waiter* w = &waiters[i];
    fprintf(stderr,
            "  thread %d: returned %d (errno %d) %.1f ms after the "
            "sends",
            i, w->n, w->err, w->returned_at - sent_at);
    if (w->n == 1)
      fprintf(stderr, ": {0x%x, %u}", w->event.events, w->event.data.u32);
    fprintf(stderr, "\n");
  }
}

/* One round; returns false (after printing why) when a waiter missed. */
static bool run_round(int round, int threads, DWORD delay_ms) {
  SOCKET socks[THREADS_MAX], peers[THREADS_MAX];
  HANDLE handles[THREADS_MAX];
  waiter waiters[THREADS_MAX];
  bool seen[THREADS_MAX] = {false};
  bool ok = true;
  double sent_at;
  HANDLE ep;
  int i;

  ep = epoll_create1(0);
  CHECK(ep != NULL);
  for (i = 0; i < threads; i++) {
    struct epoll_event ev;
    udp_pair(AF_INET, &socks[i], &peers[i]);
    ev.events = EPOLLIN | EPOLLONESHOT;
    ev.data.u64 = 0;
    ev.data.u32 = (uint32_t) (DATA_BASE + i);
    CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, socks[i], &ev) == 0);
  }
  memset(waiters, 0, sizeof waiters);
  for (i = 0; i < threads; i++) {
    waiters[i].port = ep;
    waiters[i].n = -2; /* not returned */
    handles[i] = CreateThread(NULL, 0, waiter_main, &waiters[i], 0, NULL);
    CHECK(handles[i] != NULL);
  }
  Sleep(delay_ms);
  sent_at = now_ms();
  for (i = 0; i < threads; i++)
    CHECKF(send(peers[i], "w", 1, 0) == 1, "send: %d", WSAGetLastError());
  CHECK(WaitForMultipleObjects((DWORD) threads, handles, TRUE,
                               2 * WAIT_TIMEOUT_MS) == WAIT_OBJECT_0);

  for (i = 0; i < threads && ok; i++) {
    const waiter* w = &waiters[i];
    uint32_t k = w->event.data.u32 - DATA_BASE;
    if (w->n != 1) {
      fprintf(stderr,
              "FAIL round %d: thread %d returned %d, not 1: a waiter "
              "slept while an event was ready\n",
              round, i, w->n);
      ok = false;
    } else if (w->event.events != EPOLLIN || k >= (uint32_t) threads ||
               seen[k]) {
      fprintf(stderr,
              "FAIL round %d: thread %d got {0x%x, %u}: not one "
              "EPOLLIN of a socket no other thread got\n",
              round, i, w->event.events, w->event.data.u32);
      ok = false;
    } else {
      seen[k] = true;
    }
  }
  if (!ok)
    print_round(waiters, threads, sent_at);

  for (i = 0; i < threads; i++) {
    CloseHandle(handles[i]);
    closesocket(socks[i]);
    closesocket(peers[i]);
  }
  CHECK(epoll_close(ep) == 0);
  return ok;
}

int main(int argc, char** argv) {
  int rounds = (int) arg_u64(argc, argv, "--rounds", 20);
  int threads = (int) arg_u64(argc, argv, "--threads", 8);
  DWORD delay_ms = (DWORD) arg_u64(argc, argv, "--delay-ms", 100);
  int failed = 0;
  int round;

  test_init();
  CHECK(threads > 0 && threads <= THREADS_MAX);
  for (round = 0; round < rounds; round++) {
    if (!run_round(round, threads, delay_ms))
      failed++;
  }
  if (failed > 0) {
    fprintf(stderr, "rel_wake_fresh_port: %d of %d rounds lost a wake-up\n",
            failed, rounds);
    return 1;
  }
  printf("rel_wake_fresh_port: OK (%d rounds, %d threads, %lu ms delay)\n",
         rounds, threads, (unsigned long) delay_ms);
  return 0;
}
