/* 1,000 auto-reset events in one port: each SetEvent is reported once,
 * with its own data, whatever the order and however many are set at once;
 * then DEL of all of them leaves a port that reports nothing. */
#include "handles.h"

enum { COUNT = 1000, BATCH = 64 };

static HANDLE events[COUNT];
static unsigned char seen[COUNT];

/* Collects reports until `want` arrived; fails on an unknown or repeated
 * one, or when they stop coming. */
static void collect(HANDLE ep, int want) {
  struct epoll_event out[BATCH];
  int got = 0;
  memset(seen, 0, sizeof seen);
  while (got < want) {
    int n = ep_wait(ep, out, BATCH, 10000);
    int i;
    CHECKF(n > 0, "only %d of %d reported", got, want);
    for (i = 0; i < n; i++) {
      uint64_t id = out[i].data.u64;
      CHECKF(id < COUNT && out[i].events == EPOLLIN, "bad report %llu 0x%x",
             (unsigned long long) id, out[i].events);
      CHECKF(!seen[id], "handle %llu reported twice", (unsigned long long) id);
      seen[id] = 1;
      got++;
    }
  }
}

int main(void) {
  HANDLE ep;
  double start;
  int i, round;
  test_init();
  print_handle_backend();
  ep = epoll_create1(0);
  CHECK(ep != NULL);
  for (i = 0; i < COUNT; i++) {
    events[i] = CreateEventW(NULL, FALSE, FALSE, NULL);
    CHECK(events[i] != NULL);
    hep_add(ep, events[i], EPOLLIN, (uint64_t) i);
  }
  ep_expect_none(ep, 100);
  for (round = 0; round < 3; round++) {
    start = now_ms();
    for (i = 0; i < COUNT; i++)
      CHECK(SetEvent(events[(i * 7 + round) % COUNT]));
    collect(ep, COUNT);
    printf("round %d: %d handles reported in %.1f ms\n", round, COUNT,
           now_ms() - start);
    ep_expect_none(ep, 50);
  }
  /* Every other one set: exactly those come. */
  for (i = 0; i < COUNT; i += 2)
    CHECK(SetEvent(events[i]));
  collect(ep, COUNT / 2);
  for (i = 0; i < COUNT; i++)
    CHECK(seen[i] == (i % 2 == 0));
  ep_expect_none(ep, 50);

  for (i = 0; i < COUNT; i++)
    hep_del(ep, events[i]);
  for (i = 0; i < COUNT; i++)
    CHECK(SetEvent(events[i]));
  ep_expect_none(ep, 100);
  CHECK(epoll_close(ep) == 0);
  for (i = 0; i < COUNT; i++)
    CloseHandle(events[i]);
  printf("OK\n");
  return 0;
}
