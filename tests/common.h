/*
 * Shared helpers for the wepoll tests: checks, Wine detection, skips,
 * clocks and loopback socket helpers.  Header-only (static functions), so a
 * test is one .c file that includes this and links wepoll and ws2_32.
 *
 * Exit codes: 0 pass, 1 fail, 77 skip (Meson's skip code).
 */
#ifndef WEPOLL_TESTS_COMMON_H_
#define WEPOLL_TESTS_COMMON_H_

#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif

#include <winsock2.h>
#include <ws2tcpip.h>
#include <afunix.h>
#include <windows.h>

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wepoll.h"

#define TEST_SKIP 77

#if defined(__GNUC__)
#define TEST_UNUSED __attribute__((unused))
#define TEST_NORETURN __attribute__((noreturn))
#else
#define TEST_UNUSED
#define TEST_NORETURN
#endif

/* ------------------------------------------------------------------ */
/* Failing, skipping, checking                                         */

static TEST_UNUSED TEST_NORETURN void test_fail_at(const char* file, int line,
                                                   const char* fmt, ...) {
  va_list ap;
  fflush(stdout);
  fprintf(stderr, "FAIL %s:%d: ", file, line);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fprintf(stderr, "\n");
  fflush(stderr);
  ExitProcess(1);
}

/* Fails the test (exit 1) when `expr` is false, printing the expression,
 * file and line, plus errno, GetLastError() and WSAGetLastError(). */
#define CHECK(expr)                                                       \
  do {                                                                    \
    if (!(expr)) {                                                        \
      int check_errno_ = errno;                                           \
      DWORD check_le_ = GetLastError();                                   \
      test_fail_at(__FILE__, __LINE__,                                    \
                   "CHECK(%s) (errno %d, GetLastError %lu)", #expr,       \
                   check_errno_, (unsigned long) check_le_);              \
    }                                                                     \
  } while (0)

/* Like CHECK, with a printf-style message added. */
#define CHECKF(expr, ...)                                                 \
  do {                                                                    \
    if (!(expr)) {                                                        \
      fprintf(stderr, "FAIL %s:%d: CHECK(%s): ", __FILE__, __LINE__,      \
              #expr);                                                     \
      fprintf(stderr, __VA_ARGS__);                                       \
      fprintf(stderr, "\n");                                              \
      fflush(stderr);                                                     \
      ExitProcess(1);                                                     \
    }                                                                     \
  } while (0)

/* Evaluates `call`, which must fail: with a NULL return when `is_handle`,
 * else with -1; and errno / GetLastError() must be the given pair. */
#define CHECK_FAILS_(call, is_handle, want_errno, want_le)                  \
  do {                                                                      \
    intptr_t r_;                                                            \
    int e_;                                                                 \
    DWORD le_;                                                              \
    errno = 0;                                                              \
    SetLastError(0);                                                        \
    r_ = (intptr_t) (call);                                                 \
    e_ = errno;                                                             \
    le_ = GetLastError();                                                   \
    if ((is_handle) ? r_ != 0 : r_ != -1)                                   \
      test_fail_at(__FILE__, __LINE__, "%s returned %lld, expected %s",     \
                   #call, (long long) r_, (is_handle) ? "NULL" : "-1");     \
    if (e_ != (want_errno) || le_ != (DWORD) (want_le))                     \
      test_fail_at(__FILE__, __LINE__,                                      \
                   "%s: errno %d / GetLastError %lu, expected %s (%d) / "   \
                   "%s (%lu)",                                              \
                   #call, e_, (unsigned long) le_, #want_errno,             \
                   (int) (want_errno), #want_le, (unsigned long) (want_le)); \
  } while (0)

/* An int-returning call (epoll_close/ctl/wait) that must fail; the error is
 * given as `errno_value, last_error` or as one of the E_* pairs below. */
#define CHECK_FAILS(call, ...) CHECK_FAILS_(call, 0, __VA_ARGS__)
/* A HANDLE-returning call (epoll_create*) that must fail with NULL. */
#define CHECK_FAILS_NULL(call, ...) CHECK_FAILS_(call, 1, __VA_ARGS__)

/* Shorthands for the pairs wepoll.h documents. */
#define E_BADF EBADF, ERROR_INVALID_HANDLE
#define E_INVAL EINVAL, ERROR_INVALID_PARAMETER
#define E_FAULT EFAULT, ERROR_NOACCESS
#define E_NOTSOCK ENOTSOCK, WSAENOTSOCK
#define E_EXIST EEXIST, ERROR_ALREADY_EXISTS
#define E_NOENT ENOENT, ERROR_NOT_FOUND

static TEST_UNUSED int is_wine(void) {
  HMODULE ntdll = GetModuleHandleA("ntdll.dll");
  return ntdll != NULL &&
         GetProcAddress(ntdll, "wine_get_version") != NULL;
}

/* Exits with the skip code, naming why. */
static TEST_UNUSED TEST_NORETURN void skip(const char* reason) {
  printf("SKIP (%s)\n", reason);
  fflush(stdout);
  ExitProcess(TEST_SKIP);
}

/* Under Wine only: print `SKIP (wine: reason)` and exit 77. */
static TEST_UNUSED void skip_wine(const char* reason) {
  if (is_wine()) {
    printf("SKIP (wine: %s)\n", reason);
    fflush(stdout);
    ExitProcess(TEST_SKIP);
  }
}

/* ------------------------------------------------------------------ */
/* Time                                                                */

/* Monotonic milliseconds (high resolution). */
static TEST_UNUSED double now_ms(void) {
  static LARGE_INTEGER freq;
  LARGE_INTEGER t;
  if (freq.QuadPart == 0) QueryPerformanceFrequency(&freq);
  QueryPerformanceCounter(&t);
  return (double) t.QuadPart * 1000.0 / (double) freq.QuadPart;
}

static TEST_UNUSED void sleep_ms(DWORD ms) {
  Sleep(ms);
}

/* ------------------------------------------------------------------ */
/* Setup and sockets                                                   */

/* A crash says what and where before the process ends (with the
 * exception's code, as without this filter): with error dialogs off it
 * would otherwise end without a word. */
static TEST_UNUSED LONG WINAPI test_report_crash(EXCEPTION_POINTERS* info) {
  const EXCEPTION_RECORD* rec = info->ExceptionRecord;
  HMODULE module = NULL;
  char name[MAX_PATH] = "?";
  if (GetModuleHandleExA(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS |
                             GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
                         (LPCSTR) rec->ExceptionAddress, &module))
    GetModuleFileNameA(module, name, sizeof name);
  fprintf(stderr, "CRASH: exception 0x%08lx at %p (%s+0x%llx), thread %lu\n",
          (unsigned long) rec->ExceptionCode, rec->ExceptionAddress, name,
          (unsigned long long) ((const char*) rec->ExceptionAddress -
                                (const char*) module),
          (unsigned long) GetCurrentThreadId());
  fflush(stderr);
  return EXCEPTION_CONTINUE_SEARCH;
}

/* Finishing is said, not assumed.  Under Wine, a program whose wineserver
 * died exits with status 0 wherever it stood; so when the runner
 * (ci/wine_run.py) names a file in WEPOLL_TEST_MARK_FILE, test_init writes
 * "started" to it and a normal exit (return from main, exit) adds
 * "finished", and the runner fails a status 0 without the second line.
 * The variable is taken out of the environment, so that programs the test
 * starts do not write to the file. */
static char test_mark_path[MAX_PATH];

static void test_mark(const char* line) {
  FILE* f = fopen(test_mark_path, "a");
  if (f != NULL) {
    fputs(line, f);
    fclose(f);
  }
}

static void test_mark_finished(void) {
  test_mark("finished\n");
}

static TEST_UNUSED void test_mark_start(void) {
  DWORD n = GetEnvironmentVariableA("WEPOLL_TEST_MARK_FILE", test_mark_path,
                                    sizeof test_mark_path);
  if (n == 0 || n >= sizeof test_mark_path)
    return;
  SetEnvironmentVariableA("WEPOLL_TEST_MARK_FILE", NULL);
  test_mark("started\n");
  atexit(test_mark_finished);
}

/* Call first in main(): unbuffered output, no error dialogs, Winsock, the
 * finish mark. */
static TEST_UNUSED void test_init(void) {
  WSADATA wsa;
  setvbuf(stdout, NULL, _IONBF, 0);
  setvbuf(stderr, NULL, _IONBF, 0);
  SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX);
  SetUnhandledExceptionFilter(test_report_crash);
  if (WSAStartup(MAKEWORD(2, 2), &wsa) != 0)
    test_fail_at(__FILE__, __LINE__, "WSAStartup failed");
  test_mark_start();
}

/* The exit gate.  Wine 8's wineserver frees and then writes a block of its
 * own when a handle is closed while the thread that issued a pending
 * request on it is exiting (tools/wine/close_while_thread_exits.c shows it
 * with plain Win32); glibc then may abort the wineserver, and every program
 * of the prefix exits with status 0 where it stands or hangs.  Any thread
 * that waited may have issued a poll; epoll_close now takes the polls'
 * packets back before it closes their devices, which avoids the race
 * (rel_close_exiting_waiters plays it), but these tests were written to
 * check other things, so a test whose waiters return from the close and
 * exit still keeps them until the close is over: exit_gate_shut()
 * before the waiters start, exit_gate_pass() in each waiter before it
 * returns, exit_gate_open() once epoll_close has returned.  On Windows the
 * gate changes nothing the test checks: the waiters have left epoll_wait
 * before they reach it. */
static HANDLE test_exit_gate;

static TEST_UNUSED void exit_gate_shut(void) {
  if (test_exit_gate == NULL)
    test_exit_gate = CreateEventW(NULL, TRUE, FALSE, NULL);
  if (test_exit_gate == NULL || !ResetEvent(test_exit_gate))
    test_fail_at(__FILE__, __LINE__, "exit gate: error %lu",
                 (unsigned long) GetLastError());
}

static TEST_UNUSED void exit_gate_open(void) {
  SetEvent(test_exit_gate);
}

/* Saves and restores errno and the last error, so a waiter may pass the
 * gate between a call and reading why it failed. */
static TEST_UNUSED void exit_gate_pass(void) {
  int saved_errno = errno;
  DWORD saved_error = GetLastError();
  WaitForSingleObject(test_exit_gate, 30000);
  SetLastError(saved_error);
  errno = saved_errno;
}

/* Address families a test can be run for, named on the command line as
 * "ipv4", "ipv6" or "unix". */
static TEST_UNUSED int family_from_name(const char* name) {
  if (name == NULL || strcmp(name, "ipv4") == 0) return AF_INET;
  if (strcmp(name, "ipv6") == 0) return AF_INET6;
  if (strcmp(name, "unix") == 0) return AF_UNIX;
  test_fail_at(__FILE__, __LINE__, "unknown family '%s'", name);
}

static TEST_UNUSED const char* family_name(int family) {
  return family == AF_INET ? "ipv4" : family == AF_INET6 ? "ipv6" : "unix";
}

/* Reads the family from argv[1] (default ipv4) and skips the test when the
 * system cannot make stream sockets of that family. */
static TEST_UNUSED int test_family(int argc, char** argv) {
  int family = family_from_name(argc > 1 ? argv[1] : NULL);
  SOCKET s = socket(family, SOCK_STREAM, 0);
  if (s == INVALID_SOCKET) {
    char reason[128];
    snprintf(reason, sizeof reason, "%s%s stream sockets unavailable (%d)",
             is_wine() ? "wine: " : "", family_name(family),
             WSAGetLastError());
    skip(reason);
  }
  closesocket(s);
  return family;
}

/* A socket address of any family we use. */
typedef struct test_addr {
  struct sockaddr_storage ss; /* large enough for sockaddr_un too */
  int len;
} test_addr;

/* A loopback address with port 0 (or a fresh AF_UNIX path). */
static TEST_UNUSED void loopback_addr(int family, test_addr* a) {
  memset(a, 0, sizeof *a);
  if (family == AF_INET) {
    struct sockaddr_in* in = (struct sockaddr_in*) &a->ss;
    in->sin_family = AF_INET;
    in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a->len = sizeof *in;
  } else if (family == AF_INET6) {
    struct sockaddr_in6* in6 = (struct sockaddr_in6*) &a->ss;
    in6->sin6_family = AF_INET6;
    in6->sin6_addr = in6addr_loopback;
    a->len = sizeof *in6;
  } else {
    static LONG counter;
    char dir[MAX_PATH];
    struct sockaddr_un* un = (struct sockaddr_un*) &a->ss;
    DWORD n = GetTempPathA(sizeof dir, dir);
    if (n == 0 || n >= sizeof dir) strcpy(dir, ".\\");
    un->sun_family = AF_UNIX;
    snprintf(un->sun_path, sizeof un->sun_path, "%swepoll-t-%lu-%ld.sock",
             dir, (unsigned long) GetCurrentProcessId(),
             (long) InterlockedIncrement(&counter));
    DeleteFileA(un->sun_path);
    a->len = sizeof *un;
  }
}

static TEST_UNUSED void set_nonblocking(SOCKET s, int on) {
  u_long mode = on ? 1 : 0;
  CHECK(ioctlsocket(s, FIONBIO, &mode) == 0);
}

/* Binds the existing socket `s` to loopback; its bound address in `bound`
 * (the port the system chose, or the AF_UNIX path). */
static TEST_UNUSED void bind_loopback(SOCKET s, int family, test_addr* bound) {
  test_addr a;
  loopback_addr(family, &a);
  CHECK(bind(s, (struct sockaddr*) &a.ss, a.len) == 0);
  if (bound != NULL) {
    *bound = a;
    if (family != AF_UNIX) {
      bound->len = (int) sizeof bound->ss;
      CHECK(getsockname(s, (struct sockaddr*) &bound->ss, &bound->len) == 0);
    }
  }
}

/* A socket of `type` bound to loopback; its bound address in `bound`. */
static TEST_UNUSED SOCKET loopback_bound(int family, int type,
                                         test_addr* bound) {
  SOCKET s = socket(family, type, 0);
  CHECK(s != INVALID_SOCKET);
  bind_loopback(s, family, bound);
  return s;
}

/* A listening stream socket on loopback; its bound address in `bound`. */
static TEST_UNUSED SOCKET tcp_listener(int family, test_addr* bound) {
  SOCKET s = loopback_bound(family, SOCK_STREAM, bound);
  CHECK(listen(s, 64) == 0);
  return s;
}

/* A connected pair of stream sockets over loopback (blocking mode). */
static TEST_UNUSED void tcp_pair(int family, SOCKET* client, SOCKET* server) {
  test_addr a;
  SOCKET l = tcp_listener(family, &a);
  SOCKET c = socket(family, SOCK_STREAM, 0);
  CHECK(c != INVALID_SOCKET);
  CHECK(connect(c, (struct sockaddr*) &a.ss, a.len) == 0);
  *server = accept(l, NULL, NULL);
  CHECK(*server != INVALID_SOCKET);
  closesocket(l);
  if (family == AF_UNIX) DeleteFileA(((struct sockaddr_un*) &a.ss)->sun_path);
  *client = c;
}

/* A UDP socket bound to loopback. */
static TEST_UNUSED SOCKET udp_bound(int family, test_addr* bound) {
  return loopback_bound(family, SOCK_DGRAM, bound);
}

/* Two UDP sockets on loopback, each connected to the other. */
static TEST_UNUSED void udp_pair(int family, SOCKET* a, SOCKET* b) {
  test_addr aa, ba;
  *a = udp_bound(family, &aa);
  *b = udp_bound(family, &ba);
  CHECK(connect(*a, (struct sockaddr*) &ba.ss, ba.len) == 0);
  CHECK(connect(*b, (struct sockaddr*) &aa.ss, aa.len) == 0);
}

/* A non-blocking stream socket with a connect to `to` started.  Returns the
 * socket; the connect either completed at once or is in progress. */
static TEST_UNUSED SOCKET tcp_connect_nonblocking(int family,
                                                  const test_addr* to) {
  SOCKET s = socket(family, SOCK_STREAM, 0);
  CHECK(s != INVALID_SOCKET);
  set_nonblocking(s, 1);
  if (connect(s, (const struct sockaddr*) &to->ss, to->len) != 0) {
    int err = WSAGetLastError();
    CHECKF(err == WSAEWOULDBLOCK || err == WSAEINPROGRESS,
           "non-blocking connect failed at once: %d", err);
  }
  return s;
}

/* Sends `len` bytes (blocking until all are sent). */
static TEST_UNUSED void send_all(SOCKET s, const void* buf, int len) {
  const char* p = (const char*) buf;
  while (len > 0) {
    int n = send(s, p, len, 0);
    CHECKF(n > 0, "send failed: %d", WSAGetLastError());
    p += n;
    len -= n;
  }
}

/* Reads everything readable now from a socket without blocking; returns the
 * byte count.  Leaves the socket's blocking mode as it found it only if the
 * caller set it non-blocking before; it is non-blocking afterwards. */
static TEST_UNUSED long drain(SOCKET s) {
  char buf[4096];
  long total = 0;
  int i;
  set_nonblocking(s, 1);
  for (i = 0; i < 100000; i++) {
    int n = recv(s, buf, sizeof buf, 0);
    if (n > 0) {
      total += n;
      continue;
    }
    if (n == 0) break;
    CHECKF(WSAGetLastError() == WSAEWOULDBLOCK, "recv failed: %d",
           WSAGetLastError());
    break;
  }
  return total;
}

/* Closes with SO_LINGER {1, 0}: an abortive close that sends a reset. */
static TEST_UNUSED void close_abortive(SOCKET s) {
  struct linger lg;
  lg.l_onoff = 1;
  lg.l_linger = 0;
  CHECK(setsockopt(s, SOL_SOCKET, SO_LINGER, (const char*) &lg, sizeof lg) ==
        0);
  CHECK(closesocket(s) == 0);
}

/* Creates sockets of `family` / `type` until one gets the handle value
 * `want` (Windows hands out freed handle values again), keeping the others
 * open meanwhile so each try gets a new value, and closes the others.
 * Returns that socket, or INVALID_SOCKET after `max_tries`. */
static TEST_UNUSED SOCKET socket_with_value(SOCKET want, int family, int type,
                                            int max_tries) {
  SOCKET* others = (SOCKET*) calloc((size_t) max_tries, sizeof(SOCKET));
  SOCKET found = INVALID_SOCKET;
  int n = 0, i;
  CHECK(others != NULL);
  while (n < max_tries) {
    SOCKET s = socket(family, type, 0);
    if (s == INVALID_SOCKET) break;
    if (s == want) {
      found = s;
      break;
    }
    others[n++] = s;
  }
  for (i = 0; i < n; i++) closesocket(others[i]);
  free(others);
  return found;
}

/* ------------------------------------------------------------------ */
/* epoll helpers                                                       */

/* ADD or MOD that must succeed; `name` says which in the failure. */
static TEST_UNUSED void ep_ctl_ok(HANDLE ep, int op, const char* name,
                                  SOCKET s, uint32_t events, uint64_t data) {
  struct epoll_event ev;
  memset(&ev, 0, sizeof ev);
  ev.events = events;
  ev.data.u64 = data;
  CHECKF(epoll_ctl(ep, op, s, &ev) == 0, "%s failed: errno %d", name, errno);
}

/* An epoll_event with its unused bytes zeroed. */
static TEST_UNUSED struct epoll_event ep_event(uint32_t events,
                                               uint64_t data) {
  struct epoll_event ev;
  memset(&ev, 0, sizeof ev);
  ev.events = events;
  ev.data.u64 = data;
  return ev;
}

static TEST_UNUSED void ep_add(HANDLE ep, SOCKET s, uint32_t events,
                               uint64_t data) {
  ep_ctl_ok(ep, EPOLL_CTL_ADD, "ADD", s, events, data);
}

static TEST_UNUSED void ep_mod(HANDLE ep, SOCKET s, uint32_t events,
                               uint64_t data) {
  ep_ctl_ok(ep, EPOLL_CTL_MOD, "MOD", s, events, data);
}

static TEST_UNUSED void ep_del(HANDLE ep, SOCKET s) {
  CHECKF(epoll_ctl(ep, EPOLL_CTL_DEL, s, NULL) == 0, "DEL failed: errno %d",
         errno);
}

/* epoll_wait that must not fail. */
static TEST_UNUSED int ep_wait(HANDLE ep, struct epoll_event* evs, int max,
                               int timeout) {
  int n = epoll_wait(ep, evs, max, timeout);
  CHECKF(n >= 0 && n <= max, "epoll_wait returned %d (errno %d)", n, errno);
  return n;
}

/* Waits (up to `timeout_ms` overall) until one event arrives and returns it
 * in `out`; fails if more than one arrives at once or none in time. */
static TEST_UNUSED void ep_wait_one(HANDLE ep, struct epoll_event* out,
                                    int timeout_ms) {
  struct epoll_event evs[8];
  int n = ep_wait(ep, evs, 8, timeout_ms);
  CHECKF(n == 1, "expected exactly 1 event within %d ms, got %d", timeout_ms,
         n);
  *out = evs[0];
}

/* Fails if any event arrives within `timeout_ms`. */
static TEST_UNUSED void ep_expect_none(HANDLE ep, int timeout_ms) {
  struct epoll_event evs[8];
  int n = ep_wait(ep, evs, 8, timeout_ms);
  CHECKF(n == 0, "expected no event within %d ms, got %d (first: events "
         "0x%x data %llu)", timeout_ms, n, n > 0 ? evs[0].events : 0u,
         n > 0 ? (unsigned long long) evs[0].data.u64 : 0ull);
}

/* Bits a report may hold for a registration with `mask`. */
static TEST_UNUSED uint32_t allowed_bits(uint32_t mask) {
  return (mask & ~(EPOLLONESHOT | (1u << 31))) | EPOLLERR | EPOLLHUP;
}

#endif /* WEPOLL_TESTS_COMMON_H_ */
