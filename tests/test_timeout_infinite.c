/* epoll_wait(-1) blocks until an event: another thread makes a socket
 * readable after 300 ms, and the wait returns that event then, not before. */
#include "common.h"

static SOCKET writer;
static double sent_at;

static DWORD WINAPI wake(void* arg) {
  (void) arg;
  sleep_ms(300);
  sent_at = now_ms();
  send_all(writer, "w", 1);
  return 0;
}

int main(void) {
  HANDLE ep, thread;
  SOCKET a;
  struct epoll_event evs[4];
  double t0, done;
  test_init();

  ep = epoll_create1(0);
  CHECK(ep != NULL);
  udp_pair(AF_INET, &a, &writer);
  ep_add(ep, a, EPOLLIN, 81);

  t0 = now_ms();
  thread = CreateThread(NULL, 0, wake, NULL, 0, NULL);
  CHECK(thread != NULL);
  CHECK(ep_wait(ep, evs, 4, -1) == 1);
  done = now_ms();
  printf("woke after %.1f ms, %.1f ms after the send\n", done - t0,
         done - sent_at);
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
