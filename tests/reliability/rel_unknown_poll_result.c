/* A poll result the library does not recognise never drops or fails a live
 * socket: it re-arms the poll.
 *
 * Windows gives no way to make AFD complete a poll with an odd status on
 * purpose, so this test changes a real result on its way into the library:
 * it patches the library module's import table for GetProcAddress, so
 * that the library's run-time look-up of NtDeviceIoControlFile gets a hook
 * (to learn which request is the poll of socket S), and for
 * GetQueuedCompletionStatusEx (to rewrite that poll's result once, in its
 * status block and in the dequeued entry, after the kernel has finished
 * with both).  Each round S is made readable behind a pending poll whose
 * result is then turned into one of:
 *
 *   error    an NTSTATUS error AFD does not document for polls
 *            (STATUS_UNSUCCESSFUL, then STATUS_INSUFFICIENT_RESOURCES);
 *   warning  a warning status (STATUS_BUFFER_OVERFLOW), result untouched;
 *   bits     success with only event bits AFD does not define.
 *
 * Whatever the rewrite, S stays registered (MOD succeeds), no EPOLLERR or
 * EPOLLHUP is reported for it, and its EPOLLIN is reported (the re-armed
 * poll finds the datagram).  The rewritten packet must have been seen:
 * if the library stops using those imports, this test says so and fails,
 * and must be adapted.
 *
 *   rel_unknown_poll_result.exe [--rounds 100] [--kind 0..3]
 * (--kind picks one rewrite, in the order listed above; default: all in
 * turn). */
#include "rel_imports.h"
#include "rel_waiters.h"

#define AFD_POLL_IOCTL 0x00012024
#define AFD_POLL_RECEIVE 0x0001
#define AFD_UNDEFINED_BITS 0x7000u /* no AFD_POLL_* bit has these values */

#define STATUS_UNSUCCESSFUL_ ((NTSTATUS) 0xC0000001L)
#define STATUS_INSUFFICIENT_RESOURCES_ ((NTSTATUS) 0xC000009AL)
#define STATUS_BUFFER_OVERFLOW_ ((NTSTATUS) 0x80000005L)

/* The IOCTL_AFD_POLL buffer (a fact of the AFD interface). */
typedef struct afd_poll_handle {
  HANDLE handle;
  ULONG events;
  NTSTATUS status;
} afd_poll_handle;

typedef struct afd_poll_buffer {
  LARGE_INTEGER timeout;
  ULONG number_of_handles;
  ULONG exclusive;
  afd_poll_handle handles[1];
} afd_poll_buffer;

typedef NTSTATUS(NTAPI* ioctl_fn)(HANDLE, HANDLE, PVOID, PVOID,
                                  PIO_STATUS_BLOCK, ULONG, PVOID, ULONG, PVOID,
                                  ULONG);
typedef BOOL(WINAPI* dequeue_fn)(HANDLE, LPOVERLAPPED_ENTRY, ULONG, PULONG,
                                 DWORD, BOOL);

typedef enum rewrite_kind {
  REWRITE_ERROR,
  REWRITE_TRANSIENT_ERROR,
  REWRITE_WARNING,
  REWRITE_UNDEFINED_BITS,
  REWRITE_KINDS
} rewrite_kind;

static const char* const rewrite_names[REWRITE_KINDS] = {
    "STATUS_UNSUCCESSFUL", "STATUS_INSUFFICIENT_RESOURCES",
    "STATUS_BUFFER_OVERFLOW (a warning)", "success with undefined bits"};

/* --kind N: rewrite only to kind N (default: all kinds in turn). */
static int only_kind = -1;

static ioctl_fn real_ioctl;
static dequeue_fn real_dequeue;
static get_proc_fn real_get_proc;

/* Guarded by `hook_lock`: the poll of the target socket last submitted. */
static CRITICAL_SECTION hook_lock;
static SOCKET target;
static PVOID target_context;
static PIO_STATUS_BLOCK target_iosb;
static afd_poll_buffer* target_buffer;
static bool rewrite_armed;
static rewrite_kind rewrite;
static volatile LONG rewrites_done;
static volatile LONG polls_seen;

static NTSTATUS NTAPI hooked_ioctl(HANDLE file, HANDLE event, PVOID apc,
                                   PVOID context, PIO_STATUS_BLOCK iosb,
                                   ULONG code, PVOID in, ULONG in_len,
                                   PVOID out, ULONG out_len) {
  const afd_poll_buffer* poll = (const afd_poll_buffer*) in;
  if (code == AFD_POLL_IOCTL && in_len >= sizeof *poll &&
      poll->number_of_handles == 1 &&
      poll->handles[0].handle == (HANDLE) target &&
      (poll->handles[0].events & AFD_POLL_RECEIVE)) {
    EnterCriticalSection(&hook_lock);
    target_context = context;
    target_iosb = iosb;
    target_buffer = (afd_poll_buffer*) out;
    LeaveCriticalSection(&hook_lock);
    InterlockedIncrement(&polls_seen);
  }
  return real_ioctl(file, event, apc, context, iosb, code, in, in_len, out,
                    out_len);
}

/* Rewrites the target poll's result, which the kernel has finished with. */
static void rewrite_result(OVERLAPPED_ENTRY* entry) {
  NTSTATUS status = STATUS_UNSUCCESSFUL_;
  switch (rewrite) {
    case REWRITE_ERROR:
      break;
    case REWRITE_TRANSIENT_ERROR:
      status = STATUS_INSUFFICIENT_RESOURCES_;
      break;
    case REWRITE_WARNING:
      status = STATUS_BUFFER_OVERFLOW_;
      break;
    case REWRITE_UNDEFINED_BITS:
      status = 0;
      target_buffer->number_of_handles = 1;
      target_buffer->handles[0].events = AFD_UNDEFINED_BITS;
      target_buffer->handles[0].status = 0;
      break;
    case REWRITE_KINDS:
      break;
  }
  target_iosb->Status = status;
  entry->Internal = (ULONG_PTR) (ULONG) status;
}

static BOOL WINAPI hooked_dequeue(HANDLE port, LPOVERLAPPED_ENTRY entries,
                                  ULONG count, PULONG removed, DWORD ms,
                                  BOOL alertable) {
  BOOL ok = real_dequeue(port, entries, count, removed, ms, alertable);
  ULONG i;
  if (!ok)
    return ok;
  EnterCriticalSection(&hook_lock);
  for (i = 0; i < *removed && rewrite_armed; i++) {
    if (entries[i].lpOverlapped != (LPOVERLAPPED) target_context)
      continue;
    rewrite_result(&entries[i]);
    rewrite_armed = false;
    InterlockedIncrement(&rewrites_done);
  }
  LeaveCriticalSection(&hook_lock);
  return ok;
}

/* The library looks NtDeviceIoControlFile up at run time: it gets the
 * hook instead. */
static FARPROC WINAPI hooked_get_proc(HMODULE module, LPCSTR name) {
  if (imports_is_name(name) && strcmp(name, "NtDeviceIoControlFile") == 0)
    return (FARPROC) (void (*)(void)) hooked_ioctl;
  return real_get_proc(module, name);
}

/* Before the first port: the library resolves ntdll's calls once. */
static void install_hooks(void) {
  HMODULE module = imports_library_module();
  real_ioctl = (ioctl_fn) (void (*)(void)) GetProcAddress(
      GetModuleHandleA("ntdll.dll"), "NtDeviceIoControlFile");
  real_dequeue = (dequeue_fn) (void (*)(void)) GetProcAddress(
      GetModuleHandleA("kernel32.dll"), "GetQueuedCompletionStatusEx");
  real_get_proc = imports_real_get_proc();
  CHECK(real_ioctl != NULL && real_dequeue != NULL && real_get_proc != NULL);
  CHECKF(imports_patch(module, (ULONG_PTR) real_get_proc,
                       (ULONG_PTR) hooked_get_proc) > 0,
         "the library does not import GetProcAddress: adapt the test");
  CHECKF(imports_patch(module, (ULONG_PTR) real_dequeue,
                       (ULONG_PTR) hooked_dequeue) > 0,
         "the library does not import GetQueuedCompletionStatusEx: adapt the "
         "test");
}

/* One round: S's pending poll completes for a datagram, its result is
 * rewritten, and S must then report EPOLLIN, never ERR or HUP. */
static void run_round(HANDLE ep, SOCKET s, SOCKET peer, int round,
                      const char* port_kind) {
  struct epoll_event evs[8];
  double deadline;
  LONG done_before = rewrites_done;
  bool got_in = false;
  int n, i;

  /* The first wait submits S's poll; nothing is readable yet. */
  CHECK(ep_wait(ep, evs, 8, 0) == 0);
  EnterCriticalSection(&hook_lock);
  CHECKF(target_context != NULL, "S's poll was never submitted");
  rewrite = only_kind >= 0 ? (rewrite_kind) only_kind
                           : (rewrite_kind) (round % REWRITE_KINDS);
  rewrite_armed = true;
  LeaveCriticalSection(&hook_lock);

  send_datagram(peer);
  deadline = now_ms() + 3000;
  while (!got_in && now_ms() < deadline) {
    n = ep_wait(ep, evs, 8, 200);
    for (i = 0; i < n; i++) {
      CHECKF(evs[i].data.u64 == 7, "round %d: foreign data", round);
      CHECKF(!(evs[i].events & (EPOLLERR | EPOLLHUP)),
             "round %d (%s port): events 0x%x on a healthy socket after its "
             "poll result was rewritten to %s",
             round, port_kind, evs[i].events, rewrite_names[rewrite]);
      got_in = got_in || (evs[i].events & EPOLLIN) != 0;
    }
  }
  CHECKF(rewrites_done == done_before + 1,
         "round %d: S's poll packet never passed through "
         "GetQueuedCompletionStatusEx: adapt the test to the library",
         round);
  CHECKF(got_in,
         "round %d (%s port): no EPOLLIN within 3 s after S's poll result "
         "was rewritten to %s: the socket was dropped or never re-polled",
         round, port_kind, rewrite_names[rewrite]);
  /* Still registered. */
  ep_mod(ep, s, EPOLLIN, 7);
  CHECK(read_datagrams(s) == 1);
  EnterCriticalSection(&hook_lock);
  rewrite_armed = false;
  LeaveCriticalSection(&hook_lock);
}

static void run_port(HANDLE ep, int rounds, const char* port_kind) {
  SOCKET s, peer;
  int round;
  udp_pairs(1, &s, &peer);
  EnterCriticalSection(&hook_lock);
  target = s;
  target_context = NULL;
  LeaveCriticalSection(&hook_lock);
  ep_add(ep, s, EPOLLIN, 7);
  for (round = 0; round < rounds; round++)
    run_round(ep, s, peer, round, port_kind);
  ep_del(ep, s);
  CHECK(epoll_close(ep) == 0);
  close_pairs(1, &s, &peer);
}

static HANDLE ep_create_checked(void) {
  HANDLE ep = epoll_create1(0);
  CHECK(ep != NULL);
  return ep;
}

#ifndef WEPOLL_CLOSE_TRACKING
#define WEPOLL_CLOSE_TRACKING 0x1 /* the opt-in mode's flag, since 1.7.0 */
#endif

int main(int argc, char** argv) {
  int rounds = (int) arg_u64(argc, argv, "--rounds", 100);
  HANDLE tracking;

  test_init();
  only_kind = (int) arg_u64(argc, argv, "--kind", (uint64_t) -1);
  CHECK(only_kind < (int) REWRITE_KINDS);
  InitializeCriticalSection(&hook_lock);
  install_hooks();

  run_port(ep_create_checked(), rounds, "default");
  tracking = epoll_create1(WEPOLL_CLOSE_TRACKING);
  if (tracking != NULL)
    run_port(tracking, rounds, "close-tracking");
  else
    printf(
        "epoll_create1(WEPOLL_CLOSE_TRACKING) failed (errno %d): that "
        "mode not tested\n",
        errno);
  printf(
      "rel_unknown_poll_result: OK (%d rounds per port, %ld results "
      "rewritten, %ld polls of S seen)\n",
      rounds, (long) rewrites_done, (long) polls_seen);
  return 0;
}
