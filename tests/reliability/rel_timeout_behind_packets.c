/* A ready result already in the port is returned whatever packets are
 * queued before it.
 *
 * Socket R's poll has completed (R is readable and has been for a while),
 * but packets that yield no event were queued before its result: the
 * cancellations of C deleted sockets' polls and the result of socket F,
 * which fired for data F's interest (EPOLLPRI, after a MOD from
 * EPOLLIN | EPOLLPRI that needs no new poll) filters out.  epoll_wait with
 * timeout 0, or with a short timeout, and maxevents M must still return R:
 * packets without an event do not use up the call's budget.
 *
 *   rel_timeout_behind_packets.exe [--timeout 0] [--maxevents 1]
 *       [--cancels 8] [--rounds 100]
 *
 * The data's arrival is checked with select() and then given 20 ms more,
 * so that R's poll has surely completed (a poll completes when the data
 * arrives, not when anyone looks). */
#include "rel_waiters.h"

enum { CANCELS_MAX = 64, EVENTS_MAX = 64 };

#define DATA_R 1000
#define DATA_F 1001

int main(int argc, char** argv) {
  int timeout = (int) arg_u64(argc, argv, "--timeout", 0);
  int maxevents = (int) arg_u64(argc, argv, "--maxevents", 1);
  int cancels = (int) arg_u64(argc, argv, "--cancels", 8);
  int rounds = (int) arg_u64(argc, argv, "--rounds", 100);
  SOCKET r, r_peer, f, f_peer, c[CANCELS_MAX], c_peer[CANCELS_MAX];
  struct epoll_event evs[EVENTS_MAX];
  double slowest = 0;
  HANDLE ep;
  int round, k;

  test_init();
  CHECK(maxevents > 0 && maxevents <= EVENTS_MAX);
  CHECK(cancels >= 0 && cancels <= CANCELS_MAX);
  ep = epoll_create1(0);
  CHECK(ep != NULL);
  udp_pairs(1, &r, &r_peer);
  udp_pairs(1, &f, &f_peer);
  udp_pairs(cancels, c, c_peer);
  ep_add(ep, r, EPOLLIN, DATA_R);
  ep_add(ep, f, EPOLLIN | EPOLLPRI, DATA_F);

  for (round = 0; round < rounds; round++) {
    double t0, took;
    int n, i, got_r = 0;
    for (k = 0; k < cancels; k++)
      ep_add(ep, c[k], EPOLLIN, (uint64_t) k);
    /* Every poll submitted and pending: nothing is readable. */
    CHECK(ep_wait(ep, evs, EVENTS_MAX, 0) == 0);
    Sleep(10);
    CHECKF(ep_wait(ep, evs, EVENTS_MAX, 0) == 0,
           "round %d: an event with "
           "nothing readable",
           round);

    /* F's poll covers EPOLLPRI already; its result for normal data is
     * filtered out. */
    ep_mod(ep, f, EPOLLPRI, DATA_F);
    send_datagram(f_peer);
    await_readable(f);
    Sleep(20);
    for (k = 0; k < cancels; k++)
      ep_del(ep, c[k]);
    send_datagram(r_peer);
    await_readable(r);
    Sleep(20);

    t0 = now_ms();
    n = ep_wait(ep, evs, maxevents, timeout);
    took = now_ms() - t0;
    for (i = 0; i < n; i++) {
      CHECKF(evs[i].data.u64 == DATA_R && evs[i].events == EPOLLIN,
             "round %d: unexpected event {0x%x, %llu}", round, evs[i].events,
             (unsigned long long) evs[i].data.u64);
      got_r++;
    }
    CHECKF(got_r == 1,
           "round %d: epoll_wait(maxevents %d, timeout %d) returned %d "
           "after %.1f ms while R's result was in the port behind %d "
           "cancelled polls and a filtered result",
           round, maxevents, timeout, n, took, cancels);
    if (took > slowest)
      slowest = took;

    CHECK(read_datagrams(r) == 1);
    CHECK(read_datagrams(f) == 1);
    ep_mod(ep, f, EPOLLIN | EPOLLPRI, DATA_F);
  }

  CHECK(epoll_close(ep) == 0);
  close_pairs(1, &r, &r_peer);
  close_pairs(1, &f, &f_peer);
  close_pairs(cancels, c, c_peer);
  printf(
      "rel_timeout_behind_packets: OK (timeout %d, maxevents %d, %d "
      "cancels, %d rounds; slowest call %.1f ms)\n",
      timeout, maxevents, cancels, rounds, slowest);
  return 0;
}
