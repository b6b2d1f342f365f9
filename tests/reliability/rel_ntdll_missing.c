/* The library finds its ntdll.dll calls at run time (it links no ntdll
 * import library).  When ntdll.dll lacks one it needs, the call that needs
 * it fails cleanly: the create calls return NULL with ENOSYS and
 * ERROR_PROC_NOT_FOUND, every time, and nothing crashes.  When only the
 * wait completion packet calls (Windows 8 and later) are missing, ports
 * work, and so do waitable handles, through the thread pool.
 *
 * The missing export is played by a test seam: the library module's import
 * slot for GetProcAddress is pointed at a hook that answers NULL for one
 * name (tests/reliability/rel_imports.h).  Each name runs in its own
 * process, since the library looks its calls up once per process.
 *
 *   rel_ntdll_missing.exe NAME    (NAME: an ntdll export, or "none") */
#include "rel_imports.h"

static const char* const required_names[] = {
    "NtCreateFile", "NtDeviceIoControlFile", "NtCancelIoFileEx",
    "NtQueryObject", "RtlNtStatusToDosError"};
#define REQUIRED_COUNT (sizeof required_names / sizeof *required_names)

static get_proc_fn real_get_proc;
static const char* missing_name;
/* How often the library asked for each required name, and for the
 * missing one. */
static volatile LONG required_asked[REQUIRED_COUNT];
static volatile LONG missing_asked;

static FARPROC WINAPI hooked_get_proc(HMODULE module, LPCSTR name) {
  size_t i;
  if (!imports_is_name(name))
    return real_get_proc(module, name);
  for (i = 0; i < REQUIRED_COUNT; i++) {
    if (strcmp(name, required_names[i]) == 0)
      InterlockedIncrement(&required_asked[i]);
  }
  if (strcmp(name, missing_name) == 0) {
    InterlockedIncrement(&missing_asked);
    SetLastError(ERROR_PROC_NOT_FOUND);
    return NULL;
  }
  return real_get_proc(module, name);
}

static bool is_required(const char* name) {
  size_t i;
  for (i = 0; i < REQUIRED_COUNT; i++) {
    if (strcmp(name, required_names[i]) == 0)
      return true;
  }
  return false;
}

/* Without a required call: no port, a clear error, the same each time;
 * the other calls, given no port, fail as documented. */
static void check_no_port(void) {
  HANDLE event = CreateEventW(NULL, TRUE, FALSE, NULL);
  struct epoll_event ev, out[4];
  int i;
  CHECK(event != NULL);
  ev.events = EPOLLIN;
  ev.data.u64 = 1;
  for (i = 0; i < 3; i++) {
    CHECK_FAILS_NULL(epoll_create1(0), ENOSYS, ERROR_PROC_NOT_FOUND);
    CHECK_FAILS_NULL(epoll_create(1), ENOSYS, ERROR_PROC_NOT_FOUND);
    CHECK_FAILS_NULL(epoll_create1(WEPOLL_CLOSE_TRACKING), ENOSYS,
                     ERROR_PROC_NOT_FOUND);
  }
  /* Argument checks still come first. */
  CHECK_FAILS_NULL(epoll_create(0), E_INVAL);
  CHECK_FAILS(epoll_close(event), E_INVAL);
  CHECK_FAILS(epoll_ctl(NULL, EPOLL_CTL_ADD, (SOCKET) 1, &ev), E_BADF);
  CHECK_FAILS(epoll_wait(event, out, 4, 0), E_INVAL);
  CHECK_FAILS(wepoll_ctl_handle(event, EPOLL_CTL_ADD, event, &ev), E_INVAL);
  CHECK(CloseHandle(event));
}

/* With every required call: a socket and an event are reported. */
static void check_port_works(void) {
  HANDLE ep = epoll_create1(0);
  HANDLE event = CreateEventW(NULL, FALSE, FALSE, NULL);
  struct epoll_event ev, out;
  SOCKET client, server;
  CHECKF(ep != NULL, "epoll_create1 failed: errno %d, error %lu", errno,
         (unsigned long) GetLastError());
  CHECK(event != NULL);
  tcp_pair(AF_INET, &client, &server);
  ep_add(ep, server, EPOLLIN, 7);
  send_all(client, "x", 1);
  ep_wait_one(ep, &out, 5000);
  CHECK(out.data.u64 == 7 && (out.events & EPOLLIN));

  ev.events = EPOLLIN;
  ev.data.u64 = 9;
  CHECK(wepoll_ctl_handle(ep, EPOLL_CTL_ADD, event, &ev) == 0);
  ep_del(ep, server);
  ep_expect_none(ep, 0);
  CHECK(SetEvent(event));
  ep_wait_one(ep, &out, 5000);
  CHECK(out.data.u64 == 9 && out.events == EPOLLIN);
  CHECK(wepoll_ctl_handle(ep, EPOLL_CTL_DEL, event, NULL) == 0);
  CHECK(epoll_close(ep) == 0);
  CHECK(CloseHandle(event));
  CHECK(closesocket(client) == 0 && closesocket(server) == 0);
}

int main(int argc, char** argv) {
  size_t i;
  test_init();
  CHECKF(argc == 2, "usage: rel_ntdll_missing.exe NAME|none");
  missing_name = argv[1];
  real_get_proc = imports_real_get_proc();
  CHECK(real_get_proc != NULL);
  /* Before the first port: the library resolves its calls once. */
  CHECKF(imports_patch(imports_library_module(), (ULONG_PTR) real_get_proc,
                       (ULONG_PTR) hooked_get_proc) > 0,
         "the library does not import GetProcAddress: adapt the test");

  if (is_required(missing_name))
    check_no_port();
  else
    check_port_works();

  /* The seam saw the library's look-ups: each required name, once. */
  for (i = 0; i < REQUIRED_COUNT; i++) {
    CHECKF(required_asked[i] == 1, "%s asked %ld times, expected once",
           required_names[i], (long) required_asked[i]);
  }
  if (strcmp(missing_name, "none") != 0)
    CHECKF(missing_asked == 1,
           "the library asked %ld times for %s: it no longer looks that "
           "name up; adapt the test",
           (long) missing_asked, missing_name);
  printf("rel_ntdll_missing: OK (missing: %s)\n", missing_name);
  return 0;
}
