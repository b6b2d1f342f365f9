/* epoll_close returns even when some other wait is on the event it waits
 * on.
 *
 * A program that closes a registered handle without EPOLL_CTL_DEL leaves
 * the library waiting on that handle's value (a level-triggered handle
 * waits again at every epoll_wait), and the system may hand the value to
 * the next object made: the event epoll_close of a new port waits on until
 * the threads still inside the port have left.  A wait that took that
 * event's signal would leave epoll_close waiting for ever.
 *
 * Played plainly: the event the port made is found among the handles that
 * epoll_create1 opened, and a thread waits on a duplicate of it, over and
 * over, before epoll_close starts waiting too; threads sleeping in
 * epoll_wait keep the port busy, so epoll_close must wait for them to
 * leave.  Each round, epoll_close must return within 10 s and every sleeper
 * with EBADF.
 *
 *   rel_close_foreign_wait.exe [--rounds 10] */
#include "rel.h"

enum { HANDLE_VALUES = 1 << 16, CLOSE_LIMIT_MS = 10000, SLEEPERS = 4 };

static unsigned char was_open[HANDLE_VALUES / 4];

static bool value_is_open(size_t value) {
  DWORD flags;
  return GetHandleInformation((HANDLE) value, &flags) != 0;
}

static void snapshot_open_values(void) {
  size_t v;
  for (v = 4; v < HANDLE_VALUES; v += 4)
    was_open[v / 4] = value_is_open(v);
}

static bool is_event(HANDLE h) {
  union {
    PUBLIC_OBJECT_TYPE_INFORMATION info;
    unsigned char bytes[512];
  } type;
  ULONG length = 0;
  if (!NT_SUCCESS(NtQueryObject(h, ObjectTypeInformation, &type, sizeof type,
                                &length)))
    return false;
  return type.info.TypeName.Length == 5 * sizeof(wchar_t) &&
         memcmp(type.info.TypeName.Buffer, L"Event", 5 * sizeof(wchar_t)) == 0;
}

/* The events opened since the snapshot, duplicated; their count. */
static int new_events(HANDLE ep, HANDLE* found, int max) {
  size_t v;
  int n = 0;
  for (v = 4; v < HANDLE_VALUES && n < max; v += 4) {
    HANDLE h = (HANDLE) v;
    if (was_open[v / 4] || h == ep || !value_is_open(v) || !is_event(h))
      continue;
    CHECK(DuplicateHandle(GetCurrentProcess(), h, GetCurrentProcess(),
                          &found[n], 0, FALSE, DUPLICATE_SAME_ACCESS));
    n++;
  }
  return n;
}

typedef struct intruder {
  HANDLE event;
  volatile LONG stop;
  volatile LONG waits_done;
} intruder;

/* Waits on the port's event, taking each signal it can. */
static DWORD WINAPI intruder_main(void* arg) {
  intruder* in = (intruder*) arg;
  while (!InterlockedCompareExchange(&in->stop, 0, 0)) {
    if (WaitForSingleObject(in->event, 200) == WAIT_OBJECT_0)
      InterlockedIncrement(&in->waits_done);
  }
  return 0;
}

typedef struct sleeper {
  HANDLE ep;
  int result;
  int error;
} sleeper;

static DWORD WINAPI sleeper_main(void* arg) {
  sleeper* s = (sleeper*) arg;
  struct epoll_event ev;
  s->result = epoll_wait(s->ep, &ev, 1, -1);
  s->error = errno;
  return 0;
}

static DWORD WINAPI closer_main(void* arg) {
  return epoll_close((HANDLE) arg) == 0 ? 0 : 1;
}

int main(int argc, char** argv) {
  uint64_t rounds, r;
  HANDLE warm;

  test_init();
  rounds = arg_u64(argc, argv, "--rounds", 10);
  /* What only the first port of a process opens (Winsock, ntdll) is
   * opened here, before the snapshots. */
  warm = epoll_create1(0);
  CHECK(warm != NULL);
  CHECK(epoll_close(warm) == 0);

  for (r = 0; r < rounds; r++) {
    HANDLE events[8], ep, threads[SLEEPERS + 1], closer;
    intruder in;
    sleeper s[SLEEPERS];
    DWORD closer_exit = 1;
    int count, i;

    snapshot_open_values();
    ep = epoll_create1(0);
    CHECK(ep != NULL);
    count = new_events(ep, events, 8);
    CHECKF(count >= 1, "no event among the handles epoll_create1 opened");

    memset(&in, 0, sizeof in);
    in.event = events[0];
    for (i = 0; i < SLEEPERS; i++) {
      s[i].ep = ep;
      s[i].result = 0;
      threads[i] = CreateThread(NULL, 0, sleeper_main, &s[i], 0, NULL);
      CHECK(threads[i] != NULL);
    }
    threads[SLEEPERS] = CreateThread(NULL, 0, intruder_main, &in, 0, NULL);
    CHECK(threads[SLEEPERS] != NULL);
    Sleep(200); /* all asleep: the sleepers in the port, the intruder
                   first in the event's queue of waiters */

    closer = CreateThread(NULL, 0, closer_main, ep, 0, NULL);
    CHECK(closer != NULL);
    CHECKF(WaitForSingleObject(closer, CLOSE_LIMIT_MS) == WAIT_OBJECT_0,
           "round %llu: epoll_close still waits after %d ms (another wait "
           "on its event took the signal)",
           (unsigned long long) r, CLOSE_LIMIT_MS);
    CHECK(GetExitCodeThread(closer, &closer_exit) && closer_exit == 0);
    for (i = 0; i < SLEEPERS; i++) {
      CHECK(WaitForSingleObject(threads[i], CLOSE_LIMIT_MS) == WAIT_OBJECT_0);
      CHECKF(s[i].result == -1 && s[i].error == EBADF,
             "epoll_wait during the close: %d, errno %d", s[i].result,
             s[i].error);
    }

    InterlockedExchange(&in.stop, 1);
    CHECK(WaitForSingleObject(threads[SLEEPERS], CLOSE_LIMIT_MS) ==
          WAIT_OBJECT_0);
    for (i = 0; i <= SLEEPERS; i++)
      CloseHandle(threads[i]);
    CloseHandle(closer);
    for (i = 0; i < count; i++)
      CloseHandle(events[i]);
    printf("round %llu: closed; the other wait returned %ld times\n",
           (unsigned long long) r, (long) in.waits_done);
  }
  printf("rel_close_foreign_wait: OK\n");
  return 0;
}
