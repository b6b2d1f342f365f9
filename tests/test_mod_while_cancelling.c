/* MOD of a socket whose poll is being cancelled: a MOD that widens the
 * interest makes the next wait cancel the outstanding poll, and a second MOD
 * that comes before the cancellation's packet has been read must neither
 * be lost nor make a second poll.  The report that follows has the second
 * MOD's interest and data, the first MOD's data never shows, and the port
 * goes on reporting the socket.
 *
 * The cancellation's packet is kept in the port: a packet the program posts
 * first is ahead of it (a completion port is first in, first out), and a
 * wait with maxevents 1 reads one packet, the posted one, which wakes it. */
#include "common.h"

int main(void) {
  HANDLE ep;
  SOCKET s, peer;
  struct epoll_event out[4];
  int n;

  test_init();
  ep = epoll_create1(0);
  CHECK(ep != NULL);
  udp_pair(AF_INET, &s, &peer);

  /* A poll for reading only, outstanding: nothing to read. */
  ep_add(ep, s, EPOLLIN, 1);
  ep_expect_none(ep, 0);

  /* Writing too: the next wait cancels the poll to ask for more. */
  ep_mod(ep, s, EPOLLIN | EPOLLOUT, 2);
  CHECK(PostQueuedCompletionStatus(ep, 0, 0, NULL));
  n = ep_wait(ep, out, 1, 1000);
  CHECKF(n == 0 || (n == 1 && out[0].data.u64 == 2),
         "the woken wait returned %d (data %llu)", n,
         n > 0 ? (unsigned long long) out[0].data.u64 : 0ull);

  /* The second MOD, with the cancellation still unread (where the woken
   * wait did not report yet). */
  ep_mod(ep, s, EPOLLOUT, 3);
  n = ep_wait(ep, out, 4, 2000);
  CHECKF(n == 1, "a writable socket was not reported: %d", n);
  CHECKF(out[0].data.u64 == 3 && out[0].events == EPOLLOUT,
         "reported data %llu events 0x%x, want data 3 events EPOLLOUT",
         (unsigned long long) out[0].data.u64, out[0].events);

  /* Still registered and polled: readable data is reported after a MOD
   * back to reading. */
  ep_mod(ep, s, EPOLLIN, 4);
  CHECK(send(peer, "x", 1, 0) == 1);
  n = ep_wait(ep, out, 4, 2000);
  CHECKF(n == 1 && out[0].data.u64 == 4 && (out[0].events & EPOLLIN),
         "after MOD back to reading: %d events (data %llu events 0x%x)", n,
         n > 0 ? (unsigned long long) out[0].data.u64 : 0ull,
         n > 0 ? out[0].events : 0u);

  closesocket(s);
  closesocket(peer);
  CHECK(epoll_close(ep) == 0);
  printf("second MOD during a cancellation reported with its own data\n");
  return 0;
}
