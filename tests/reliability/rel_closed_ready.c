/* Found by rel_fuzz (seeds 1, 2): no event for a socket closed before the
 * wait.  Two always-writable sockets are ready; a wait with maxevents 1
 * reports one, the other stays ready inside the library.  The caller then
 * closes that other socket (without EPOLL_CTL_DEL, as it may); later waits
 * must never report it: its data may point at freed memory by then.
 * A promise of ports made with WEPOLL_CLOSE_TRACKING; a default port, as
 * wepoll 1.x, asks for EPOLL_CTL_DEL before closesocket. */
#include "rel.h"

int main(void) {
  HANDLE ep;
  SOCKET s[2], peer[2];
  struct epoll_event evs[8];
  int i, j, n, closed;

  test_init();
  ep = epoll_create1(WEPOLL_CLOSE_TRACKING);
  CHECK(ep != NULL);
  for (i = 0; i < 2; i++) {
    tcp_pair(AF_INET, &peer[i], &s[i]);
    ep_add(ep, s[i], EPOLLOUT, (uint64_t) i);
  }
  n = ep_wait(ep, evs, 1, 1000);
  CHECK(n == 1 && evs[0].data.u64 < 2);
  closed = evs[0].data.u64 == 0 ? 1 : 0;
  CHECK(closesocket(s[closed]) == 0);
  for (i = 0; i < 5; i++) {
    n = ep_wait(ep, evs, 8, 50);
    for (j = 0; j < n; j++)
      CHECKF(evs[j].data.u64 != (uint64_t) closed,
             "wait %d reported events 0x%x for socket %d, closed before the "
             "wait (it was still queued as ready)",
             i, evs[j].events, closed);
  }
  printf("rel_closed_ready: OK\n");
  CHECK(epoll_close(ep) == 0);
  closesocket(s[1 - closed]);
  closesocket(peer[0]);
  closesocket(peer[1]);
  return 0;
}
