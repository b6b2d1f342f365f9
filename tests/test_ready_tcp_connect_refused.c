/* A non-blocking connect to a loopback port nobody listens on reports
 * EPOLLERR | EPOLLHUP plus EPOLLOUT or EPOLLIN when asked for, as Linux
 * does (tests/oracle), and SO_ERROR then says
 * WSAECONNREFUSED.  Windows retries a refused connect for ~2 s first.
 * Argument: ipv4 | ipv6. */
#include "common.h"

int main(int argc, char** argv) {
  int family, i, err, len;
  HANDLE ep;
  SOCKET probe, c_out, c_in;
  test_addr addr;
  struct epoll_event evs[4];
  int got_out = 0, got_in = 0;
  double t0;
  test_init();
  family = test_family(argc, argv);

  /* A loopback port that is bound but not listening. */
  loopback_addr(family, &addr);
  probe = socket(family, SOCK_STREAM, 0);
  CHECK(probe != INVALID_SOCKET);
  CHECK(bind(probe, (struct sockaddr*) &addr.ss, addr.len) == 0);
  len = (int) sizeof addr.ss;
  CHECK(getsockname(probe, (struct sockaddr*) &addr.ss, &len) == 0);
  addr.len = len;

  ep = epoll_create1(0);
  CHECK(ep != NULL);
  t0 = now_ms();
  c_out = tcp_connect_nonblocking(family, &addr);
  c_in = tcp_connect_nonblocking(family, &addr);
  ep_add(ep, c_out, EPOLLOUT | EPOLLONESHOT, 1);
  ep_add(ep, c_in, EPOLLIN | EPOLLRDNORM | EPOLLONESHOT, 2);

  for (i = 0; i < 100 && !(got_out && got_in); i++) {
    int n = ep_wait(ep, evs, 4, 100), k;
    for (k = 0; k < n; k++) {
      uint32_t e = evs[k].events;
      if (evs[k].data.u64 == 1) {
        CHECKF(!got_out, "reported twice");
        got_out = 1;
        CHECKF(e == (EPOLLERR | EPOLLHUP | EPOLLOUT), "OUT mask: got 0x%x", e);
        CHECKF((e & ~allowed_bits(EPOLLOUT)) == 0, "OUT mask: got 0x%x", e);
      } else {
        CHECKF(evs[k].data.u64 == 2, "bad data");
        CHECKF(!got_in, "reported twice");
        got_in = 1;
        CHECKF(e == (EPOLLERR | EPOLLHUP | EPOLLIN | EPOLLRDNORM),
               "IN mask: got 0x%x", e);
        CHECKF((e & ~allowed_bits(EPOLLIN | EPOLLRDNORM)) == 0,
               "IN mask: got 0x%x", e);
      }
    }
  }
  CHECKF(got_out && got_in, "refused connect not reported within 10 s");
  printf("refused after %.0f ms\n", now_ms() - t0);

  err = 0;
  len = sizeof err;
  CHECK(getsockopt(c_out, SOL_SOCKET, SO_ERROR, (char*) &err, &len) == 0);
  CHECKF(err == WSAECONNREFUSED, "SO_ERROR %d", err);

  CHECK(epoll_close(ep) == 0);
  closesocket(c_out);
  closesocket(c_in);
  closesocket(probe);
  printf("ok (%s)\n", family_name(family));
  return 0;
}
