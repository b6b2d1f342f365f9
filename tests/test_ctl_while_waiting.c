/* epoll_ctl while another thread is blocked in epoll_wait(-1): ADD of a
 * socket that is already readable wakes the waiter with that event, and so
 * does MOD re-arming a disarmed one-shot socket that is still readable (as
 * on Linux, where a ready registration wakes current waiters). */
#include "common.h"

static HANDLE ep;
static HANDLE go, done;
static volatile LONG quit;
static int result;
static struct epoll_event got;

static DWORD WINAPI waiter(void* arg) {
  (void) arg;
  for (;;) {
    WaitForSingleObject(go, INFINITE);
    if (quit) return 0;
    result = epoll_wait(ep, &got, 1, -1);
    SetEvent(done);
  }
}

/* Starts one blocked wait; `change` runs while it blocks; the wait must
 * then return that one event within 2 s. */
static void wait_across(void (*change)(void), uint64_t want_data) {
  double t0;
  memset(&got, 0, sizeof got);
  result = -2;
  SetEvent(go);
  sleep_ms(200);
  CHECKF(WaitForSingleObject(done, 0) == WAIT_TIMEOUT,
         "the wait returned early (%d)", result);
  t0 = now_ms();
  change();
  if (WaitForSingleObject(done, 2000) != WAIT_OBJECT_0) {
    fprintf(stderr, "FAIL: waiter not woken within 2 s of epoll_ctl\n");
    ExitProcess(1);
  }
  printf("woken %.1f ms after epoll_ctl\n", now_ms() - t0);
  CHECKF(result == 1, "epoll_wait returned %d", result);
  CHECKF(got.data.u64 == want_data && got.events == EPOLLIN,
         "got 0x%x data %llu", got.events, (unsigned long long) got.data.u64);
}

static SOCKET a, b;

static void add_ready(void) {
  ep_add(ep, a, EPOLLIN | EPOLLONESHOT, 1);
}

static void rearm(void) {
  ep_mod(ep, a, EPOLLIN | EPOLLONESHOT, 2);
}

int main(void) {
  HANDLE thread;
  test_init();

  ep = epoll_create1(0);
  CHECK(ep != NULL);
  go = CreateEventA(NULL, FALSE, FALSE, NULL);
  done = CreateEventA(NULL, FALSE, FALSE, NULL);
  CHECK(go != NULL && done != NULL);
  udp_pair(AF_INET, &a, &b);
  send_all(b, "x", 1);
  sleep_ms(50); /* `a` is readable before it is added */

  thread = CreateThread(NULL, 0, waiter, NULL, 0, NULL);
  CHECK(thread != NULL);
  wait_across(add_ready, 1); /* the one shot is now spent */
  ep_expect_none(ep, 50);
  wait_across(rearm, 2);

  quit = 1;
  SetEvent(go);
  CHECK(WaitForSingleObject(thread, 5000) == WAIT_OBJECT_0);
  CloseHandle(thread);
  CloseHandle(go);
  CloseHandle(done);
  CHECK(epoll_close(ep) == 0);
  closesocket(a);
  closesocket(b);
  printf("ok\n");
  return 0;
}
