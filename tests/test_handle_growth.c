/* No handle growth: 1,000 cycles of create port / create socket / ADD / wait
 * / close socket (with or without DEL) / close port leave the process handle
 * count where it was (a slack of 5).
 *
 * The count comes from tests/handle_count.h (GetProcessHandleCount, or
 * where that does not count, as under Wine 8, each handle value probed);
 * the counter is first shown to move when 10 handles are opened. */
#include "common.h"
#include "handle_count.h"

#define CYCLES 1000
#define SLACK 5

/* Does the counter move when 10 handles are opened? */
static int counter_works(void) {
  HANDLE evs[10];
  const char* source = "?";
  DWORD before, with;
  int i;
  before = process_handle_count(&source);
  for (i = 0; i < 10; i++)
    CHECK((evs[i] = CreateEventA(NULL, 0, 0, NULL)));
  with = process_handle_count(NULL);
  for (i = 0; i < 10; i++)
    CloseHandle(evs[i]);
  printf("handle count from %s: %lu handles, %lu with 10 more\n", source,
         (unsigned long) before, (unsigned long) with);
  return with >= before + 10;
}

static void cycle(int i) {
  HANDLE ep = epoll_create1(0);
  SOCKET a, b;
  struct epoll_event evs[2];
  CHECK(ep != NULL);
  udp_pair(AF_INET, &a, &b);
  ep_add(ep, a, EPOLLIN | EPOLLOUT, 1);
  CHECK(ep_wait(ep, evs, 2, 0) >= 0);
  if (i % 3 == 0)
    ep_del(ep, a);
  if (i % 3 == 1)
    send_all(b, "x", 1);
  closesocket(a);
  closesocket(b);
  if (i % 2)
    CHECK(ep_wait(ep, evs, 2, 0) >= 0);
  CHECK(epoll_close(ep) == 0);
}

int main(void) {
  DWORD before = 0, after = 0;
  int i;
  test_init();

  CHECKF(counter_works(), "the handle count does not see 10 new handles");
  /* Warm up: first-use allocations (Winsock, AFD device handles) are not
   * growth. */
  for (i = 0; i < 20; i++)
    cycle(i);
  before = process_handle_count(NULL);
  for (i = 0; i < CYCLES; i++)
    cycle(i);
  after = process_handle_count(NULL);
  printf("handles: %lu before, %lu after %d cycles\n", (unsigned long) before,
         (unsigned long) after, CYCLES);
  CHECKF(after <= before + SLACK, "grew by %ld handles",
         (long) after - (long) before);
  printf("ok\n");
  return 0;
}
