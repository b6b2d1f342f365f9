/* wepoll_ctl_handle with each kind of object it accepts: an event (auto-
 * and manual-reset), a semaphore, a periodic waitable timer, a child
 * process that exits and a thread that returns.  EPOLLIN means signaled;
 * what a wait consumes is consumed (an auto-reset event's signal, one unit
 * of a semaphore), and an object that stays signaled is reported by every
 * wait. */
#include "handles.h"

static void auto_reset_event(HANDLE ep) {
  HANDLE ev = CreateEventW(NULL, FALSE, FALSE, NULL);
  int i;
  CHECK(ev != NULL);
  hep_add(ep, ev, EPOLLIN, 1);
  ep_expect_none(ep, 50);
  for (i = 0; i < 3; i++) {
    CHECK(SetEvent(ev));
    hep_expect(ep, 1, 2000);
    ep_expect_none(ep, 50); /* the wait reset it: reported once */
  }
  /* The wait consumed the signal: nothing is left for anyone else. */
  CHECK(WaitForSingleObject(ev, 0) == WAIT_TIMEOUT);
  hep_del(ep, ev);
  CloseHandle(ev);
  printf("auto-reset event: OK\n");
}

static void manual_reset_event(HANDLE ep) {
  HANDLE ev = CreateEventW(NULL, TRUE, FALSE, NULL);
  int i;
  CHECK(ev != NULL);
  hep_add(ep, ev, EPOLLIN, 2);
  ep_expect_none(ep, 50);
  CHECK(SetEvent(ev));
  for (i = 0; i < 3; i++)
    hep_expect(ep, 2, 2000); /* stays signaled: reported by every wait */
  CHECK(ResetEvent(ev));
  /* Reset before the wait: not reported (no wait of the library is
   * outstanding between a report and the next epoll_wait). */
  ep_expect_none(ep, 50);
  hep_del(ep, ev);
  CloseHandle(ev);
  printf("manual-reset event: OK\n");
}

static void semaphore(HANDLE ep) {
  HANDLE sem = CreateSemaphoreW(NULL, 0, 10, NULL);
  int i;
  CHECK(sem != NULL);
  hep_add(ep, sem, EPOLLIN, 3);
  ep_expect_none(ep, 50);
  CHECK(ReleaseSemaphore(sem, 3, NULL));
  for (i = 0; i < 3; i++)
    hep_expect(ep, 3, 2000); /* one report per unit */
  ep_expect_none(ep, 100);
  CHECK(WaitForSingleObject(sem, 0) == WAIT_TIMEOUT); /* count is 0 */
  hep_del(ep, sem);
  CloseHandle(sem);
  printf("semaphore: OK\n");
}

static void periodic_timer(HANDLE ep) {
  HANDLE timer = CreateWaitableTimerW(NULL, FALSE, NULL); /* auto-reset */
  LARGE_INTEGER due;
  double start, elapsed;
  int i;
  CHECK(timer != NULL);
  hep_add(ep, timer, EPOLLIN, 4);
  due.QuadPart = -20 * 10000; /* 20 ms from now, then every 20 ms */
  start = now_ms();
  CHECK(SetWaitableTimer(timer, &due, 20, NULL, NULL, FALSE));
  for (i = 0; i < 5; i++)
    hep_expect(ep, 4, 2000);
  elapsed = now_ms() - start;
  printf("timer: 5 periods of 20 ms in %.1f ms\n", elapsed);
  CHECKF(elapsed >= 5 * 20 - 15, "5 periods took only %.1f ms", elapsed);
  CHECK(CancelWaitableTimer(timer));
  ep_wait(ep, (struct epoll_event[1]){{0}}, 1, 30); /* one in flight */
  ep_expect_none(ep, 100);
  hep_del(ep, timer);
  CloseHandle(timer);
  printf("periodic timer: OK\n");
}

static void child_process(HANDLE ep) {
  HANDLE process = start_self_child("child");
  DWORD code = 0;
  hep_add(ep, process, EPOLLIN, 5);
  hep_expect(ep, 5, 20000);
  CHECK(GetExitCodeProcess(process, &code));
  CHECK(code == 42);
  hep_expect(ep, 5, 2000); /* an exited process stays signaled */
  hep_del(ep, process);
  ep_expect_none(ep, 50);
  CloseHandle(process);
  printf("child process: OK\n");
}

static DWORD WINAPI short_thread(void* arg) {
  Sleep(50);
  return (DWORD) (uintptr_t) arg;
}

static void thread(HANDLE ep) {
  HANDLE t = CreateThread(NULL, 0, short_thread, (void*) 7, 0, NULL);
  CHECK(t != NULL);
  hep_add(ep, t, EPOLLIN | EPOLLOUT | EPOLLPRI, 6); /* other bits ignored */
  hep_expect(ep, 6, 5000);
  CHECK(WaitForSingleObject(t, 0) == WAIT_OBJECT_0);
  hep_del(ep, t);
  CloseHandle(t);
  printf("thread: OK\n");
}

int main(int argc, char** argv) {
  HANDLE ep;
  if (argc > 1 && strcmp(argv[1], "child") == 0) {
    Sleep(100);
    return 42;
  }
  test_init();
  print_handle_backend();
  ep = epoll_create1(0);
  CHECK(ep != NULL);
  auto_reset_event(ep);
  manual_reset_event(ep);
  semaphore(ep);
  periodic_timer(ep);
  child_process(ep);
  thread(ep);
  CHECK(epoll_close(ep) == 0);
  printf("OK\n");
  return 0;
}
