/* epoll_ctl: each documented error with its errno / GetLastError pair, the
 * documented order of checks, and a port that still works afterwards. */
#include "common.h"

static struct epoll_event ev_of(uint32_t events, uint64_t data) {
  struct epoll_event ev;
  memset(&ev, 0, sizeof ev);
  ev.events = events;
  ev.data.u64 = data;
  return ev;
}

int main(void) {
  HANDLE ep, closed, event_handle, iocp;
  SOCKET s, peer, other, other_peer;
  const SOCKET random_sock = (SOCKET) 0x7ff0;
  struct epoll_event ev, bad, out;
  static const uint32_t unknown_bits[] = {1u << 5,  1u << 11, 1u << 12,
                                          1u << 14, 1u << 20, 1u << 28,
                                          1u << 29};
  const int ops[] = {EPOLL_CTL_ADD, EPOLL_CTL_MOD, EPOLL_CTL_DEL};
  size_t i;
  test_init();

  ep = epoll_create1(0);
  CHECK(ep != NULL);
  closed = epoll_create1(0);
  CHECK(closed != NULL);
  CHECK(epoll_close(closed) == 0);
  event_handle = CreateEventA(NULL, TRUE, FALSE, NULL);
  CHECK(event_handle != NULL);
  iocp = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
  CHECK(iocp != NULL);
  udp_pair(AF_INET, &s, &peer);
  udp_pair(AF_INET, &other, &other_peer);
  ev = ev_of(EPOLLIN, 1);

  /* EBADF: not an open port, for every op. */
  for (i = 0; i < 3; i++) {
    CHECK_FAILS(epoll_ctl(NULL, ops[i], s, &ev), E_BADF);
    CHECK_FAILS(epoll_ctl(INVALID_HANDLE_VALUE, ops[i], s, &ev), E_BADF);
    CHECK_FAILS(epoll_ctl((HANDLE) (uintptr_t) 0x12345678, ops[i], s, &ev),
                E_BADF);
    CHECK_FAILS(epoll_ctl(closed, ops[i], s, &ev), E_BADF);
    CHECK_FAILS(epoll_ctl(event_handle, ops[i], s, &ev), E_BADF);
    CHECK_FAILS(epoll_ctl(iocp, ops[i], s, &ev), E_BADF);
  }

  /* EINVAL: bad op. */
  CHECK_FAILS(epoll_ctl(ep, 0, s, &ev), E_INVAL);
  CHECK_FAILS(epoll_ctl(ep, 4, s, &ev), E_INVAL);
  CHECK_FAILS(epoll_ctl(ep, -1, s, &ev), E_INVAL);
  CHECK_FAILS(epoll_ctl(ep, 0x10000 + EPOLL_CTL_ADD, s, &ev), E_INVAL);

  /* EFAULT: NULL event for ADD and MOD (DEL accepts NULL). */
  CHECK_FAILS(epoll_ctl(ep, EPOLL_CTL_ADD, s, NULL), E_FAULT);
  CHECK_FAILS(epoll_ctl(ep, EPOLL_CTL_MOD, s, NULL), E_FAULT);

  /* EINVAL: event bits the header does not define, for ADD and MOD. */
  for (i = 0; i < sizeof unknown_bits / sizeof unknown_bits[0]; i++) {
    bad = ev_of(EPOLLIN | unknown_bits[i], 1);
    CHECK_FAILS(epoll_ctl(ep, EPOLL_CTL_ADD, s, &bad), E_INVAL);
    CHECK_FAILS(epoll_ctl(ep, EPOLL_CTL_MOD, s, &bad), E_INVAL);
  }

  /* ENOTSOCK: values that are not sockets, for ADD; and for MOD and DEL of
   * such an (unregistered) value. */
  for (i = 0; i < 3; i++) {
    CHECK_FAILS(epoll_ctl(ep, ops[i], INVALID_SOCKET, &ev), E_NOTSOCK);
    CHECK_FAILS(epoll_ctl(ep, ops[i], (SOCKET) event_handle, &ev),
                E_NOTSOCK);
    CHECK_FAILS(epoll_ctl(ep, ops[i], (SOCKET) iocp, &ev), E_NOTSOCK);
    CHECK_FAILS(epoll_ctl(ep, ops[i], random_sock, &ev), E_NOTSOCK);
    CHECK_FAILS(epoll_ctl(ep, ops[i], (SOCKET) 0, &ev), E_NOTSOCK);
  }

  /* ENOENT: MOD / DEL of a real socket that is not registered. */
  CHECK_FAILS(epoll_ctl(ep, EPOLL_CTL_MOD, s, &ev), E_NOENT);
  CHECK_FAILS(epoll_ctl(ep, EPOLL_CTL_DEL, s, &ev), E_NOENT);
  CHECK_FAILS(epoll_ctl(ep, EPOLL_CTL_DEL, s, NULL), E_NOENT);

  /* EEXIST: a second ADD, whatever its mask. */
  CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev) == 0);
  CHECK_FAILS(epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev), E_EXIST);
  bad = ev_of(EPOLLOUT | EPOLLONESHOT, 2);
  CHECK_FAILS(epoll_ctl(ep, EPOLL_CTL_ADD, s, &bad), E_EXIST);

  /* The order of checks: each call below breaks two rules; the one listed
   * first in wepoll.h must win. */
  CHECK_FAILS(epoll_ctl(NULL, 0, s, &ev), E_BADF);                /* op */
  CHECK_FAILS(epoll_ctl(closed, EPOLL_CTL_ADD, s, NULL), E_BADF); /* event */
  CHECK_FAILS(epoll_ctl(NULL, EPOLL_CTL_ADD, INVALID_SOCKET, &ev), E_BADF);
  CHECK_FAILS(epoll_ctl(ep, 4, s, NULL), E_INVAL);     /* op before event */
  CHECK_FAILS(epoll_ctl(ep, 0, INVALID_SOCKET, &ev), E_INVAL);
  CHECK_FAILS(epoll_ctl(ep, EPOLL_CTL_ADD, INVALID_SOCKET, NULL),
              E_FAULT);                            /* event before socket */
  CHECK_FAILS(epoll_ctl(ep, EPOLL_CTL_ADD, s, NULL), E_FAULT); /* not EEXIST */
  bad = ev_of(EPOLLIN | (1u << 5), 1);
  CHECK_FAILS(epoll_ctl(ep, EPOLL_CTL_ADD, INVALID_SOCKET, &bad),
              E_INVAL);                             /* bits before socket */
  CHECK_FAILS(epoll_ctl(ep, EPOLL_CTL_ADD, s, &bad), E_INVAL); /* not EEXIST */
  CHECK_FAILS(epoll_ctl(ep, EPOLL_CTL_MOD, other, &bad),
              E_INVAL);                              /* bits before ENOENT */

  /* After all that the port works: `s` is registered with data 1 and
   * becomes readable; `other` is not registered. */
  send_all(peer, "x", 1);
  send_all(other_peer, "y", 1);
  ep_wait_one(ep, &out, 2000);
  CHECK(out.data.u64 == 1);
  CHECK(out.events == EPOLLIN);
  CHECK(epoll_ctl(ep, EPOLL_CTL_DEL, s, NULL) == 0);
  CHECK_FAILS(epoll_ctl(ep, EPOLL_CTL_DEL, s, NULL), E_NOENT);
  ep_expect_none(ep, 50);

  /* The known-good flag values are all accepted. */
  ev = ev_of(EPOLLIN | EPOLLPRI | EPOLLOUT | EPOLLERR | EPOLLHUP |
                 EPOLLRDNORM | EPOLLRDBAND | EPOLLWRNORM | EPOLLWRBAND |
                 EPOLLMSG | EPOLLRDHUP | EPOLLONESHOT,
             3);
  CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev) == 0);
  ev.events = EPOLLIN | (1u << 31);
  CHECK(epoll_ctl(ep, EPOLL_CTL_MOD, s, &ev) == 0);
  ev.events = 0;
  CHECK(epoll_ctl(ep, EPOLL_CTL_MOD, s, &ev) == 0);
  CHECK(epoll_ctl(ep, EPOLL_CTL_DEL, s, &ev) == 0);

  CHECK(epoll_close(ep) == 0);
  CHECK(CloseHandle(event_handle));
  CHECK(CloseHandle(iocp));
  closesocket(s);
  closesocket(peer);
  closesocket(other);
  closesocket(other_peer);
  printf("ok\n");
  return 0;
}
