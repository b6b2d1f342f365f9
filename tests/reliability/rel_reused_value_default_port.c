/* A default port (no close tracking): a registered UDP socket whose poll is
 * outstanding is closed without EPOLL_CTL_DEL, and a new socket takes its
 * handle value before any wait.  The program registers the new socket as
 * wepoll 1.x's docs allow: ADD, and MOD when ADD says EEXIST.  Either way
 * the new socket's datagram must be reported with the new data: the close
 * packet already queued for the old socket must not drop the registration
 * that now stands for the new one (wepoll 1.x issue 34).
 *
 *   rel_reused_value_default_port [--repeat N]   (default 20)
 *
 * Only repetitions in which the system handed the value out again count;
 * the test is skipped when it never did. */
#include "rel.h"

/* One repetition: 1 if the value was reused (and the check passed), 0 if
 * it was not (nothing to check).  Each step's outcome is printed as it
 * happens, on one line per repetition, so that a run that ends without a
 * failure message still shows how far it got and what it saw. */
static int repetition(int rep, SOCKET peer) {
  HANDLE ep;
  SOCKET old_sock, fresh;
  test_addr fresh_addr;
  struct epoll_event ev, out[4];
  int reused, n, added, add_errno;

  ep = epoll_create1(0);
  CHECK(ep != NULL);
  old_sock = udp_bound(AF_INET, NULL);
  ep_add(ep, old_sock, EPOLLIN, 1);
  ep_expect_none(ep, 0); /* submits the poll, which asks for the close too */
  CHECK(closesocket(old_sock) == 0);

  fresh = socket(AF_INET, SOCK_DGRAM, 0);
  CHECK(fresh != INVALID_SOCKET);
  reused = fresh == old_sock;
  printf("repetition %d: value 0x%llx %s", rep, (unsigned long long) old_sock,
         reused ? "reused" : "not reused (not counted)");
  bind_loopback(fresh, AF_INET, &fresh_addr);

  memset(&ev, 0, sizeof ev);
  ev.events = EPOLLIN;
  ev.data.u32 = 2;
  errno = 0;
  added = epoll_ctl(ep, EPOLL_CTL_ADD, fresh, &ev) == 0;
  add_errno = errno;
  printf("; ADD %s (errno %d)", added ? "0" : "-1", add_errno);
  if (!added) {
    int mod;
    CHECKF(add_errno == EEXIST, "repetition %d: ADD failed with errno %d", rep,
           add_errno);
    errno = 0;
    mod = epoll_ctl(ep, EPOLL_CTL_MOD, fresh, &ev);
    printf("; MOD %d (errno %d)", mod, errno);
    CHECKF(mod == 0, "repetition %d: MOD after EEXIST failed: errno %d", rep,
           errno);
  }

  CHECK(sendto(peer, "x", 1, 0, (struct sockaddr*) &fresh_addr.ss,
               fresh_addr.len) == 1);
  n = ep_wait(ep, out, 4, 1000);
  printf("; wait %d", n);
  if (n > 0)
    printf(" {0x%x, %u}", out[0].events, out[0].data.u32);
  printf("\n");
  CHECKF(n == 1 && out[0].data.u32 == 2 && (out[0].events & EPOLLIN),
         "repetition %d (value %sreused, %s): got %d events, first 0x%x "
         "data %u; expected EPOLLIN with data 2",
         rep, reused ? "" : "not ",
         added ? "ADD succeeded" : "ADD EEXIST + MOD", n,
         n > 0 ? out[0].events : 0u, n > 0 ? out[0].data.u32 : 0u);

  CHECK(epoll_close(ep) == 0);
  closesocket(fresh);
  return reused;
}

int main(int argc, char** argv) {
  int repeat = (int) arg_u64(argc, argv, "--repeat", 20);
  int counted = 0, rep;
  SOCKET peer;

  test_init();
  peer = udp_bound(AF_INET, NULL);
  for (rep = 0; rep < repeat; rep++)
    counted += repetition(rep, peer);
  closesocket(peer);
  printf("%d of %d repetitions reused the closed socket's value\n", counted,
         repeat);
  if (counted == 0)
    skip("the system never handed a closed socket's value out again");
  printf("OK\n");
  return 0;
}
