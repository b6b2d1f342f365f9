/* lib/'s handle waits through wait completion packets, played as Windows
 * documents them (play_wait_packet.c): the path the thread-pool fallback
 * stands in for under Wine.  A model of Windows, not Windows: the native
 * Windows workflow remains the proof. */
#include "../handles.h"
#include "model.h"

static unsigned long calls(model_call call) {
  return model_calls(call);
}

int main(void) {
  HANDLE ep, ev, manual;
  unsigned long associations, cancels, registrations;
  long allocations, handles;
  test_init();
  if (!(model_play() & MODEL_PLAY_WAIT_PACKETS))
    skip("wait completion packets not played (WEPOLL_MODEL_PLAY)");

  ep = epoll_create1(0);
  CHECK(ep != NULL);
  ev = CreateEventW(NULL, FALSE, FALSE, NULL); /* auto-reset */
  manual = CreateEventW(NULL, TRUE, FALSE, NULL);
  CHECK(ev != NULL && manual != NULL);
  /* The port's table of handles, made at the first ADD, stays. */
  hep_add(ep, manual, EPOLLIN, 0);
  hep_del(ep, manual);
  allocations = model_live_allocations();
  handles = model_live_handles();

  /* ADD waits through a wait completion packet, not the thread pool. */
  associations = calls(MODEL_NT_ASSOCIATE_WAIT_PACKET);
  registrations = calls(MODEL_REGISTER_WAIT);
  hep_add(ep, ev, EPOLLIN, 1);
  CHECK(calls(MODEL_NT_CREATE_WAIT_PACKET) > 0);
  CHECK(calls(MODEL_NT_ASSOCIATE_WAIT_PACKET) == associations + 1);
  ep_expect_none(ep, 50);

  /* A set event is reported once; the wait took the auto-reset signal. */
  CHECK(SetEvent(ev));
  hep_expect(ep, 1, 5000);
  CHECK(WaitForSingleObject(ev, 0) == WAIT_TIMEOUT);
  ep_expect_none(ep, 50);
  /* Level-triggered: it waits again (a second association) and reports
   * the next signal. */
  CHECK(SetEvent(ev));
  hep_expect(ep, 1, 5000);
  CHECK(calls(MODEL_NT_ASSOCIATE_WAIT_PACKET) >= associations + 2);
  CHECK(calls(MODEL_REGISTER_WAIT) == registrations);

  /* MOD while the packet is queued: the MOD that restarts the wait of an
   * object signaled already has its packet queued at once (the
   * association is satisfied then); a second MOD finds it queued, and the
   * report carries the newest data. */
  CHECK(SetEvent(ev));
  hep_mod(ep, ev, EPOLLIN, 2);
  hep_mod(ep, ev, EPOLLIN, 3);
  hep_expect(ep, 3, 5000);
  ep_expect_none(ep, 50);

  /* DEL while the packet is queued: cancelled with the packet taken back
   * out of the port (STATUS_SUCCESS), so the record is freed at once
   * rather than kept for a packet still to come; nothing is reported. */
  {
    long before = model_live_allocations();
    CHECK(SetEvent(manual));
    hep_add(ep, manual, EPOLLIN, 9); /* signaled: queued at the ADD */
    cancels = calls(MODEL_NT_CANCEL_WAIT_PACKET);
    hep_del(ep, manual);
    CHECK(calls(MODEL_NT_CANCEL_WAIT_PACKET) == cancels + 1);
    CHECKF(model_live_allocations() == before, "%ld allocations live",
           model_live_allocations() - before);
    ep_expect_none(ep, 50);
    CHECK(ResetEvent(manual));
  }

  /* One-shot: reported once, then silent until MOD. */
  hep_add(ep, manual, EPOLLIN | EPOLLONESHOT, 4);
  CHECK(SetEvent(manual));
  hep_expect(ep, 4, 5000);
  ep_expect_none(ep, 50);
  hep_mod(ep, manual, EPOLLIN | EPOLLONESHOT, 5);
  hep_expect(ep, 5, 5000);
  hep_del(ep, manual);

  /* DEL of the last registration gives back every packet and record. */
  hep_del(ep, ev);
  CHECKF(model_live_allocations() == allocations, "%ld allocations live",
         model_live_allocations() - allocations);
  CHECKF(model_live_handles() == handles, "%ld handles live",
         model_live_handles() - handles);

  /* Closing the port with a packet queued and a wait outstanding. */
  CHECK(ResetEvent(manual));
  CHECK(SetEvent(ev));
  hep_add(ep, ev, EPOLLIN, 6); /* signaled: queued at the ADD */
  hep_add(ep, manual, EPOLLIN, 7);
  CHECK(epoll_close(ep) == 0);
  CloseHandle(ev);
  CloseHandle(manual);
  printf("PASS model_wait_packet_lib\n");
  return 0;
}
