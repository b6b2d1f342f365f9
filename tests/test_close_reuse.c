/* Handle-value reuse (wepoll issue 34): a registered socket with its poll
 * outstanding is closed without DEL and a new socket gets the same handle
 * value and is ADDed: the ADD succeeds and its events arrive with the new
 * data, none with the old.  Argument "after_wait": a wait runs between the
 * close and the reuse, and sees the close through the socket's poll, in a
 * default port (wepoll 1.x's behaviour); "at_once": none does, so the
 * library meets the close only at the ADD, which only a port made with
 * WEPOLL_CLOSE_TRACKING promises to see. */
#include "common.h"

#include <string.h>

int main(int argc, char** argv) {
  HANDLE ep;
  SOCKET old, fresh, peer;
  test_addr fresh_addr;
  struct epoll_event out;
  int after_wait;
  test_init();
  CHECK(argc > 1 && (strcmp(argv[1], "after_wait") == 0 ||
                     strcmp(argv[1], "at_once") == 0));
  after_wait = strcmp(argv[1], "after_wait") == 0;

  peer = udp_bound(AF_INET, NULL);
  old = udp_bound(AF_INET, NULL);
  ep = epoll_create1(after_wait ? 0 : WEPOLL_CLOSE_TRACKING);
  CHECK(ep != NULL);
  ep_add(ep, old, EPOLLIN, 1);
  ep_expect_none(ep, 0); /* the poll is now outstanding */
  CHECK(closesocket(old) == 0);
  if (after_wait)
    ep_expect_none(ep, 50); /* the port sees the close */
  /* else no wait: the port has not yet read the close when ADD comes. */

  fresh = socket_with_value(old, AF_INET, SOCK_DGRAM, 2000);
  if (fresh == INVALID_SOCKET)
    skip("the system did not reuse the value");
  printf("value 0x%llx reused\n", (unsigned long long) fresh);
  bind_loopback(fresh, AF_INET, &fresh_addr);

  ep_add(ep, fresh, EPOLLIN, 2);
  ep_expect_none(ep, 100);
  CHECK(sendto(peer, "x", 1, 0, (struct sockaddr*) &fresh_addr.ss,
               fresh_addr.len) == 1);
  ep_wait_one(ep, &out, 2000);
  CHECK(out.data.u64 == 2 && out.events == EPOLLIN);
  CHECK(drain(fresh) == 1);
  ep_expect_none(ep, 100);

  ep_del(ep, fresh);
  CHECK(epoll_close(ep) == 0);
  closesocket(fresh);
  closesocket(peer);
  printf("ok\n");
  return 0;
}
