/* epoll_wait: each documented error with its errno / GetLastError pair, the
 * documented order of checks, and a port that still works afterwards. */
#include "common.h"

#include <limits.h>

int main(void) {
  HANDLE ep, closed, event_handle, iocp;
  struct epoll_event evs[4], out;
  SOCKET s, peer;
  test_init();

  ep = epoll_create1(0);
  CHECK(ep != NULL);
  event_handle = CreateEventA(NULL, TRUE, FALSE, NULL);
  CHECK(event_handle != NULL);
  iocp = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
  CHECK(iocp != NULL);
  /* Closed last: a handle opened after it could take its value. */
  closed = epoll_create1(0);
  CHECK(closed != NULL);
  CHECK(epoll_close(closed) == 0);

  /* EBADF: no open handle. */
  CHECK_FAILS(epoll_wait(NULL, evs, 4, 0), E_BADF);
  CHECK_FAILS(epoll_wait(INVALID_HANDLE_VALUE, evs, 4, 0), E_BADF);
  CHECK_FAILS(epoll_wait((HANDLE) (uintptr_t) 0x12345678, evs, 4, 0), E_BADF);
  CHECK_FAILS(epoll_wait(closed, evs, 4, 0), E_BADF);

  /* EINVAL: an open handle that is not a port. */
  CHECK_FAILS(epoll_wait(event_handle, evs, 4, 0), E_INVAL);
  CHECK_FAILS(epoll_wait(iocp, evs, 4, 0), E_INVAL);

  /* EINVAL: maxevents <= 0. */
  CHECK_FAILS(epoll_wait(ep, evs, 0, 0), E_INVAL);
  CHECK_FAILS(epoll_wait(ep, evs, -1, 0), E_INVAL);
  CHECK_FAILS(epoll_wait(ep, evs, INT_MIN, 0), E_INVAL);
  if (sizeof(void*) == 4) {
    /* INT_MAX events do not fit a 32-bit address space. */
    CHECK_FAILS(epoll_wait(ep, evs, INT_MAX, 0), E_INVAL);
  }

  /* EFAULT: NULL events. */
  CHECK_FAILS(epoll_wait(ep, NULL, 4, 0), E_FAULT);

  /* A timeout below -1 is no error: it waits for ever (timeout_infinite). */

  /* Order: the check listed first in wepoll.h wins. */
  CHECK_FAILS(epoll_wait(NULL, evs, 0, 0), E_INVAL);    /* maxevents first */
  CHECK_FAILS(epoll_wait(closed, evs, -1, 0), E_INVAL); /* (as on Linux) */
  CHECK_FAILS(epoll_wait(closed, NULL, 4, -2), E_BADF);
  CHECK_FAILS(epoll_wait(event_handle, NULL, 4, -2), E_INVAL);
  CHECK_FAILS(epoll_wait(ep, NULL, 0, 0), E_INVAL);  /* maxevents first */
  CHECK_FAILS(epoll_wait(ep, evs, -1, -2), E_INVAL); /* (same pair) */
  CHECK_FAILS(epoll_wait(ep, NULL, 4, -2), E_FAULT);

  /* The port still works. */
  udp_pair(AF_INET, &s, &peer);
  ep_add(ep, s, EPOLLIN, 9);
  CHECK(epoll_wait(ep, evs, 4, 0) == 0);
  send_all(peer, "x", 1);
  ep_wait_one(ep, &out, 2000);
  CHECK(out.data.u64 == 9 && out.events == EPOLLIN);

  CHECK(epoll_close(ep) == 0);
  CHECK_FAILS(epoll_wait(ep, evs, 4, 0), E_BADF);
  CHECK(CloseHandle(event_handle));
  CHECK(CloseHandle(iocp));
  closesocket(s);
  closesocket(peer);
  printf("ok\n");
  return 0;
}
