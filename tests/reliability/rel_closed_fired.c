/* Found by rel_fuzz (seed 8 with the other fixes applied): a socket whose
 * poll has fired, but whose completion the library has not read yet, is
 * closed (without EPOLL_CTL_DEL) and its handle value is at once reused by
 * a new socket.  The next wait reads the old completion; it must not turn
 * it into an event for the closed socket.  (Re-polling to check does not
 * help once the value names a new socket: the library can only tell if a
 * close watch was outstanding for the old socket when it was closed.)
 * A promise of ports made with WEPOLL_CLOSE_TRACKING; a default port, as
 * wepoll 1.x, asks for EPOLL_CTL_DEL before closesocket. */
#include "rel.h"

int main(void) {
  HANDLE ep;
  SOCKET s, peer, other, other_peer, reused;
  struct epoll_event evs[8];
  int i, j, n, round;

  test_init();
  for (round = 0; round < 2; round++) {
    ep = epoll_create1(WEPOLL_CLOSE_TRACKING);
    CHECK(ep != NULL);
    tcp_pair(AF_INET, &peer, &s);
    tcp_pair(AF_INET, &other_peer, &other);
    ep_add(ep, other, EPOLLIN, 7);
    /* Round 0 level-triggered, round 1 one-shot. */
    ep_add(ep, s, EPOLLIN | (round ? EPOLLONESHOT : 0), 99);
    CHECK(ep_wait(ep, evs, 8, 0) == 0); /* the polls are now pending */
    send_all(peer, "x", 1);
    Sleep(100); /* the poll fires; its completion waits in the port */
    CHECK(closesocket(s) == 0);
    reused = socket_with_value(s, AF_INET, SOCK_STREAM, 1000);
    if (reused == INVALID_SOCKET)
      skip("the closed socket's handle value was not handed out again");
    for (i = 0; i < 5; i++) {
      n = ep_wait(ep, evs, 8, 50);
      for (j = 0; j < n; j++)
        CHECKF(evs[j].data.u64 != 99,
               "%s: wait %d reported events 0x%x for a socket closed before "
               "the wait (its poll had fired before the close)",
               round ? "one-shot" : "level-triggered", i, evs[j].events);
    }
    /* The port still works. */
    send_all(other_peer, "y", 1);
    n = ep_wait(ep, evs, 8, 2000);
    CHECK(n == 1 && evs[0].data.u64 == 7);
    CHECK(epoll_close(ep) == 0);
    closesocket(peer);
    closesocket(reused);
    closesocket(other);
    closesocket(other_peer);
  }
  printf("rel_closed_fired: OK\n");
  return 0;
}
