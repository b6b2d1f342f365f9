/* Every failure of every system call that an API call reaches, injected
 * one at a time.  For each scenario (an API call in a given state of a
 * port) and each call of lib/os.h it makes, the n-th use fails, for
 * n = 1, 2, ... until the n-th use is no longer reached, and each time:
 *   - the API call succeeds, or fails cleanly: -1 / NULL with errno and
 *     GetLastError() the pair the injected error stands for;
 *   - once the failure stops, the port works: what was refused can be done
 *     again, and a wait reports what is ready;
 *   - once the port is closed, every allocation and handle is given back.
 * All of it runs in one process: `model_sweep played` with Windows's
 * answers played (handles through wait completion packets), `model_sweep
 * plain` without (handles through the thread pool, as under Wine), each a
 * process of its own since the library chooses how to wait for handles
 * once per process. */
#include "../common.h"
#include "model.h"

/* NTSTATUS and Win32 values (ntstatus.h, winerror.h), spelled here. */
#define SWEEP_STATUS_INSUFFICIENT_RESOURCES ((unsigned long) 0xC000009AL)
#define SWEEP_STATUS_NO_MEMORY ((unsigned long) 0xC0000017L)
#define SWEEP_STATUS_QUOTA_EXCEEDED ((unsigned long) 0xC0000044L)
#define SWEEP_STATUS_INVALID_HANDLE ((unsigned long) 0xC0000008L)
#define SWEEP_ERROR_NOT_ENOUGH_QUOTA 1816
#define SWEEP_ERROR_ABANDONED_WAIT_0 735

/* ------------------------------------------------------------------ */
/* What each call is failed with                                       */

typedef struct injection {
  model_call call;
  unsigned long error; /* as model_fail_nth takes it */
  int want_errno;      /* what a failing API call must then say */
  DWORD want_last_error;
  DWORD also_last_error; /* another last error as good, or 0 */
} injection;

/* Each error is one the call's documentation names (or, where it names
 * none, the resource it needs running out). */
static const injection sweep_injections[] = {
    /* CRT malloc/calloc: NULL with errno ENOMEM when memory runs out. */
    {MODEL_MALLOC, 0, ENOMEM, ERROR_NOT_ENOUGH_MEMORY, 0},
    {MODEL_CALLOC, 0, ENOMEM, ERROR_NOT_ENOUGH_MEMORY, 0},
    /* CreateIoCompletionPort: NULL, GetLastError(); a port and an
     * association take kernel memory (ERROR_NOT_ENOUGH_MEMORY,
     * ERROR_NO_SYSTEM_RESOURCES). */
    {MODEL_CREATE_IO_COMPLETION_PORT, ERROR_NOT_ENOUGH_MEMORY, ENOMEM,
     ERROR_NOT_ENOUGH_MEMORY, 0},
    {MODEL_CREATE_IO_COMPLETION_PORT, ERROR_NO_SYSTEM_RESOURCES, ENOMEM,
     ERROR_NO_SYSTEM_RESOURCES, 0},
    /* SetFileCompletionNotificationModes: FALSE, GetLastError(); the
     * documentation names no error: ERROR_INVALID_PARAMETER stands for
     * the device refusing the modes. */
    {MODEL_SET_FILE_COMPLETION_NOTIFICATION_MODES, ERROR_INVALID_PARAMETER,
     EINVAL, ERROR_INVALID_PARAMETER, 0},
    /* GetQueuedCompletionStatusEx: ERROR_ABANDONED_WAIT_0 when the port
     * handle is closed while the call is outstanding (documented). */
    {MODEL_GET_QUEUED_COMPLETION_STATUS_EX, SWEEP_ERROR_ABANDONED_WAIT_0,
     EBADF, SWEEP_ERROR_ABANDONED_WAIT_0, ERROR_INVALID_HANDLE},
    /* PostQueuedCompletionStatus: FALSE, GetLastError(); a packet takes
     * kernel memory (ERROR_NO_SYSTEM_RESOURCES). */
    {MODEL_POST_QUEUED_COMPLETION_STATUS, ERROR_NO_SYSTEM_RESOURCES, ENOMEM,
     ERROR_NO_SYSTEM_RESOURCES, 0},
    /* CreateEventW: NULL, GetLastError(); ERROR_NOT_ENOUGH_MEMORY,
     * ERROR_NO_SYSTEM_RESOURCES. */
    {MODEL_CREATE_EVENT, ERROR_NOT_ENOUGH_MEMORY, ENOMEM,
     ERROR_NOT_ENOUGH_MEMORY, 0},
    {MODEL_CREATE_EVENT, ERROR_NO_SYSTEM_RESOURCES, ENOMEM,
     ERROR_NO_SYSTEM_RESOURCES, 0},
    /* DuplicateHandle: FALSE, GetLastError(); a handle takes an entry of
     * the process's handle table (ERROR_NOT_ENOUGH_MEMORY,
     * ERROR_NO_SYSTEM_RESOURCES). */
    {MODEL_DUPLICATE_HANDLE, ERROR_NOT_ENOUGH_MEMORY, ENOMEM,
     ERROR_NOT_ENOUGH_MEMORY, 0},
    {MODEL_DUPLICATE_HANDLE, ERROR_NO_SYSTEM_RESOURCES, ENOMEM,
     ERROR_NO_SYSTEM_RESOURCES, 0},
    /* RegisterWaitForSingleObject: FALSE, GetLastError(); the pool's wait
     * takes memory (ERROR_NOT_ENOUGH_MEMORY). */
    {MODEL_REGISTER_WAIT, ERROR_NOT_ENOUGH_MEMORY, ENOMEM,
     ERROR_NOT_ENOUGH_MEMORY, 0},
    /* getsockopt: WSAENOTSOCK, WSAENETDOWN (documented error codes). */
    {MODEL_GETSOCKOPT, WSAENOTSOCK, ENOTSOCK, WSAENOTSOCK, 0},
    {MODEL_GETSOCKOPT, WSAENETDOWN, ENETDOWN, WSAENETDOWN, 0},
    /* WSAIoctl: WSAENOTSOCK, WSAENETDOWN, WSAEOPNOTSUPP (documented error
     * codes; a layered provider refuses SIO_BASE_HANDLE with the last). */
    {MODEL_WSA_IOCTL, WSAENOTSOCK, ENOTSOCK, WSAENOTSOCK, 0},
    {MODEL_WSA_IOCTL, WSAENETDOWN, ENETDOWN, WSAENETDOWN, 0},
    {MODEL_WSA_IOCTL, WSAEOPNOTSUPP, EOPNOTSUPP, WSAEOPNOTSUPP, 0},
    /* NtCreateFile: STATUS_INSUFFICIENT_RESOURCES (ZwCreateFile docs). */
    {MODEL_NT_CREATE_FILE, SWEEP_STATUS_INSUFFICIENT_RESOURCES, ENOMEM,
     ERROR_NO_SYSTEM_RESOURCES, 0},
    /* NtDeviceIoControlFile: STATUS_INSUFFICIENT_RESOURCES, STATUS_NO_MEMORY,
     * STATUS_QUOTA_EXCEEDED (the I/O manager's and a driver's shortages). */
    {MODEL_NT_DEVICE_IO_CONTROL, SWEEP_STATUS_INSUFFICIENT_RESOURCES, ENOMEM,
     ERROR_NO_SYSTEM_RESOURCES, 0},
    {MODEL_NT_DEVICE_IO_CONTROL, SWEEP_STATUS_NO_MEMORY, ENOMEM,
     ERROR_NOT_ENOUGH_MEMORY, 0},
    {MODEL_NT_DEVICE_IO_CONTROL, SWEEP_STATUS_QUOTA_EXCEEDED, ENOMEM,
     SWEEP_ERROR_NOT_ENOUGH_QUOTA, 0},
    /* NtQueryObject: STATUS_INVALID_HANDLE (ZwQueryObject docs). */
    {MODEL_NT_QUERY_OBJECT, SWEEP_STATUS_INVALID_HANDLE, EBADF,
     ERROR_INVALID_HANDLE, 0},
    /* NtCreateWaitCompletionPacket: STATUS_INSUFFICIENT_RESOURCES,
     * STATUS_NO_MEMORY (an object takes pool memory). */
    {MODEL_NT_CREATE_WAIT_PACKET, SWEEP_STATUS_INSUFFICIENT_RESOURCES, ENOMEM,
     ERROR_NO_SYSTEM_RESOURCES, 0},
    {MODEL_NT_CREATE_WAIT_PACKET, SWEEP_STATUS_NO_MEMORY, ENOMEM,
     ERROR_NOT_ENOUGH_MEMORY, 0},
    /* NtAssociateWaitCompletionPacket: STATUS_INSUFFICIENT_RESOURCES
     * (the wait block takes pool memory). */
    {MODEL_NT_ASSOCIATE_WAIT_PACKET, SWEEP_STATUS_INSUFFICIENT_RESOURCES,
     ENOMEM, ERROR_NO_SYSTEM_RESOURCES, 0},
};

enum {
  SWEEP_INJECTION_COUNT = sizeof sweep_injections / sizeof *sweep_injections
};

/* The pair a call failing under `inject` may report: the error passed on
 * (mapped), or where given the pair wepoll.h documents for its meaning. */
static bool sweep_is_wanted(const injection* inject, int error,
                            DWORD last_error) {
  return error == inject->want_errno &&
         (last_error == inject->want_last_error ||
          (inject->also_last_error != 0 &&
           last_error == inject->also_last_error));
}

/* Calls not failed, each with why its failure cannot happen for lib/'s
 * arguments.  Every call is either injected above or listed here. */
typedef struct exclusion {
  model_call call;
  const char* reason;
} exclusion;

static const exclusion sweep_exclusions[] = {
    {MODEL_CLOSE_HANDLE, "closes a handle lib/ opened and still owns"},
    {MODEL_SET_EVENT, "lib/'s own event, open for the port's life"},
    {MODEL_RESET_EVENT, "lib/'s own event, open for the port's life"},
    {MODEL_WAIT_FOR_SINGLE_OBJECT,
     "lib/'s own events, or a registered handle the program keeps open"},
    {MODEL_UNREGISTER_WAIT, "a wait lib/ registered and unregisters once"},
    {MODEL_WSA_STARTUP, "once per process, before the sweep's first port"},
    {MODEL_NT_CANCEL_IO,
     "lib/'s own device and request; STATUS_NOT_FOUND "
     "(already done) is handled; refused at epoll_close: model_refusals"},
    {MODEL_NT_CANCEL_WAIT_PACKET,
     "lib/'s own packet; its other answers (PENDING, CANCELLED) are handled"},
    {MODEL_GET_PROC_ADDRESS,
     "ntdll.dll looked up once per process, before the sweep's first port; "
     "each entry point missing: model_ntdll_missing, rel_ntdll_missing"},
};

enum {
  SWEEP_EXCLUSION_COUNT = sizeof sweep_exclusions / sizeof *sweep_exclusions
};

static const char* sweep_exclusion_reason(model_call call) {
  int i;
  for (i = 0; i < SWEEP_EXCLUSION_COUNT; i++)
    if (sweep_exclusions[i].call == call)
      return sweep_exclusions[i].reason;
  return NULL;
}

static bool sweep_is_injected(model_call call) {
  int i;
  for (i = 0; i < SWEEP_INJECTION_COUNT; i++)
    if (sweep_injections[i].call == call)
      return true;
  return false;
}

/* ------------------------------------------------------------------ */
/* The objects a scenario works on                                     */

enum {
  DATA_SOCK = 0x5001,
  DATA_SOCK2 = 0x5002,
  DATA_EVENT = 0x5003,
  RECOVER_MS = 5000
};

/* The round running, named in every failure. */
static char sweep_what[256];

/* The failure armed in the round running, or NULL. */
static const injection* sweep_current;

enum { SWEEP_MANY = 32 }; /* sockets one device handle polls */

typedef struct scene {
  HANDLE ep;
  SOCKET sock, peer;       /* a connected pair: `sock` is registered */
  SOCKET sock2, peer2;     /* a second one */
  HANDLE event;            /* auto-reset */
  SOCKET many[SWEEP_MANY]; /* UDP sockets that fill a device and a map */
  HANDLE waiter;           /* a thread blocked in epoll_wait, or NULL */
  int waiter_result;
  int waiter_errno;
  DWORD waiter_last_error;
  double waiter_ms; /* how long its epoll_wait took */
} scene;

static void scene_add(scene* s, SOCKET sock, uint32_t events, uint64_t data) {
  ep_add(s->ep, sock, events, data);
}

static void scene_add_event(scene* s, uint32_t events) {
  struct epoll_event ev = ep_event(events, DATA_EVENT);
  CHECK(wepoll_ctl_handle(s->ep, EPOLL_CTL_ADD, s->event, &ev) == 0);
}

static void scene_make_readable(SOCKET peer) {
  send_all(peer, "x", 1);
}

/* Waits until an event with `data` and `bit` arrives; others are let by. */
static void scene_expect(scene* s, uint64_t data, uint32_t bit) {
  double deadline = now_ms() + RECOVER_MS;
  for (;;) {
    struct epoll_event evs[8];
    int left = (int) (deadline - now_ms());
    int n, i;
    CHECKF(left > 0, "%s: no event 0x%x for data 0x%llx", sweep_what, bit,
           (unsigned long long) data);
    n = ep_wait(s->ep, evs, 8, left);
    for (i = 0; i < n; i++)
      if (evs[i].data.u64 == data && (evs[i].events & bit) != 0)
        return;
  }
}

/* The port reports a socket made readable now. */
static void scene_expect_readable(scene* s, SOCKET sock, SOCKET peer,
                                  uint64_t data) {
  scene_make_readable(peer);
  scene_expect(s, data, EPOLLIN);
  drain(sock);
}

static void scene_expect_signaled(scene* s) {
  CHECK(SetEvent(s->event));
  scene_expect(s, DATA_EVENT, EPOLLIN);
}

/* ------------------------------------------------------------------ */
/* Scenarios: set up (no failure), the call under test (one failure
 * armed), and the check that the port works (no failure).             */

typedef struct scenario {
  const char* name;
  void (*setup)(scene* s);
  /* Returns 0 or -1 (NULL from a create: -1 too); a success's result is
   * checked here. */
  int (*run)(scene* s);
  void (*recover)(scene* s, bool failed);
} scenario;

static void setup_port(scene* s) {
  s->ep = epoll_create1(0);
  CHECK(s->ep != NULL);
}

static void setup_tracking_port(scene* s) {
  s->ep = epoll_create1(WEPOLL_CLOSE_TRACKING);
  CHECK(s->ep != NULL);
}

static void setup_nothing(scene* s) {
  (void) s;
}

/* --- create --- */

static int run_create_port(HANDLE ep, scene* s) {
  s->ep = ep;
  return ep != NULL ? 0 : -1;
}

static int run_create1(scene* s) {
  return run_create_port(epoll_create1(0), s);
}

static int run_create1_tracking(scene* s) {
  return run_create_port(epoll_create1(WEPOLL_CLOSE_TRACKING), s);
}

static int run_create(scene* s) {
  return run_create_port(epoll_create(1), s);
}

static void recover_create(scene* s, bool failed) {
  if (failed)
    setup_port(s);
  scene_add(s, s->sock, EPOLLIN, DATA_SOCK);
  scene_expect_readable(s, s->sock, s->peer, DATA_SOCK);
}

/* --- epoll_ctl ADD --- */

static int run_add(scene* s) {
  struct epoll_event ev = ep_event(EPOLLIN, DATA_SOCK);
  return epoll_ctl(s->ep, EPOLL_CTL_ADD, s->sock, &ev);
}

static int run_add_oneshot(scene* s) {
  struct epoll_event ev = ep_event(EPOLLIN | EPOLLONESHOT, DATA_SOCK);
  return epoll_ctl(s->ep, EPOLL_CTL_ADD, s->sock, &ev);
}

/* A second socket, with the first's poll outstanding. */
static void setup_add_second(scene* s) {
  setup_port(s);
  scene_add(s, s->sock2, EPOLLIN, DATA_SOCK2);
  ep_expect_none(s->ep, 0);
}

static void recover_add(scene* s, bool failed) {
  if (failed)
    scene_add(s, s->sock, EPOLLIN, DATA_SOCK);
  scene_expect_readable(s, s->sock, s->peer, DATA_SOCK);
}

static int run_wait_checked(scene* s, int timeout, bool must_report);

/* --- epoll_ctl MOD: from a poll outstanding that MOD must widen --- */

static void setup_mod(scene* s) {
  setup_port(s);
  scene_add(s, s->sock, EPOLLPRI, DATA_SOCK);
  ep_expect_none(s->ep, 0); /* the poll is submitted */
}

static void setup_mod_tracking(scene* s) {
  setup_tracking_port(s);
  scene_add(s, s->sock, EPOLLPRI, DATA_SOCK);
  ep_expect_none(s->ep, 0);
}

static int run_mod(scene* s) {
  struct epoll_event ev = ep_event(EPOLLIN, DATA_SOCK);
  return epoll_ctl(s->ep, EPOLL_CTL_MOD, s->sock, &ev);
}

/* MOD takes effect at the next wait, which cancels the narrower poll. */
static int run_mod_then_wait(scene* s) {
  if (run_mod(s) < 0)
    return -1;
  return run_wait_checked(s, 0, false);
}

static void recover_mod(scene* s, bool failed) {
  if (failed)
    ep_mod(s->ep, s->sock, EPOLLIN, DATA_SOCK);
  scene_expect_readable(s, s->sock, s->peer, DATA_SOCK);
}

/* --- epoll_ctl DEL: with the poll outstanding --- */

static void setup_del(scene* s) {
  setup_port(s);
  scene_add(s, s->sock, EPOLLIN, DATA_SOCK);
  ep_expect_none(s->ep, 0);
}

static void setup_del_tracking(scene* s) {
  setup_tracking_port(s);
  scene_add(s, s->sock, EPOLLIN, DATA_SOCK);
  ep_expect_none(s->ep, 0);
}

static int run_del(scene* s) {
  return epoll_ctl(s->ep, EPOLL_CTL_DEL, s->sock, NULL);
}

/* DEL cancels the poll at once; the next wait reads its packet. */
static int run_del_then_wait(scene* s) {
  if (run_del(s) < 0)
    return -1;
  return run_wait_checked(s, 0, false);
}

static void recover_del(scene* s, bool failed) {
  /* Refused, or done and the wait after it failed. */
  if (failed && epoll_ctl(s->ep, EPOLL_CTL_DEL, s->sock, NULL) != 0)
    CHECKF(errno == ENOENT, "%s: DEL again: errno %d", sweep_what, errno);
  scene_add(s, s->sock, EPOLLIN, DATA_SOCK);
  scene_expect_readable(s, s->sock, s->peer, DATA_SOCK);
}

/* --- epoll_wait --- */

static void setup_wait_ready(scene* s) {
  setup_port(s);
  scene_add(s, s->sock, EPOLLIN, DATA_SOCK);
  scene_make_readable(s->peer);
}

static void setup_wait_ready_tracking(scene* s) {
  setup_tracking_port(s);
  scene_add(s, s->sock, EPOLLIN, DATA_SOCK);
  scene_make_readable(s->peer);
}

static void setup_wait_ready_oneshot(scene* s) {
  setup_port(s);
  scene_add(s, s->sock, EPOLLIN | EPOLLONESHOT, DATA_SOCK);
  scene_make_readable(s->peer);
}

static void setup_wait_idle(scene* s) {
  setup_port(s);
  scene_add(s, s->sock, EPOLLIN, DATA_SOCK);
}

static void setup_wait_idle_oneshot(scene* s) {
  setup_port(s);
  scene_add(s, s->sock, EPOLLIN | EPOLLONESHOT, DATA_SOCK);
}

/* A wait that succeeds reports only what was registered. */
static int run_wait_checked(scene* s, int timeout, bool must_report) {
  struct epoll_event evs[8];
  int n = epoll_wait(s->ep, evs, 8, timeout);
  int i;
  if (n < 0)
    return -1;
  CHECKF(n <= 8, "epoll_wait returned %d", n);
  for (i = 0; i < n; i++) {
    bool known = evs[i].data.u64 == DATA_SOCK ||
                 evs[i].data.u64 == DATA_SOCK2 ||
                 evs[i].data.u64 == DATA_EVENT;
    CHECKF(known, "%s: reported data 0x%llx", sweep_what,
           (unsigned long long) evs[i].data.u64);
  }
  CHECKF(!must_report || n >= 1, "%s: what is ready not reported", sweep_what);
  return 0;
}

static int run_wait_ready(scene* s) {
  return run_wait_checked(s, 2000, true);
}

static int run_wait_idle(scene* s) {
  return run_wait_checked(s, 0, false);
}

/* Level-triggered: the unread byte is still there, or arrives now. */
static void recover_wait_level(scene* s, bool failed) {
  (void) failed;
  scene_expect_readable(s, s->sock, s->peer, DATA_SOCK);
}

/* One-shot: rearm (the report may have been taken), then it reports. */
static void recover_wait_oneshot(scene* s, bool failed) {
  (void) failed;
  ep_mod(s->ep, s->sock, EPOLLIN | EPOLLONESHOT, DATA_SOCK);
  scene_expect_readable(s, s->sock, s->peer, DATA_SOCK);
}

/* --- epoll_close: sockets and a handle registered, polls outstanding --- */

/* Two sockets and an event registered, their polls outstanding. */
static void scene_fill_for_close(scene* s) {
  scene_add(s, s->sock, EPOLLIN, DATA_SOCK);
  scene_add(s, s->sock2, EPOLLIN | EPOLLONESHOT, DATA_SOCK2);
  scene_add_event(s, EPOLLIN);
  ep_expect_none(s->ep, 0);
}

static void setup_close(scene* s) {
  setup_port(s);
  scene_fill_for_close(s);
}

static void setup_close_tracking(scene* s) {
  setup_tracking_port(s);
  scene_fill_for_close(s);
}

/* A port is always closed: no failure of the system can keep it open. */
static int run_close(scene* s) {
  int result = epoll_close(s->ep);
  CHECKF(result == 0, "%s: epoll_close failed: errno %d", sweep_what, errno);
  s->ep = NULL;
  return 0;
}

static void recover_close(scene* s, bool failed) {
  (void) failed;
  setup_port(s);
  scene_add(s, s->sock, EPOLLIN, DATA_SOCK);
  scene_add_event(s, EPOLLIN);
  scene_expect_readable(s, s->sock, s->peer, DATA_SOCK);
  scene_expect_signaled(s);
}

/* --- wepoll_ctl_handle --- */

static int run_handle_add(scene* s) {
  struct epoll_event ev = ep_event(EPOLLIN, DATA_EVENT);
  return wepoll_ctl_handle(s->ep, EPOLL_CTL_ADD, s->event, &ev);
}

static void setup_handle_add_signaled(scene* s) {
  setup_port(s);
  CHECK(SetEvent(s->event));
}

static void recover_handle_add(scene* s, bool failed) {
  if (failed)
    scene_add_event(s, EPOLLIN);
  scene_expect_signaled(s);
}

/* MOD of a one-shot handle reported (disarmed): MOD starts its wait. */
static void setup_handle_mod(scene* s) {
  setup_port(s);
  scene_add_event(s, EPOLLIN | EPOLLONESHOT);
  scene_expect_signaled(s);
}

static int run_handle_mod(scene* s) {
  struct epoll_event ev = ep_event(EPOLLIN, DATA_EVENT);
  return wepoll_ctl_handle(s->ep, EPOLL_CTL_MOD, s->event, &ev);
}

static void recover_handle_mod(scene* s, bool failed) {
  if (failed) {
    struct epoll_event ev = ep_event(EPOLLIN, DATA_EVENT);
    CHECK(wepoll_ctl_handle(s->ep, EPOLL_CTL_MOD, s->event, &ev) == 0);
  }
  scene_expect_signaled(s);
}

/* DEL with the handle's wait outstanding. */
static void setup_handle_del(scene* s) {
  setup_port(s);
  scene_add_event(s, EPOLLIN);
  ep_expect_none(s->ep, 0);
}

static int run_handle_del(scene* s) {
  return wepoll_ctl_handle(s->ep, EPOLL_CTL_DEL, s->event, NULL);
}

static void recover_handle_del(scene* s, bool failed) {
  if (failed)
    CHECK(wepoll_ctl_handle(s->ep, EPOLL_CTL_DEL, s->event, NULL) == 0);
  scene_add_event(s, EPOLLIN);
  scene_expect_signaled(s);
}

/* A wait with the handle signaled. */
static void setup_wait_handle(scene* s) {
  setup_port(s);
  scene_add_event(s, EPOLLIN);
  CHECK(SetEvent(s->event));
}

static void recover_wait_handle(scene* s, bool failed) {
  (void) failed;
  scene_expect_signaled(s);
}

/* --- The 33rd socket: a new device handle, and the map grows --- */

static void setup_add_many(scene* s) {
  int i;
  setup_port(s);
  for (i = 0; i < SWEEP_MANY; i++)
    scene_add(s, s->many[i], EPOLLIN, 0x6000 + (uint64_t) i);
  ep_expect_none(s->ep, 0);
}

/* --- A thread blocked in epoll_wait while another thread calls --- */

enum { WAITER_TIMEOUT_MS = 8000, WAITER_WAKE_BOUND_MS = 4000 };

static DWORD WINAPI waiter_main(void* context) {
  scene* s = (scene*) context;
  struct epoll_event evs[8];
  errno = 0;
  SetLastError(0);
  double start = now_ms();
  s->waiter_result = epoll_wait(s->ep, evs, 8, WAITER_TIMEOUT_MS);
  s->waiter_errno = errno;
  s->waiter_last_error = GetLastError();
  s->waiter_ms = now_ms() - start;
  exit_gate_pass(); /* not out while the port's devices close */
  return 0;
}

static void waiter_start(scene* s) {
  unsigned long reads = model_calls(MODEL_GET_QUEUED_COMPLETION_STATUS_EX);
  double deadline = now_ms() + RECOVER_MS;
  exit_gate_shut();
  s->waiter = CreateThread(NULL, 0, waiter_main, s, 0, NULL);
  CHECK(s->waiter != NULL);
  /* Its read of the port, the only one (the port holds nothing), is
   * counted on its way into the system; a moment later it sleeps there.
   * The checks hold whether or not it does. */
  while (model_calls(MODEL_GET_QUEUED_COMPLETION_STATUS_EX) == reads &&
         now_ms() < deadline)
    Sleep(1);
  Sleep(1);
}

/* Joins the waiter, which a closed port, an event or a program's wake-up
 * ends; it failed only as the failure armed says, or with EBADF when the
 * port was closed under it. */
static void waiter_join(scene* s, bool port_closed) {
  DWORD waited;
  exit_gate_open(); /* any epoll_close of the round has returned */
  waited = WaitForSingleObject(s->waiter, WAITER_TIMEOUT_MS * 2);
  CHECKF(waited == WAIT_OBJECT_0, "%s: the waiter never returned", sweep_what);
  /* Woken by the close, not by its own timeout (a bound far from both). */
  CHECKF(!port_closed || s->waiter_ms < WAITER_WAKE_BOUND_MS,
         "%s: the waiter slept %.0f ms after the close", sweep_what,
         s->waiter_ms);
  CloseHandle(s->waiter);
  s->waiter = NULL;
  if (s->waiter_result >= 0) {
    CHECKF(!port_closed, "%s: a wait on a closed port returned %d", sweep_what,
           s->waiter_result);
    return;
  }
  if (port_closed && s->waiter_errno == EBADF &&
      s->waiter_last_error == ERROR_INVALID_HANDLE)
    return;
  CHECKF(
      sweep_current != NULL && sweep_is_wanted(sweep_current, s->waiter_errno,
                                               s->waiter_last_error),
      "%s: the waiter failed with errno %d / GetLastError %lu", sweep_what,
      s->waiter_errno, (unsigned long) s->waiter_last_error);
}

/* Ends the waiter with a program's wake-up (wepoll.h), then joins it. */
static void waiter_wake_and_join(scene* s) {
  CHECK(PostQueuedCompletionStatus(s->ep, 0, 0, NULL));
  waiter_join(s, false);
}

static void setup_waiter(scene* s) {
  setup_port(s);
  waiter_start(s);
}

static void setup_waiter_mod(scene* s) {
  setup_mod(s);
  waiter_start(s);
}

static void setup_waiter_close(scene* s) {
  setup_close(s);
  waiter_start(s);
}

static void recover_waiter_add(scene* s, bool failed) {
  waiter_wake_and_join(s);
  recover_add(s, failed);
}

static void recover_waiter_mod(scene* s, bool failed) {
  waiter_wake_and_join(s);
  recover_mod(s, failed);
}

static void recover_waiter_handle_add(scene* s, bool failed) {
  waiter_wake_and_join(s);
  recover_handle_add(s, failed);
}

static void recover_waiter_close(scene* s, bool failed) {
  waiter_join(s, true);
  recover_close(s, failed);
}

static const scenario sweep_scenarios[] = {
    {"epoll_create1(0)", setup_nothing, run_create1, recover_create},
    {"epoll_create1(CLOSE_TRACKING)", setup_nothing, run_create1_tracking,
     recover_create},
    {"epoll_create(1)", setup_nothing, run_create, recover_create},
    {"ADD", setup_port, run_add, recover_add},
    {"ADD oneshot, beside a polled socket", setup_add_second, run_add_oneshot,
     recover_add},
    {"ADD (close tracking)", setup_tracking_port, run_add, recover_add},
    {"MOD widening a polled mask", setup_mod, run_mod, recover_mod},
    {"MOD, then wait", setup_mod, run_mod_then_wait, recover_mod},
    {"MOD (close tracking), then wait", setup_mod_tracking, run_mod_then_wait,
     recover_mod},
    {"DEL with a poll outstanding", setup_del, run_del, recover_del},
    {"DEL, then wait", setup_del, run_del_then_wait, recover_del},
    {"DEL (close tracking), then wait", setup_del_tracking, run_del_then_wait,
     recover_del},
    {"wait, ready, level-triggered", setup_wait_ready, run_wait_ready,
     recover_wait_level},
    {"wait, ready (close tracking)", setup_wait_ready_tracking, run_wait_ready,
     recover_wait_level},
    {"wait, ready, oneshot", setup_wait_ready_oneshot, run_wait_ready,
     recover_wait_oneshot},
    {"wait, not ready, level-triggered", setup_wait_idle, run_wait_idle,
     recover_wait_level},
    {"wait, not ready, oneshot", setup_wait_idle_oneshot, run_wait_idle,
     recover_wait_oneshot},
    {"wait, handle signaled", setup_wait_handle, run_wait_ready,
     recover_wait_handle},
    {"epoll_close with polls outstanding", setup_close, run_close,
     recover_close},
    {"epoll_close (close tracking)", setup_close_tracking, run_close,
     recover_close},
    {"handle ADD", setup_port, run_handle_add, recover_handle_add},
    {"handle ADD, signaled", setup_handle_add_signaled, run_handle_add,
     recover_handle_add},
    {"handle MOD rearming", setup_handle_mod, run_handle_mod,
     recover_handle_mod},
    {"handle DEL with its wait outstanding", setup_handle_del, run_handle_del,
     recover_handle_del},
    {"ADD the 33rd socket", setup_add_many, run_add, recover_add},
    {"ADD while a thread waits", setup_waiter, run_add, recover_waiter_add},
    {"MOD while a thread waits", setup_waiter_mod, run_mod,
     recover_waiter_mod},
    {"handle ADD while a thread waits", setup_waiter, run_handle_add,
     recover_waiter_handle_add},
    {"epoll_close while a thread waits", setup_waiter_close, run_close,
     recover_waiter_close},
};

enum {
  SWEEP_SCENARIO_COUNT = sizeof sweep_scenarios / sizeof *sweep_scenarios
};

/* ------------------------------------------------------------------ */
/* The sweep                                                           */

static long sweep_base_allocations;
static long sweep_base_handles;

/* Allocations that closing a port left on purpose, counted. */
static unsigned long sweep_left_by_design;
/* Injected failures that made the API call fail. */
static unsigned long sweep_api_failures;

/* epoll_close told that its port is gone (GetQueuedCompletionStatusEx's
 * ERROR_ABANDONED_WAIT_0) while it drains the cancelled polls: the kernel
 * may still write into their memory, so it is left allocated, never freed
 * under the kernel's feet (port_drain_for_close).  Handles must still all
 * be closed; the allocations left are counted into the baseline. */
static void scene_accept_abandoned_drain(const char* what) {
  long left = model_live_allocations() - sweep_base_allocations;
  CHECKF(left >= 0, "%s: %ld allocations freed twice", what, -left);
  /* At most the records of what was registered (two sockets, a handle). */
  CHECKF(left <= 3, "%s: %ld allocations left", what, left);
  sweep_left_by_design += (unsigned long) left;
  sweep_base_allocations += left;
}

/* Closes the port and takes back what the round left in the sockets and
 * the event; then nothing of lib/'s may be left. */
static void scene_teardown(scene* s, const char* what) {
  if (s->ep != NULL)
    CHECK(epoll_close(s->ep) == 0);
  s->ep = NULL;
  drain(s->sock);
  drain(s->sock2);
  CHECK(ResetEvent(s->event));
  CHECKF(model_live_allocations() == sweep_base_allocations,
         "%s: %ld allocations leaked", what,
         model_live_allocations() - sweep_base_allocations);
  CHECKF(model_live_handles() == sweep_base_handles, "%s: %ld handles leaked",
         what, model_live_handles() - sweep_base_handles);
}

/* One round: set up, run with `inject` armed on its nth use (none when
 * NULL), check the result, recover.  Returns whether the failure was
 * taken. */
static bool sweep_round(scene* s, const scenario* sc, const injection* inject,
                        unsigned long nth, unsigned long* uses) {
  char* what = sweep_what;
  unsigned long before[MODEL_CALL_COUNT];
  int result, i;
  bool taken = false;

  if (inject != NULL)
    snprintf(what, sizeof sweep_what, "%s, %s #%lu failing with 0x%lx",
             sc->name, model_call_name(inject->call), nth, inject->error);
  else
    snprintf(what, sizeof sweep_what, "%s, no failure", sc->name);

  sc->setup(s);
  for (i = 0; i < MODEL_CALL_COUNT; i++)
    before[i] = model_calls((model_call) i);
  sweep_current = inject;
  if (inject != NULL)
    model_fail_nth(inject->call, nth, inject->error);
  errno = 0;
  SetLastError(0);
  result = sc->run(s);
  if (result < 0) {
    int error = errno;
    DWORD last_error = GetLastError();
    CHECKF(inject != NULL, "%s: failed (errno %d, GetLastError %lu)", what,
           error, (unsigned long) last_error);
    sweep_api_failures++;
    CHECKF(sweep_is_wanted(inject, error, last_error),
           "%s: errno %d / GetLastError %lu, expected %d / %lu", what, error,
           (unsigned long) last_error, inject->want_errno,
           (unsigned long) inject->want_last_error);
  }
  if (inject != NULL) {
    taken = model_failed(inject->call);
    model_fail_clear();
  }
  if (uses != NULL)
    for (i = 0; i < MODEL_CALL_COUNT; i++)
      uses[i] = model_calls((model_call) i) - before[i];
  if (taken && sc->run == run_close &&
      inject->call == MODEL_GET_QUEUED_COMPLETION_STATUS_EX)
    scene_accept_abandoned_drain(what);
  sc->recover(s, result < 0);
  scene_teardown(s, what);
  return taken;
}

typedef struct sweep_totals {
  unsigned long injected; /* failures taken */
  unsigned long excluded; /* (scenario, call) pairs reached, not failed */
} sweep_totals;

static void sweep_scenario(scene* s, const scenario* sc, sweep_totals* t) {
  unsigned long uses[MODEL_CALL_COUNT];
  unsigned long injected = 0;
  int call, i;
  char reached[512] = "";

  double start = now_ms();
  sweep_round(s, sc, NULL, 0, uses);
  for (call = 0; call < MODEL_CALL_COUNT; call++) {
    const char* reason;
    if (uses[call] == 0)
      continue;
    snprintf(reached + strlen(reached), sizeof reached - strlen(reached),
             " %s:%lu", model_call_name((model_call) call) + 3, uses[call]);
    reason = sweep_exclusion_reason((model_call) call);
    CHECKF(reason != NULL || sweep_is_injected((model_call) call),
           "%s reaches %s, neither injected nor excluded with a reason",
           sc->name, model_call_name((model_call) call));
    if (!sweep_is_injected((model_call) call)) {
      t->excluded++;
      continue;
    }
    for (i = 0; i < SWEEP_INJECTION_COUNT; i++) {
      unsigned long nth;
      if (sweep_injections[i].call != (model_call) call)
        continue;
      /* Until the n-th use is no longer reached; a bound in case a call
       * made at every round (another thread's) keeps being reached. */
      for (nth = 1; nth <= uses[call] + 8; nth++) {
        if (!sweep_round(s, sc, &sweep_injections[i], nth, NULL))
          break;
        injected++;
      }
    }
  }
  t->injected += injected;
  printf("  %-40s %3lu failures, %5.0f ms;%s\n", sc->name, injected,
         now_ms() - start, reached);
  fflush(stdout);
}

static void sweep_all(scene* s, unsigned play, sweep_totals* t) {
  int i;
  model_set_play(play);
  printf("played: 0x%x\n", play);
  for (i = 0; i < SWEEP_SCENARIO_COUNT; i++)
    sweep_scenario(s, &sweep_scenarios[i], t);
}

/* Every call of lib/os.h is injected or excluded with a reason. */
static void sweep_check_tables(void) {
  int call;
  for (call = 0; call < MODEL_CALL_COUNT; call++) {
    const char* reason = sweep_exclusion_reason((model_call) call);
    bool injected = sweep_is_injected((model_call) call);
    CHECKF(injected != (reason != NULL && reason[0] != '\0'),
           "%s: injected %d, excluded %d", model_call_name((model_call) call),
           injected, reason != NULL);
  }
}

int main(int argc, char** argv) {
  scene s;
  sweep_totals totals = {0, 0};
  double start;
  unsigned play;
  CHECKF(argc == 2 && (strcmp(argv[1], "played") == 0 ||
                       strcmp(argv[1], "plain") == 0),
         "usage: model_sweep played|plain");
  play = strcmp(argv[1], "played") == 0 ? MODEL_PLAY_ALL : 0;
  model_set_play(play); /* before the first port looks ntdll.dll up */
  test_init();
  sweep_check_tables();
  model_fail_clear();
  memset(&s, 0, sizeof s);
  tcp_pair(AF_INET, &s.sock, &s.peer);
  tcp_pair(AF_INET, &s.sock2, &s.peer2);
  s.event = CreateEventW(NULL, FALSE, FALSE, NULL);
  CHECK(s.event != NULL);
  for (int i = 0; i < SWEEP_MANY; i++) {
    test_addr bound;
    s.many[i] = udp_bound(AF_INET, &bound);
  }

  /* A first port makes what lives as long as the process (the registry,
   * Winsock's start-up): count from after it. */
  setup_port(&s);
  scene_add(&s, s.sock, EPOLLIN, DATA_SOCK);
  scene_add_event(&s, EPOLLIN);
  scene_expect_readable(&s, s.sock, s.peer, DATA_SOCK);
  scene_expect_signaled(&s);
  CHECK(epoll_close(s.ep) == 0);
  s.ep = NULL;
  drain(s.sock);
  sweep_base_allocations = model_live_allocations();
  sweep_base_handles = model_live_handles();

  start = now_ms();
  sweep_all(&s, play, &totals);
  printf(
      "%lu failures injected (%lu failed the API call), %lu (scenario, call) "
      "pairs excluded, %lu allocations left by an abandoned close's drain, "
      "%.1f s\n",
      totals.injected, sweep_api_failures, totals.excluded,
      sweep_left_by_design, (now_ms() - start) / 1000.0);
  printf("PASS model_sweep\n");
  return 0;
}
