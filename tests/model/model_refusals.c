/* Refusals no other test makes, each a clean answer:
 *  - the registry of ports cannot grow (calloc fails when a new port needs
 *    more room): epoll_create1 fails with ENOMEM and takes nothing;
 *  - a socket's poll is refused outright by the device (a status that is
 *    neither transient nor a closed handle): the socket is reported with
 *    EPOLLERR | EPOLLHUP, as Linux reports a socket it cannot poll;
 *  - the program closed the port's handle itself and then waits on it:
 *    -1 with EBADF;
 *  - another thread closes a socket while ADD registers it with a
 *    close-tracking port, after ADD's socket check and before the close
 *    watch is submitted: the device answers the watch as for a closed
 *    handle (STATUS_INVALID_HANDLE), or completes it at once (the watch
 *    asks for LOCAL_CLOSE alone; its buffer is not read then): ADD fails
 *    with EBADF and takes nothing;
 *  - a close-tracking port's close watch is refused at ADD: the socket is
 *    registered without it and works (reported, MOD), and a close without
 *    DEL is still seen, by its main poll: the socket is dropped;
 *  - the poll that watches a disarmed one-shot socket for its close is
 *    refused: nothing is reported until MOD, which works;
 *  - the read of the port that ADD of a registered socket makes (has it
 *    been closed meanwhile?) fails: the registration stands, EEXIST;
 *  - a wait reads two of the program's wake-ups at once and the system has
 *    no memory to queue the second again for another wait: the next wait
 *    still returns at once, woken by it;
 *  - the read a wait makes before reporting results it has (a handle's
 *    packet may be queued) fails: -1 with the read's error, and the next
 *    wait reports;
 *  - the type of a handle that ADD checks cannot be read into the buffer
 *    (its name would not fit): the handle is refused as of a kind not
 *    accepted (every accepted kind's name is short), EINVAL, and nothing
 *    is taken;
 *  - epoll_close's cancel of one device's polls is refused: that device is
 *    closed instead, which ends them too, so the close returns at once,
 *    not after the 5 s it would wait for polls that never come back, and
 *    takes back every allocation and handle. */
#include "../handles.h"
#include "model.h"

#define PORTS 80
/* ZwDeviceIoControlFile returns "an appropriate error status" for a
 * request the driver refuses; STATUS_NOT_SUPPORTED is one a layered
 * provider's device gives for an IOCTL it does not know. */
#define STATUS_NOT_SUPPORTED_ 0xC00000BBul
/* ZwDeviceIoControlFile: STATUS_INVALID_HANDLE for a handle that names
 * nothing (any Zw call's answer for a closed handle). */
#define STATUS_INVALID_HANDLE_ 0xC0000008ul

/* ZwQueryObject: STATUS_INFO_LENGTH_MISMATCH when "the information length
 * is not enough to hold the data"; its ReturnLength parameter names
 * STATUS_BUFFER_OVERFLOW for the same case. */
#define STATUS_INFO_LENGTH_MISMATCH_ 0xC0000004ul
#define STATUS_BUFFER_OVERFLOW_ 0x80000005ul

/* The armed failure of `call` was taken, and the refused call kept none of
 * the allocations and handles it made. */
static void expect_taken_nothing_kept(model_call call, long allocations,
                                      long handles) {
  CHECK(model_failed(call));
  model_fail_clear();
  CHECK(model_live_allocations() == allocations);
  CHECK(model_live_handles() == handles);
}

/* The next report is `data`'s, readable. */
static void expect_readable(HANDLE ep, uint64_t data, const char* when) {
  struct epoll_event out;
  ep_wait_one(ep, &out, 2000);
  CHECKF(out.data.u64 == data && (out.events & EPOLLIN),
         "%s: events 0x%x data %llu", when, (unsigned) out.events,
         (unsigned long long) out.data.u64);
}

static void close_port_and_pair(HANDLE ep, SOCKET a, SOCKET b) {
  CHECK(epoll_close(ep) == 0);
  closesocket(a);
  closesocket(b);
}

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
  expect_readable(ep, 2, "after MOD");
  close_port_and_pair(ep, a, b);
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

static void closed_during_add(unsigned long watch_answer) {
  SOCKET a, b;
  struct epoll_event ev;
  HANDLE ep = epoll_create1(WEPOLL_CLOSE_TRACKING);
  long allocations, handles;
  CHECK(ep != NULL);
  udp_pair(AF_INET, &a, &b);
  /* The port's device exists already: the ADD below makes only its watch
   * request. */
  ep_add(ep, b, EPOLLIN, 9);
  allocations = model_live_allocations();
  handles = model_live_handles();
  memset(&ev, 0, sizeof ev);
  ev.events = EPOLLIN;
  ev.data.u64 = 1;
  model_fail_nth(MODEL_NT_DEVICE_IO_CONTROL, 1, watch_answer);
  CHECK_FAILS(epoll_ctl(ep, EPOLL_CTL_ADD, a, &ev), E_BADF);
  expect_taken_nothing_kept(MODEL_NT_DEVICE_IO_CONTROL, allocations, handles);
  /* Nothing of it stayed: the socket (still open here) can be added. */
  ep_add(ep, a, EPOLLIN, 2);
  send_all(b, "x", 1);
  expect_readable(ep, 2, "after the ADD again");
  close_port_and_pair(ep, a, b);
}

static void watch_refused(void) {
  SOCKET a, b;
  struct epoll_event ev;
  HANDLE ep = epoll_create1(WEPOLL_CLOSE_TRACKING);
  CHECK(ep != NULL);
  udp_pair(AF_INET, &a, &b);
  ep_add(ep, b, EPOLLIN, 9); /* the device exists: ADD submits the watch only */
  model_fail_nth(MODEL_NT_DEVICE_IO_CONTROL, 1, STATUS_NOT_SUPPORTED_);
  ep_add(ep, a, EPOLLIN, 1);
  CHECK(model_failed(MODEL_NT_DEVICE_IO_CONTROL));
  model_fail_clear();
  send_all(b, "x", 1);
  expect_readable(ep, 1, "without a close watch");
  ep_mod(ep, a, EPOLLIN, 2);
  expect_readable(ep, 2, "after MOD, without a close watch");
  CHECK(closesocket(a) == 0);
  ep_expect_none(ep, 300); /* reads the main poll's LOCAL_CLOSE */
  memset(&ev, 0, sizeof ev);
  ev.events = EPOLLIN;
  CHECK_FAILS(epoll_ctl(ep, EPOLL_CTL_MOD, a, &ev), E_BADF);
  CHECK(epoll_close(ep) == 0);
  closesocket(b);
}

static void disarmed_poll_refused(void) {
  SOCKET a, b;
  struct epoll_event out;
  udp_pair(AF_INET, &a, &b);
  HANDLE ep = epoll_create1(0);
  CHECK(ep != NULL);
  ep_add(ep, a, EPOLLIN | EPOLLONESHOT, 1);
  send_all(b, "x", 1);
  expect_readable(ep, 1, "before the refusal");
  /* Disarmed: the next wait polls it for its close alone, and that poll is
   * refused. */
  model_fail_nth(MODEL_NT_DEVICE_IO_CONTROL, 1, STATUS_NOT_SUPPORTED_);
  CHECKF(ep_wait(ep, &out, 1, 100) == 0,
         "events 0x%x reported for a disarmed one-shot socket",
         (unsigned) out.events);
  CHECK(model_failed(MODEL_NT_DEVICE_IO_CONTROL));
  model_fail_clear();
  ep_mod(ep, a, EPOLLIN | EPOLLONESHOT, 2);
  expect_readable(ep, 2, "after MOD");
  close_port_and_pair(ep, a, b);
}

static void lookup_read_refused(void) {
  SOCKET a, b;
  struct epoll_event ev;
  udp_pair(AF_INET, &a, &b);
  HANDLE ep = epoll_create1(WEPOLL_CLOSE_TRACKING);
  CHECK(ep != NULL);
  ep_add(ep, a, EPOLLIN, 1);
  memset(&ev, 0, sizeof ev);
  ev.events = EPOLLIN;
  /* GetQueuedCompletionStatusEx's documented failure for a port handle
   * closed under the call. */
  model_fail_nth(MODEL_GET_QUEUED_COMPLETION_STATUS_EX, 1,
                 ERROR_ABANDONED_WAIT_0);
  CHECK_FAILS(epoll_ctl(ep, EPOLL_CTL_ADD, a, &ev), E_EXIST);
  CHECK(model_failed(MODEL_GET_QUEUED_COMPLETION_STATUS_EX));
  model_fail_clear();
  send_all(b, "x", 1);
  expect_readable(ep, 1, "after the failed lookup");
  close_port_and_pair(ep, a, b);
}

static void relay_refused(void) {
  struct epoll_event out[4];
  HANDLE ep = epoll_create1(0);
  double start;
  CHECK(ep != NULL);
  CHECK(PostQueuedCompletionStatus(ep, 0, 0, NULL));
  CHECK(PostQueuedCompletionStatus(ep, 0, 0, NULL));
  model_fail_nth(MODEL_POST_QUEUED_COMPLETION_STATUS, 1,
                 ERROR_NO_SYSTEM_RESOURCES);
  CHECK(ep_wait(ep, out, 4, 2000) == 0); /* woken by the first */
  CHECK(model_failed(MODEL_POST_QUEUED_COMPLETION_STATUS));
  model_fail_clear();
  start = now_ms();
  CHECK(ep_wait(ep, out, 4, 5000) == 0);
  CHECKF(now_ms() - start < 1000,
         "the second wake-up, not queued again, woke no wait (%.0f ms)",
         now_ms() - start);
  CHECK(epoll_close(ep) == 0);
}

static void read_before_report_refused(void) {
  SOCKET a, b;
  struct epoll_event out;
  HANDLE event = CreateEventW(NULL, TRUE, FALSE, NULL);
  HANDLE ep = epoll_create1(0);
  CHECK(ep != NULL && event != NULL);
  udp_pair(AF_INET, &a, &b);
  /* A handle's wait outstanding (its packet may come) and a socket whose
   * poll finds data at once. */
  hep_add(ep, event, EPOLLIN, 3);
  send_all(b, "x", 1);
  Sleep(50);
  ep_add(ep, a, EPOLLIN, 1);
  model_fail_nth(MODEL_GET_QUEUED_COMPLETION_STATUS_EX, 1,
                 ERROR_ABANDONED_WAIT_0);
  CHECK_FAILS(epoll_wait(ep, &out, 1, 1000), E_BADF);
  CHECK(model_failed(MODEL_GET_QUEUED_COMPLETION_STATUS_EX));
  model_fail_clear();
  expect_readable(ep, 1, "after the failed read");
  close_port_and_pair(ep, a, b);
  CloseHandle(event);
}

static void type_name_too_long(unsigned long answer) {
  struct epoll_event ev, out;
  HANDLE event = CreateEventW(NULL, TRUE, TRUE, NULL);
  HANDLE ep = epoll_create1(0);
  long allocations, handles;
  CHECK(ep != NULL && event != NULL);
  allocations = model_live_allocations();
  handles = model_live_handles();
  memset(&ev, 0, sizeof ev);
  ev.events = EPOLLIN;
  ev.data.u64 = 4;
  model_fail_nth(MODEL_NT_QUERY_OBJECT, 1, answer);
  CHECK_FAILS(wepoll_ctl_handle(ep, EPOLL_CTL_ADD, event, &ev), E_INVAL);
  expect_taken_nothing_kept(MODEL_NT_QUERY_OBJECT, allocations, handles);
  /* Read whole, the same event is accepted and reported. */
  hep_add(ep, event, EPOLLIN, 5);
  ep_wait_one(ep, &out, 2000);
  CHECKF(out.data.u64 == 5 && out.events == EPOLLIN,
         "events 0x%x data %llu after the ADD again", (unsigned) out.events,
         (unsigned long long) out.data.u64);
  CHECK(epoll_close(ep) == 0);
  CloseHandle(event);
}

static void close_cancel_refused(void) {
  enum { SOCKETS = 40 }; /* two devices of 32 sockets at most */
  SOCKET a[SOCKETS], b[SOCKETS];
  struct epoll_event out;
  long allocations = model_live_allocations();
  long handles = model_live_handles();
  HANDLE ep = epoll_create1(0);
  CHECK(ep != NULL);
  for (int i = 0; i < SOCKETS; i++) {
    udp_pair(AF_INET, &a[i], &b[i]);
    ep_add(ep, a[i], EPOLLIN, (uint64_t) i);
  }
  CHECK(epoll_wait(ep, &out, 1, 0) == 0); /* submits every poll */
  /* The second device's cancel: one device cancelled, one closed. */
  model_fail_nth(MODEL_NT_CANCEL_IO, 2, STATUS_INVALID_HANDLE_);
  double start = now_ms();
  CHECK(epoll_close(ep) == 0);
  double took = now_ms() - start;
  CHECKF(took < 2000,
         "epoll_close took %.0f ms: the polls of the device "
         "whose cancel was refused did not end",
         took);
  expect_taken_nothing_kept(MODEL_NT_CANCEL_IO, allocations, handles);
  for (int i = 0; i < SOCKETS; i++) {
    closesocket(a[i]);
    closesocket(b[i]);
  }
  printf("close with a refused cancel: %.0f ms\n", took);
}

int main(void) {
  test_init();
  registry_cannot_grow();
  poll_refused();
  handle_closed_by_program();
  closed_during_add(STATUS_INVALID_HANDLE_);
  closed_during_add(0); /* STATUS_SUCCESS: completed at submission */
  watch_refused();
  disarmed_poll_refused();
  lookup_read_refused();
  relay_refused();
  read_before_report_refused();
  type_name_too_long(STATUS_INFO_LENGTH_MISMATCH_);
  type_name_too_long(STATUS_BUFFER_OVERFLOW_);
  close_cancel_refused();
  printf("PASS model_refusals\n");
  return 0;
}
