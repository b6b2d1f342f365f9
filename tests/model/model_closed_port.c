/* A completion port closed while threads wait in it, played as Windows
 * documents it (play_closed_port.c): each waiter's call fails with
 * ERROR_ABANDONED_WAIT_0, and lib/ answers a program that closes its port
 * handle under a waiting epoll_wait with -1 and EBADF, as include/wepoll.h
 * says ("the port was closed while waiting").  A model of Windows, not
 * Windows: the native Windows workflow remains the proof. */
#include "../common.h"
#include "../../lib/os.h"
#include "model.h"

static HANDLE port;
static HANDLE ep;

typedef struct wait_result {
  BOOL ok;
  DWORD error;
  ULONG count;
  int epoll_result;
  int epoll_errno;
} wait_result;

static DWORD WINAPI port_waiter(void* arg) {
  wait_result* r = (wait_result*) arg;
  OVERLAPPED_ENTRY entries[4];
  r->count = 99;
  r->ok = os_get_queued_completion_status_ex(port, entries, 4, &r->count,
                                             INFINITE, FALSE);
  r->error = GetLastError();
  return 0;
}

static DWORD WINAPI epoll_waiter(void* arg) {
  wait_result* r = (wait_result*) arg;
  struct epoll_event events[4];
  r->epoll_result = epoll_wait(ep, events, 4, -1);
  r->epoll_errno = errno;
  r->error = GetLastError();
  return 0;
}

/* Starts `count` threads and returns once all are blocked in the port. */
static void start_waiters(HANDLE on, LPTHREAD_START_ROUTINE fn,
                          wait_result* results, HANDLE* threads, int count) {
  int i;
  double start = now_ms();
  for (i = 0; i < count; i++) {
    threads[i] = CreateThread(NULL, 0, fn, &results[i], 0, NULL);
    CHECK(threads[i] != NULL);
  }
  while (model_port_waiters(on) < count) {
    CHECKF(now_ms() - start < 5000, "%ld of %d waiters blocked",
           model_port_waiters(on), count);
    sleep_ms(1);
  }
  sleep_ms(20); /* inside the real call, not only counted */
}

static void join(HANDLE* threads, int count) {
  int i;
  for (i = 0; i < count; i++) {
    CHECKF(WaitForSingleObject(threads[i], 5000) == WAIT_OBJECT_0,
           "waiter %d still blocked 5 s after the close", i);
    CloseHandle(threads[i]);
  }
}

int main(void) {
  wait_result results[3];
  HANDLE threads[3];
  OVERLAPPED_ENTRY entry;
  ULONG count = 0;
  long allocations, handles;
  int i;
  SOCKET a, b;
  test_init();
  if (!(model_play() & MODEL_PLAY_CLOSED_PORT))
    skip("closed completion ports not played (WEPOLL_MODEL_PLAY)");

  /* The call itself: three waiters, INFINITE; the close wakes each with
   * FALSE and ERROR_ABANDONED_WAIT_0. */
  memset(results, 0, sizeof results);
  port = os_create_io_completion_port(INVALID_HANDLE_VALUE, NULL, 0, 0);
  CHECK(port != NULL);
  start_waiters(port, port_waiter, results, threads, 3);
  CHECK(os_close_handle(port));
  join(threads, 3);
  for (i = 0; i < 3; i++) {
    CHECKF(!results[i].ok && results[i].error == ERROR_ABANDONED_WAIT_0,
           "waiter %d: ok %d error %lu", i, results[i].ok,
           (unsigned long) results[i].error);
    CHECK(results[i].count == 0);
  }
  /* Closed: a new wait on it fails as on any closed handle. */
  CHECK(
      !os_get_queued_completion_status_ex(port, &entry, 1, &count, 0, FALSE));
  CHECK(GetLastError() == ERROR_INVALID_HANDLE);

  /* A packet queued before the close is still returned to a waiter that
   * takes it; the port closed without waiters is a plain close. */
  port = os_create_io_completion_port(INVALID_HANDLE_VALUE, NULL, 0, 0);
  CHECK(port != NULL);
  CHECK(PostQueuedCompletionStatus(port, 5, 7, NULL));
  CHECK(os_get_queued_completion_status_ex(port, &entry, 1, &count, 1000,
                                           FALSE));
  CHECK(count == 1 && entry.lpCompletionKey == 7);
  CHECK(os_close_handle(port));

  /* lib/: epoll_close with waiters blocked; each returns -1 with EBADF
   * (wepoll.h), and the port gives back all it held. */
  ep = epoll_create1(0);
  CHECK(ep != NULL);
  CHECK(epoll_close(ep) == 0);
  allocations = model_live_allocations();
  handles = model_live_handles();
  ep = epoll_create1(0);
  CHECK(ep != NULL);
  udp_pair(AF_INET, &a, &b);
  ep_add(ep, a, EPOLLIN, 1);
  memset(results, 0, sizeof results);
  start_waiters(ep, epoll_waiter, results, threads, 2);
  CHECK(epoll_close(ep) == 0);
  join(threads, 2);
  for (i = 0; i < 2; i++)
    CHECKF(results[i].epoll_result == -1 && results[i].epoll_errno == EBADF,
           "waiter %d: %d errno %d", i, results[i].epoll_result,
           results[i].epoll_errno);
  CHECK(model_live_allocations() == allocations);
  CHECK(model_live_handles() == handles);

  /* lib/: the program closes the port handle itself (CloseHandle, not
   * epoll_close) under a waiting epoll_wait: on Windows that wait's read
   * fails with ERROR_ABANDONED_WAIT_0, and epoll_wait says EBADF. */
  ep = epoll_create1(0);
  CHECK(ep != NULL);
  /* No socket: a poll outstanding on a port the program closed could never
   * be read back, and its memory would rightly stay allocated. */
  memset(results, 0, sizeof results);
  start_waiters(ep, epoll_waiter, results, threads, 1);
  CHECK(model_close_handle(ep));
  join(threads, 1);
  CHECKF(results[0].epoll_result == -1 && results[0].epoll_errno == EBADF &&
             results[0].error == ERROR_INVALID_HANDLE,
         "epoll_wait: %d errno %d GetLastError %lu", results[0].epoll_result,
         results[0].epoll_errno, (unsigned long) results[0].error);
  /* The registration is still the library's: epoll_close frees it. */
  CHECK(epoll_close(ep) == 0);
  CHECK(model_live_allocations() == allocations);
  CHECK(model_live_handles() == handles);

  closesocket(a);
  closesocket(b);
  printf("PASS model_closed_port\n");
  return 0;
}
