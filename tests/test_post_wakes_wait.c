/* A packet the program posts to the port (PostQueuedCompletionStatus) while
 * a thread blocks in epoll_wait wakes that wait: it returns promptly with
 * what is ready then (nothing here: 0), and the packet is used up, so the
 * next wait sleeps its full timeout.  The argument picks the packet:
 *   null        key 0, NULL overlapped (the documented wake-up);
 *   key7        key 7, NULL overlapped;
 *   overlapped  key 0 and an OVERLAPPED of the program's own, which the
 *               library must never write to (it is filled with a pattern
 *               and compared afterwards). */
#include "common.h"

enum { FILL_BYTE = 0xA5 };

static HANDLE ep;
static ULONG_PTR post_key;
static OVERLAPPED* post_overlapped;

static DWORD WINAPI poster(void* arg) {
  (void) arg;
  Sleep(200); /* the main thread is blocked in epoll_wait by now */
  return PostQueuedCompletionStatus(ep, 0, post_key, post_overlapped) ? 0 : 1;
}

int main(int argc, char** argv) {
  union {
    OVERLAPPED ov;
    unsigned char bytes[sizeof(OVERLAPPED)];
  } own, expected;
  struct epoll_event out[4];
  SOCKET a, b;
  HANDLE event, thread;
  DWORD code = 1;
  double start, took;
  int n;
  size_t i;

  test_init();
  CHECK(argc > 1);
  memset(&own, FILL_BYTE, sizeof own);
  memset(&expected, FILL_BYTE, sizeof expected);
  if (strcmp(argv[1], "null") == 0) {
    post_key = 0;
  } else if (strcmp(argv[1], "key7") == 0) {
    post_key = 7;
  } else {
    CHECK(strcmp(argv[1], "overlapped") == 0);
    post_key = 0;
    post_overlapped = &own.ov;
  }

  ep = epoll_create1(0);
  CHECK(ep != NULL);
  /* A socket and a handle registered and not ready: the packet must not be
   * taken for their completions. */
  udp_pair(AF_INET, &a, &b);
  ep_add(ep, a, EPOLLIN, 1);
  event = CreateEventW(NULL, FALSE, FALSE, NULL);
  CHECK(event != NULL);
  {
    struct epoll_event ev;
    memset(&ev, 0, sizeof ev);
    ev.events = EPOLLIN;
    ev.data.u64 = 2;
    CHECK(wepoll_ctl_handle(ep, EPOLL_CTL_ADD, event, &ev) == 0);
  }
  ep_expect_none(ep, 0); /* polls submitted */

  thread = CreateThread(NULL, 0, poster, NULL, 0, NULL);
  CHECK(thread != NULL);
  start = now_ms();
  n = ep_wait(ep, out, 4, 5000);
  took = now_ms() - start;
  printf("woken after %.0f ms with %d events\n", took, n);
  CHECKF(n == 0, "the woken wait returned %d events (first 0x%x data %llu)", n,
         n > 0 ? out[0].events : 0u,
         n > 0 ? (unsigned long long) out[0].data.u64 : 0ull);
  CHECKF(took < 3000,
         "the wait slept %.0f ms: the posted packet did not "
         "wake it",
         took);
  CHECK(WaitForSingleObject(thread, 5000) == WAIT_OBJECT_0);
  CHECK(GetExitCodeThread(thread, &code) && code == 0);
  CloseHandle(thread);

  /* Used up: the next wait sleeps its whole timeout. */
  start = now_ms();
  ep_expect_none(ep, 300);
  took = now_ms() - start;
  CHECKF(took >= 250,
         "the next wait returned after %.0f ms: the packet "
         "woke more than one wait",
         took);

  /* The registrations still work. */
  CHECK(send(b, "x", 1, 0) == 1);
  n = ep_wait(ep, out, 4, 2000);
  CHECK(n == 1 && out[0].data.u64 == 1 && out[0].events == EPOLLIN);
  CHECK(SetEvent(event));
  n = ep_wait(ep, out, 4, 2000);
  CHECK(n >= 1);

  for (i = 0; i < sizeof own; i++)
    CHECKF(own.bytes[i] == expected.bytes[i],
           "byte %u of the program's OVERLAPPED was changed to 0x%02x",
           (unsigned) i, own.bytes[i]);
  CHECK(epoll_close(ep) == 0);
  CloseHandle(event);
  closesocket(a);
  closesocket(b);
  printf("OK\n");
  return 0;
}
