/* A negative timeout blocks until an event, whatever its value: -1 as
 * documented, and any value below it (-2, INT_MIN) as on Linux and in
 * wepoll 1.x, never EINVAL and never an immediate 0.  Another thread makes
 * a socket readable after 300 ms, and the wait returns that event then,
 * not before.
 *
 *   test_timeout_infinite.exe minus1|minus2|int_min */
#include "common.h"

#include <limits.h>

static SOCKET writer;
static double sent_at;

static DWORD WINAPI wake(void* arg) {
  (void) arg;
  sleep_ms(300);
  sent_at = now_ms();
  send_all(writer, "w", 1);
  return 0;
}

static int timeout_from_name(const char* name) {
  if (name == NULL || strcmp(name, "minus1") == 0)
    return -1;
  if (strcmp(name, "minus2") == 0)
    return -2;
  if (strcmp(name, "int_min") == 0)
    return INT_MIN;
  test_fail_at(__FILE__, __LINE__, "unknown timeout '%s'", name);
}

int main(int argc, char** argv) {
  int timeout = timeout_from_name(argc > 1 ? argv[1] : NULL);
  HANDLE ep, thread;
  SOCKET a;
  struct epoll_event evs[4];
  double t0, done;
  int n;
  test_init();

  ep = epoll_create1(0);
  CHECK(ep != NULL);
  udp_pair(AF_INET, &a, &writer);
  ep_add(ep, a, EPOLLIN, 81);

  t0 = now_ms();
  thread = CreateThread(NULL, 0, wake, NULL, 0, NULL);
  CHECK(thread != NULL);
  n = epoll_wait(ep, evs, 4, timeout);
  done = now_ms();
  CHECKF(n == 1, "epoll_wait(timeout %d) returned %d (errno %d) after %.1f ms",
         timeout, n, errno, done - t0);
  printf("timeout %d: woke after %.1f ms, %.1f ms after the send\n", timeout,
         done - t0, done - sent_at);
  CHECK(evs[0].data.u64 == 81 && evs[0].events == EPOLLIN);
  CHECKF(done - t0 >= 250, "returned after %.1f ms", done - t0);
  CHECKF(done - sent_at < 1000, "returned %.1f ms after the send",
         done - sent_at);
  CHECK(WaitForSingleObject(thread, 5000) == WAIT_OBJECT_0);
  CloseHandle(thread);

  CHECK(epoll_close(ep) == 0);
  closesocket(a);
  closesocket(writer);
  printf("ok\n");
  return 0;
}
