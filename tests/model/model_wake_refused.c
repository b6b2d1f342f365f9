/* A wake-up the system has no memory for (PostQueuedCompletionStatus:
 * ERROR_NO_SYSTEM_RESOURCES) is not lost: a thread asleep in epoll_wait is
 * woken for a result that no packet of its own announces once the post
 * succeeds, not at its timeout.
 *
 * The result: a signaled event added while the thread sleeps, with
 * handles waited for through the thread pool (wait completion packets not
 * played), whose ADD finds the event signaled and queues the report
 * without a packet.  The wake-up post fails once, and the sleeper must
 * return with the event within 2 s of a 10 s wait.
 *
 * A refusal that is no shortage (ERROR_INVALID_HANDLE: a port handle the
 * program closed itself) is not tried again: ADD returns at once, and the
 * sleeper finds the event when its own 1 s wait ends.
 *
 * The same refusals of the post that a thread-pool callback makes for a
 * handle that became signaled: a shortage is tried again until the post
 * succeeds, so the handle is reported; any other refusal is tried once,
 * so the pool thread returns instead of spinning, and epoll_close, which
 * then waits its drain limit for the packet that never comes, keeps the
 * record allocated rather than free it under a late packet. */
#include "../handles.h"
#include "model.h"

typedef struct sleeper {
  HANDLE ep;
  int timeout_ms;
  int result;
  struct epoll_event event;
  double returned_at;
} sleeper;

static DWORD WINAPI sleeper_main(void* arg) {
  sleeper* s = (sleeper*) arg;
  s->result = epoll_wait(s->ep, &s->event, 1, s->timeout_ms);
  s->returned_at = now_ms();
  return 0;
}

/* One sleeper, one ADD whose wake-up post is refused with `error`; the ADD's
 * time and the sleeper's, from the ADD, in *add_ms and *woken_ms. */
static void add_beside_sleeper(DWORD error, int sleeper_timeout_ms,
                               double* add_ms, double* woken_ms) {
  sleeper s;
  HANDLE thread, event;
  struct epoll_event ev;
  double added_at;

  memset(&s, 0, sizeof s);
  s.timeout_ms = sleeper_timeout_ms;
  s.ep = epoll_create1(0);
  CHECK(s.ep != NULL);
  thread = CreateThread(NULL, 0, sleeper_main, &s, 0, NULL);
  CHECK(thread != NULL);
  Sleep(200); /* asleep in the port */

  model_fail_nth(MODEL_POST_QUEUED_COMPLETION_STATUS, 1, error);
  event = CreateEventW(NULL, FALSE, TRUE, NULL);
  CHECK(event != NULL);
  memset(&ev, 0, sizeof ev);
  ev.events = EPOLLIN;
  ev.data.u64 = 42;
  added_at = now_ms();
  CHECK(wepoll_ctl_handle(s.ep, EPOLL_CTL_ADD, event, &ev) == 0);
  *add_ms = now_ms() - added_at;
  CHECK(WaitForSingleObject(thread, 15000) == WAIT_OBJECT_0);
  CHECKF(model_failed(MODEL_POST_QUEUED_COMPLETION_STATUS),
         "no wake-up was posted for the report queued at ADD");
  model_fail_clear();
  CHECKF(s.result == 1 && s.event.data.u64 == 42,
         "the sleeper returned %d (data %llu)", s.result,
         (unsigned long long) s.event.data.u64);
  *woken_ms = s.returned_at - added_at;
  CHECK(epoll_close(s.ep) == 0);
  CloseHandle(event);
  CloseHandle(thread);
}

static void signal_post_refused(DWORD error) {
  struct epoll_event out;
  long allocations = model_live_allocations();
  HANDLE ep = epoll_create1(0);
  HANDLE event = CreateEventW(NULL, FALSE, FALSE, NULL);
  unsigned long posts;
  double start;
  CHECK(ep != NULL && event != NULL);
  hep_add(ep, event, EPOLLIN, 7); /* unsignaled: a pool wait is registered */
  posts = model_calls(MODEL_POST_QUEUED_COMPLETION_STATUS);
  model_fail_nth(MODEL_POST_QUEUED_COMPLETION_STATUS, 1, error);
  CHECK(SetEvent(event));
  if (error == ERROR_NO_SYSTEM_RESOURCES) {
    ep_wait_one(ep, &out, 5000);
    CHECKF(out.data.u64 == 7, "data %llu", (unsigned long long) out.data.u64);
    CHECK(model_failed(MODEL_POST_QUEUED_COMPLETION_STATUS));
    CHECK(model_calls(MODEL_POST_QUEUED_COMPLETION_STATUS) - posts >= 2);
    model_fail_clear();
    start = now_ms();
    CHECK(epoll_close(ep) == 0);
    CHECK(model_live_allocations() == allocations);
  } else {
    Sleep(300); /* the callback has run */
    CHECK(model_failed(MODEL_POST_QUEUED_COMPLETION_STATUS));
    model_fail_clear();
    CHECKF(model_calls(MODEL_POST_QUEUED_COMPLETION_STATUS) - posts == 1,
           "the callback posted %lu times in 300 ms: it retried a refusal "
           "that is no shortage",
           model_calls(MODEL_POST_QUEUED_COMPLETION_STATUS) - posts);
    start = now_ms();
    CHECK(epoll_close(ep) == 0);
    CHECKF(model_live_allocations() == allocations + 1,
           "%ld allocations left by the port, not the one record that owes "
           "a packet", model_live_allocations() - allocations);
  }
  printf("signal post refused (error %lu): epoll_close took %.0f ms\n",
         (unsigned long) error, now_ms() - start);
  CloseHandle(event);
}

int main(void) {
  double add_ms, woken_ms;

  model_set_play(MODEL_PLAY_ALL & ~MODEL_PLAY_WAIT_PACKETS);
  test_init();

  add_beside_sleeper(ERROR_NO_SYSTEM_RESOURCES, 10000, &add_ms, &woken_ms);
  CHECKF(woken_ms < 2000,
         "the sleeper woke %.0f ms after the ADD: its wake-up was lost "
         "with the refused post",
         woken_ms);
  printf("shortage: woken %.0f ms after the ADD, its first post refused\n",
         woken_ms);

  add_beside_sleeper(ERROR_INVALID_HANDLE, 1000, &add_ms, &woken_ms);
  CHECKF(add_ms < 500, "ADD took %.0f ms: a refusal that is no shortage "
         "was tried again", add_ms);
  printf("no shortage: ADD took %.0f ms, the sleeper found the event "
         "%.0f ms after it\n", add_ms, woken_ms);
  signal_post_refused(ERROR_NO_SYSTEM_RESOURCES);
  signal_post_refused(ERROR_INVALID_HANDLE);
  printf("PASS model_wake_refused\n");
  return 0;
}
