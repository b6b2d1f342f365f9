/*
 * wbench: compares wepoll-compatible DLLs side by side, with WSAPoll and
 * select as baselines.
 *
 *   wbench.exe [options] DLL[:MODES] [DLL[:MODES]...]
 *
 *   --modes LIST   the modes each DLL is measured in, comma-separated
 *                  (default: default,tracking); a DLL's own :MODES suffix
 *                  overrides it, e.g. wepoll.dll:default
 *                    default   ports made by epoll_create1(0)
 *                    tracking  ports made by epoll_create1(0x1), the
 *                              close-tracking mode (WEPOLL_CLOSE_TRACKING);
 *                              a DLL that refuses the flag with EINVAL gets
 *                              no results in this mode, only the line
 *                              "n/a: flag not supported"
 *   --rounds R     rounds per measurement (default 5); the DLLs and the
 *                  baselines take turns within every round, and each round
 *                  starts with the next one
 *   --csv FILE     also write the results as CSV (default: none); a mode
 *                  a DLL refused is a row with test "(all)" and unit n/a
 *   --quick        a smoke run: 1 round, small socket counts, short timings
 *   --ms MS        time spent per request/response and ping-pong sample
 *                  (default 200)
 *   --only LIST    run only these parts, comma-separated: ctl,rr,mem,tcp
 *                  (add nobase to leave out the WSAPoll/select baselines)
 *   --n N          request/response with N idle sockets only (repeatable)
 *
 * Each DLL is loaded with LoadLibrary and called through GetProcAddress, so
 * any DLL with wepoll's ABI can be compared; a copy of one DLL under another
 * name is loaded as a separate module and gives a same-code sanity line.
 * Results are labelled with the DLL's file name, plus " [tracking]" in the
 * close-tracking mode.
 *
 * Measurements (median, min and max over the rounds):
 *   ctl-add, ctl-mod, ctl-del  epoll_ctl operations per second on 10,000
 *                  UDP sockets (MOD and DEL with their polls submitted)
 *   ctl-submit     the first epoll_wait after the ADDs, which submits the
 *                  10,000 polls, in sockets per second
 *   ctl-close      epoll_close of a port with the 10,000 still registered
 *                  and polled, in sockets per second
 *   rr-latency     microseconds per request/response cycle (client sends a
 *                  datagram, server waits, server receives) with N idle
 *                  sockets registered beside the active one; rr-rate is its
 *                  inverse in cycles per second.  Baselines: WSAPoll and
 *                  select over the same N + 1 sockets.  rr-send, rr-wait
 *                  and rr-recv split a cycle's time between its three calls.
 *   tcp-pingpong   messages per second over P TCP connection pairs, all in
 *                  one port, one thread
 *   mem-per-socket bytes of committed private memory per registered socket
 *                  (PagefileUsage, measured in a child process per sample:
 *                  under Wine PrivateUsage is meaningless)
 */
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
/* select() baseline over up to 10,001 sockets: fd_set is sized by this. */
#define FD_SETSIZE 10240
#ifndef _WIN32_WINNT
#define _WIN32_WINNT 0x0600 /* WSAPoll */
#endif
#include <winsock2.h>
#include <windows.h>
#include <psapi.h>

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WEPOLL_STATIC /* only the types and constants are used */
#include "wepoll.h"

#ifndef WEPOLL_CLOSE_TRACKING
/* The close-tracking flag of epoll_create1 (since 1.7.0), for a header
 * without it. */
#define WEPOLL_CLOSE_TRACKING 0x1
#endif

#define BENCH_MAX_IMPLS 16
#define BENCH_MAX_ROUNDS 64

static void bench_die(const char* what, int line) {
  fprintf(stderr, "wbench: line %d: %s failed (error %lu, wsa %d)\n", line,
          what, (unsigned long) GetLastError(), WSAGetLastError());
  fflush(stderr);
  ExitProcess(1);
}
#define BENCH_CHECK(expr)         \
  do {                            \
    if (!(expr))                  \
      bench_die(#expr, __LINE__); \
  } while (0)

/* ------------------------------------------------------------------ */
/* Implementations under test. */

typedef HANDLE(WEPOLL_CALL* create1_fn)(int);
typedef int(WEPOLL_CALL* close_fn)(HANDLE);
typedef int(WEPOLL_CALL* ctl_fn)(HANDLE, int, SOCKET, struct epoll_event*);
typedef int(WEPOLL_CALL* wait_fn)(HANDLE, struct epoll_event*, int, int);

typedef enum { IMPL_DLL, IMPL_WSAPOLL, IMPL_SELECT } impl_kind;

typedef struct impl {
  impl_kind kind;
  char name[64];
  const char* path;
  int create_flags; /* for epoll_create1: 0 or WEPOLL_CLOSE_TRACKING */
  create1_fn create1;
  close_fn close;
  ctl_fn ctl;
  wait_fn wait;
} impl;

static impl impls[BENCH_MAX_IMPLS];
static int impl_count; /* all */
static int dll_count;  /* the first dll_count are DLLs */

/* "DLL [mode]" labels of the modes a DLL refused. */
static char unsupported[BENCH_MAX_IMPLS][80];
static int unsupported_count;

static FARPROC bench_proc(HMODULE module, const char* name, const char* path) {
  FARPROC proc = GetProcAddress(module, name);
  if (proc == NULL) {
    fprintf(stderr, "wbench: %s has no export %s\n", path, name);
    ExitProcess(2);
  }
  return proc;
}

static void bench_load(impl* im, const char* path, int create_flags) {
  HMODULE module = LoadLibraryA(path);
  const char* base = path;
  const char* p;
  if (module == NULL) {
    fprintf(stderr, "wbench: cannot load %s (error %lu)\n", path,
            (unsigned long) GetLastError());
    ExitProcess(2);
  }
  for (p = path; *p; p++)
    if (*p == '/' || *p == '\\')
      base = p + 1;
  im->kind = IMPL_DLL;
  im->path = path;
  im->create_flags = create_flags;
  snprintf(im->name, sizeof im->name, "%s%s", base,
           create_flags & WEPOLL_CLOSE_TRACKING ? " [tracking]" : "");
  /* Casts through void* keep -Wcast-function-type quiet. */
  im->create1 = (create1_fn) (void*) bench_proc(module, "epoll_create1", path);
  im->close = (close_fn) (void*) bench_proc(module, "epoll_close", path);
  im->ctl = (ctl_fn) (void*) bench_proc(module, "epoll_ctl", path);
  im->wait = (wait_fn) (void*) bench_proc(module, "epoll_wait", path);
}

/* The modes a DLL is measured in, as a set of bits. */
enum { MODE_DEFAULT = 1, MODE_TRACKING = 2 };

/* The modes of a comma-separated list; 0 if a word is not a mode. */
static int bench_parse_modes(const char* list) {
  int modes = 0;
  while (*list) {
    size_t len = strcspn(list, ",");
    if (len == 7 && strncmp(list, "default", len) == 0)
      modes |= MODE_DEFAULT;
    else if (len == 8 && strncmp(list, "tracking", len) == 0)
      modes |= MODE_TRACKING;
    else
      return 0;
    list += len;
    if (*list == ',')
      list++;
  }
  return modes;
}

/* Whether the DLL accepts the implementation's epoll_create1 flags: one
 * that predates them fails with EINVAL (errno in the C runtime, which the
 * DLL may not share with us, and ERROR_INVALID_PARAMETER).  Any other
 * failure ends the run. */
static int bench_flags_supported(const impl* im) {
  HANDLE ep;
  SetLastError(0);
  ep = im->create1(im->create_flags);
  if (ep != NULL) {
    BENCH_CHECK(im->close(ep) == 0);
    return 1;
  }
  if (GetLastError() != ERROR_INVALID_PARAMETER)
    bench_die("epoll_create1 with flags", __LINE__);
  return 0;
}

/* Adds the DLL of a command-line argument, PATH or PATH:MODES, in each of
 * its modes (default_modes without a suffix). */
static void bench_add_dll(char* arg, int default_modes) {
  char* colon = strrchr(arg, ':');
  int modes = colon != NULL ? bench_parse_modes(colon + 1) : 0;
  /* "Z:\\dir\\x.dll" has a colon too: only mode words make a suffix. */
  if (modes != 0)
    *colon = '\0';
  else
    modes = default_modes;
  if (modes & MODE_DEFAULT) {
    BENCH_CHECK(dll_count < BENCH_MAX_IMPLS - 2);
    bench_load(&impls[dll_count++], arg, 0);
  }
  if (modes & MODE_TRACKING) {
    impl* im = &impls[dll_count];
    BENCH_CHECK(dll_count < BENCH_MAX_IMPLS - 2);
    bench_load(im, arg, WEPOLL_CLOSE_TRACKING);
    if (bench_flags_supported(im)) {
      dll_count++;
    } else {
      snprintf(unsupported[unsupported_count++], sizeof unsupported[0], "%s",
               im->name);
      printf(
          "wbench: %s: n/a: flag not supported (epoll_create1(0x%x) "
          "fails with EINVAL)\n",
          im->name, WEPOLL_CLOSE_TRACKING);
    }
  }
}

/* ------------------------------------------------------------------ */
/* Clock, results. */

static double bench_now_s(void) {
  static LARGE_INTEGER freq;
  LARGE_INTEGER now;
  if (freq.QuadPart == 0)
    QueryPerformanceFrequency(&freq);
  QueryPerformanceCounter(&now);
  return (double) now.QuadPart / (double) freq.QuadPart;
}

typedef struct series {
  char test[32];
  char impl[64];
  int n;
  char unit[16];
  double samples[BENCH_MAX_ROUNDS];
  int count;
} series;

#define BENCH_MAX_SERIES 256
static series all_series[BENCH_MAX_SERIES];
static int series_count;

static void bench_record(const char* test, const char* impl_name, int n,
                         const char* unit, double value) {
  series* s = NULL;
  int i;
  for (i = 0; i < series_count; i++) {
    series* c = &all_series[i];
    if (strcmp(c->test, test) == 0 && strcmp(c->impl, impl_name) == 0 &&
        c->n == n) {
      s = c;
      break;
    }
  }
  if (s == NULL) {
    BENCH_CHECK(series_count < BENCH_MAX_SERIES);
    s = &all_series[series_count++];
    snprintf(s->test, sizeof s->test, "%s", test);
    snprintf(s->impl, sizeof s->impl, "%s", impl_name);
    snprintf(s->unit, sizeof s->unit, "%s", unit);
    s->n = n;
  }
  if (s->count < BENCH_MAX_ROUNDS)
    s->samples[s->count++] = value;
}

static int bench_cmp_double(const void* a, const void* b) {
  double x = *(const double*) a, y = *(const double*) b;
  return x < y ? -1 : x > y;
}

static void bench_stats(const series* s, double* median, double* lo,
                        double* hi) {
  double sorted[BENCH_MAX_ROUNDS];
  memcpy(sorted, s->samples, sizeof(double) * (size_t) s->count);
  qsort(sorted, (size_t) s->count, sizeof(double), bench_cmp_double);
  *lo = sorted[0];
  *hi = sorted[s->count - 1];
  *median = s->count % 2
                ? sorted[s->count / 2]
                : (sorted[s->count / 2 - 1] + sorted[s->count / 2]) / 2;
}

/* ------------------------------------------------------------------ */
/* Sockets. */

static struct sockaddr_in bench_loopback(void) {
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

static void bench_nonblocking(SOCKET s) {
  u_long on = 1;
  BENCH_CHECK(ioctlsocket(s, FIONBIO, &on) == 0);
}

static void bench_udp_pair(SOCKET* server, SOCKET* client) {
  struct sockaddr_in a = bench_loopback();
  int len = sizeof a;
  *server = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
  *client = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
  BENCH_CHECK(*server != INVALID_SOCKET && *client != INVALID_SOCKET);
  BENCH_CHECK(bind(*server, (struct sockaddr*) &a, sizeof a) == 0);
  BENCH_CHECK(getsockname(*server, (struct sockaddr*) &a, &len) == 0);
  BENCH_CHECK(connect(*client, (struct sockaddr*) &a, sizeof a) == 0);
  bench_nonblocking(*server);
}

static void bench_close_sockets(SOCKET* socks, int count) {
  int i;
  for (i = 0; i < count; i++)
    closesocket(socks[i]);
  free(socks);
}

static SOCKET* bench_idle_sockets(int count) {
  SOCKET* socks = malloc(sizeof(SOCKET) * (size_t) count);
  int i;
  BENCH_CHECK(socks != NULL);
  for (i = 0; i < count; i++) {
    socks[i] = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    BENCH_CHECK(socks[i] != INVALID_SOCKET);
  }
  return socks;
}

/* P connected TCP pairs: a[i] <-> b[i]. */
static void bench_tcp_pairs(int count, SOCKET* a, SOCKET* b) {
  struct sockaddr_in addr = bench_loopback();
  int len = sizeof addr;
  SOCKET listener = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  int i;
  BENCH_CHECK(listener != INVALID_SOCKET);
  BENCH_CHECK(bind(listener, (struct sockaddr*) &addr, sizeof addr) == 0);
  BENCH_CHECK(getsockname(listener, (struct sockaddr*) &addr, &len) == 0);
  BENCH_CHECK(listen(listener, 128) == 0);
  for (i = 0; i < count; i++) {
    BOOL on = TRUE;
    a[i] = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    BENCH_CHECK(a[i] != INVALID_SOCKET);
    BENCH_CHECK(connect(a[i], (struct sockaddr*) &addr, sizeof addr) == 0);
    b[i] = accept(listener, NULL, NULL);
    BENCH_CHECK(b[i] != INVALID_SOCKET);
    setsockopt(a[i], IPPROTO_TCP, TCP_NODELAY, (const char*) &on, sizeof on);
    setsockopt(b[i], IPPROTO_TCP, TCP_NODELAY, (const char*) &on, sizeof on);
    bench_nonblocking(a[i]);
    bench_nonblocking(b[i]);
  }
  closesocket(listener);
}

static void bench_add(const impl* im, HANDLE ep, SOCKET s, uint32_t events) {
  struct epoll_event ev;
  ev.events = events;
  ev.data.u64 = (uint64_t) s;
  BENCH_CHECK(im->ctl(ep, EPOLL_CTL_ADD, s, &ev) == 0);
}

/* ------------------------------------------------------------------ */
/* epoll_ctl throughput. */

static void bench_ctl(const impl* im, SOCKET* socks, int count) {
  struct epoll_event ev, events[64];
  HANDLE ep = im->create1(im->create_flags);
  double t0, t1, t2, t3, t4, t5, t6;
  int i;
  BENCH_CHECK(ep != NULL);

  t0 = bench_now_s();
  for (i = 0; i < count; i++)
    bench_add(im, ep, socks[i], EPOLLIN);
  t1 = bench_now_s();
  BENCH_CHECK(im->wait(ep, events, 64, 0) == 0);
  t2 = bench_now_s();
  for (i = 0; i < count; i++) {
    ev.events = EPOLLIN | EPOLLOUT;
    ev.data.u64 = (uint64_t) i;
    BENCH_CHECK(im->ctl(ep, EPOLL_CTL_MOD, socks[i], &ev) == 0);
  }
  t3 = bench_now_s();
  for (i = 0; i < count; i++)
    BENCH_CHECK(im->ctl(ep, EPOLL_CTL_DEL, socks[i], NULL) == 0);
  t4 = bench_now_s();
  /* Closing a port that still has every socket registered and polled. */
  for (i = 0; i < count; i++)
    bench_add(im, ep, socks[i], EPOLLIN);
  BENCH_CHECK(im->wait(ep, events, 64, 0) == 0);
  t5 = bench_now_s();
  BENCH_CHECK(im->close(ep) == 0);
  t6 = bench_now_s();

  bench_record("ctl-add", im->name, count, "ops/s", count / (t1 - t0));
  bench_record("ctl-submit", im->name, count, "socks/s", count / (t2 - t1));
  bench_record("ctl-mod", im->name, count, "ops/s", count / (t3 - t2));
  bench_record("ctl-del", im->name, count, "ops/s", count / (t4 - t3));
  bench_record("ctl-close", im->name, count, "socks/s", count / (t6 - t5));
}

/* ------------------------------------------------------------------ */
/* Request/response with N idle sockets. */

typedef struct rr_ctx {
  const impl* im;
  HANDLE ep;
  SOCKET server, client;
  SOCKET* idle;
  int idle_count;
  WSAPOLLFD* pollfds;
  fd_set* set_saved;
  fd_set* set_work;
  double phase_s[3]; /* send, wait, recv: time inside the process */
} rr_ctx;

static void rr_setup(rr_ctx* c) {
  int i;
  switch (c->im->kind) {
    case IMPL_DLL:
      c->ep = c->im->create1(c->im->create_flags);
      BENCH_CHECK(c->ep != NULL);
      for (i = 0; i < c->idle_count; i++)
        bench_add(c->im, c->ep, c->idle[i], EPOLLIN);
      bench_add(c->im, c->ep, c->server, EPOLLIN);
      break;
    case IMPL_WSAPOLL:
      c->pollfds = calloc((size_t) c->idle_count + 1, sizeof(WSAPOLLFD));
      BENCH_CHECK(c->pollfds != NULL);
      for (i = 0; i < c->idle_count; i++) {
        c->pollfds[i].fd = c->idle[i];
        c->pollfds[i].events = POLLRDNORM;
      }
      c->pollfds[c->idle_count].fd = c->server;
      c->pollfds[c->idle_count].events = POLLRDNORM;
      break;
    case IMPL_SELECT:
      c->set_saved = malloc(sizeof(fd_set));
      c->set_work = malloc(sizeof(fd_set));
      BENCH_CHECK(c->set_saved != NULL && c->set_work != NULL);
      /* Filled directly: FD_SET scans the set for duplicates each time. */
      for (i = 0; i < c->idle_count; i++)
        c->set_saved->fd_array[i] = c->idle[i];
      c->set_saved->fd_array[c->idle_count] = c->server;
      c->set_saved->fd_count = (u_int) c->idle_count + 1;
      break;
  }
}

static void rr_teardown(rr_ctx* c) {
  if (c->im->kind == IMPL_DLL)
    BENCH_CHECK(c->im->close(c->ep) == 0);
  free(c->pollfds);
  free(c->set_saved);
  free(c->set_work);
  c->pollfds = NULL;
  c->set_saved = c->set_work = NULL;
}

/* One cycle: the client sends, the server waits for readiness, finds the
 * ready socket and receives. */
static void rr_cycle(rr_ctx* c) {
  char buf[64];
  double t0 = bench_now_s(), t1, t2;
  BENCH_CHECK(send(c->client, "ping", 4, 0) == 4);
  t1 = bench_now_s();
  switch (c->im->kind) {
    case IMPL_DLL: {
      struct epoll_event events[16];
      int n = c->im->wait(c->ep, events, 16, -1);
      BENCH_CHECK(n == 1 && events[0].data.u64 == (uint64_t) c->server);
      break;
    }
    case IMPL_WSAPOLL: {
      int i, n = WSAPoll(c->pollfds, (ULONG) c->idle_count + 1, -1);
      BENCH_CHECK(n == 1);
      for (i = 0; i <= c->idle_count; i++)
        if (c->pollfds[i].revents != 0)
          break;
      BENCH_CHECK(i == c->idle_count);
      break;
    }
    case IMPL_SELECT: {
      int n;
      memcpy(c->set_work, c->set_saved,
             offsetof(fd_set, fd_array) +
                 sizeof(SOCKET) * c->set_saved->fd_count);
      n = select(0, c->set_work, NULL, NULL, NULL);
      BENCH_CHECK(n == 1 && FD_ISSET(c->server, c->set_work));
      break;
    }
  }
  t2 = bench_now_s();
  BENCH_CHECK(recv(c->server, buf, sizeof buf, 0) == 4);
  c->phase_s[0] += t1 - t0;
  c->phase_s[1] += t2 - t1;
  c->phase_s[2] += bench_now_s() - t2;
}

static void bench_rr(const impl* im, SOCKET* idle, int idle_count,
                     double budget_s) {
  rr_ctx c;
  double t0, elapsed;
  long cycles = 0;
  int i;
  memset(&c, 0, sizeof c);
  c.im = im;
  c.idle = idle;
  c.idle_count = idle_count;
  bench_udp_pair(&c.server, &c.client);
  rr_setup(&c);
  for (i = 0; i < 5; i++) /* warm up; the first wait submits the polls */
    rr_cycle(&c);
  memset(c.phase_s, 0, sizeof c.phase_s);
  t0 = bench_now_s();
  do {
    for (i = 0; i < 8; i++)
      rr_cycle(&c);
    cycles += 8;
    elapsed = bench_now_s() - t0;
  } while (elapsed < budget_s);
  rr_teardown(&c);
  closesocket(c.server);
  closesocket(c.client);
  bench_record("rr-latency", im->name, idle_count, "us",
               elapsed * 1e6 / (double) cycles);
  bench_record("rr-rate", im->name, idle_count, "cycles/s",
               (double) cycles / elapsed);
  /* Where a cycle's time goes: the client's send, the wait, the recv. */
  bench_record("rr-send", im->name, idle_count, "us",
               c.phase_s[0] * 1e6 / (double) cycles);
  bench_record("rr-wait", im->name, idle_count, "us",
               c.phase_s[1] * 1e6 / (double) cycles);
  bench_record("rr-recv", im->name, idle_count, "us",
               c.phase_s[2] * 1e6 / (double) cycles);
}

/* ------------------------------------------------------------------ */
/* TCP ping-pong over P pairs in one port. */

enum { PING_SIZE = 32 };

static void bench_pingpong(const impl* im, SOCKET* a, SOCKET* b, int pairs,
                           double budget_s) {
  static struct epoll_event events[256];
  char buf[PING_SIZE * 8];
  HANDLE ep = im->create1(im->create_flags);
  long long sent = 0, received = 0, counted = 0;
  double t0, elapsed = 0;
  int stopping = 0;
  int i;
  BENCH_CHECK(ep != NULL);
  for (i = 0; i < pairs; i++) {
    bench_add(im, ep, a[i], EPOLLIN);
    bench_add(im, ep, b[i], EPOLLIN);
  }
  memset(buf, 'p', sizeof buf);
  t0 = bench_now_s();
  for (i = 0; i < pairs; i++) {
    BENCH_CHECK(send(a[i], buf, PING_SIZE, 0) == PING_SIZE);
    sent++;
  }
  /* Every received message is sent back until the time is up; then the
   * messages in flight are drained so the next run starts clean. */
  while (received < sent) {
    int n = im->wait(ep, events, 256, 2000);
    BENCH_CHECK(n > 0);
    for (i = 0; i < n; i++) {
      SOCKET s = (SOCKET) events[i].data.u64;
      int got = recv(s, buf, sizeof buf, 0);
      if (got < 0 && WSAGetLastError() == WSAEWOULDBLOCK)
        continue;
      BENCH_CHECK(got > 0 && got % PING_SIZE == 0);
      received += got / PING_SIZE;
      if (!stopping) {
        int k;
        for (k = 0; k < got / PING_SIZE; k++) {
          BENCH_CHECK(send(s, buf, PING_SIZE, 0) == PING_SIZE);
          sent++;
        }
      }
    }
    if (!stopping) {
      elapsed = bench_now_s() - t0;
      if (elapsed >= budget_s) {
        stopping = 1;
        counted = received;
      }
    }
  }
  BENCH_CHECK(im->close(ep) == 0);
  /* Only the messages received before the stop count. */
  bench_record("tcp-pingpong", im->name, pairs, "msgs/s",
               (double) counted / elapsed);
}

/* ------------------------------------------------------------------ */
/* Memory per registered socket, in a child process per sample. */

static size_t bench_commit(void) {
  PROCESS_MEMORY_COUNTERS counters;
  memset(&counters, 0, sizeof counters);
  BENCH_CHECK(
      GetProcessMemoryInfo(GetCurrentProcess(), &counters, sizeof counters));
  /* Committed private memory; Wine's PrivateUsage is a constant. */
  return counters.PagefileUsage;
}

static int bench_mem_child(const char* path, int create_flags, int count) {
  impl im;
  struct epoll_event events[16];
  SOCKET* socks;
  HANDLE ep;
  size_t before, after;
  int i;
  bench_load(&im, path, create_flags);
  socks = bench_idle_sockets(count);
  ep = im.create1(im.create_flags);
  BENCH_CHECK(ep != NULL);
  /* One socket first, so the port's first device and tables are counted
   * as fixed cost, not per socket. */
  bench_add(&im, ep, socks[0], EPOLLIN);
  BENCH_CHECK(im.wait(ep, events, 16, 0) == 0);
  before = bench_commit();
  for (i = 1; i < count; i++)
    bench_add(&im, ep, socks[i], EPOLLIN);
  BENCH_CHECK(im.wait(ep, events, 16, 0) == 0);
  after = bench_commit();
  printf("%.1f\n", ((double) after - (double) before) / (count - 1));
  return 0;
}

static void bench_mem(const impl* im, int count) {
  char exe[MAX_PATH], cmd[3 * MAX_PATH], out[128];
  STARTUPINFOA si;
  PROCESS_INFORMATION pi;
  SECURITY_ATTRIBUTES sa;
  HANDLE rd, wr;
  DWORD got = 0, code = 1;
  BENCH_CHECK(GetModuleFileNameA(NULL, exe, sizeof exe) > 0);
  snprintf(cmd, sizeof cmd, "\"%s\" --mem-child \"%s\" %d %d", exe, im->path,
           im->create_flags, count);
  memset(&sa, 0, sizeof sa);
  sa.nLength = sizeof sa;
  sa.bInheritHandle = TRUE;
  BENCH_CHECK(CreatePipe(&rd, &wr, &sa, 0));
  SetHandleInformation(rd, HANDLE_FLAG_INHERIT, 0);
  memset(&si, 0, sizeof si);
  si.cb = sizeof si;
  si.dwFlags = STARTF_USESTDHANDLES;
  si.hStdOutput = wr;
  si.hStdError = GetStdHandle(STD_ERROR_HANDLE);
  si.hStdInput = GetStdHandle(STD_INPUT_HANDLE);
  BENCH_CHECK(
      CreateProcessA(NULL, cmd, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi));
  CloseHandle(wr);
  memset(out, 0, sizeof out);
  for (;;) {
    DWORD n = 0;
    if (!ReadFile(rd, out + got, (DWORD) sizeof out - 1 - got, &n, NULL) ||
        n == 0)
      break;
    got += n;
  }
  CloseHandle(rd);
  WaitForSingleObject(pi.hProcess, INFINITE);
  GetExitCodeProcess(pi.hProcess, &code);
  CloseHandle(pi.hProcess);
  CloseHandle(pi.hThread);
  if (code != 0 || got == 0) {
    fprintf(stderr, "wbench: memory sample for %s failed\n", im->name);
    return;
  }
  bench_record("mem-per-socket", im->name, count, "bytes", atof(out));
}

/* ------------------------------------------------------------------ */
/* Report. */

static void bench_report(FILE* csv) {
  int i;
  printf("\n%-15s %-32s %6s %9s %14s %14s %14s %3s\n", "test", "impl", "n",
         "unit", "median", "min", "max", "#");
  for (i = 0; i < series_count; i++) {
    const series* s = &all_series[i];
    double median, lo, hi;
    bench_stats(s, &median, &lo, &hi);
    printf("%-15s %-32s %6d %9s %14.1f %14.1f %14.1f %3d\n", s->test, s->impl,
           s->n, s->unit, median, lo, hi, s->count);
    if (csv)
      fprintf(csv, "%s,%s,%d,%s,%.3f,%.3f,%.3f,%d\n", s->test, s->impl, s->n,
              s->unit, median, lo, hi, s->count);
  }
  /* A mode the DLL refused has no figures, and says so (in the CSV as a
   * row of unit n/a, no rounds). */
  for (i = 0; i < unsupported_count; i++) {
    printf("%-15s %-32s n/a: flag not supported\n", "(all)", unsupported[i]);
    if (csv)
      fprintf(csv, "(all),%s,0,n/a,nan,nan,nan,0\n", unsupported[i]);
  }
}

/* Every round's sample of the request/response latency with 1,000 idle
 * sockets or more, where a median can hide two modes. */
static void bench_report_rounds(void) {
  int i, j;
  printf("\nrr-latency per round (us), in round order:\n");
  for (i = 0; i < series_count; i++) {
    const series* s = &all_series[i];
    if (strcmp(s->test, "rr-latency") != 0 || s->n < 1000)
      continue;
    printf("  %-32s %6d ", s->impl, s->n);
    for (j = 0; j < s->count; j++)
      printf(" %10.1f", s->samples[j]);
    printf("\n");
  }
}

static void bench_machine(void) {
  typedef const char*(CDECL * wine_version_fn)(void);
  wine_version_fn wine_version = (wine_version_fn) (void*) GetProcAddress(
      GetModuleHandleA("ntdll.dll"), "wine_get_version");
  SYSTEM_INFO si;
  GetSystemInfo(&si);
  printf("wbench: %lu logical processors, %s%s, %d-bit\n",
         (unsigned long) si.dwNumberOfProcessors,
         wine_version ? "Wine " : "Windows",
         wine_version ? wine_version() : "", (int) sizeof(void*) * 8);
}

int main(int argc, char** argv) {
  static const int full_ns[] = {10, 100, 1000, 10000};
  static const int quick_ns[] = {10, 100};
  static const int full_pairs[] = {1, 32, 1024};
  static const int quick_pairs[] = {1, 32};
  const int* ns = full_ns;
  const int* pairs = full_pairs;
  int n_count = 4, pair_count = 3, ctl_count = 10000;
  int rounds = 5, quick = 0;
  double sample_s = 0.2;
  const char* csv_path = NULL;
  const char* only = "ctl,rr,mem,tcp";
  int modes = MODE_DEFAULT | MODE_TRACKING;
  static char* dll_args[BENCH_MAX_IMPLS];
  int dll_arg_count = 0;
  static int chosen_ns[8];
  int chosen_count = 0;
  SOCKET* idle;
  SOCKET *ta, *tb;
  WSADATA data;
  FILE* csv = NULL;
  int i, r, k, p;

  BENCH_CHECK(WSAStartup(MAKEWORD(2, 2), &data) == 0);
  if (argc >= 5 && strcmp(argv[1], "--mem-child") == 0)
    return bench_mem_child(argv[2], atoi(argv[3]), atoi(argv[4]));

  for (i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--rounds") == 0 && i + 1 < argc) {
      rounds = atoi(argv[++i]);
    } else if (strcmp(argv[i], "--csv") == 0 && i + 1 < argc) {
      csv_path = argv[++i];
    } else if (strcmp(argv[i], "--ms") == 0 && i + 1 < argc) {
      sample_s = atof(argv[++i]) / 1000.0;
    } else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc) {
      only = argv[++i];
    } else if (strcmp(argv[i], "--n") == 0 && i + 1 < argc &&
               chosen_count < 8) {
      chosen_ns[chosen_count++] = atoi(argv[++i]);
    } else if (strcmp(argv[i], "--quick") == 0) {
      quick = 1;
    } else if (strcmp(argv[i], "--modes") == 0 && i + 1 < argc) {
      modes = bench_parse_modes(argv[++i]);
      if (modes == 0) {
        fprintf(stderr, "wbench: --modes takes default,tracking\n");
        return 2;
      }
    } else if (argv[i][0] == '-') {
      fprintf(stderr, "wbench: unknown option %s\n", argv[i]);
      return 2;
    } else if (dll_arg_count < BENCH_MAX_IMPLS) {
      dll_args[dll_arg_count++] = argv[i];
    }
  }
  if (dll_arg_count == 0) {
    fprintf(stderr,
            "usage: wbench [--rounds R] [--csv FILE] [--ms MS] [--quick] "
            "[--modes default,tracking] DLL[:MODES] [DLL[:MODES]...]\n");
    return 2;
  }
  for (i = 0; i < dll_arg_count; i++)
    bench_add_dll(dll_args[i], modes);
  if (dll_count == 0) {
    fprintf(stderr, "wbench: no DLL supports the modes asked for\n");
    return 1;
  }
  if (quick) {
    ns = quick_ns;
    n_count = 2;
    pairs = quick_pairs;
    pair_count = 2;
    ctl_count = 500;
    rounds = 1;
    sample_s = 0.05;
  }
  if (chosen_count > 0) {
    ns = chosen_ns;
    n_count = chosen_count;
  }
  if (rounds < 1 || rounds > BENCH_MAX_ROUNDS)
    rounds = 5;
  impl_count = dll_count;
  impls[impl_count].kind = IMPL_WSAPOLL;
  snprintf(impls[impl_count++].name, sizeof impls[0].name, "WSAPoll");
  impls[impl_count].kind = IMPL_SELECT;
  snprintf(impls[impl_count++].name, sizeof impls[0].name, "select");

  bench_machine();
  printf("wbench: %d round(s), %.0f ms per sample\n", rounds, sample_s * 1e3);
  /* Memory first, while this process holds no sockets: the child's 10,000
   * and ours would exceed the Wine server's descriptor limit.  It is the
   * same every round, so one sample per DLL. */
  for (k = 0; k < dll_count && strstr(only, "mem"); k++)
    bench_mem(&impls[k], ctl_count);

  for (r = 0; r < rounds; r++) {
    double t0 = bench_now_s();
    /* Each round starts with the next implementation: whatever the one
     * before leaves behind (in Wine's server, say) falls on each in turn. */
    /* Every turn gets sockets of its own, made just before it: Wine's
     * server was seen to run a registration of 10,000 sockets at half speed
     * when it came right after another port over the same sockets had
     * been closed, which would charge one implementation for the one
     * before it. */
    for (k = 0; k < dll_count && strstr(only, "ctl"); k++) {
      idle = bench_idle_sockets(ctl_count);
      bench_ctl(&impls[(k + r) % dll_count], idle, ctl_count);
      bench_close_sockets(idle, ctl_count);
    }
    for (i = 0; i < n_count && strstr(only, "rr"); i++) {
      int count = strstr(only, "nobase") ? dll_count : impl_count;
      for (k = 0; k < count; k++) {
        idle = bench_idle_sockets(ns[i]);
        bench_rr(&impls[(k + r) % count], idle, ns[i], sample_s);
        bench_close_sockets(idle, ns[i]);
      }
    }
    printf("wbench: round %d/%d done in %.1f s\n", r + 1, rounds,
           bench_now_s() - t0);
    fflush(stdout);
  }
  /* Ping-pong last: its connections are made once and shared by every
   * round, which keeps the setup of 1,024 pairs out of the loop above. */
  for (p = 0; p < pair_count && strstr(only, "tcp"); p++) {
    ta = malloc(sizeof(SOCKET) * (size_t) pairs[p]);
    tb = malloc(sizeof(SOCKET) * (size_t) pairs[p]);
    BENCH_CHECK(ta != NULL && tb != NULL);
    bench_tcp_pairs(pairs[p], ta, tb);
    for (r = 0; r < rounds; r++)
      for (k = 0; k < dll_count; k++)
        bench_pingpong(&impls[(k + r) % dll_count], ta, tb, pairs[p],
                       sample_s);
    bench_close_sockets(ta, pairs[p]);
    bench_close_sockets(tb, pairs[p]);
  }

  if (csv_path) {
    csv = fopen(csv_path, "w");
    if (csv == NULL) {
      fprintf(stderr, "wbench: cannot write %s\n", csv_path);
      return 1;
    }
    fprintf(csv, "test,impl,n,unit,median,min,max,rounds\n");
  }
  bench_report(csv);
  if (csv)
    fclose(csv);
  bench_report_rounds();
  return 0;
}
