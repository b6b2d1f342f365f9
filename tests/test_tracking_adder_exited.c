/* A close-tracking port drops a socket closed without DEL also when the
 * thread that added it has exited.  ADD submits the socket's close watch
 * from the adding thread, so the watch outlives the thread that made it;
 * whatever the system then writes of its result (the close, or nothing
 * when the issuing thread is gone), the socket is dropped: never reported
 * after its close, and no longer registered (DEL of its value fails as for
 * a value that is not a socket).  Each round has a port, a socket pair and
 * an adding thread of its own. */
#include "common.h"

#define ROUNDS 6

typedef struct adder {
  HANDLE ep;
  SOCKET sock;
  int result;
} adder;

static DWORD WINAPI adder_main(void* arg) {
  adder* a = (adder*) arg;
  struct epoll_event ev;
  memset(&ev, 0, sizeof ev);
  /* One-shot: after the first report only the close watch is left. */
  ev.events = EPOLLOUT | EPOLLONESHOT;
  ev.data.u64 = 1;
  a->result = epoll_ctl(a->ep, EPOLL_CTL_ADD, a->sock, &ev);
  return 0;
}

int main(void) {
  int round;
  test_init();
  for (round = 0; round < ROUNDS; round++) {
    adder a;
    SOCKET peer;
    HANDLE thread;
    struct epoll_event out;

    a.ep = epoll_create1(WEPOLL_CLOSE_TRACKING);
    CHECK(a.ep != NULL);
    a.result = -1;
    udp_pair(AF_INET, &a.sock, &peer);
    thread = CreateThread(NULL, 0, adder_main, &a, 0, NULL);
    CHECK(thread != NULL);
    CHECK(WaitForSingleObject(thread, 10000) == WAIT_OBJECT_0);
    CloseHandle(thread);
    CHECKF(a.result == 0, "round %d: ADD from the thread failed", round);

    ep_wait_one(a.ep, &out, 2000);
    CHECKF(out.data.u64 == 1 && (out.events & EPOLLOUT),
           "round %d: events 0x%x data %llu", round, (unsigned) out.events,
           (unsigned long long) out.data.u64);
    CHECK(closesocket(a.sock) == 0);
    /* The wait reads the watch's packet; nothing is reported. */
    ep_expect_none(a.ep, 500);
    CHECK_FAILS(epoll_ctl(a.ep, EPOLL_CTL_DEL, a.sock, NULL), E_BADF);
    CHECK(epoll_close(a.ep) == 0);
    closesocket(peer);
  }
  printf("PASS test_tracking_adder_exited (%d rounds)\n", ROUNDS);
  return 0;
}
