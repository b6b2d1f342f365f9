/* Winsock's start-up failing: lib/ starts Winsock once per process, at
 * the first port, so this sweep needs a process of its own whose first
 * port meets the failure.  Each failure must fail the create cleanly,
 * take nothing, and leave the next create free to start Winsock. */
#include "../common.h"
#include "model.h"

typedef struct startup_failure {
  int error; /* what WSAStartup returns */
  int want_errno;
} startup_failure;

/* WSAStartup's documented error codes for a valid call: the network
 * subsystem is not ready (WSASYSNOTREADY), or Winsock's limit on the
 * number of tasks is reached (WSAEPROCLIM). */
static const startup_failure startup_failures[] = {
    {WSASYSNOTREADY, ENETDOWN},
    {WSAEPROCLIM, EMFILE},
};

int main(void) {
  size_t i;
  SOCKET sock, peer;
  HANDLE ep;
  struct epoll_event ev;
  test_init();
  model_fail_clear();
  CHECK(model_calls(MODEL_WSA_STARTUP) == 0);
  CHECK(model_live_allocations() == 0);
  CHECK(model_live_handles() == 0);

  for (i = 0; i < sizeof startup_failures / sizeof *startup_failures; i++) {
    const startup_failure* f = &startup_failures[i];
    model_fail_nth(MODEL_WSA_STARTUP, 1, (unsigned long) f->error);
    CHECK_FAILS_NULL(epoll_create1(0), f->want_errno, (DWORD) f->error);
    CHECK(model_failed(MODEL_WSA_STARTUP));
    model_fail_clear();
    CHECKF(model_live_allocations() == 0, "%ld allocations leaked",
           model_live_allocations());
    CHECKF(model_live_handles() == 0, "%ld handles leaked",
           model_live_handles());
  }

  /* The failure is over: Winsock starts, and the port works. */
  ep = epoll_create1(0);
  CHECKF(ep != NULL, "epoll_create1 after the failures: errno %d", errno);
  CHECK(model_calls(MODEL_WSA_STARTUP) ==
        sizeof startup_failures / sizeof *startup_failures + 1);
  tcp_pair(AF_INET, &sock, &peer);
  ep_add(ep, sock, EPOLLIN, 42);
  send_all(peer, "x", 1);
  ep_wait_one(ep, &ev, 5000);
  CHECK(ev.data.u64 == 42 && (ev.events & EPOLLIN) != 0);
  CHECK(epoll_close(ep) == 0);

  /* Started once, for good: later ports do not start it again. */
  ep = epoll_create1(0);
  CHECK(ep != NULL);
  CHECK(epoll_close(ep) == 0);
  CHECK(model_calls(MODEL_WSA_STARTUP) ==
        sizeof startup_failures / sizeof *startup_failures + 1);
  closesocket(sock);
  closesocket(peer);
  printf("PASS model_sweep_startup\n");
  return 0;
}
