/* Handles and sockets in one port with several threads in epoll_wait: each
 * SetEvent on an auto-reset event is reported exactly once, and a readable
 * socket (one-shot, re-armed by the thread that took it) keeps being
 * reported, while all threads wait together. */
#include "handles.h"

enum { THREADS = 4, EVENTS = 8, SETS = 400, SOCKET_ID = 1000 };

static HANDLE ep;
static HANDLE events[EVENTS];
static SOCKET sock_server;
static volatile LONG event_reports[EVENTS];
static volatile LONG socket_reports;
static volatile LONG stop;

static DWORD WINAPI waiter(void* arg) {
  struct epoll_event out[4];
  (void) arg;
  while (!stop) {
    int n = ep_wait(ep, out, 4, 50);
    int i;
    for (i = 0; i < n; i++) {
      uint64_t id = out[i].data.u64;
      if (id == SOCKET_ID) {
        CHECK(out[i].events == EPOLLIN);
        InterlockedIncrement(&socket_reports);
        ep_mod(ep, sock_server, EPOLLIN | EPOLLONESHOT, SOCKET_ID);
      } else {
        CHECKF(id < EVENTS && out[i].events == EPOLLIN, "bad report %llu",
               (unsigned long long) id);
        InterlockedIncrement(&event_reports[id]);
      }
    }
  }
  return 0;
}

static LONG total_event_reports(void) {
  LONG sum = 0;
  int i;
  for (i = 0; i < EVENTS; i++)
    sum += InterlockedCompareExchange(&event_reports[i], 0, 0);
  return sum;
}

int main(void) {
  HANDLE threads[THREADS];
  SOCKET client;
  double deadline;
  int i;
  test_init();
  print_handle_backend();
  ep = epoll_create1(0);
  CHECK(ep != NULL);
  tcp_pair(AF_INET, &client, &sock_server);
  send_all(client, "x", 1); /* stays unread: always readable */
  ep_add(ep, sock_server, EPOLLIN | EPOLLONESHOT, SOCKET_ID);
  for (i = 0; i < EVENTS; i++) {
    events[i] = CreateEventW(NULL, FALSE, FALSE, NULL);
    CHECK(events[i] != NULL);
    hep_add(ep, events[i], EPOLLIN, (uint64_t) i);
  }
  for (i = 0; i < THREADS; i++) {
    threads[i] = CreateThread(NULL, 0, waiter, NULL, 0, NULL);
    CHECK(threads[i] != NULL);
  }
  /* One set at a time, the next once it was reported, so that no set can
   * be merged with an earlier one still pending. */
  for (i = 0; i < SETS; i++) {
    CHECK(SetEvent(events[i % EVENTS]));
    deadline = now_ms() + 10000;
    while (total_event_reports() <= i) {
      CHECKF(now_ms() < deadline, "set %d not reported", i);
      Sleep(0);
    }
  }
  Sleep(100);
  stop = 1;
  CHECK(WaitForMultipleObjects(THREADS, threads, TRUE, 10000) ==
        WAIT_OBJECT_0);
  printf("%ld event reports, %ld socket reports\n", total_event_reports(),
         socket_reports);
  CHECKF(total_event_reports() == SETS, "%ld reports for %d sets",
         total_event_reports(), SETS);
  for (i = 0; i < EVENTS; i++)
    CHECK(event_reports[i] == SETS / EVENTS);
  CHECK(socket_reports > 0);
  CHECK(epoll_close(ep) == 0);
  for (i = 0; i < EVENTS; i++)
    CloseHandle(events[i]);
  for (i = 0; i < THREADS; i++)
    CloseHandle(threads[i]);
  closesocket(client);
  closesocket(sock_server);
  printf("OK\n");
  return 0;
}
