/*
 * Cross-thread wake-up latency: how long after another thread asks the
 * event loop to wake up does epoll_wait() return?  Three ways, measured in
 * the same run, sample by sample in turn so that all see the same machine:
 *
 *   event    an auto-reset event registered with wepoll_ctl_handle; the
 *            other thread calls SetEvent (Linux's eventfd pattern);
 *   post     a packet posted to the port itself,
 *            PostQueuedCompletionStatus(ep, 0, 0, NULL): epoll_wait
 *            returns 0 (since 1.7.0; nothing to register);
 *   socket   the workaround before 1.7.0: a connected loopback TCP pair
 *            whose reading end is registered with epoll_ctl; the other
 *            thread sends one byte, and the loop reads it back.
 *
 * Each sample: the loop announces it is about to wait and blocks in
 * epoll_wait; the other thread waits until then plus a short pause (so the
 * loop is really blocked), takes the time and wakes it; the loop takes the
 * time when epoll_wait returns.  Prints the median, 10th and 90th
 * percentiles per way, side by side.
 *
 *   wakeup_bench [--samples N] [--quick]
 */
#include <winsock2.h>
#include <windows.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wepoll.h"

enum { WAY_EVENT = 0, WAY_SOCKET = 1, WAY_POST = 2, WAYS = 3 };
static const char* const way_names[WAYS] = {"event (wepoll_ctl_handle)",
                                            "loopback socket",
                                            "posted packet (port itself)"};

static HANDLE ep;
static HANDLE wake_event;
static SOCKET wake_send, wake_recv;
static volatile LONG loop_waiting; /* set by the loop just before waiting */
static volatile LONG sample_done;  /* set by the loop once it measured */
static LARGE_INTEGER woken_at;     /* written by the waker before waking */
static double* samples[WAYS];
static double tick_us;

static void die(const char* what, int line) {
  fprintf(stderr, "wakeup_bench: %s failed (line %d, error %lu, wsa %d)\n",
          what, line, (unsigned long) GetLastError(), WSAGetLastError());
  exit(1);
}
#define MUST(expr)          \
  do {                      \
    if (!(expr))            \
      die(#expr, __LINE__); \
  } while (0)

static void make_socket_pair(void) {
  struct sockaddr_in addr;
  int len = sizeof addr;
  SOCKET listener = socket(AF_INET, SOCK_STREAM, 0);
  BOOL on = TRUE;
  u_long nonblocking = 1;
  MUST(listener != INVALID_SOCKET);
  memset(&addr, 0, sizeof addr);
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  MUST(bind(listener, (struct sockaddr*) &addr, sizeof addr) == 0);
  MUST(listen(listener, 1) == 0);
  MUST(getsockname(listener, (struct sockaddr*) &addr, &len) == 0);
  wake_send = socket(AF_INET, SOCK_STREAM, 0);
  MUST(wake_send != INVALID_SOCKET);
  MUST(connect(wake_send, (struct sockaddr*) &addr, sizeof addr) == 0);
  wake_recv = accept(listener, NULL, NULL);
  MUST(wake_recv != INVALID_SOCKET);
  closesocket(listener);
  /* As a real wake-up pipe is set up: no Nagle delay, no blocking read. */
  MUST(setsockopt(wake_send, IPPROTO_TCP, TCP_NODELAY, (const char*) &on,
                  sizeof on) == 0);
  MUST(ioctlsocket(wake_recv, FIONBIO, &nonblocking) == 0);
}

static void wake(int way) {
  if (way == WAY_EVENT)
    MUST(SetEvent(wake_event));
  else if (way == WAY_POST)
    MUST(PostQueuedCompletionStatus(ep, 0, 0, NULL));
  else
    MUST(send(wake_send, "w", 1, 0) == 1);
}

/* The other thread: for each sample, waits for the loop to block, then
 * wakes it. */
static DWORD WINAPI waker(void* arg) {
  int count = *(int*) arg;
  int i;
  for (i = 0; i < count * WAYS; i++) {
    while (!InterlockedCompareExchange(&loop_waiting, 0, 0))
      Sleep(0);
    Sleep(1); /* the loop is inside epoll_wait by now */
    InterlockedExchange(&loop_waiting, 0);
    QueryPerformanceCounter(&woken_at);
    MemoryBarrier();
    wake(i % WAYS);
    while (!InterlockedCompareExchange(&sample_done, 0, 0))
      Sleep(0);
    InterlockedExchange(&sample_done, 0);
  }
  return 0;
}

static void run_loop(int count) {
  struct epoll_event out[4];
  int i;
  for (i = 0; i < count * WAYS; i++) {
    int way = i % WAYS;
    LARGE_INTEGER now;
    int n;
    InterlockedExchange(&loop_waiting, 1);
    n = epoll_wait(ep, out, 4, 10000);
    QueryPerformanceCounter(&now);
    MemoryBarrier();
    if (way == WAY_POST ? n != 0 : n != 1 || out[0].data.u32 != (uint32_t) way)
      die("epoll_wait returning the expected wake-up", __LINE__);
    if (way == WAY_SOCKET) {
      char byte;
      MUST(recv(wake_recv, &byte, 1, 0) == 1);
    }
    samples[way][i / WAYS] =
        (double) (now.QuadPart - woken_at.QuadPart) * tick_us;
    InterlockedExchange(&sample_done, 1);
  }
}

static int compare_doubles(const void* a, const void* b) {
  double x = *(const double*) a, y = *(const double*) b;
  return x < y ? -1 : x > y;
}

static double percentile(const double* sorted, int count, int p) {
  return sorted[(count - 1) * p / 100];
}

int main(int argc, char** argv) {
  WSADATA wsa;
  LARGE_INTEGER freq;
  struct epoll_event ev;
  HANDLE thread;
  int count = 500;
  int i, way;

  for (i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--quick") == 0)
      count = 20;
    else if (strcmp(argv[i], "--samples") == 0 && i + 1 < argc)
      count = atoi(argv[++i]);
    else {
      fprintf(stderr, "usage: wakeup_bench [--samples N] [--quick]\n");
      return 2;
    }
  }
  if (count <= 0)
    count = 1;
  MUST(WSAStartup(MAKEWORD(2, 2), &wsa) == 0);
  QueryPerformanceFrequency(&freq);
  tick_us = 1e6 / (double) freq.QuadPart;
  for (way = 0; way < WAYS; way++) {
    samples[way] = calloc((size_t) count, sizeof(double));
    MUST(samples[way] != NULL);
  }

  ep = epoll_create1(0);
  MUST(ep != NULL);
  wake_event = CreateEventW(NULL, FALSE, FALSE, NULL);
  MUST(wake_event != NULL);
  make_socket_pair();
  memset(&ev, 0, sizeof ev);
  ev.events = EPOLLIN;
  ev.data.u32 = WAY_EVENT;
  MUST(wepoll_ctl_handle(ep, EPOLL_CTL_ADD, wake_event, &ev) == 0);
  ev.data.u32 = WAY_SOCKET;
  MUST(epoll_ctl(ep, EPOLL_CTL_ADD, wake_recv, &ev) == 0);

  thread = CreateThread(NULL, 0, waker, &count, 0, NULL);
  MUST(thread != NULL);
  run_loop(count);
  MUST(WaitForSingleObject(thread, INFINITE) == WAIT_OBJECT_0);

  printf("cross-thread wake-up latency, %d samples each (microseconds)\n",
         count);
  printf("%-28s %10s %10s %10s\n", "wake-up through", "median", "p10", "p90");
  for (way = 0; way < WAYS; way++) {
    qsort(samples[way], (size_t) count, sizeof(double), compare_doubles);
    printf("%-28s %10.1f %10.1f %10.1f\n", way_names[way],
           percentile(samples[way], count, 50),
           percentile(samples[way], count, 10),
           percentile(samples[way], count, 90));
  }
  printf("socket / event median: %.2f\n",
         percentile(samples[WAY_SOCKET], count, 50) /
             percentile(samples[WAY_EVENT], count, 50));
  printf("post / event median: %.2f\n",
         percentile(samples[WAY_POST], count, 50) /
             percentile(samples[WAY_EVENT], count, 50));

  CloseHandle(thread);
  MUST(wepoll_ctl_handle(ep, EPOLL_CTL_DEL, wake_event, NULL) == 0);
  MUST(epoll_close(ep) == 0);
  CloseHandle(wake_event);
  closesocket(wake_send);
  closesocket(wake_recv);
  return 0;
}
