/* A wake-up the system has no memory for (PostQueuedCompletionStatus:
 * ERROR_NO_SYSTEM_RESOURCES) is not lost: a thread asleep in epoll_wait is
 * woken for a result that no packet of its own announces once the post
 * succeeds, not at its timeout.
 *
 * The result: a signaled event added while the thread sleeps, with
 * handles waited for through the thread pool (wait completion packets not
 * played), whose ADD finds the event signaled and queues the report
 * without a packet.  The wake-up post fails once, and the sleeper must
 * return with the event within 2 s of a 10 s wait. */
#include "../common.h"
#include "model.h"

typedef struct sleeper {
  HANDLE ep;
  int result;
  struct epoll_event event;
  double returned_at;
} sleeper;

static DWORD WINAPI sleeper_main(void* arg) {
  sleeper* s = (sleeper*) arg;
  s->result = epoll_wait(s->ep, &s->event, 1, 10000);
  s->returned_at = now_ms();
  return 0;
}

int main(void) {
  sleeper s = {NULL, 0, {0, {0}}, 0};
  HANDLE thread, event;
  struct epoll_event ev;
  double added_at;

  model_set_play(MODEL_PLAY_ALL & ~MODEL_PLAY_WAIT_PACKETS);
  test_init();
  s.ep = epoll_create1(0);
  CHECK(s.ep != NULL);
  thread = CreateThread(NULL, 0, sleeper_main, &s, 0, NULL);
  CHECK(thread != NULL);
  Sleep(200); /* asleep in the port */

  model_fail_nth(MODEL_POST_QUEUED_COMPLETION_STATUS, 1,
                 ERROR_NO_SYSTEM_RESOURCES);
  event = CreateEventW(NULL, FALSE, TRUE, NULL);
  CHECK(event != NULL);
  memset(&ev, 0, sizeof ev);
  ev.events = EPOLLIN;
  ev.data.u64 = 42;
  added_at = now_ms();
  CHECK(wepoll_ctl_handle(s.ep, EPOLL_CTL_ADD, event, &ev) == 0);
  CHECK(WaitForSingleObject(thread, 15000) == WAIT_OBJECT_0);
  CHECKF(model_failed(MODEL_POST_QUEUED_COMPLETION_STATUS),
         "no wake-up was posted for the report queued at ADD");
  model_fail_clear();
  CHECKF(s.result == 1 && s.event.data.u64 == 42,
         "the sleeper returned %d (data %llu)", s.result,
         (unsigned long long) s.event.data.u64);
  CHECKF(s.returned_at - added_at < 2000,
         "the sleeper woke %.0f ms after the ADD: its wake-up was lost "
         "with the refused post",
         s.returned_at - added_at);
  printf("woken %.0f ms after the ADD, its first post refused\n",
         s.returned_at - added_at);
  CHECK(epoll_close(s.ep) == 0);
  CloseHandle(event);
  CloseHandle(thread);
  printf("PASS model_wake_refused\n");
  return 0;
}
