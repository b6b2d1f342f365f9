/* Three refusals no other test makes, each a clean answer:
 *  - the registry of ports cannot grow (calloc fails when a new port needs
 *    more room): epoll_create1 fails with ENOMEM and takes nothing;
 *  - a socket's poll is refused outright by the device (a status that is
 *    neither transient nor a closed handle): the socket is reported with
 *    EPOLLERR | EPOLLHUP, as Linux reports a socket it cannot poll;
 *  - the program closed the port's handle itself and then waits on it:
 *    -1 with EBADF. */
#include "../common.h"
#include "model.h"

#define PORTS 80
/* ZwDeviceIoControlFile returns "an appropriate error status" for a
 * request the driver refuses; STATUS_NOT_SUPPORTED is one a layered
 * provider's device gives for an IOCTL it does not know. */
#define STATUS_NOT_SUPPORTED_ 0xC00000BBul

static void registry_cannot_grow(void) {
  HANDLE ports[PORTS];
  int made = 0, refused = 0;
  for (int i = 0; i < PORTS; i++) {
    long allocations = model_live_allocations();
    long handles = model_live_handles();
    /* The port itself is the first calloc of epoll_create1; a registry
     * that must grow makes the second. */
    model_fail_nth(MODEL_CALLOC, 2, 0);
    ports[made] = epoll_create1(0);
    bool taken = model_failed(MODEL_CALLOC);
    model_fail_clear();
    if (taken) {
      CHECKF(ports[made] == NULL,
             "port %d made though the registry could "
             "not grow",
             i);
      CHECK(errno == ENOMEM && GetLastError() == ERROR_NOT_ENOUGH_MEMORY);
      CHECK(model_live_allocations() == allocations);
      CHECK(model_live_handles() == handles);
      refused++;
      ports[made] = epoll_create1(0); /* the failure is spent */
    }
    CHECK(ports[made] != NULL);
    made++;
  }
  CHECKF(refused > 0, "no port among %d needed the registry to grow", PORTS);
  for (int i = 0; i < made; i++)
    CHECK(epoll_close(ports[i]) == 0);
  printf("registry growth refused %d time(s) in %d ports\n", refused, PORTS);
}

static void poll_refused(void) {
  SOCKET a, b;
  struct epoll_event out;
  udp_pair(AF_INET, &a, &b);
  HANDLE ep = epoll_create1(0);
  CHECK(ep != NULL);
  model_fail_nth(MODEL_NT_DEVICE_IO_CONTROL, 1, STATUS_NOT_SUPPORTED_);
  ep_add(ep, a, EPOLLIN, 1);
  ep_wait_one(ep, &out, 2000);
  CHECK(model_failed(MODEL_NT_DEVICE_IO_CONTROL));
  model_fail_clear();
  CHECKF(out.data.u64 == 1 &&
             (out.events & (EPOLLERR | EPOLLHUP)) == (EPOLLERR | EPOLLHUP),
         "events 0x%x for the socket whose poll was refused",
         (unsigned) out.events);
  /* MOD polls again: the socket works once the device accepts. */
  ep_mod(ep, a, EPOLLIN, 2);
  send_all(b, "x", 1);
  ep_wait_one(ep, &out, 2000);
  CHECKF(out.data.u64 == 2 && (out.events & EPOLLIN), "events 0x%x after MOD",
         (unsigned) out.events);
  CHECK(epoll_close(ep) == 0);
  closesocket(a);
  closesocket(b);
}

static void handle_closed_by_program(void) {
  struct epoll_event out;
  HANDLE ep = epoll_create1(0);
  CHECK(ep != NULL);
  CHECK(CloseHandle(ep));
  CHECK_FAILS(epoll_wait(ep, &out, 1, 0), E_BADF);
  /* The port's memory goes with epoll_close, which finds the handle
   * gone. */
  epoll_close(ep);
}

int main(void) {
  test_init();
  registry_cannot_grow();
  poll_refused();
  handle_closed_by_program();
  printf("PASS model_refusals\n");
  return 0;
}
