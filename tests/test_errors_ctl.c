/* epoll_ctl: each documented error with its errno / GetLastError pair, the
 * documented order of checks, masks with undefined bits (accepted and
 * ignored), and a port that still works afterwards. */
#include "common.h"

/* A socket value that was open and is closed now. */
static SOCKET closed_socket(void) {
  SOCKET s = socket(AF_INET, SOCK_DGRAM, 0);
  CHECK(s != INVALID_SOCKET);
  CHECK(closesocket(s) == 0);
  return s;
}

/* A registered socket closed without DEL: once a wait has run, MOD and DEL
 * of its value fail with EBADF, as on Linux for a closed descriptor. */
static void check_closed_registered(HANDLE ep) {
  SOCKET s, peer;
  struct epoll_event ev = ep_event(EPOLLIN, 5), out[4];
  udp_pair(AF_INET, &s, &peer);
  ep_add(ep, s, EPOLLIN, 5);
  CHECK(closesocket(s) == 0);
  CHECK(epoll_wait(ep, out, 4, 100) == 0);
  CHECK_FAILS(epoll_ctl(ep, EPOLL_CTL_MOD, s, &ev), E_BADF);
  CHECK_FAILS(epoll_ctl(ep, EPOLL_CTL_DEL, s, NULL), E_BADF);
  CHECK_FAILS(epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev), E_BADF);
  closesocket(peer);
}

int main(void) {
  HANDLE ep, closed, event_handle, iocp;
  SOCKET s, peer, other, other_peer, warm, warm_peer;
  SOCKET gone;
  const SOCKET random_sock = (SOCKET) 0x7ff0;
  struct epoll_event ev, odd, out;
  /* Bits no header defines, and Linux bits wepoll does not implement
   * (EPOLLEXCLUSIVE 1u << 28, EPOLLWAKEUP 1u << 29). */
  static const uint32_t unknown_bits[] = {
      1u << 5, 1u << 11, 1u << 12, 1u << 14, 1u << 20, 1u << 28, 1u << 29};
  const int ops[] = {EPOLL_CTL_ADD, EPOLL_CTL_MOD, EPOLL_CTL_DEL};
  size_t i;
  test_init();

  ep = epoll_create1(0);
  CHECK(ep != NULL);
  event_handle = CreateEventA(NULL, TRUE, FALSE, NULL);
  CHECK(event_handle != NULL);
  iocp = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
  CHECK(iocp != NULL);
  udp_pair(AF_INET, &s, &peer);
  udp_pair(AF_INET, &other, &other_peer);
  udp_pair(AF_INET, &warm, &warm_peer);
  /* The port opens its AFD device handle now: a handle opened later could
   * take the value of `closed` or `gone` below, which must stay unused. */
  ep_add(ep, warm, 0, 99);
  closed = epoll_create1(0);
  CHECK(closed != NULL);
  gone = closed_socket();
  CHECK(epoll_close(closed) == 0);
  ev = ep_event(EPOLLIN, 1);

  for (i = 0; i < 3; i++) {
    /* EBADF: the port value is no open handle. */
    CHECK_FAILS(epoll_ctl(NULL, ops[i], s, &ev), E_BADF);
    CHECK_FAILS(epoll_ctl(INVALID_HANDLE_VALUE, ops[i], s, &ev), E_BADF);
    CHECK_FAILS(epoll_ctl((HANDLE) (uintptr_t) 0x12345678, ops[i], s, &ev),
                E_BADF);
    CHECK_FAILS(epoll_ctl(closed, ops[i], s, &ev), E_BADF);
    /* EINVAL: an open handle that is no port. */
    CHECK_FAILS(epoll_ctl(event_handle, ops[i], s, &ev), E_INVAL);
    CHECK_FAILS(epoll_ctl(iocp, ops[i], s, &ev), E_INVAL);
    /* EBADF: the socket value is no open handle. */
    CHECK_FAILS(epoll_ctl(ep, ops[i], INVALID_SOCKET, &ev), E_BADF);
    CHECK_FAILS(epoll_ctl(ep, ops[i], (SOCKET) 0, &ev), E_BADF);
    CHECK_FAILS(epoll_ctl(ep, ops[i], random_sock, &ev), E_BADF);
    CHECK_FAILS(epoll_ctl(ep, ops[i], gone, &ev), E_BADF);
    /* ENOTSOCK: an open handle that is no socket. */
    CHECK_FAILS(epoll_ctl(ep, ops[i], (SOCKET) event_handle, &ev), E_NOTSOCK);
    CHECK_FAILS(epoll_ctl(ep, ops[i], (SOCKET) iocp, &ev), E_NOTSOCK);
  }

  /* EINVAL: bad op. */
  CHECK_FAILS(epoll_ctl(ep, 0, s, &ev), E_INVAL);
  CHECK_FAILS(epoll_ctl(ep, 4, s, &ev), E_INVAL);
  CHECK_FAILS(epoll_ctl(ep, -1, s, &ev), E_INVAL);
  CHECK_FAILS(epoll_ctl(ep, 0x10000 + EPOLL_CTL_ADD, s, &ev), E_INVAL);

  /* EFAULT: NULL event for ADD and MOD (DEL accepts NULL). */
  CHECK_FAILS(epoll_ctl(ep, EPOLL_CTL_ADD, s, NULL), E_FAULT);
  CHECK_FAILS(epoll_ctl(ep, EPOLL_CTL_MOD, s, NULL), E_FAULT);

  /* ENOENT: MOD / DEL of a real socket that is not registered. */
  CHECK_FAILS(epoll_ctl(ep, EPOLL_CTL_MOD, s, &ev), E_NOENT);
  CHECK_FAILS(epoll_ctl(ep, EPOLL_CTL_DEL, s, &ev), E_NOENT);
  CHECK_FAILS(epoll_ctl(ep, EPOLL_CTL_DEL, s, NULL), E_NOENT);

  /* EEXIST: a second ADD, whatever its mask. */
  CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev) == 0);
  CHECK_FAILS(epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev), E_EXIST);
  odd = ep_event(EPOLLOUT | EPOLLONESHOT, 2);
  CHECK_FAILS(epoll_ctl(ep, EPOLL_CTL_ADD, s, &odd), E_EXIST);

  /* The order of checks: each call below breaks two rules; the one listed
   * first in wepoll.h wins.  EBADF comes before everything else. */
  CHECK_FAILS(epoll_ctl(NULL, 0, s, &ev), E_BADF);                /* op */
  CHECK_FAILS(epoll_ctl(closed, EPOLL_CTL_ADD, s, NULL), E_BADF); /* event */
  CHECK_FAILS(epoll_ctl(NULL, EPOLL_CTL_ADD, INVALID_SOCKET, &ev), E_BADF);
  CHECK_FAILS(epoll_ctl(event_handle, EPOLL_CTL_ADD, INVALID_SOCKET, &ev),
              E_BADF); /* socket value before "not a port" */
  CHECK_FAILS(epoll_ctl(event_handle, 0, gone, &ev), E_BADF);
  CHECK_FAILS(epoll_ctl(ep, 0, INVALID_SOCKET, &ev), E_BADF); /* before op */
  CHECK_FAILS(epoll_ctl(ep, 4, gone, NULL), E_BADF);
  CHECK_FAILS(epoll_ctl(ep, EPOLL_CTL_ADD, INVALID_SOCKET, NULL),
              E_BADF); /* before EFAULT */
  CHECK_FAILS(epoll_ctl(event_handle, 0, (SOCKET) iocp, NULL), E_INVAL);
  CHECK_FAILS(epoll_ctl(ep, 4, s, NULL), E_INVAL); /* op before event */
  CHECK_FAILS(epoll_ctl(ep, 0, (SOCKET) event_handle, &ev), E_INVAL);
  CHECK_FAILS(epoll_ctl(ep, EPOLL_CTL_ADD, (SOCKET) event_handle, NULL),
              E_FAULT); /* event before socket */
  CHECK_FAILS(epoll_ctl(ep, EPOLL_CTL_ADD, s, NULL), E_FAULT); /* not EEXIST */

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

  /* Undefined bits are accepted by ADD and MOD and ignored: `s` is still
   * readable and reports EPOLLIN alone, never an undefined bit. */
  for (i = 0; i < sizeof unknown_bits / sizeof unknown_bits[0]; i++) {
    odd = ep_event(EPOLLIN | unknown_bits[i], 10 + i);
    CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, s, &odd) == 0);
    ep_wait_one(ep, &out, 2000);
    CHECKF(out.events == EPOLLIN && out.data.u64 == 10 + i,
           "bit 0x%x: events 0x%x", unknown_bits[i], out.events);
    odd = ep_event(unknown_bits[i], 20 + i); /* nothing defined but ERR/HUP */
    CHECK(epoll_ctl(ep, EPOLL_CTL_MOD, s, &odd) == 0);
    ep_expect_none(ep, 20);
    CHECK(epoll_ctl(ep, EPOLL_CTL_DEL, s, NULL) == 0);
  }
  odd = ep_event(0xffffffffu & ~(1u << 30 | 1u << 31), 30);
  CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, s, &odd) == 0);
  ep_wait_one(ep, &out, 2000);
  CHECK((out.events & ~(EPOLLIN | EPOLLOUT | EPOLLRDNORM | EPOLLWRNORM |
                        EPOLLWRBAND)) == 0);
  CHECK(epoll_ctl(ep, EPOLL_CTL_DEL, s, NULL) == 0);

  /* The known-good flag values are all accepted. */
  ev = ep_event(EPOLLIN | EPOLLPRI | EPOLLOUT | EPOLLERR | EPOLLHUP |
                 EPOLLRDNORM | EPOLLRDBAND | EPOLLWRNORM | EPOLLWRBAND |
                 EPOLLMSG | EPOLLRDHUP | EPOLLONESHOT,
             3);
  CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev) == 0);
  ev.events = EPOLLIN | (1u << 31);
  CHECK(epoll_ctl(ep, EPOLL_CTL_MOD, s, &ev) == 0);
  ev.events = 0;
  CHECK(epoll_ctl(ep, EPOLL_CTL_MOD, s, &ev) == 0);
  CHECK(epoll_ctl(ep, EPOLL_CTL_DEL, s, &ev) == 0);

  check_closed_registered(ep);

  CHECK(epoll_close(ep) == 0);
  CHECK(CloseHandle(event_handle));
  CHECK(CloseHandle(iocp));
  closesocket(s);
  closesocket(peer);
  closesocket(other);
  closesocket(other_peer);
  closesocket(warm);
  closesocket(warm_peer);
  printf("ok\n");
  return 0;
}
