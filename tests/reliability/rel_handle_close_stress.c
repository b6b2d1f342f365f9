/* Registered handles, their registrations and their port, all closed while
 * other threads use them: two threads wait on the port, one signals the
 * handles, one adds, modifies and deletes registrations, and the main
 * thread closes the handles (without DEL) and the port, in a random order
 * with random pauses.  Some handles are signaled for good (an exited
 * process or thread, a set manual-reset event or timer, a semaphore with
 * many units), so that level-triggered registrations keep waiting,
 * firing and waiting again while everything closes.  Nothing may crash or
 * hang, and every report must name a registered slot.
 *
 * Meanwhile other threads, each with a port of its own, add a signaled
 * handle and delete it again after a random pause, and close their port
 * with it registered, so that registrations end on several ports at once
 * while their waits are being satisfied; and spinning threads keep every
 * CPU busy, so that any thread may lose its CPU between two steps of a
 * close (without them the run only tests what a quiet machine schedules).
 *
 *   rel_handle_close_stress --kind event|semaphore|timer|process|thread
 *                           [--rounds N] [--seed S]
 *                           [--neighbours N] [--spinners N]
 *
 * A handle is never touched by the test after the main thread closed it
 * (each slot has a lock): its value may name another object at once,
 * maybe one of the thread pool's own. */
#include "rel.h"

#include "../handles.h"

enum { SLOTS = 8, WAITERS = 2, MAX_EXTRA = 16 };

enum kind {
  KIND_EVENT,
  KIND_SEMAPHORE,
  KIND_TIMER,
  KIND_PROCESS,
  KIND_THREAD
};

static const char* const kind_names[] = {"event", "semaphore", "timer",
                                         "process", "thread"};

typedef struct slot {
  CRITICAL_SECTION lock;
  HANDLE handle; /* NULL once the main thread has closed it */
} slot;

static enum kind kind;
static slot slots[SLOTS];
static HANDLE ep;
static volatile LONG stop;
static volatile LONG reports;
static int neighbours; /* threads with a port of their own */
static int spinners;   /* threads that only keep a CPU busy */
static int helper_count;

/* The helper threads live for the whole run (creating threads costs more
 * than a round under Wine): each round starts them with a new generation
 * and waits until all have seen `stop`. */
static CRITICAL_SECTION round_lock;
static CONDITION_VARIABLE round_changed;
static LONG generation; /* guarded by round_lock; -1: the run is over */
static int finished;    /* helpers done with the current round */
static HANDLE exited_process, running_process, exited_thread;

/* ---- The handles of each kind ---- */

static HANDLE duplicate(HANDLE h) {
  HANDLE copy = NULL;
  CHECK(DuplicateHandle(GetCurrentProcess(), h, GetCurrentProcess(), &copy, 0,
                        FALSE, DUPLICATE_SAME_ACCESS));
  return copy;
}

static DWORD WINAPI short_lived(void* arg) {
  Sleep((DWORD) (uintptr_t) arg);
  return 0;
}

/* Slot `i`'s new handle: even slots are signaled for good or often, odd
 * ones only by the signaler thread (or never). */
static HANDLE make_handle(int i, rel_rng* rng) {
  HANDLE h = NULL;
  LARGE_INTEGER due;
  due.QuadPart = -1; /* 100 ns from now */
  switch (kind) {
    case KIND_EVENT:
      h = CreateEventW(NULL, i % 2 == 0, i % 2 == 0, NULL);
      break;
    case KIND_SEMAPHORE:
      h = CreateSemaphoreW(NULL, i % 2 == 0 ? 100000 : 0, 1000000, NULL);
      break;
    case KIND_TIMER:
      h = CreateWaitableTimerW(NULL, i % 2 == 0, NULL);
      CHECK(h != NULL);
      CHECK(SetWaitableTimer(h, &due, i % 2 == 0 ? 0 : 1, NULL, NULL, FALSE));
      break;
    case KIND_PROCESS:
      h = duplicate(i % 2 == 0 ? exited_process : running_process);
      break;
    case KIND_THREAD:
      if (i % 2 == 0)
        h = duplicate(exited_thread);
      else
        h = CreateThread(NULL, 0, short_lived,
                         (void*) (uintptr_t) rng_below(rng, 4), 0, NULL);
      break;
  }
  CHECK(h != NULL);
  return h;
}

static void signal_handle(HANDLE h) {
  LARGE_INTEGER due;
  due.QuadPart = 0;
  switch (kind) {
    case KIND_EVENT:
      CHECK(SetEvent(h));
      break;
    case KIND_SEMAPHORE:
      /* Fails with ERROR_TOO_MANY_POSTS once full, which is fine. */
      ReleaseSemaphore(h, 1, NULL);
      break;
    case KIND_TIMER:
      CHECK(SetWaitableTimer(h, &due, 0, NULL, NULL, FALSE));
      break;
    case KIND_PROCESS:
    case KIND_THREAD:
      break; /* they signal themselves */
  }
}

/* ---- The threads ---- */

static void spin_us(double us) {
  double until = now_ms() + us / 1000.0;
  while (now_ms() < until)
    YieldProcessor();
}

static void waiter(void) {
  struct epoll_event out[4];
  while (!InterlockedCompareExchange(&stop, 0, 0)) {
    int n = epoll_wait(ep, out, 4, 10);
    int i;
    if (n < 0) {
      /* The port was closed (its value may even name another object). */
      CHECKF(errno == EBADF || errno == EINVAL, "epoll_wait: errno %d", errno);
      break;
    }
    for (i = 0; i < n; i++)
      CHECKF(out[i].events == EPOLLIN && out[i].data.u64 < SLOTS,
             "report 0x%x data %llu", out[i].events,
             (unsigned long long) out[i].data.u64);
    InterlockedExchangeAdd(&reports, n);
  }
}

static void signaler(rel_rng* rng) {
  while (!InterlockedCompareExchange(&stop, 0, 0)) {
    slot* s = &slots[rng_below(rng, SLOTS)];
    EnterCriticalSection(&s->lock);
    if (s->handle != NULL)
      signal_handle(s->handle);
    LeaveCriticalSection(&s->lock);
    if (rng_below(rng, 4) == 0)
      Sleep(0);
  }
}

static void controller(rel_rng* rng) {
  static const int ops[] = {EPOLL_CTL_ADD, EPOLL_CTL_MOD, EPOLL_CTL_DEL};
  while (!InterlockedCompareExchange(&stop, 0, 0)) {
    uint32_t i = rng_below(rng, SLOTS);
    int op = ops[rng_below(rng, 3)];
    slot* s = &slots[i];
    struct epoll_event ev;
    memset(&ev, 0, sizeof ev);
    ev.events = EPOLLIN | (rng_below(rng, 2) ? EPOLLONESHOT : 0);
    ev.data.u64 = i;
    EnterCriticalSection(&s->lock);
    if (s->handle != NULL && wepoll_ctl_handle(ep, op, s->handle, &ev) < 0)
      CHECKF(errno == EEXIST || errno == ENOENT || errno == EBADF ||
                 errno == EINVAL,
             "ctl %d of slot %u: errno %d", op, i, errno);
    LeaveCriticalSection(&s->lock);
    if (rng_below(rng, 4) == 0)
      Sleep(0);
  }
}

/* ADD of a handle that is signaled for good to a port of this thread's own,
 * then DEL after a random pause, over and over: the wait often ends while
 * the main thread's closes end other waits.  Every eighth time the port is
 * closed with the registration in it, and a new one made. */
static void neighbour(rel_rng* rng) {
  HANDLE h = make_handle(0, rng); /* slot 0's kind: signaled for good */
  HANDLE port = epoll_create1(0);
  struct epoll_event out[2];
  CHECK(port != NULL);
  while (!InterlockedCompareExchange(&stop, 0, 0)) {
    signal_handle(h); /* a semaphore gets back the units the waits took */
    hep_add(port, h, EPOLLIN, 0);
    /* 1 us to 1 ms, as evenly on a log scale: the wait ends somewhere in
     * there, however loaded the machine is. */
    spin_us((double) (1u << rng_below(rng, 11)));
    if (rng_below(rng, 4) == 0)
      CHECK(epoll_wait(port, out, 2, 0) >= 0);
    if (rng_below(rng, 8) == 0) {
      CHECK(epoll_close(port) == 0);
      port = epoll_create1(0);
      CHECK(port != NULL);
    } else {
      hep_del(port, h);
    }
  }
  CHECK(epoll_close(port) == 0);
  CHECK(CloseHandle(h));
}

static void spinner(void) {
  while (!InterlockedCompareExchange(&stop, 0, 0))
    YieldProcessor();
}

/* Helper `arg` (the first WAITERS wait, then the signaler, the controller,
 * the neighbours and the spinners), round after round until the run is
 * over. */
static DWORD WINAPI helper(void* arg) {
  int which = (int) (uintptr_t) arg;
  LONG seen = 0;
  rel_rng rng;
  for (;;) {
    EnterCriticalSection(&round_lock);
    while (generation == seen)
      SleepConditionVariableCS(&round_changed, &round_lock, INFINITE);
    seen = generation;
    LeaveCriticalSection(&round_lock);
    if (seen < 0)
      return 0;
    rng.state = (uint64_t) seen * 131 + (uint64_t) which;
    if (which < WAITERS)
      waiter();
    else if (which == WAITERS)
      signaler(&rng);
    else if (which == WAITERS + 1)
      controller(&rng);
    else if (which < WAITERS + 2 + neighbours)
      neighbour(&rng);
    else
      spinner();
    EnterCriticalSection(&round_lock);
    finished++;
    WakeAllConditionVariable(&round_changed);
    LeaveCriticalSection(&round_lock);
  }
}

static void set_generation(LONG value) {
  EnterCriticalSection(&round_lock);
  generation = value;
  finished = 0;
  WakeAllConditionVariable(&round_changed);
  LeaveCriticalSection(&round_lock);
}

/* Stops the helpers and waits until each has left the round. */
static void end_round(void) {
  double deadline = now_ms() + 20000;
  InterlockedExchange(&stop, 1);
  EnterCriticalSection(&round_lock);
  while (finished < helper_count) {
    CHECKF(now_ms() < deadline, "%d of %d helpers still in the round",
           helper_count - finished, helper_count);
    SleepConditionVariableCS(&round_changed, &round_lock, 1000);
  }
  LeaveCriticalSection(&round_lock);
}

/* ---- One round ---- */

static void round_once(LONG number, rel_rng* rng) {
  int order[SLOTS + 1]; /* slot numbers, SLOTS standing for the port */
  int i;

  ep = epoll_create1(0);
  CHECK(ep != NULL);
  for (i = 0; i < SLOTS; i++) {
    slots[i].handle = make_handle(i, rng);
    hep_add(ep, slots[i].handle, EPOLLIN | (i % 4 == 3 ? EPOLLONESHOT : 0),
            (uint64_t) i);
  }
  InterlockedExchange(&stop, 0);
  set_generation(number);

  /* Let them run a little, then close everything in a random order:
   * handles with or without DEL first, and the port. */
  spin_us(rng_below(rng, 2000));
  for (i = 0; i <= SLOTS; i++)
    order[i] = i;
  for (i = SLOTS; i > 0; i--) {
    int j = (int) rng_below(rng, (uint32_t) i + 1);
    int t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  for (i = 0; i <= SLOTS; i++) {
    if (order[i] == SLOTS) {
      CHECK(epoll_close(ep) == 0);
    } else {
      slot* s = &slots[order[i]];
      EnterCriticalSection(&s->lock);
      if (rng_below(rng, 2) == 0)
        wepoll_ctl_handle(ep, EPOLL_CTL_DEL, s->handle, NULL);
      CHECK(CloseHandle(s->handle));
      s->handle = NULL;
      LeaveCriticalSection(&s->lock);
    }
    if (rng_below(rng, 2) == 0)
      spin_us(rng_below(rng, 300));
  }
  end_round();
}

int main(int argc, char** argv) {
  HANDLE helpers[WAITERS + 2 + MAX_EXTRA];
  const char* kind_arg;
  uint64_t rounds, seed, r;
  rel_rng rng;
  size_t k;
  int i;

  if (argc > 1 && strcmp(argv[1], "child-exit") == 0)
    return 0;
  if (argc > 1 && strcmp(argv[1], "child-sleep") == 0) {
    Sleep(600000); /* ended by the parent */
    return 0;
  }
  test_init();
  kind_arg = arg_str(argc, argv, "--kind");
  CHECKF(kind_arg != NULL,
         "usage: --kind event|semaphore|timer|process|thread");
  for (k = 0; k < sizeof kind_names / sizeof *kind_names; k++)
    if (strcmp(kind_arg, kind_names[k]) == 0)
      break;
  CHECKF(k < sizeof kind_names / sizeof *kind_names, "unknown kind %s",
         kind_arg);
  kind = (enum kind) k;
  rounds = arg_u64(argc, argv, "--rounds", 1000);
  seed = arg_u64(argc, argv, "--seed", (uint64_t) GetTickCount64());
  neighbours = (int) arg_u64(argc, argv, "--neighbours", 4);
  spinners = (int) arg_u64(argc, argv, "--spinners", 0);
  if (spinners == 0 && arg_str(argc, argv, "--spinners") == NULL) {
    SYSTEM_INFO info;
    GetSystemInfo(&info);
    spinners = (int) info.dwNumberOfProcessors; /* one per CPU */
  }
  CHECKF(neighbours + spinners <= MAX_EXTRA,
         "at most %d neighbours and "
         "spinners",
         MAX_EXTRA);
  helper_count = WAITERS + 2 + neighbours + spinners;
  rng.state = seed;
  printf("kind %s, %llu rounds, seed %llu, %d neighbours, %d spinners\n",
         kind_names[kind], (unsigned long long) rounds,
         (unsigned long long) seed, neighbours, spinners);
  print_handle_backend();

  for (i = 0; i < SLOTS; i++)
    InitializeCriticalSection(&slots[i].lock);
  if (kind == KIND_PROCESS) {
    exited_process = start_self_child("child-exit");
    CHECK(WaitForSingleObject(exited_process, 30000) == WAIT_OBJECT_0);
    running_process = start_self_child("child-sleep");
  }
  if (kind == KIND_THREAD) {
    exited_thread = CreateThread(NULL, 0, short_lived, NULL, 0, NULL);
    CHECK(exited_thread != NULL);
    CHECK(WaitForSingleObject(exited_thread, 10000) == WAIT_OBJECT_0);
  }
  InitializeCriticalSection(&round_lock);
  InitializeConditionVariable(&round_changed);
  for (i = 0; i < helper_count; i++) {
    helpers[i] = CreateThread(NULL, 0, helper, (void*) (uintptr_t) i, 0, NULL);
    CHECK(helpers[i] != NULL);
  }

  for (r = 0; r < rounds; r++)
    round_once((LONG) (r + 1), &rng);

  set_generation(-1);
  for (i = 0; i < helper_count; i++) {
    CHECK(WaitForSingleObject(helpers[i], 20000) == WAIT_OBJECT_0);
    CloseHandle(helpers[i]);
  }
  if (running_process != NULL) {
    TerminateProcess(running_process, 0);
    CloseHandle(running_process);
  }
  if (exited_process != NULL)
    CloseHandle(exited_process);
  if (exited_thread != NULL)
    CloseHandle(exited_thread);
  printf("%llu rounds, %ld reports: OK\n", (unsigned long long) rounds,
         (long) reports);
  return 0;
}
