/* A registered handle whose signal the port has already taken in, but not
 * yet reported, is MODded to an interest without EPOLLIN: it is not
 * reported while so registered, and a MOD back to EPOLLIN reports it with
 * the new data.
 *
 * The port takes a handle's packet in without reporting it when an ADD of
 * an already registered socket reads the port to see whether that socket
 * was closed (the ADD then fails with EEXIST). */
#include "common.h"

static void ctl_handle(HANDLE ep, int op, HANDLE h, uint32_t events,
                       uint64_t data) {
  struct epoll_event ev;
  memset(&ev, 0, sizeof ev);
  ev.events = events;
  ev.data.u64 = data;
  CHECKF(wepoll_ctl_handle(ep, op, h, &ev) == 0, "wepoll_ctl_handle op %d",
         op);
}

int main(void) {
  HANDLE ep, event;
  SOCKET s, peer;
  struct epoll_event ev, out[4];
  int n;

  test_init();
  ep = epoll_create1(0);
  CHECK(ep != NULL);
  event = CreateEventW(NULL, TRUE, FALSE, NULL); /* manual-reset */
  CHECK(event != NULL);
  udp_pair(AF_INET, &s, &peer);

  ctl_handle(ep, EPOLL_CTL_ADD, event, EPOLLIN, 1);
  ep_add(ep, s, EPOLLIN, 9);
  ep_expect_none(ep, 0);

  CHECK(SetEvent(event));
  Sleep(200); /* time for the handle's packet to reach the port */
  memset(&ev, 0, sizeof ev);
  ev.events = EPOLLIN;
  CHECK_FAILS(epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev), E_EXIST);

  /* No EPOLLIN: a signaled handle is not reported. */
  ctl_handle(ep, EPOLL_CTL_MOD, event, 0, 2);
  n = ep_wait(ep, out, 4, 300);
  CHECKF(n == 0, "reported %d events (data %llu) for a handle without EPOLLIN",
         n, n > 0 ? (unsigned long long) out[0].data.u64 : 0ull);

  /* EPOLLIN again: reported, with the data of this MOD. */
  ctl_handle(ep, EPOLL_CTL_MOD, event, EPOLLIN, 3);
  n = ep_wait(ep, out, 4, 2000);
  CHECKF(n == 1 && out[0].data.u64 == 3 && out[0].events == EPOLLIN,
         "after MOD back to EPOLLIN: %d events (data %llu events 0x%x)", n,
         n > 0 ? (unsigned long long) out[0].data.u64 : 0ull,
         n > 0 ? out[0].events : 0u);

  ctl_handle(ep, EPOLL_CTL_DEL, event, 0, 0);
  CloseHandle(event);
  closesocket(s);
  closesocket(peer);
  CHECK(epoll_close(ep) == 0);
  printf("a taken-in signal is reported only while EPOLLIN is asked for\n");
  return 0;
}
