/* epoll_close of a port whose sockets all have polls outstanding (the main
 * poll and the close watch, in several 32-socket device groups): the close
 * ends them, one cancel request per device handle, and returns without
 * waiting out its 5 s drain limit, which it would reach if a poll never came back; the
 * sockets stay open and usable, and a second port registering the same
 * sockets reports for them with its own data, once, and only for the
 * socket that fired. */
#include "common.h"

#define SOCKETS 100 /* four device groups */
#define FIRING 37

int main(void) {
  SOCKET socks[SOCKETS], peer;
  test_addr addrs[SOCKETS];
  struct epoll_event out;
  HANDLE first, second;
  double started, took;
  char buf[8];
  int i;
  test_init();

  peer = udp_bound(AF_INET, NULL);
  for (i = 0; i < SOCKETS; i++)
    socks[i] = udp_bound(AF_INET, &addrs[i]);

  first = epoll_create1(0);
  CHECK(first != NULL);
  for (i = 0; i < SOCKETS; i++)
    ep_add(first, socks[i], EPOLLIN, (uint64_t) i);
  ep_expect_none(first, 0); /* submits every main poll */

  started = now_ms();
  CHECK(epoll_close(first) == 0);
  took = now_ms() - started;
  CHECKF(took < 3000.0,
         "epoll_close took %.0f ms: some poll did not come back", took);

  second = epoll_create1(0);
  CHECK(second != NULL);
  for (i = 0; i < SOCKETS; i++)
    ep_add(second, socks[i], EPOLLIN, (uint64_t) (1000 + i));
  ep_expect_none(second, 0);

  CHECK(sendto(peer, "ping", 4, 0, (struct sockaddr*) &addrs[FIRING].ss,
               addrs[FIRING].len) == 4);
  ep_wait_one(second, &out, 2000);
  CHECKF(out.data.u64 == 1000 + FIRING && (out.events & EPOLLIN),
         "got events 0x%x data %llu", out.events,
         (unsigned long long) out.data.u64);
  CHECK(recv(socks[FIRING], buf, sizeof buf, 0) == 4);
  ep_expect_none(second, 100);

  CHECK(epoll_close(second) == 0);
  for (i = 0; i < SOCKETS; i++)
    CHECK(closesocket(socks[i]) == 0);
  closesocket(peer);
  printf("closed a port with %d sockets polled in %.0f ms\n", SOCKETS, took);
  return 0;
}
