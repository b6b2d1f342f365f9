/* Handle-value reuse of a disarmed one-shot socket: a socket registered
 * with EPOLLONESHOT is reported once (so no poll for its events is left),
 * closed without DEL, a wait runs, a new socket gets the same handle value
 * and is ADDed: the ADD succeeds and its events arrive with the new data. */
#include "common.h"

int main(void) {
  HANDLE ep;
  SOCKET old, fresh, peer;
  test_addr old_addr, fresh_addr;
  struct epoll_event out;
  test_init();

  peer = udp_bound(AF_INET, NULL);
  old = udp_bound(AF_INET, &old_addr);
  ep = epoll_create1(0);
  CHECK(ep != NULL);
  ep_add(ep, old, EPOLLIN | EPOLLONESHOT, 1);
  CHECK(sendto(peer, "o", 1, 0, (struct sockaddr*) &old_addr.ss,
               old_addr.len) == 1);
  ep_wait_one(ep, &out, 2000);
  CHECK(out.data.u64 == 1 && out.events == EPOLLIN);
  ep_expect_none(ep, 50); /* disarmed */

  CHECK(closesocket(old) == 0);
  ep_expect_none(ep, 50); /* one wait after the close */

  fresh = socket_with_value(old, AF_INET, SOCK_DGRAM, 2000);
  if (fresh == INVALID_SOCKET) skip("the system did not reuse the value");
  printf("value 0x%llx reused\n", (unsigned long long) fresh);
  bind_loopback(fresh, AF_INET, &fresh_addr);

  ep_add(ep, fresh, EPOLLIN | EPOLLONESHOT, 2);
  ep_expect_none(ep, 100);
  CHECK(sendto(peer, "x", 1, 0, (struct sockaddr*) &fresh_addr.ss,
               fresh_addr.len) == 1);
  ep_wait_one(ep, &out, 2000);
  CHECK(out.data.u64 == 2 && out.events == EPOLLIN);
  ep_expect_none(ep, 100);
  ep_mod(ep, fresh, EPOLLIN, 3);
  ep_wait_one(ep, &out, 2000);
  CHECK(out.data.u64 == 3 && out.events == EPOLLIN);

  ep_del(ep, fresh);
  CHECK(epoll_close(ep) == 0);
  closesocket(fresh);
  closesocket(peer);
  printf("ok\n");
  return 0;
}
