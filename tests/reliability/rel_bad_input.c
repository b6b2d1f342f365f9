/* Bad-input barrage: every export with every argument
 * class -- NULL, INVALID_HANDLE_VALUE, random values, closed handles,
 * handles of other kinds (event, file, pipe, thread, process, an IOCP that
 * is not a port, a port already closed, a socket); ops 0, -1, 4, INT_MAX;
 * masks with unknown bits; maxevents 0, -1, INT_MAX; NULL events (with
 * timeouts -2 and INT_MIN, which alone are no error: they wait for ever,
 * as on Linux) -- must fail with -1 (NULL) and the documented errno and
 * GetLastError, in the documented order of checks, and leave the port and
 * the foreign handles fully usable.  A value that is no open handle gives
 * EBADF, an open handle of the wrong kind EINVAL (port) or ENOTSOCK
 * (socket); masks with undefined bits are accepted.  Prints how many bad
 * calls it made.
 *
 *   rel_bad_input.exe [--seed N]   (seed for the random handle values) */
#include "rel.h"

#include <limits.h>

static unsigned long tried;
static char context[160];

/* Calls `call` (which must fail) with errno and the last error preset to
 * sentinels, then checks the result and both error values. */
#define BAD_(call, is_handle, want_errno, want_le)                           \
  do {                                                                       \
    intptr_t r_;                                                             \
    int e_;                                                                  \
    DWORD le_;                                                               \
    errno = 12345;                                                           \
    SetLastError(0xabcdefu);                                                 \
    r_ = (intptr_t) (call);                                                  \
    e_ = errno;                                                              \
    le_ = GetLastError();                                                    \
    tried++;                                                                 \
    if ((is_handle) ? r_ != 0 : r_ != -1)                                    \
      test_fail_at(__FILE__, __LINE__, "[%s] %s returned %lld, want %s",     \
                   context, #call, (long long) r_,                           \
                   (is_handle) ? "NULL" : "-1");                             \
    if (e_ != (want_errno) || le_ != (DWORD) (want_le))                      \
      test_fail_at(__FILE__, __LINE__,                                       \
                   "[%s] %s: errno %d / GetLastError %lu, want %s (%d) / "   \
                   "%s (%lu)",                                               \
                   context, #call, e_, (unsigned long) le_, #want_errno,     \
                   (int) (want_errno), #want_le, (unsigned long) (want_le)); \
  } while (0)
#define BAD(call, err) BAD_(call, 0, err)
#define BAD_NULL(call, err) BAD_(call, 1, err)

#define CTX(...) snprintf(context, sizeof context, __VA_ARGS__)

/* ---- the argument classes ---- */

enum { MAX_ITEMS = 48 };

/* Whether a value is an open handle: known for most values; for closed
 * values (whose slot a later handle may take) and random ones the
 * system's handle table answers when the call is made. */
typedef enum handle_kind { NOT_OPEN, OPEN, ASK } handle_kind;

static int handle_open_now(HANDLE h) {
  DWORD flags;
  /* INVALID_HANDLE_VALUE is the current-process pseudo handle to the
   * system, and "no handle" to every caller (wepoll.h). */
  return h != INVALID_HANDLE_VALUE && GetHandleInformation(h, &flags);
}

static int is_open(HANDLE h, handle_kind kind) {
  return kind == ASK ? handle_open_now(h) : kind == OPEN;
}

/* The error for a port value that is no port, or a socket value that is no
 * socket, by whether it is an open handle. */
#define E_NOT_PORT(open)   \
  (open) ? EINVAL : EBADF, \
      (open) ? ERROR_INVALID_PARAMETER : ERROR_INVALID_HANDLE
#define E_NOT_SOCK(open) \
  (open) ? ENOTSOCK : EBADF, (open) ? WSAENOTSOCK : ERROR_INVALID_HANDLE

typedef struct named_handle {
  HANDLE h;
  const char* name;
  handle_kind kind;
} named_handle;

static named_handle bad_handles[MAX_ITEMS];
static int n_bad_handles;
static HANDLE live_ports[2]; /* never used as bad handles */

static void add_bad_handle(HANDLE h, const char* name, handle_kind kind) {
  CHECK(n_bad_handles < MAX_ITEMS);
  if (h == live_ports[0] || h == live_ports[1])
    return; /* e.g. "port value + 4" may be the other port */
  bad_handles[n_bad_handles].h = h;
  bad_handles[n_bad_handles].name = name;
  bad_handles[n_bad_handles].kind = kind;
  n_bad_handles++;
}

static int bad_handle_open(int i) {
  return is_open(bad_handles[i].h, bad_handles[i].kind);
}

typedef struct named_sock {
  SOCKET s;
  const char* name;
  handle_kind kind;
} named_sock;

static named_sock non_socks[MAX_ITEMS];
static int n_non_socks;

static void add_non_sock(SOCKET s, const char* name, handle_kind kind) {
  CHECK(n_non_socks < MAX_ITEMS);
  non_socks[n_non_socks].s = s;
  non_socks[n_non_socks].name = name;
  non_socks[n_non_socks].kind = kind;
  n_non_socks++;
}

static int non_sock_open(int j) {
  return is_open((HANDLE) non_socks[j].s, non_socks[j].kind);
}

static int is_socket(SOCKET s) {
  int type, len = sizeof type;
  return getsockopt(s, SOL_SOCKET, SO_TYPE, (char*) &type, &len) == 0;
}

static const int bad_ops[] = {0, -1, 4, INT_MAX, INT_MIN, 0x10001, 5, -3};
enum { N_BAD_OPS = sizeof bad_ops / sizeof bad_ops[0] };
static const int good_ops[] = {EPOLL_CTL_ADD, EPOLL_CTL_MOD, EPOLL_CTL_DEL};

static uint32_t bad_masks[40];
static int n_bad_masks;

static const uint32_t good_masks[] = {
    0u,
    EPOLLIN,
    EPOLLIN | EPOLLOUT | EPOLLPRI | EPOLLRDHUP | EPOLLERR | EPOLLHUP,
    EPOLLIN | EPOLLONESHOT,
    EPOLLOUT | (1u << 31), /* wepoll 1.5.8's one-shot bit */
    EPOLLRDNORM | EPOLLRDBAND | EPOLLWRNORM | EPOLLWRBAND | EPOLLMSG,
};
enum { N_GOOD_MASKS = sizeof good_masks / sizeof good_masks[0] };

static DWORD WINAPI quick_thread(LPVOID arg) {
  (void) arg;
  return 0;
}

static SOCKET tcp_socket(void) {
  SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
  CHECK(s != INVALID_SOCKET);
  return s;
}

/* Proves a port works: a fresh pair, ADD, data, the event with its data,
 * then DEL and nothing more. */
static void check_port_usable(HANDLE ep, uint64_t tag) {
  SOCKET a, b;
  struct epoll_event ev, out;
  tcp_pair(AF_INET, &a, &b);
  memset(&ev, 0, sizeof ev);
  ev.events = EPOLLIN;
  ev.data.u64 = tag;
  CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, b, &ev) == 0);
  ep_expect_none(ep, 0);
  send_all(a, "x", 1);
  ep_wait_one(ep, &out, 5000);
  CHECK(out.data.u64 == tag);
  CHECK(out.events == EPOLLIN);
  CHECK(epoll_ctl(ep, EPOLL_CTL_DEL, b, NULL) == 0);
  ep_expect_none(ep, 0);
  closesocket(a);
  closesocket(b);
}

int main(int argc, char** argv) {
  uint64_t seed = arg_u64(argc, argv, "--seed", 4242);
  rel_rng rng = {seed};
  HANDLE ep, ep_other, closed_port, closed_event, event, file, pipe_r, pipe_w;
  HANDLE thread, iocp, process, mutex;
  SOCKET reg, reg_peer, unreg, other_reg, closed_sock;
  struct epoll_event good_ev, bad_ev, out, evs[4];
  char path[MAX_PATH], dir[MAX_PATH];
  int i, j, k, o;
  DWORD written;
  static const int bad_maxevents[] = {0, -1, INT_MIN, INT_MAX, -1000};

  test_init();
  printf("rel_bad_input: seed %llu\n", (unsigned long long) seed);

  ep = epoll_create1(0);
  CHECK(ep != NULL);
  ep_other = epoll_create(1);
  CHECK(ep_other != NULL);
  live_ports[0] = ep;
  live_ports[1] = ep_other;

  /* One registered socket whose registration must survive everything. */
  tcp_pair(AF_INET, &reg_peer, &reg);
  ep_add(ep, reg, EPOLLIN, 42);
  unreg = tcp_socket();
  other_reg = tcp_socket();
  ep_add(ep_other, other_reg, EPOLLIN, 7);

  /* Handles that are not open ports. */
  event = CreateEventA(NULL, TRUE, FALSE, NULL);
  CHECK(event != NULL);
  mutex = CreateMutexA(NULL, FALSE, NULL);
  CHECK(mutex != NULL);
  CHECK(GetTempPathA(sizeof dir, dir) > 0);
  CHECK(GetTempFileNameA(dir, "wep", 0, path) != 0);
  file = CreateFileA(path, GENERIC_READ | GENERIC_WRITE, 0, NULL,
                     CREATE_ALWAYS, FILE_FLAG_DELETE_ON_CLOSE, NULL);
  CHECK(file != INVALID_HANDLE_VALUE);
  CHECK(CreatePipe(&pipe_r, &pipe_w, NULL, 0));
  thread = CreateThread(NULL, 0, quick_thread, NULL, 0, NULL);
  CHECK(thread != NULL);
  CHECK(WaitForSingleObject(thread, 10000) == WAIT_OBJECT_0);
  iocp = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
  CHECK(iocp != NULL);
  process =
      OpenProcess(PROCESS_QUERY_INFORMATION, FALSE, GetCurrentProcessId());
  CHECK(process != NULL);

  /* Values closed after every other handle was made, checked as no open
   * handle then; a handle opened later may take their slot, so later calls
   * ask. */
  closed_sock = tcp_socket();
  closed_port = epoll_create1(0);
  CHECK(closed_port != NULL);
  closed_event = CreateEventA(NULL, TRUE, FALSE, NULL);
  CHECK(closed_event != NULL);
  CHECK(closesocket(closed_sock) == 0);
  CHECK(epoll_close(closed_port) == 0);
  CHECK(CloseHandle(closed_event));
  CHECK(!handle_open_now(closed_port));
  CHECK(!handle_open_now(closed_event));
  CHECK(!handle_open_now((HANDLE) closed_sock));
  add_bad_handle(NULL, "NULL", NOT_OPEN);
  add_bad_handle(INVALID_HANDLE_VALUE, "INVALID_HANDLE_VALUE", NOT_OPEN);
  add_bad_handle((HANDLE) (intptr_t) -2, "current-thread pseudo handle", ASK);
  add_bad_handle(closed_port, "closed port", ASK);
  add_bad_handle(closed_event, "closed event", ASK);
  add_bad_handle(event, "event", OPEN);
  add_bad_handle(mutex, "mutex", OPEN);
  add_bad_handle(file, "file", OPEN);
  add_bad_handle(pipe_r, "pipe (read end)", OPEN);
  add_bad_handle(pipe_w, "pipe (write end)", OPEN);
  add_bad_handle(thread, "thread", OPEN);
  add_bad_handle(process, "process", OPEN);
  add_bad_handle(iocp, "IOCP that is not a port", OPEN);
  add_bad_handle((HANDLE) reg, "socket", OPEN);
  add_bad_handle((HANDLE) ((uintptr_t) ep + 1), "port value + 1", ASK);
  add_bad_handle((HANDLE) ((uintptr_t) ep + 4), "port value + 4", ASK);
  while (n_bad_handles < 32) {
    uint64_t r = rng_u64(&rng);
    /* Half small multiples of 4 (where real handles live), half anything. */
    HANDLE h = (n_bad_handles % 2) ? (HANDLE) (uintptr_t) ((r % 0x4000) * 4)
                                   : (HANDLE) (uintptr_t) r;
    add_bad_handle(h, "random value", ASK);
  }

  add_non_sock(INVALID_SOCKET, "INVALID_SOCKET", NOT_OPEN);
  add_non_sock((SOCKET) 0, "0", NOT_OPEN);
  add_non_sock(closed_sock, "closed socket", ASK);
  add_non_sock((SOCKET) event, "event handle", OPEN);
  add_non_sock((SOCKET) file, "file handle", OPEN);
  add_non_sock((SOCKET) pipe_r, "pipe handle", OPEN);
  add_non_sock((SOCKET) iocp, "IOCP handle", OPEN);
  add_non_sock((SOCKET) ep, "the port's own handle", OPEN);
  add_non_sock((SOCKET) thread, "thread handle", OPEN);
  while (n_non_socks < 24) {
    uint64_t r = rng_u64(&rng);
    SOCKET s = (n_non_socks % 2) ? (SOCKET) ((r % 0x4000) * 4) : (SOCKET) r;
    add_non_sock(s, "random value", ASK);
  }

  /* Undefined mask bits, alone and mixed with defined ones. */
  for (i = 0; i < 32; i++) {
    uint32_t bit = 1u << i;
    if (bit & (EPOLLIN | EPOLLPRI | EPOLLOUT | EPOLLERR | EPOLLHUP |
               EPOLLRDNORM | EPOLLRDBAND | EPOLLWRNORM | EPOLLWRBAND |
               EPOLLMSG | EPOLLRDHUP | EPOLLONESHOT | (1u << 31)))
      continue;
    bad_masks[n_bad_masks] = (n_bad_masks % 2) ? bit : (bit | EPOLLIN);
    n_bad_masks++;
  }
  bad_masks[n_bad_masks++] = 0xffffffffu;
  bad_masks[n_bad_masks++] = (1u << 28) | EPOLLIN; /* Linux EPOLLEXCLUSIVE */
  bad_masks[n_bad_masks++] = (1u << 29) | EPOLLIN; /* Linux EPOLLWAKEUP */

  memset(&good_ev, 0, sizeof good_ev);
  good_ev.events = EPOLLIN;
  good_ev.data.u64 = 99;
  memset(&bad_ev, 0, sizeof bad_ev);
  bad_ev.events = 0xffffffffu;

  /* ---- epoll_create / epoll_create1 ---- */
  {
    static const int bad_sizes[] = {0, -1, INT_MIN, -4096};
    /* Bit 0 is WEPOLL_CLOSE_TRACKING and 0x80000 EPOLL_CLOEXEC; any other
     * bit is unknown. */
    static const int bad_flags[] = {3, -1, INT_MIN, INT_MAX, 0x80000 | 2, 2};
    for (i = 0; i < (int) (sizeof bad_sizes / sizeof bad_sizes[0]); i++) {
      CTX("epoll_create(%d)", bad_sizes[i]);
      BAD_NULL(epoll_create(bad_sizes[i]), E_INVAL);
    }
    for (i = 0; i < 16; i++) {
      int size = -(int) (rng_below(&rng, 0x7fffffff)) - 1;
      CTX("epoll_create(%d)", size);
      BAD_NULL(epoll_create(size), E_INVAL);
    }
    for (i = 0; i < (int) (sizeof bad_flags / sizeof bad_flags[0]); i++) {
      CTX("epoll_create1(%d)", bad_flags[i]);
      BAD_NULL(epoll_create1(bad_flags[i]), E_INVAL);
    }
    for (i = 0; i < 16; i++) {
      int flags = (int) (rng_u64(&rng) | 2u);
      CTX("epoll_create1(%d)", flags);
      BAD_NULL(epoll_create1(flags), E_INVAL);
    }
  }

  /* ---- epoll_close ---- */
  for (i = 0; i < n_bad_handles; i++) {
    CTX("epoll_close(%s %p)", bad_handles[i].name, bad_handles[i].h);
    BAD(epoll_close(bad_handles[i].h), E_NOT_PORT(bad_handle_open(i)));
  }

  /* ---- epoll_ctl: a value that is no open handle (EBADF) wins over
   * every other bad argument, then a handle that is no port (EINVAL) ---- */
  for (i = 0; i < n_bad_handles; i++) {
    SOCKET socks[3];
    struct epoll_event* events[3];
    socks[0] = reg;
    socks[1] = INVALID_SOCKET;
    socks[2] = unreg;
    events[0] = &good_ev;
    events[1] = NULL;
    events[2] = &bad_ev;
    for (o = 0; o < 3 + N_BAD_OPS; o++) {
      int op = o < 3 ? good_ops[o] : bad_ops[o - 3];
      for (j = 0; j < 3; j++) {
        for (k = 0; k < 3; k++) {
          CTX("epoll_ctl(%s %p, op %d, sock #%d, event #%d)",
              bad_handles[i].name, bad_handles[i].h, op, j, k);
          BAD(epoll_ctl(bad_handles[i].h, op, socks[j], events[k]),
              E_NOT_PORT(bad_handle_open(i) && j != 1));
        }
      }
    }
  }

  /* ---- good handle: a bad op wins over event and socket, unless the
   * socket value is no open handle (EBADF) ---- */
  for (o = 0; o < N_BAD_OPS; o++) {
    SOCKET socks[4];
    int open[4];
    socks[0] = reg;
    socks[1] = unreg;
    socks[2] = INVALID_SOCKET;
    socks[3] = non_socks[n_non_socks - 1].s;
    for (j = 0; j < 4; j++) {
      open[j] = j < 2 || (j == 3 && non_sock_open(n_non_socks - 1));
      CTX("epoll_ctl(port, op %d, sock #%d, NULL)", bad_ops[o], j);
      BAD(epoll_ctl(ep, bad_ops[o], socks[j], NULL), E_NOT_PORT(open[j]));
      CTX("epoll_ctl(port, op %d, sock #%d, good event)", bad_ops[o], j);
      BAD(epoll_ctl(ep, bad_ops[o], socks[j], &good_ev), E_NOT_PORT(open[j]));
      CTX("epoll_ctl(port, op %d, sock #%d, odd mask)", bad_ops[o], j);
      BAD(epoll_ctl(ep, bad_ops[o], socks[j], &bad_ev), E_NOT_PORT(open[j]));
    }
  }

  /* ---- ADD / MOD with a NULL event: EFAULT before any socket check but
   * EBADF ---- */
  for (o = 0; o < 2; o++) {
    CTX("epoll_ctl(port, %d, registered, NULL)", good_ops[o]);
    BAD(epoll_ctl(ep, good_ops[o], reg, NULL), E_FAULT);
    CTX("epoll_ctl(port, %d, unregistered, NULL)", good_ops[o]);
    BAD(epoll_ctl(ep, good_ops[o], unreg, NULL), E_FAULT);
    for (j = 0; j < n_non_socks; j++) {
      CTX("epoll_ctl(port, %d, %s %llx, NULL)", good_ops[o], non_socks[j].name,
          (unsigned long long) non_socks[j].s);
      if (non_sock_open(j))
        BAD(epoll_ctl(ep, good_ops[o], non_socks[j].s, NULL), E_FAULT);
      else
        BAD(epoll_ctl(ep, good_ops[o], non_socks[j].s, NULL), E_BADF);
    }
  }

  /* ---- ADD / MOD with undefined mask bits: accepted and ignored, as on
   * Linux; with a value that is no socket the socket's error stands ---- */
  {
    SOCKET t = tcp_socket();
    for (i = 0; i < n_bad_masks; i++) {
      struct epoll_event ev;
      memset(&ev, 0, sizeof ev);
      ev.events = bad_masks[i];
      CTX("ADD / MOD / DEL with mask 0x%x", bad_masks[i]);
      CHECKF(epoll_ctl(ep, EPOLL_CTL_ADD, t, &ev) == 0, "ADD mask 0x%x",
             bad_masks[i]);
      CHECKF(epoll_ctl(ep, EPOLL_CTL_MOD, t, &ev) == 0, "MOD mask 0x%x",
             bad_masks[i]);
      ep_del(ep, t);
      for (j = 0; j < n_non_socks; j += 3) {
        if (is_socket(non_socks[j].s))
          continue;
        CTX("epoll_ctl(port, ADD, %s, mask 0x%x)", non_socks[j].name,
            bad_masks[i]);
        BAD(epoll_ctl(ep, EPOLL_CTL_ADD, non_socks[j].s, &ev),
            E_NOT_SOCK(non_sock_open(j)));
      }
    }
    closesocket(t);
  }

  /* ---- not a socket: ENOTSOCK for ADD, and MOD / DEL of such a value;
   * EBADF for a value that is no open handle ---- */
  for (j = 0; j < n_non_socks; j++) {
    if (is_socket(non_socks[j].s))
      continue; /* a random value that happens to be a socket here */
    for (o = 0; o < 3; o++) {
      for (k = 0; k < N_GOOD_MASKS; k++) {
        struct epoll_event ev;
        memset(&ev, 0, sizeof ev);
        ev.events = good_masks[k];
        CTX("epoll_ctl(port, %d, %s %llx, mask 0x%x)", good_ops[o],
            non_socks[j].name, (unsigned long long) non_socks[j].s,
            good_masks[k]);
        BAD(epoll_ctl(ep, good_ops[o], non_socks[j].s, &ev),
            E_NOT_SOCK(non_sock_open(j)));
      }
      if (good_ops[o] == EPOLL_CTL_DEL) {
        CTX("epoll_ctl(port, DEL, %s, NULL)", non_socks[j].name);
        BAD(epoll_ctl(ep, EPOLL_CTL_DEL, non_socks[j].s, NULL),
            E_NOT_SOCK(non_sock_open(j)));
      }
    }
  }

  /* ---- EEXIST / ENOENT ---- */
  for (k = 0; k < N_GOOD_MASKS; k++) {
    struct epoll_event ev;
    memset(&ev, 0, sizeof ev);
    ev.events = good_masks[k];
    CTX("ADD registered, mask 0x%x", good_masks[k]);
    BAD(epoll_ctl(ep, EPOLL_CTL_ADD, reg, &ev), E_EXIST);
    CTX("MOD unregistered, mask 0x%x", good_masks[k]);
    BAD(epoll_ctl(ep, EPOLL_CTL_MOD, unreg, &ev), E_NOENT);
    CTX("MOD of a socket registered with another port, mask 0x%x",
        good_masks[k]);
    BAD(epoll_ctl(ep, EPOLL_CTL_MOD, other_reg, &ev), E_NOENT);
  }
  CTX("DEL unregistered");
  BAD(epoll_ctl(ep, EPOLL_CTL_DEL, unreg, NULL), E_NOENT);
  BAD(epoll_ctl(ep, EPOLL_CTL_DEL, unreg, &good_ev), E_NOENT);
  CTX("DEL of a socket registered with another port");
  BAD(epoll_ctl(ep, EPOLL_CTL_DEL, other_reg, NULL), E_NOENT);
  /* DEL twice: the second finds nothing. */
  {
    SOCKET t = tcp_socket();
    ep_add(ep, t, EPOLLOUT, 5);
    ep_del(ep, t);
    CTX("second DEL");
    BAD(epoll_ctl(ep, EPOLL_CTL_DEL, t, NULL), E_NOENT);
    BAD(epoll_ctl(ep, EPOLL_CTL_MOD, t, &good_ev), E_NOENT);
    closesocket(t);
  }
  /* A socket closed without DEL: once a wait has seen the close, MOD and
   * DEL of its value fail with EBADF, as on Linux for a closed fd. */
  {
    SOCKET t = tcp_socket();
    ep_add(ep, t, EPOLLOUT, 6);
    CHECK(closesocket(t) == 0);
    (void) ep_wait(ep, evs, 4, 50);
    if (!handle_open_now((HANDLE) t)) {
      CTX("MOD / DEL of a socket closed without DEL");
      BAD(epoll_ctl(ep, EPOLL_CTL_MOD, t, &good_ev), E_BADF);
      BAD(epoll_ctl(ep, EPOLL_CTL_DEL, t, NULL), E_BADF);
    }
  }

  /* ---- epoll_wait: maxevents first, then the handle (EBADF or EINVAL)
   * before every other bad argument ---- */
  for (i = 0; i < n_bad_handles; i++) {
    static const int maxes[] = {1, 0, -1, INT_MAX, INT_MIN};
    static const int timeouts[] = {0, -2, INT_MIN};
    for (j = 0; j < 5; j++) {
      for (k = 0; k < 3; k++) {
        CTX("epoll_wait(%s %p, evs, %d, %d)", bad_handles[i].name,
            bad_handles[i].h, maxes[j], timeouts[k]);
        if (maxes[j] != 1)
          BAD(epoll_wait(bad_handles[i].h, evs, maxes[j], timeouts[k]),
              E_INVAL);
        else
          BAD(epoll_wait(bad_handles[i].h, evs, maxes[j], timeouts[k]),
              E_NOT_PORT(bad_handle_open(i)));
        CTX("epoll_wait(%s %p, NULL, %d, %d)", bad_handles[i].name,
            bad_handles[i].h, maxes[j], timeouts[k]);
        if (maxes[j] != 1)
          BAD(epoll_wait(bad_handles[i].h, NULL, maxes[j], timeouts[k]),
              E_INVAL);
        else
          BAD(epoll_wait(bad_handles[i].h, NULL, maxes[j], timeouts[k]),
              E_NOT_PORT(bad_handle_open(i)));
      }
    }
  }

  /* ---- good handle: maxevents, then events ---- */
  for (j = 0; j < (int) (sizeof bad_maxevents / sizeof bad_maxevents[0]);
       j++) {
    static const int timeouts[] = {0, -1, -2, INT_MIN};
    for (k = 0; k < 4; k++) {
      CTX("epoll_wait(port, evs, %d, %d)", bad_maxevents[j], timeouts[k]);
      BAD(epoll_wait(ep, evs, bad_maxevents[j], timeouts[k]), E_INVAL);
      CTX("epoll_wait(port, NULL, %d, %d)", bad_maxevents[j], timeouts[k]);
      BAD(epoll_wait(ep, NULL, bad_maxevents[j], timeouts[k]), E_INVAL);
    }
  }
  {
    static const int maxes[] = {1, 4, 64, 1000};
    static const int timeouts[] = {0, -1, 1000, -2, INT_MIN};
    for (j = 0; j < 4; j++) {
      for (k = 0; k < 5; k++) {
        CTX("epoll_wait(port, NULL, %d, %d)", maxes[j], timeouts[k]);
        BAD(epoll_wait(ep, NULL, maxes[j], timeouts[k]), E_FAULT);
      }
    }
  }

  /* ---- everything still works ---- */
  /* The foreign handles were not closed or harmed by epoll_close(). */
  CHECK(SetEvent(event));
  CHECK(WaitForSingleObject(event, 0) == WAIT_OBJECT_0);
  CHECK(WaitForSingleObject(mutex, 0) == WAIT_OBJECT_0);
  CHECK(ReleaseMutex(mutex));
  CHECK(WriteFile(file, "abc", 3, &written, NULL) && written == 3);
  CHECK(WriteFile(pipe_w, "abc", 3, &written, NULL) && written == 3);
  CHECK(PostQueuedCompletionStatus(iocp, 7, 8, NULL));
  {
    DWORD bytes = 0;
    ULONG_PTR key = 0;
    OVERLAPPED* ov = NULL;
    CHECK(GetQueuedCompletionStatus(iocp, &bytes, &key, &ov, 1000));
    CHECK(bytes == 7 && key == 8);
  }
  CHECK(is_socket(reg) && is_socket(unreg));

  /* The port: no spurious event, the old registration unchanged (still
   * EPOLLIN with data 42), new registrations work, the other port too. */
  ep_expect_none(ep, 0);
  send_all(reg_peer, "y", 1);
  ep_wait_one(ep, &out, 5000);
  CHECKF(out.data.u64 == 42 && out.events == EPOLLIN,
         "registration changed: events 0x%x data %llu", out.events,
         (unsigned long long) out.data.u64);
  CHECK(drain(reg) == 1);
  ep_expect_none(ep, 0);
  check_port_usable(ep, 1001);
  ep_mod(ep, reg, EPOLLOUT, 43);
  ep_wait_one(ep, &out, 5000);
  CHECK(out.data.u64 == 43 && out.events == EPOLLOUT);
  ep_del(ep, reg);
  check_port_usable(ep_other, 1002);
  {
    HANDLE fresh = epoll_create1(0);
    CHECK(fresh != NULL);
    check_port_usable(fresh, 1003);
    CHECK(epoll_close(fresh) == 0);
    CTX("epoll_close twice");
    BAD(epoll_close(fresh), E_BADF);
  }
  CHECK(epoll_close(ep) == 0);
  CHECK(epoll_close(ep_other) == 0);
  CTX("after close");
  BAD(epoll_close(ep), E_BADF);
  BAD(epoll_ctl(ep, EPOLL_CTL_ADD, unreg, &good_ev), E_BADF);
  BAD(epoll_wait(ep, evs, 4, 0), E_BADF);

  closesocket(reg);
  closesocket(reg_peer);
  closesocket(unreg);
  closesocket(other_reg);
  CloseHandle(event);
  CloseHandle(mutex);
  CloseHandle(file);
  CloseHandle(pipe_r);
  CloseHandle(pipe_w);
  CloseHandle(thread);
  CloseHandle(iocp);
  CloseHandle(process);
  printf(
      "rel_bad_input: bad inputs tried: %lu (all failed as documented; "
      "ports usable afterwards)\n",
      tried);
  return 0;
}
