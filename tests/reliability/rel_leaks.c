/* Leak checks: the handle count and committed private
 * memory return to their baseline after
 *   A. 10,000 epoll_create1 / epoll_close cycles,
 *   B. 100,000 EPOLL_CTL_ADD / EPOLL_CTL_DEL cycles on one port,
 *   C. 10,000 registered sockets closed without DEL (then waits, so the
 *      library notices the closes and drops them).
 * Memory is GetProcessMemoryInfo's PagefileUsage: under Wine PrivateUsage
 * is a meaningless constant (it is printed too, for Windows runs).  Each
 * phase is warmed up first so that one-time allocations (Winsock, the
 * port registry's table, heap growth) are part of the baseline.
 *
 *   rel_leaks.exe [--scale N]   (N times the counts above; default 1)
 * Tolerances: handles +4; memory +1 MiB (a leak of 100 bytes per cycle
 * would show as 1 MiB in phase A and C and 10 MiB in phase B). */
#include "rel.h"

enum { HANDLE_TOLERANCE = 4 };
#define MEMORY_TOLERANCE ((SIZE_T) 1 << 20)

static int failures;

static void report(const char* phase, unsigned long cycles, rel_usage before,
                   rel_usage after) {
  long dh = (long) after.handles - (long) before.handles;
  long long dm = (long long) after.pagefile - (long long) before.pagefile;
  int ok = dh <= HANDLE_TOLERANCE && dm <= (long long) MEMORY_TOLERANCE;
  printf(
      "rel_leaks: %s: %lu cycles: handles %lu -> %lu (%+ld), "
      "PagefileUsage %llu -> %llu (%+lld bytes, %+.2f per cycle), "
      "PrivateUsage %+lld: %s\n",
      phase, cycles, (unsigned long) before.handles,
      (unsigned long) after.handles, dh, (unsigned long long) before.pagefile,
      (unsigned long long) after.pagefile, dm, (double) dm / cycles,
      (long long) after.private_usage - (long long) before.private_usage,
      ok ? "ok" : "LEAK");
  if (!ok)
    failures++;
}

static void create_close(unsigned long n) {
  unsigned long i;
  for (i = 0; i < n; i++) {
    HANDLE ep = (i % 2) ? epoll_create1(0) : epoll_create(1);
    CHECKF(ep != NULL, "create failed at cycle %lu: errno %d", i, errno);
    CHECKF(epoll_close(ep) == 0, "close failed at cycle %lu", i);
  }
}

/* ADD / DEL of a few sockets in turn; every 64th cycle a wait in between so
 * polls are really submitted and then cancelled, not just queued. */
static void add_del(HANDLE ep, SOCKET* socks, int nsocks, unsigned long n) {
  struct epoll_event evs[64];
  unsigned long i;
  for (i = 0; i < n; i++) {
    SOCKET s = socks[i % (unsigned long) nsocks];
    struct epoll_event ev;
    memset(&ev, 0, sizeof ev);
    ev.events = (i % 3 == 0)   ? EPOLLIN
                : (i % 3 == 1) ? (EPOLLIN | EPOLLOUT | EPOLLONESHOT)
                               : EPOLLOUT;
    ev.data.u64 = i;
    CHECKF(epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev) == 0,
           "ADD failed at cycle %lu: errno %d", i, errno);
    if (i % 64 == 0)
      ep_wait(ep, evs, 64, 0);
    CHECKF(epoll_ctl(ep, EPOLL_CTL_DEL, s, NULL) == 0,
           "DEL failed at cycle %lu: errno %d", i, errno);
  }
  ep_wait(ep, evs, 64, 0); /* take in the last cancelled polls */
}

/* Registers sockets in batches, lets their polls start, closes them
 * without DEL and waits so the library sees the closes. */
static void close_without_del(HANDLE ep, unsigned long n) {
  enum { BATCH = 250 };
  static SOCKET batch[BATCH];
  struct epoll_event evs[256];
  unsigned long done = 0;
  int i, quiet;
  while (done < n) {
    int count = (int) (n - done < BATCH ? n - done : BATCH);
    for (i = 0; i < count; i++) {
      batch[i] = socket(AF_INET, (i % 4 == 3) ? SOCK_DGRAM : SOCK_STREAM, 0);
      CHECKF(batch[i] != INVALID_SOCKET, "socket() failed: %d",
             WSAGetLastError());
      ep_add(ep, batch[i], EPOLLIN | ((i % 2) ? EPOLLONESHOT : 0),
             done + (unsigned long) i);
    }
    /* Nothing is readable: the polls are submitted and stay pending. */
    CHECK(ep_wait(ep, evs, 256, 0) == 0);
    for (i = 0; i < count; i++)
      CHECK(closesocket(batch[i]) == 0);
    /* No event may be reported for a closed socket. */
    CHECK(ep_wait(ep, evs, 256, 0) == 0);
    done += (unsigned long) count;
  }
  /* Let the close notifications arrive and be processed. */
  for (quiet = 0; quiet < 3;)
    quiet = ep_wait(ep, evs, 256, 20) == 0 ? quiet + 1 : 0;
}

int main(int argc, char** argv) {
  unsigned long scale = (unsigned long) arg_u64(argc, argv, "--scale", 1);
  rel_usage before, after;
  SOCKET socks[4], peers[4];
  HANDLE ep;
  int i;
  double t0;
  const char* handle_source = "?";

  test_init();
  if (scale == 0)
    scale = 1;
  process_handle_count(&handle_source);
  printf("rel_leaks: handle counts from %s\n", handle_source);

  /* Control: the figures must see a deliberate leak of 2 MB in 100-byte
   * blocks and of 16 handles, or a clean result would prove nothing. */
  {
    enum { BLOCKS = 20000, EVENTS = 16 };
    static void* blocks[BLOCKS];
    HANDLE events[EVENTS];
    long long dm;
    long dh;
    before = usage_now();
    for (i = 0; i < BLOCKS; i++) {
      blocks[i] = malloc(100);
      CHECK(blocks[i] != NULL);
      memset(blocks[i], i, 100);
    }
    for (i = 0; i < EVENTS; i++)
      CHECK((events[i] = CreateEventA(NULL, FALSE, FALSE, NULL)) != NULL);
    after = usage_now();
    dm = (long long) after.pagefile - (long long) before.pagefile;
    dh = (long) after.handles - (long) before.handles;
    printf(
        "rel_leaks: control: 2 MB and %d handles leaked on purpose: "
        "seen %+lld bytes, %+ld handles\n",
        EVENTS, dm, dh);
    CHECKF(dm >= (long long) MEMORY_TOLERANCE && dh >= EVENTS,
           "the measurement cannot see a leak (memory %+lld, handles %+ld)",
           dm, dh);
    for (i = 0; i < BLOCKS; i++)
      free(blocks[i]);
    for (i = 0; i < EVENTS; i++)
      CloseHandle(events[i]);
  }

  /* A. create / close */
  create_close(1000);
  before = usage_now();
  t0 = now_ms();
  create_close(10000 * scale);
  after = usage_now();
  report("A create/close", 10000 * scale, before, after);
  printf("rel_leaks: A took %.0f ms\n", now_ms() - t0);

  /* B. ADD / DEL on one port, connected TCP pairs and a UDP socket. */
  ep = epoll_create1(0);
  CHECK(ep != NULL);
  for (i = 0; i < 3; i++)
    tcp_pair(AF_INET, &socks[i], &peers[i]);
  udp_pair(AF_INET, &socks[3], &peers[3]);
  add_del(ep, socks, 4, 2000);
  before = usage_now();
  t0 = now_ms();
  add_del(ep, socks, 4, 100000 * scale);
  after = usage_now();
  report("B ADD/DEL", 100000 * scale, before, after);
  printf("rel_leaks: B took %.0f ms\n", now_ms() - t0);

  /* C. sockets closed without DEL, on the same port. */
  close_without_del(ep, 1000);
  before = usage_now();
  t0 = now_ms();
  close_without_del(ep, 10000 * scale);
  after = usage_now();
  report("C close without DEL", 10000 * scale, before, after);
  printf("rel_leaks: C took %.0f ms\n", now_ms() - t0);

  /* The port still works after all that. */
  {
    struct epoll_event out;
    ep_add(ep, socks[0], EPOLLIN, 77);
    send_all(peers[0], "z", 1);
    ep_wait_one(ep, &out, 5000);
    CHECK(out.data.u64 == 77 && (out.events & EPOLLIN));
  }
  CHECK(epoll_close(ep) == 0);
  for (i = 0; i < 4; i++) {
    closesocket(socks[i]);
    closesocket(peers[i]);
  }
  CHECKF(failures == 0, "%d phase(s) did not return to baseline", failures);
  printf("rel_leaks: OK (tolerance: handles +%d, memory +%lu bytes)\n",
         HANDLE_TOLERANCE, (unsigned long) MEMORY_TOLERANCE);
  return 0;
}
