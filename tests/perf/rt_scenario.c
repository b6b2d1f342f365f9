/*
 * Scenarios for the round-trip counter (ci/roundtrips.py).
 *
 *   rt_scenario.exe steady | ctl | idle N | cycle
 *
 * The program drives wepoll through a scenario and brackets each call to be
 * measured with two markers that show in a WINEDEBUG=+server trace: the
 * creation of a named event
 *
 *   wepoll-rt:begin:<label>        before the measured calls
 *   wepoll-rt:end:<events>         after them; <events> = events delivered
 *
 * Both handles are closed only after the end marker, so the window between
 * them holds exactly the server requests of the measured calls (and of
 * nothing else on this thread).  The counter sums windows by label.
 *
 * Labels:
 *   gqcs-ready     GetQueuedCompletionStatusEx taking one packet already
 *                  queued on a private completion port (calibration)
 *   gqcs-blocking  the same call blocking until another thread posts one
 *   raw-ready      one AFD poll submitted by hand (no wepoll) on a socket
 *                  with a datagram waiting, plus the GetQueuedCompletionStatusEx
 *                  call that dequeues it: the naive cost of one event
 *   raw-blocking   the same with nothing waiting: the call blocks until
 *                  another thread sends (one submission + one dequeue)
 *   wsapoll-rr     the same request/response wait done with WSAPoll on
 *                  the one socket (the peer every Windows program has)
 *   select-rr      likewise with select
 *   validate       getsockopt(SO_TYPE) + WSAIoctl(SIO_BASE_HANDLE): what
 *                  validating a socket costs (the ADD budget)
 *   add            one EPOLL_CTL_ADD
 *   mod-only       one EPOLL_CTL_MOD to a covered mask, no wait
 *   mod-covered    MOD to a mask the outstanding poll covers + epoll_wait(0)
 *   mod-same       MOD to the mask just set + epoll_wait(0)
 *   mod-grow       MOD to a wider mask + epoll_wait(0): must submit (shows
 *                  that the counter sees polls at all)
 *   rr             epoll_wait(-1) after a datagram arrived (request/response)
 *   rr-blocking    epoll_wait(-1) blocking until another thread sends one
 *   wait-empty     epoll_wait(0) with nothing ready
 *   add-mod-del    ADD, MOD and DEL of a fresh socket, no wait between
 *   add-wait0-del  ADD of a fresh socket, epoll_wait(0) (which submits its
 *                  poll and reads the previous cycle's cancelled one), DEL
 *                  (which cancels the poll)
 *
 * Exit code 0 on success, 1 when a call fails (then the trace is useless).
 */
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <winsock2.h>
#include <windows.h>
#include <winternl.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wepoll.h"

#ifndef SIO_BASE_HANDLE
#define SIO_BASE_HANDLE 0x48000022
#endif

#define RT_CHECK(expr)                                                     \
  do {                                                                     \
    if (!(expr)) {                                                         \
      fprintf(stderr, "rt_scenario: %s:%d: %s failed (error %lu, wsa %d)\n", \
              __FILE__, __LINE__, #expr, (unsigned long) GetLastError(),   \
              WSAGetLastError());                                          \
      exit(1);                                                             \
    }                                                                      \
  } while (0)

enum {
  RT_CYCLES = 16,
  RT_BLOCKING_CYCLES = 6,
  RT_CTL_SOCKETS = 8,
  RT_REG_WARMUP = 4,
  RT_REG_CYCLES = 32
};

static HANDLE rt_begin_handle;

static HANDLE rt_marker(const char* text) {
  WCHAR name[128];
  HANDLE event;
  MultiByteToWideChar(CP_ACP, 0, text, -1, name, 128);
  event = CreateEventW(NULL, FALSE, FALSE, name);
  RT_CHECK(event != NULL);
  return event;
}

static void rt_begin(const char* label) {
  char text[96];
  snprintf(text, sizeof text, "wepoll-rt:begin:%s", label);
  rt_begin_handle = rt_marker(text);
}

static void rt_end(int events) {
  char text[64];
  HANDLE end;
  snprintf(text, sizeof text, "wepoll-rt:end:%d", events);
  end = rt_marker(text);
  CloseHandle(rt_begin_handle);
  CloseHandle(end);
}

/* ------------------------------------------------------------------ */

static struct sockaddr_in rt_loopback(void) {
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

/* `server` bound to loopback, `client` connected to it. */
static void rt_udp_pair(SOCKET* server, SOCKET* client) {
  struct sockaddr_in a = rt_loopback();
  int len = sizeof a;
  *server = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
  *client = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
  RT_CHECK(*server != INVALID_SOCKET && *client != INVALID_SOCKET);
  RT_CHECK(bind(*server, (struct sockaddr*) &a, sizeof a) == 0);
  RT_CHECK(getsockname(*server, (struct sockaddr*) &a, &len) == 0);
  RT_CHECK(connect(*client, (struct sockaddr*) &a, sizeof a) == 0);
}

static SOCKET rt_udp_socket(void) {
  SOCKET s = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
  RT_CHECK(s != INVALID_SOCKET);
  return s;
}

static void rt_add(HANDLE ep, SOCKET s, uint32_t events) {
  struct epoll_event ev;
  ev.events = events;
  ev.data.u64 = (uint64_t) s;
  RT_CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev) == 0);
}

static void rt_mod(HANDLE ep, SOCKET s, uint32_t events) {
  struct epoll_event ev;
  ev.events = events;
  ev.data.u64 = (uint64_t) s;
  RT_CHECK(epoll_ctl(ep, EPOLL_CTL_MOD, s, &ev) == 0);
}

static void rt_recv_one(SOCKET s) {
  char buf[64];
  RT_CHECK(recv(s, buf, sizeof buf, 0) == 1);
}

/* ------------------------------------------------------------------ */
/* Calibration: what one GetQueuedCompletionStatusEx call costs. */

static DWORD WINAPI rt_post_later(LPVOID param) {
  Sleep(30);
  PostQueuedCompletionStatus((HANDLE) param, 1, 7, NULL);
  return 0;
}

static void rt_calibrate_gqcs(void) {
  HANDLE iocp = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
  OVERLAPPED_ENTRY entries[8];
  ULONG count;
  int i;
  RT_CHECK(iocp != NULL);
  for (i = 0; i < 4; i++) {
    RT_CHECK(PostQueuedCompletionStatus(iocp, 1, 7, NULL));
    rt_begin("gqcs-ready");
    RT_CHECK(GetQueuedCompletionStatusEx(iocp, entries, 8, &count, 0, FALSE));
    rt_end((int) count);
  }
  for (i = 0; i < 3; i++) {
    HANDLE thread = CreateThread(NULL, 0, rt_post_later, iocp, 0, NULL);
    RT_CHECK(thread != NULL);
    rt_begin("gqcs-blocking");
    RT_CHECK(GetQueuedCompletionStatusEx(iocp, entries, 8, &count, INFINITE,
                                         FALSE));
    rt_end((int) count);
    WaitForSingleObject(thread, INFINITE);
    CloseHandle(thread);
  }
  CloseHandle(iocp);
}

/* ------------------------------------------------------------------ */
/* Calibration: one AFD poll and one dequeue, by hand.  Facts used: the
 * IOCTL_AFD_POLL code and its buffer layout (lib/afd.h). */

#define RT_IOCTL_AFD_POLL 0x00012024
#define RT_AFD_POLL_RECEIVE 0x0001

typedef struct rt_afd_poll_info {
  LARGE_INTEGER timeout;
  ULONG number_of_handles;
  ULONG exclusive;
  HANDLE handle;
  ULONG events;
  LONG status;
} rt_afd_poll_info;

typedef struct rt_raw {
  HANDLE iocp;
  HANDLE afd;
  IO_STATUS_BLOCK iosb;
  rt_afd_poll_info info;
} rt_raw;

static void rt_raw_open(rt_raw* raw) {
  static const WCHAR device[] = L"\\Device\\Afd\\WepollRtCalibration";
  UNICODE_STRING name;
  OBJECT_ATTRIBUTES attributes;
  IO_STATUS_BLOCK iosb;
  NTSTATUS status;
  name.Buffer = (PWSTR) device;
  name.Length = (USHORT) (sizeof device - sizeof(WCHAR));
  name.MaximumLength = (USHORT) sizeof device;
  memset(&attributes, 0, sizeof attributes);
  attributes.Length = sizeof attributes;
  attributes.ObjectName = &name;
  raw->iocp = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
  RT_CHECK(raw->iocp != NULL);
  status = NtCreateFile(&raw->afd, SYNCHRONIZE, &attributes, &iosb, NULL, 0,
                        FILE_SHARE_READ | FILE_SHARE_WRITE, FILE_OPEN, 0,
                        NULL, 0);
  RT_CHECK(status == 0);
  /* No completion-mode flags: every poll, even one satisfied at once,
   * queues a packet, as the simplest AFD user sees it. */
  RT_CHECK(CreateIoCompletionPort(raw->afd, raw->iocp, 0, 0) != NULL);
}

/* Submits a RECEIVE poll for `s` and dequeues its completion. */
static void rt_raw_poll_and_dequeue(rt_raw* raw, SOCKET s) {
  OVERLAPPED_ENTRY entries[8];
  ULONG count = 0;
  NTSTATUS status;
  raw->info.timeout.QuadPart = INT64_MAX;
  raw->info.number_of_handles = 1;
  raw->info.exclusive = FALSE;
  raw->info.handle = (HANDLE) s;
  raw->info.events = RT_AFD_POLL_RECEIVE;
  raw->info.status = 0;
  status = NtDeviceIoControlFile(raw->afd, NULL, NULL, &raw->iosb, &raw->iosb,
                                 RT_IOCTL_AFD_POLL, &raw->info,
                                 sizeof raw->info, &raw->info,
                                 sizeof raw->info);
  RT_CHECK(status >= 0);
  RT_CHECK(GetQueuedCompletionStatusEx(raw->iocp, entries, 8, &count, 5000,
                                       FALSE));
  RT_CHECK(count == 1 && raw->info.number_of_handles == 1);
}

static void rt_raw_close(rt_raw* raw) {
  CloseHandle(raw->afd);
  CloseHandle(raw->iocp);
}

/* ------------------------------------------------------------------ */
/* Request/response on one active socket. */

typedef struct rt_sender {
  SOCKET client;
  HANDLE go;
  HANDLE thread;
  volatile LONG stop;
} rt_sender;

static DWORD WINAPI rt_sender_main(LPVOID param) {
  rt_sender* sender = param;
  for (;;) {
    WaitForSingleObject(sender->go, INFINITE);
    if (sender->stop)
      return 0;
    Sleep(20); /* long enough for the main thread to block */
    send(sender->client, "x", 1, 0);
  }
}

/* Starts a thread that sends one datagram from `client` each time
 * `sender->go` is set, after the main thread has had time to block. */
static void rt_sender_start(rt_sender* sender, SOCKET client) {
  sender->client = client;
  sender->stop = 0;
  sender->go = CreateEventW(NULL, FALSE, FALSE, NULL);
  RT_CHECK(sender->go != NULL);
  sender->thread = CreateThread(NULL, 0, rt_sender_main, sender, 0, NULL);
  RT_CHECK(sender->thread != NULL);
}

static void rt_sender_stop(rt_sender* sender) {
  InterlockedExchange(&sender->stop, 1);
  SetEvent(sender->go);
  WaitForSingleObject(sender->thread, INFINITE);
  CloseHandle(sender->thread);
  CloseHandle(sender->go);
}

static void rt_calibrate_raw(void) {
  SOCKET server, client;
  rt_sender sender;
  rt_raw raw;
  int i;
  rt_udp_pair(&server, &client);
  rt_raw_open(&raw);
  for (i = 0; i < 2; i++) { /* warm up */
    RT_CHECK(send(client, "x", 1, 0) == 1);
    rt_raw_poll_and_dequeue(&raw, server);
    rt_recv_one(server);
  }
  for (i = 0; i < 4; i++) {
    RT_CHECK(send(client, "x", 1, 0) == 1);
    rt_begin("raw-ready");
    rt_raw_poll_and_dequeue(&raw, server);
    rt_end(1);
    rt_recv_one(server);
  }
  rt_sender_start(&sender, client);
  for (i = 0; i < 4; i++) {
    SetEvent(sender.go);
    rt_begin("raw-blocking");
    rt_raw_poll_and_dequeue(&raw, server);
    rt_end(1);
    rt_recv_one(server);
  }
  rt_sender_stop(&sender);
  rt_raw_close(&raw);

  /* The same cycle with the system's own readiness calls. */
  for (i = 0; i < 6; i++) {
    WSAPOLLFD fd;
    int n;
    fd.fd = server;
    fd.events = POLLRDNORM;
    fd.revents = 0;
    RT_CHECK(send(client, "x", 1, 0) == 1);
    rt_begin("wsapoll-rr");
    n = WSAPoll(&fd, 1, -1);
    rt_end(n);
    RT_CHECK(n == 1);
    rt_recv_one(server);
  }
  for (i = 0; i < 6; i++) {
    fd_set set;
    int n;
    FD_ZERO(&set);
    FD_SET(server, &set);
    RT_CHECK(send(client, "x", 1, 0) == 1);
    rt_begin("select-rr");
    n = select(0, &set, NULL, NULL, NULL);
    rt_end(n);
    RT_CHECK(n == 1);
    rt_recv_one(server);
  }
  closesocket(server);
  closesocket(client);
}

static void rt_request_response(HANDLE ep, SOCKET server, SOCKET client) {
  struct epoll_event events[8];
  rt_sender sender;
  int i, n;

  /* Warm up: the first waits submit the polls and open the AFD device. */
  for (i = 0; i < 3; i++) {
    RT_CHECK(send(client, "x", 1, 0) == 1);
    RT_CHECK(epoll_wait(ep, events, 8, 1000) == 1);
    rt_recv_one(server);
  }

  /* The client's datagram is there before the server waits. */
  for (i = 0; i < RT_CYCLES; i++) {
    RT_CHECK(send(client, "x", 1, 0) == 1);
    rt_begin("rr");
    n = epoll_wait(ep, events, 8, -1);
    rt_end(n);
    RT_CHECK(n == 1 && events[0].data.u64 == (uint64_t) server);
    rt_recv_one(server);
  }

  /* Nothing is ready: the wait blocks until the other thread sends. */
  for (i = 0; i < RT_CYCLES; i++) {
    rt_begin("wait-empty");
    n = epoll_wait(ep, events, 8, 0);
    rt_end(n);
    RT_CHECK(n == 0);
  }

  rt_sender_start(&sender, client);
  for (i = 0; i < RT_BLOCKING_CYCLES; i++) {
    SetEvent(sender.go);
    rt_begin("rr-blocking");
    n = epoll_wait(ep, events, 8, 5000);
    rt_end(n);
    RT_CHECK(n == 1);
    rt_recv_one(server);
  }
  rt_sender_stop(&sender);
}

static void rt_idle(int idle_count) {
  SOCKET server, client;
  SOCKET* idle = calloc((size_t) idle_count, sizeof *idle);
  HANDLE ep = epoll_create1(0);
  int i;
  RT_CHECK(idle != NULL && ep != NULL);
  for (i = 0; i < idle_count; i++) {
    idle[i] = rt_udp_socket();
    rt_add(ep, idle[i], EPOLLIN);
  }
  rt_udp_pair(&server, &client);
  rt_add(ep, server, EPOLLIN);
  rt_request_response(ep, server, client);
  RT_CHECK(epoll_close(ep) == 0);
  for (i = 0; i < idle_count; i++)
    closesocket(idle[i]);
  closesocket(server);
  closesocket(client);
  free(idle);
}

/* ------------------------------------------------------------------ */
/* epoll_ctl costs. */

static void rt_ctl(void) {
  SOCKET socks[RT_CTL_SOCKETS];
  struct epoll_event events[8];
  HANDLE ep = epoll_create1(0);
  int i;
  RT_CHECK(ep != NULL);
  for (i = 0; i < RT_CTL_SOCKETS; i++)
    socks[i] = rt_udp_socket();

  /* What validating a socket costs, on sockets not registered anywhere. */
  for (i = 0; i < RT_CTL_SOCKETS; i++) {
    int type, len = sizeof type;
    SOCKET base = INVALID_SOCKET;
    DWORD bytes;
    rt_begin("validate");
    RT_CHECK(getsockopt(socks[i], SOL_SOCKET, SO_TYPE, (char*) &type,
                        &len) == 0);
    RT_CHECK(WSAIoctl(socks[i], SIO_BASE_HANDLE, NULL, 0, &base, sizeof base,
                      &bytes, NULL, NULL) == 0);
    rt_end(0);
  }

  /* The first ADD opens the AFD device lazily or not: warm it up with a
   * socket of its own so that every measured ADD is a steady one. */
  {
    SOCKET warm = rt_udp_socket();
    rt_add(ep, warm, EPOLLIN);
    RT_CHECK(epoll_wait(ep, events, 8, 0) == 0);
  }

  for (i = 0; i < RT_CTL_SOCKETS; i++) {
    rt_begin("add");
    rt_add(ep, socks[i], EPOLLIN | EPOLLPRI | EPOLLRDHUP);
    rt_end(0);
  }
  /* Submits the polls: from here on each socket has one outstanding. */
  RT_CHECK(epoll_wait(ep, events, 8, 0) == 0);

  for (i = 0; i < RT_CTL_SOCKETS; i++) {
    rt_begin("mod-only");
    rt_mod(ep, socks[i], EPOLLIN | EPOLLPRI);
    rt_end(0);
  }
  RT_CHECK(epoll_wait(ep, events, 8, 0) == 0);

  for (i = 0; i < RT_CTL_SOCKETS; i++) {
    rt_begin("mod-covered");
    rt_mod(ep, socks[i], EPOLLIN);
    RT_CHECK(epoll_wait(ep, events, 8, 0) == 0);
    rt_end(0);
  }
  for (i = 0; i < RT_CTL_SOCKETS; i++) {
    rt_begin("mod-same");
    rt_mod(ep, socks[i], EPOLLIN);
    RT_CHECK(epoll_wait(ep, events, 8, 0) == 0);
    rt_end(0);
  }
  /* EPOLLOUT is not covered (and a UDP socket is writable at once). */
  for (i = 0; i < RT_CTL_SOCKETS; i++) {
    int n;
    rt_begin("mod-grow");
    rt_mod(ep, socks[i], EPOLLIN | EPOLLOUT | EPOLLONESHOT);
    n = epoll_wait(ep, events, 8, 1000);
    rt_end(n);
    RT_CHECK(n == 1);
  }
  RT_CHECK(epoll_close(ep) == 0);
  for (i = 0; i < RT_CTL_SOCKETS; i++)
    closesocket(socks[i]);
}

/* ------------------------------------------------------------------ */
/* Registration cycles: one socket per cycle, every socket made before the
 * windows, so that only the epoll calls are counted. */

/* ADD + MOD + DEL, or with `wait` ADD + epoll_wait(0) + DEL, of `s`. */
static int rt_register_cycle(HANDLE ep, SOCKET s, int wait) {
  struct epoll_event events[8];
  int n = 0;
  rt_add(ep, s, EPOLLIN);
  if (wait)
    n = epoll_wait(ep, events, 8, 0);
  else
    rt_mod(ep, s, EPOLLIN | EPOLLOUT);
  RT_CHECK(epoll_ctl(ep, EPOLL_CTL_DEL, s, NULL) == 0);
  return n;
}

static void rt_register(void) {
  enum { COUNT = 2 * (RT_REG_WARMUP + RT_REG_CYCLES) };
  SOCKET socks[COUNT];
  HANDLE ep = epoll_create1(0);
  int i, next = 0;
  RT_CHECK(ep != NULL);
  for (i = 0; i < COUNT; i++)
    socks[i] = rt_udp_socket();

  /* Warm-up: opens the AFD device and leaves a cancelled poll queued, as
   * every measured wait cycle leaves one for the next. */
  for (i = 0; i < RT_REG_WARMUP; i++) {
    RT_CHECK(rt_register_cycle(ep, socks[next++], 0) == 0);
    RT_CHECK(rt_register_cycle(ep, socks[next++], 1) == 0);
  }
  for (i = 0; i < RT_REG_CYCLES; i++) {
    rt_begin("add-mod-del");
    rt_register_cycle(ep, socks[next++], 0);
    rt_end(0);
  }
  for (i = 0; i < RT_REG_CYCLES; i++) {
    int n;
    rt_begin("add-wait0-del");
    n = rt_register_cycle(ep, socks[next++], 1);
    rt_end(n);
    RT_CHECK(n == 0); /* nothing is sent: EPOLLIN never fires */
  }
  RT_CHECK(epoll_close(ep) == 0);
  for (i = 0; i < COUNT; i++)
    closesocket(socks[i]);
}

/* ------------------------------------------------------------------ */

int main(int argc, char** argv) {
  WSADATA data;
  RT_CHECK(WSAStartup(MAKEWORD(2, 2), &data) == 0);
  if (argc >= 2 && strcmp(argv[1], "steady") == 0) {
    rt_calibrate_gqcs();
    rt_calibrate_raw();
    rt_idle(0);
  } else if (argc >= 2 && strcmp(argv[1], "ctl") == 0) {
    rt_ctl();
  } else if (argc >= 3 && strcmp(argv[1], "idle") == 0) {
    rt_idle(atoi(argv[2]));
  } else if (argc >= 2 && strcmp(argv[1], "cycle") == 0) {
    rt_calibrate_gqcs();
    rt_register();
  } else {
    fprintf(stderr, "usage: rt_scenario steady | ctl | idle N | cycle\n");
    return 2;
  }
  WSACleanup();
  printf("rt_scenario: done\n");
  return 0;
}
