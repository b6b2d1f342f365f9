/* Every packet the program posts wakes exactly one epoll_wait: N packets
 * posted with nobody waiting (keys 0, 7 and others, NULL or not overlapped
 * pointers) make the next N waits return 0 at once, whatever their
 * maxevents, and the wait after them sleeps its timeout.  Then the same
 * with the posts made while the waits run, from another thread, and with
 * the posts read by an EPOLL_CTL_ADD (of a registered socket: its look-up
 * reads the port) before any wait runs. */
#include "common.h"

enum { POSTS = 600, LIVE_POSTS = 300 };

static HANDLE ep;
static OVERLAPPED own[4]; /* never dereferenced by the library */

static void post(int i) {
  static const ULONG_PTR keys[] = {0, 7, 1, 2, (ULONG_PTR) -1};
  ULONG_PTR key = keys[i % 5];
  OVERLAPPED* ov = i % 3 == 0 ? NULL : &own[i % 4];
  CHECK(PostQueuedCompletionStatus(ep, (DWORD) i, key, ov));
}

static DWORD WINAPI live_poster(void* arg) {
  int i;
  (void) arg;
  for (i = 0; i < LIVE_POSTS; i++) {
    post(i);
    if (i % 16 == 0)
      Sleep(1);
  }
  return 0;
}

/* `count` waits, each of which must be woken (return 0 well before its
 * timeout). */
static void expect_woken_waits(int count) {
  struct epoll_event out[300];
  int i;
  for (i = 0; i < count; i++) {
    int maxevents = 1 + (i * 37) % 300;
    double start = now_ms();
    int n = ep_wait(ep, out, maxevents, 5000);
    double took = now_ms() - start;
    CHECKF(n == 0 && took < 4000,
           "wait %d of %d: %d events after %.0f ms (a posted packet lost?)", i,
           count, n, took);
  }
}

static void expect_no_more(void) {
  double start = now_ms();
  ep_expect_none(ep, 200);
  CHECKF(now_ms() - start >= 150,
         "one wait too many was woken: a packet woke two waits");
}

int main(void) {
  HANDLE thread;
  SOCKET a, b;
  struct epoll_event ev;
  int i;
  test_init();
  ep = epoll_create1(0);
  CHECK(ep != NULL);
  udp_pair(AF_INET, &a, &b);
  ep_add(ep, a, EPOLLIN, 1); /* registered, never ready */

  for (i = 0; i < POSTS; i++)
    post(i);
  expect_woken_waits(POSTS);
  expect_no_more();
  printf("%d posts woke %d waits\n", POSTS, POSTS);

  thread = CreateThread(NULL, 0, live_poster, NULL, 0, NULL);
  CHECK(thread != NULL);
  expect_woken_waits(LIVE_POSTS);
  CHECK(WaitForSingleObject(thread, 10000) == WAIT_OBJECT_0);
  CloseHandle(thread);
  expect_no_more();
  printf("%d posts from another thread woke %d waits\n", LIVE_POSTS,
         LIVE_POSTS);

  for (i = 0; i < 3; i++)
    post(i);
  memset(&ev, 0, sizeof ev);
  ev.events = EPOLLIN;
  CHECK_FAILS(epoll_ctl(ep, EPOLL_CTL_ADD, a, &ev), E_EXIST);
  expect_woken_waits(3);
  expect_no_more();
  printf("3 posts read by an ADD woke 3 waits\n");

  CHECK(epoll_close(ep) == 0);
  closesocket(a);
  closesocket(b);
  printf("OK\n");
  return 0;
}
