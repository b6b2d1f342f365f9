/* Changing handle registrations: DEL while the wait is armed (the signal is
 * then left to its object, never reported), EPOLLONESHOT and re-arming by
 * MOD, a MOD whose mask lacks EPOLLIN, and ADD after DEL. */
#include "handles.h"

static void del_while_armed(HANDLE ep) {
  HANDLE ev = CreateEventW(NULL, FALSE, FALSE, NULL);
  int i;
  CHECK(ev != NULL);
  for (i = 0; i < 20; i++) {
    hep_add(ep, ev, EPOLLIN, 10 + i);
    hep_del(ep, ev);
    CHECK(SetEvent(ev));
    ep_expect_none(ep, i == 0 ? 100 : 0);
    /* The cancelled wait took nothing: the signal is still there. */
    CHECK(WaitForSingleObject(ev, 0) == WAIT_OBJECT_0);
  }
  /* DEL of a signal already consumed but not reported yet: not reported. */
  hep_add(ep, ev, EPOLLIN, 40);
  CHECK(SetEvent(ev));
  Sleep(50);
  hep_del(ep, ev);
  ep_expect_none(ep, 100);
  /* Added again: a fresh registration with the new data. */
  hep_add(ep, ev, EPOLLIN, 41);
  CHECK(SetEvent(ev));
  hep_expect(ep, 41, 2000);
  hep_del(ep, ev);
  CloseHandle(ev);
  printf("DEL while armed: OK\n");
}

static void oneshot(HANDLE ep, uint32_t flag) {
  HANDLE ev = CreateEventW(NULL, FALSE, FALSE, NULL);
  int round;
  CHECK(ev != NULL);
  hep_add(ep, ev, EPOLLIN | flag, 50);
  for (round = 0; round < 3; round++) {
    CHECK(SetEvent(ev));
    hep_expect(ep, 50 + (uint64_t) round, 2000);
    /* Disarmed: a new signal is not waited for, so it stays set. */
    CHECK(SetEvent(ev));
    ep_expect_none(ep, 100);
    CHECK(WaitForSingleObject(ev, 0) == WAIT_OBJECT_0);
    hep_mod(ep, ev, EPOLLIN | flag, 51 + (uint64_t) round);
  }
  /* Re-armed with the event set: reported at once. */
  CHECK(SetEvent(ev));
  hep_expect(ep, 53, 2000);
  hep_mod(ep, ev, EPOLLIN | flag, 54);
  ep_expect_none(ep, 50);
  /* Back to level-triggered. */
  hep_mod(ep, ev, EPOLLIN, 55);
  CHECK(SetEvent(ev));
  hep_expect(ep, 55, 2000);
  CHECK(SetEvent(ev));
  hep_expect(ep, 55, 2000);
  hep_del(ep, ev);
  CloseHandle(ev);
  printf("one-shot 0x%08x and MOD: OK\n", flag);
}

static void mod_without_in(HANDLE ep) {
  HANDLE ev = CreateEventW(NULL, TRUE, FALSE, NULL);
  CHECK(ev != NULL);
  hep_add(ep, ev, 0, 60);
  CHECK(SetEvent(ev));
  ep_expect_none(ep, 100);
  hep_mod(ep, ev, EPOLLIN, 61);
  hep_expect(ep, 61, 2000);
  hep_mod(ep, ev, EPOLLOUT, 62);
  /* Still set, but no longer asked about: no report, not even one from a
   * wait started before the MOD (none is outstanding after a report). */
  ep_expect_none(ep, 100);
  hep_mod(ep, ev, EPOLLIN, 63);
  hep_expect(ep, 63, 2000);
  hep_del(ep, ev);
  CloseHandle(ev);
  printf("MOD without EPOLLIN: OK\n");
}

int main(void) {
  HANDLE ep;
  test_init();
  print_handle_backend();
  ep = epoll_create1(0);
  CHECK(ep != NULL);
  del_while_armed(ep);
  oneshot(ep, EPOLLONESHOT);
  oneshot(ep, 1u << 31);
  mod_without_in(ep);
  CHECK(epoll_close(ep) == 0);
  printf("OK\n");
  return 0;
}
