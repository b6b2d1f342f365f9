/* A registered handle closed without EPOLL_CTL_DEL, whose value the system
 * then gives to a new object: the port goes on waiting on the object it
 * was given, never on the new one.  The new object's signal stays its
 * own (no wait of the port takes it), nothing is reported for it under the
 * old registration, and DEL of the value removes the old registration.
 *
 * wepoll.h asks for DEL before CloseHandle; this is what a program that
 * forgets gets: no signal of someone else's object taken, which for an
 * object of the library or the thread pool would be a hang. */
#include "handles.h"

/* An auto-reset event, signaled, with the value `wanted`, or NULL when the
 * system hands out other values first. */
static HANDLE event_with_value(HANDLE wanted) {
  HANDLE made[64];
  HANDLE found = NULL;
  int n = 0;
  while (n < 64) {
    HANDLE e = CreateEventW(NULL, FALSE, TRUE, NULL);
    CHECK(e != NULL);
    if (e == wanted) {
      found = e;
      break;
    }
    made[n++] = e;
  }
  while (n > 0)
    CloseHandle(made[--n]);
  return found;
}

int main(void) {
  HANDLE ep, old_event, reused;
  struct epoll_event out[4];
  int i, n;

  test_init();
  print_handle_backend();
  ep = epoll_create1(0);
  CHECK(ep != NULL);
  /* Level-triggered and reported once, so every wait from now on waits on
   * it again. */
  old_event = CreateEventW(NULL, FALSE, TRUE, NULL);
  CHECK(old_event != NULL);
  hep_add(ep, old_event, EPOLLIN, 7);
  n = ep_wait(ep, out, 4, 1000);
  CHECK(n == 1 && out[0].data.u64 == 7);

  CHECK(CloseHandle(old_event));
  reused = event_with_value(old_event);
  if (reused == NULL)
    skip("the closed handle's value was not handed out again");

  for (i = 0; i < 5; i++) {
    n = ep_wait(ep, out, 4, 20);
    CHECKF(n == 0, "wait %d reported %d events (data %llu) for a handle "
           "closed before: its value now names another object", i, n,
           n > 0 ? (unsigned long long) out[0].data.u64 : 0ULL);
  }
  CHECKF(WaitForSingleObject(reused, 0) == WAIT_OBJECT_0,
         "the new object's signal was taken by the port's waits on the "
         "closed handle's value");

  CHECK(wepoll_ctl_handle(ep, EPOLL_CTL_DEL, reused, NULL) == 0);
  CHECK_FAILS(wepoll_ctl_handle(ep, EPOLL_CTL_DEL, reused, NULL), E_NOENT);
  CHECK(epoll_close(ep) == 0);
  CHECK(CloseHandle(reused));
  printf("handle_closed_reused: OK\n");
  return 0;
}
