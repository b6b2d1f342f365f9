/* A peer's reset (abortive close, SO_LINGER {1, 0}) reports EPOLLERR and
 * EPOLLHUP, and EPOLLIN when asked (the next recv returns the error), as
 * Linux does (tests/oracle); with an empty mask ERR and HUP are still
 * reported.  Argument: ipv4 | ipv6. */
#include "common.h"

static void reset_with_mask(int family, uint32_t mask, uint32_t must) {
  HANDLE ep;
  SOCKET c, s;
  struct epoll_event out;
  char buf[8];

  tcp_pair(family, &c, &s);
  ep = epoll_create1(0);
  CHECK(ep != NULL);
  ep_add(ep, s, mask, 51);
  ep_expect_none(ep, 100);
  close_abortive(c);
  ep_wait_one(ep, &out, 2000);
  CHECK(out.data.u64 == 51);
  CHECKF((out.events & must) == must, "mask 0x%x: got 0x%x, want 0x%x set",
         mask, out.events, must);
  CHECKF((out.events & ~allowed_bits(mask)) == 0, "mask 0x%x: got 0x%x", mask,
         out.events);
  /* The socket is dead: reported again, and recv fails. */
  ep_wait_one(ep, &out, 2000);
  CHECKF((out.events & must) == must, "again: got 0x%x", out.events);
  {
    int r = recv(s, buf, sizeof buf, 0), err = WSAGetLastError();
    if (is_wine()) {
      /* Wine 8's recv returns 0 after a reset, polled or not (seen with
       * plain recv and select too): not asserted under Wine. */
      printf(
          "(wine: recv after the reset returned %d, error %d; not "
          "checked)\n",
          r, r < 0 ? err : 0);
    } else {
      CHECKF(r == SOCKET_ERROR && err == WSAECONNRESET,
             "recv after reset: %d, error %d", r, err);
    }
  }
  CHECK(epoll_close(ep) == 0);
  closesocket(s);
}

int main(int argc, char** argv) {
  int family;
  test_init();
  family = test_family(argc, argv);

  reset_with_mask(family, EPOLLIN | EPOLLRDNORM | EPOLLRDHUP,
                  EPOLLERR | EPOLLHUP | EPOLLIN | EPOLLRDNORM | EPOLLRDHUP);
  reset_with_mask(family, EPOLLIN, EPOLLERR | EPOLLHUP | EPOLLIN);
  reset_with_mask(family, 0, EPOLLERR | EPOLLHUP);

  printf("ok (%s)\n", family_name(family));
  return 0;
}
