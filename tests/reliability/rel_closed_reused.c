/* Found by rel_fuzz (seeds 1, 3): a socket registered and closed (without
 * EPOLL_CTL_DEL) before any wait, whose handle value is then reused by a
 * new socket the caller did not register.  The next waits must not report
 * the new socket under the old registration's data, and MOD / DEL of the
 * value must say ENOENT (it is not registered), as on Linux.
 * A promise of ports made with WEPOLL_CLOSE_TRACKING; a default port, as
 * wepoll 1.x, asks for EPOLL_CTL_DEL before closesocket. */
#include "rel.h"

int main(void) {
  HANDLE ep;
  SOCKET old_sock, reused, a, b;
  struct epoll_event evs[8], ev;
  int i, j, n;

  test_init();
  ep = epoll_create1(WEPOLL_CLOSE_TRACKING);
  CHECK(ep != NULL);
  udp_pair(AF_INET, &a, &b); /* something else on the port */
  ep_add(ep, a, EPOLLIN, 7);

  old_sock = udp_bound(AF_INET, NULL);
  ep_add(ep, old_sock, EPOLLOUT, 99);
  CHECK(closesocket(old_sock) == 0);
  reused = socket_with_value(old_sock, AF_INET, SOCK_DGRAM, 1000);
  if (reused == INVALID_SOCKET)
    skip("the closed socket's handle value was not handed out again");
  /* The new socket is writable (UDP), and nobody registered it. */
  for (i = 0; i < 5; i++) {
    n = ep_wait(ep, evs, 8, 50);
    for (j = 0; j < n; j++)
      CHECKF(evs[j].data.u64 != 99,
             "wait %d reported events 0x%x with the data of a socket closed "
             "before any wait (its handle value now names another socket)",
             i, evs[j].events);
  }
  memset(&ev, 0, sizeof ev);
  ev.events = EPOLLIN;
  CHECK_FAILS(epoll_ctl(ep, EPOLL_CTL_MOD, reused, &ev), E_NOENT);
  CHECK_FAILS(epoll_ctl(ep, EPOLL_CTL_DEL, reused, NULL), E_NOENT);
  ep_add(ep, reused, EPOLLOUT, 100);
  n = ep_wait(ep, evs, 8, 1000);
  CHECK(n == 1 && evs[0].data.u64 == 100);
  printf("rel_closed_reused: OK\n");
  CHECK(epoll_close(ep) == 0);
  closesocket(reused);
  closesocket(a);
  closesocket(b);
  return 0;
}
