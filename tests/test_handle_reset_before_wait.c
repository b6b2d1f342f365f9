/* A level-triggered handle is reported for the state it has when the
 * program waits, not the state it had when the previous wait reported it:
 * once the program has reset a manual-reset event (or a notification
 * timer) that two waits in a row reported, the next wait reports nothing.
 *
 * Each round: signal the object; a wait reports it; a second wait reports
 * it again (it stays signaled); the program resets it, sometimes at once,
 * sometimes after giving other threads the processor; a third wait must
 * report nothing.  A process cannot be reset, so for an exited child
 * process the third step changes the registration instead (MOD without
 * EPOLLIN, or DEL), which must silence it just as well.
 *
 * Objects whose wait consumes a signal (an auto-reset event, a semaphore)
 * keep a signal given to them after a report and before the next wait:
 * no wait of the library is outstanding then, so the program's own wait
 * takes it, and the next epoll_wait reports nothing.
 *
 * A spinning thread per processor runs beside the rounds, so that whatever
 * the library does in the background between two waits is delayed and
 * reordered as much as it can be; every stale report is counted and the
 * test fails with the count. */
#include "handles.h"

enum { ROUNDS = 60, QUIET_MS = 10, REPORT_MS = 2000 };

static volatile LONG spin_stop;

static DWORD WINAPI spinner(void* arg) {
  volatile unsigned long counter = 0;
  (void) arg;
  while (InterlockedCompareExchange(&spin_stop, 0, 0) == 0)
    counter++;
  return 0;
}

/* Gives other threads a chance to run before the reset, in three ways
 * that take turns round after round: not at all, a yield, a short sleep. */
static void pause_before_reset(int round) {
  switch (round % 3) {
    case 0:
      break;
    case 1:
      Sleep(0);
      break;
    default:
      Sleep(1);
      break;
  }
}

/* Step 3: a wait after the reset.  Returns 1 when it reported something
 * (a stale report), 0 when it reported nothing. */
static int stale_after_reset(HANDLE ep, const char* what, int round) {
  struct epoll_event out[4];
  int n = ep_wait(ep, out, 4, QUIET_MS);
  if (n > 0)
    printf("%s round %d: reported after the reset (events 0x%x data %llu)\n",
           what, round, out[0].events, (unsigned long long) out[0].data.u64);
  return n > 0;
}

static int manual_reset_event(HANDLE ep) {
  HANDLE ev = CreateEventW(NULL, TRUE, FALSE, NULL);
  int round, stale = 0;
  CHECK(ev != NULL);
  hep_add(ep, ev, EPOLLIN, 1);
  for (round = 0; round < ROUNDS; round++) {
    CHECK(SetEvent(ev));
    hep_expect(ep, 1, REPORT_MS);
    hep_expect(ep, 1, REPORT_MS); /* still set */
    pause_before_reset(round);
    CHECK(ResetEvent(ev));
    stale += stale_after_reset(ep, "manual-reset event", round);
  }
  hep_del(ep, ev);
  CloseHandle(ev);
  printf("manual-reset event: %d stale reports in %d rounds\n", stale, ROUNDS);
  return stale;
}

/* A notification (manual-reset) timer: signaled when due, until it is set
 * again, which makes it nonsignaled. */
static int notification_timer(HANDLE ep) {
  HANDLE timer = CreateWaitableTimerW(NULL, TRUE, NULL);
  LARGE_INTEGER now, later;
  int round, stale = 0;
  CHECK(timer != NULL);
  now.QuadPart = -1;                       /* due in 100 ns */
  later.QuadPart = -3600LL * 1000 * 10000; /* due in an hour */
  hep_add(ep, timer, EPOLLIN, 2);
  for (round = 0; round < ROUNDS; round++) {
    CHECK(SetWaitableTimer(timer, &now, 0, NULL, NULL, FALSE));
    hep_expect(ep, 2, REPORT_MS);
    hep_expect(ep, 2, REPORT_MS); /* still signaled */
    pause_before_reset(round);
    CHECK(SetWaitableTimer(timer, &later, 0, NULL, NULL, FALSE));
    CHECK(WaitForSingleObject(timer, 0) == WAIT_TIMEOUT);
    stale += stale_after_reset(ep, "notification timer", round);
  }
  CHECK(CancelWaitableTimer(timer));
  hep_del(ep, timer);
  CloseHandle(timer);
  printf("notification timer: %d stale reports in %d rounds\n", stale, ROUNDS);
  return stale;
}

/* An auto-reset event or a semaphore (one unit): `give` signals it. */
static int consuming(HANDLE ep, const char* what, HANDLE object,
                     void (*give)(HANDLE), uint64_t data) {
  int round, stale = 0;
  CHECK(object != NULL);
  hep_add(ep, object, EPOLLIN, data);
  for (round = 0; round < ROUNDS; round++) {
    give(object);
    hep_expect(ep, data, REPORT_MS);
    give(object); /* after the report, before the next wait */
    pause_before_reset(round);
    if (WaitForSingleObject(object, 0) != WAIT_OBJECT_0) {
      printf("%s round %d: the signal was taken before the next wait\n", what,
             round);
      stale++;
      continue;
    }
    stale += stale_after_reset(ep, what, round);
  }
  hep_del(ep, object);
  CloseHandle(object);
  printf("%s: %d signals taken or reported wrongly in %d rounds\n", what,
         stale, ROUNDS);
  return stale;
}

static void set_event(HANDLE ev) {
  CHECK(SetEvent(ev));
}

static void release_one(HANDLE sem) {
  CHECK(ReleaseSemaphore(sem, 1, NULL));
}

static HANDLE exited_child(void) {
  HANDLE process = start_self_child("child");
  CHECK(WaitForSingleObject(process, 20000) == WAIT_OBJECT_0);
  return process;
}

/* An exited process stays signaled: the rounds silence it by MOD without
 * EPOLLIN (odd rounds) or by DEL (even rounds), and bring it back by MOD
 * or ADD. */
static int exited_process(HANDLE ep) {
  HANDLE process = exited_child();
  int round, stale = 0;
  hep_add(ep, process, EPOLLIN, 3);
  for (round = 0; round < ROUNDS; round++) {
    hep_expect(ep, 3, REPORT_MS);
    hep_expect(ep, 3, REPORT_MS); /* stays signaled */
    pause_before_reset(round);
    if (round % 2 != 0)
      hep_mod(ep, process, 0, 3);
    else
      hep_del(ep, process);
    stale += stale_after_reset(ep, "exited process", round);
    if (round % 2 != 0)
      hep_mod(ep, process, EPOLLIN, 3);
    else
      hep_add(ep, process, EPOLLIN, 3);
  }
  hep_del(ep, process);
  CloseHandle(process);
  printf("exited process: %d stale reports in %d rounds\n", stale, ROUNDS);
  return stale;
}

int main(int argc, char** argv) {
  SYSTEM_INFO info;
  HANDLE spinners[64];
  DWORD cpus, i;
  HANDLE ep;
  int stale = 0;
  if (argc > 1 && strcmp(argv[1], "child") == 0)
    return 0;
  test_init();
  print_handle_backend();
  GetSystemInfo(&info);
  cpus = info.dwNumberOfProcessors;
  if (cpus > sizeof spinners / sizeof *spinners)
    cpus = sizeof spinners / sizeof *spinners;
  for (i = 0; i < cpus; i++) {
    spinners[i] = CreateThread(NULL, 0, spinner, NULL, 0, NULL);
    CHECK(spinners[i] != NULL);
  }
  printf("%lu spinning threads\n", (unsigned long) cpus);
  ep = epoll_create1(0);
  CHECK(ep != NULL);
  stale += manual_reset_event(ep);
  stale += notification_timer(ep);
  stale += exited_process(ep);
  stale += consuming(ep, "auto-reset event",
                     CreateEventW(NULL, FALSE, FALSE, NULL), set_event, 4);
  stale += consuming(ep, "semaphore", CreateSemaphoreW(NULL, 0, 10, NULL),
                     release_one, 5);
  CHECK(epoll_close(ep) == 0);
  InterlockedExchange(&spin_stop, 1);
  for (i = 0; i < cpus; i++) {
    CHECK(WaitForSingleObject(spinners[i], 10000) == WAIT_OBJECT_0);
    CloseHandle(spinners[i]);
  }
  CHECKF(stale == 0, "%d stale reports in %d rounds of each kind", stale,
         ROUNDS);
  printf("OK\n");
  return 0;
}
