/* The Linux oracle: drives sockets into one situation after another and
 * prints, for each interest mask, the exact event mask epoll_wait reports.
 * Built twice from this file: natively against the kernel's epoll, and
 * against wepoll.dll (run under Wine); compare.py compares the outputs.
 *
 * Output, one line per measurement:
 *   <scenario> <tcp4|tcp6|udp4|udp6> <interest or step>: <mask | - | n/a>
 * "-" is no event within the wait; "n/a" a situation this machine cannot
 * set up (printed alike by both builds). */
#ifndef _WIN32
#define _GNU_SOURCE
#endif

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oracle_sys.h"

/* How long a situation gets to settle after it was driven (loopback
 * delivery), and how long a measurement waits for a report. */
enum { SETTLE_MS = 100, WAIT_MS = 250, CONNECT_FAIL_MS = 10000 };

#define ONESHOT EPOLLONESHOT
#define ALL_BITS                                                             \
  (EPOLLIN | EPOLLPRI | EPOLLOUT | EPOLLRDNORM | EPOLLRDBAND | EPOLLWRNORM | \
   EPOLLWRBAND | EPOLLMSG | EPOLLRDHUP)

typedef struct interest {
  const char* name;
  uint32_t mask;
} interest;

static const interest interests[] = {
    {"IN", EPOLLIN},
    {"OUT", EPOLLOUT},
    {"IN|OUT|RDHUP|PRI", EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLPRI},
    {"0", 0},
    {"ALL", ALL_BITS},
};
enum { INTEREST_COUNT = sizeof interests / sizeof interests[0] };

static void need(int ok, const char* what) {
  if (!ok) {
    fprintf(stderr, "oracle (%s): %s failed (error %d)\n", SYS_NAME, what,
            sys_error());
    exit(1);
  }
}

static const char* family_name(int family, int type) {
  if (type == SOCK_DGRAM)
    return family == AF_INET ? "udp4" : "udp6";
  return family == AF_INET ? "tcp4" : "tcp6";
}

/* Prints a mask by name, in bit order; unnamed bits in hex. */
static void print_mask(uint32_t mask) {
  static const struct {
    uint32_t bit;
    const char* name;
  } names[] = {{EPOLLIN, "IN"},         {EPOLLPRI, "PRI"},
               {EPOLLOUT, "OUT"},       {EPOLLERR, "ERR"},
               {EPOLLHUP, "HUP"},       {EPOLLRDNORM, "RDNORM"},
               {EPOLLRDBAND, "RDBAND"}, {EPOLLWRNORM, "WRNORM"},
               {EPOLLWRBAND, "WRBAND"}, {EPOLLMSG, "MSG"},
               {EPOLLRDHUP, "RDHUP"}};
  const char* sep = "";
  size_t i;
  if (mask == 0) {
    printf("-");
    return;
  }
  for (i = 0; i < sizeof names / sizeof names[0]; i++) {
    if (mask & names[i].bit) {
      printf("%s%s", sep, names[i].name);
      sep = "|";
      mask &= ~names[i].bit;
    }
  }
  if (mask != 0)
    printf("%s0x%x", sep, (unsigned) mask);
}

static void print_line(const char* scenario, const char* family,
                       const char* step, uint32_t mask) {
  printf("%s %s %s: ", scenario, family, step);
  print_mask(mask);
  printf("\n");
  fflush(stdout);
}

static void print_unavailable(const char* scenario, const char* family) {
  int i;
  for (i = 0; i < INTEREST_COUNT; i++)
    printf("%s %s %s: n/a\n", scenario, family, interests[i].name);
  fflush(stdout);
}

static void ctl(port_t port, int op, sock_t s, uint32_t mask) {
  struct epoll_event ev;
  memset(&ev, 0, sizeof ev);
  ev.events = mask;
  ev.data.u64 = 42;
  need(epoll_ctl(port, op, s, &ev) == 0, "epoll_ctl");
}

/* What one wait reports: the mask, or 0 for no event within `ms`. */
static uint32_t wait_mask(port_t port, int ms) {
  struct epoll_event evs[4];
  int n = epoll_wait(port, evs, 4, ms);
  need(n >= 0 && n <= 1, "epoll_wait");
  return n == 1 ? evs[0].events : 0;
}

/* The report for `s` registered with `mask` on a port of its own. */
static uint32_t observe(sock_t s, uint32_t mask, int ms) {
  port_t port = sys_port_new();
  uint32_t events;
  need(port != SYS_NO_PORT, "epoll_create1");
  ctl(port, EPOLL_CTL_ADD, s, mask);
  events = wait_mask(port, ms);
  sys_port_close(port);
  return events;
}

static void observe_all(const char* scenario, const char* family, sock_t s) {
  int i;
  for (i = 0; i < INTEREST_COUNT; i++)
    print_line(scenario, family, interests[i].name,
               observe(s, interests[i].mask, WAIT_MS));
}

/* --- sockets ------------------------------------------------------------ */

typedef struct address {
  struct sockaddr_storage ss;
  socklen_t len;
} address;

static void loopback(int family, address* a) {
  memset(a, 0, sizeof *a);
  if (family == AF_INET) {
    struct sockaddr_in* in = (struct sockaddr_in*) &a->ss;
    in->sin_family = AF_INET;
    in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a->len = sizeof *in;
  } else {
    struct sockaddr_in6* in6 = (struct sockaddr_in6*) &a->ss;
    in6->sin6_family = AF_INET6;
    in6->sin6_addr = in6addr_loopback;
    a->len = sizeof *in6;
  }
}

/* A socket bound to loopback (port chosen by the system); its address in
 * `bound`. */
static sock_t bound_socket(int family, int type, address* bound) {
  sock_t s = socket(family, type, 0);
  need(s != SYS_NO_SOCKET, "socket");
  loopback(family, bound);
  need(bind(s, (struct sockaddr*) &bound->ss, bound->len) == 0, "bind");
  bound->len = sizeof bound->ss;
  need(getsockname(s, (struct sockaddr*) &bound->ss, &bound->len) == 0,
       "getsockname");
  return s;
}

static sock_t listener(int family, address* bound) {
  sock_t s = bound_socket(family, SOCK_STREAM, bound);
  need(listen(s, 16) == 0, "listen");
  return s;
}

static void tcp_pair(int family, sock_t* client, sock_t* server) {
  address a;
  sock_t l = listener(family, &a);
  *client = socket(family, SOCK_STREAM, 0);
  need(*client != SYS_NO_SOCKET, "socket");
  need(connect(*client, (struct sockaddr*) &a.ss, a.len) == 0, "connect");
  *server = accept(l, NULL, NULL);
  need(*server != SYS_NO_SOCKET, "accept");
  sys_close(l);
}

static void udp_pair(int family, sock_t* a, sock_t* b) {
  address aa, ba;
  *a = bound_socket(family, SOCK_DGRAM, &aa);
  *b = bound_socket(family, SOCK_DGRAM, &ba);
  need(connect(*a, (struct sockaddr*) &ba.ss, ba.len) == 0, "connect");
  need(connect(*b, (struct sockaddr*) &aa.ss, aa.len) == 0, "connect");
}

static void send_byte(sock_t s, int flags) {
  need(send(s, "x", 1, flags) == 1, "send");
}

static void close_with_reset(sock_t s) {
  struct linger lg;
  lg.l_onoff = 1;
  lg.l_linger = 0;
  need(setsockopt(s, SOL_SOCKET, SO_LINGER, (const char*) &lg, sizeof lg) == 0,
       "setsockopt(SO_LINGER)");
  sys_close(s);
}

/* Starts a non-blocking connect to `to`.  Returns 0, or the error when it
 * failed at once. */
static int connect_nonblocking(sock_t s, const address* to) {
  sys_nonblocking(s);
  if (connect(s, (const struct sockaddr*) &to->ss, to->len) == 0)
    return 0;
  return sys_would_block(sys_error()) ? 0 : sys_error();
}

/* --- scenarios on a connected TCP pair ------------------------------------ */

/* What is done to a fresh pair before its client side is observed. */
typedef enum pair_action {
  CONNECTED,
  DATA,
  URGENT,
  PEER_SHUT_WR,
  PEER_SHUT_WR_UNREAD,
  LOCAL_SHUT_WR,
  BOTH_SHUT_WR,
  LOCAL_SHUT_RDWR,
  PEER_CLOSE,
  PEER_RESET,
  SEND_FULL,
} pair_action;

static const char* const pair_action_names[] = {
    "connected",           "data",          "urgent",       "peer_shut_wr",
    "peer_shut_wr_unread", "local_shut_wr", "both_shut_wr", "local_shut_rdwr",
    "peer_close",          "peer_reset",    "send_full",
};

/* Fills the send buffer (the peer never reads) until a send would block. */
static void fill_send_buffer(sock_t s) {
  static char chunk[65536];
  long total = 0;
  sys_nonblocking(s);
  while (total < 256L * 1024 * 1024) {
    int n = (int) send(s, chunk, sizeof chunk, 0);
    if (n <= 0) {
      need(sys_would_block(sys_error()), "send (filling)");
      return;
    }
    total += n;
  }
  need(0, "filling the send buffer");
}

/* Drives the pair; returns the server side, or SYS_NO_SOCKET once closed. */
static sock_t drive_pair(pair_action action, sock_t client, sock_t server) {
  switch (action) {
    case CONNECTED:
      break;
    case DATA:
      send_byte(server, 0);
      break;
    case URGENT:
      send_byte(server, MSG_OOB);
      break;
    case PEER_SHUT_WR:
      need(shutdown(server, SHUT_WR) == 0, "shutdown");
      break;
    case PEER_SHUT_WR_UNREAD:
      send_byte(server, 0);
      need(shutdown(server, SHUT_WR) == 0, "shutdown");
      break;
    case LOCAL_SHUT_WR:
      need(shutdown(client, SHUT_WR) == 0, "shutdown");
      break;
    case BOTH_SHUT_WR:
      need(shutdown(client, SHUT_WR) == 0, "shutdown");
      need(shutdown(server, SHUT_WR) == 0, "shutdown");
      break;
    case LOCAL_SHUT_RDWR:
      need(shutdown(client, SHUT_RDWR) == 0, "shutdown");
      break;
    case PEER_CLOSE:
      sys_close(server);
      return SYS_NO_SOCKET;
    case PEER_RESET:
      close_with_reset(server);
      return SYS_NO_SOCKET;
    case SEND_FULL:
      fill_send_buffer(client);
      break;
  }
  return server;
}

static void scenario_pair(pair_action action, int family) {
  sock_t client, server;
  tcp_pair(family, &client, &server);
  server = drive_pair(action, client, server);
  sys_sleep_ms(SETTLE_MS);
  observe_all(pair_action_names[action], family_name(family, SOCK_STREAM),
              client);
  sys_close(client);
  if (server != SYS_NO_SOCKET)
    sys_close(server);
}

/* --- connecting and listening --------------------------------------------- */

static void scenario_connect_refused(int family) {
  address to;
  sock_t s, unused = bound_socket(family, SOCK_STREAM, &to);
  sys_close(unused); /* a loopback port that nothing listens on */
  s = socket(family, SOCK_STREAM, 0);
  need(s != SYS_NO_SOCKET, "socket");
  need(connect_nonblocking(s, &to) == 0, "connect (refused)");
  /* Windows retries a refused connect for a while: wait for its end. */
  (void) observe(s, EPOLLOUT, CONNECT_FAIL_MS);
  observe_all("connect_refused", family_name(family, SOCK_STREAM), s);
  sys_close(s);
}

/* A connect that stays pending: to a listener whose accept queue is full
 * (the connects before it fill it, nobody accepts), so that its SYNs go
 * unanswered.  Unavailable where the system refuses such a connect. */
static void scenario_connect_pending(int family) {
  enum { CONNECTS = 8 };
  const char* fam = family_name(family, SOCK_STREAM);
  address a;
  sock_t l = bound_socket(family, SOCK_STREAM, &a), c[CONNECTS];
  int i;
  need(listen(l, 1) == 0, "listen");
  for (i = 0; i < CONNECTS; i++) {
    c[i] = socket(family, SOCK_STREAM, 0);
    need(c[i] != SYS_NO_SOCKET, "socket");
    need(connect_nonblocking(c[i], &a) == 0, "connect (pending)");
    sys_sleep_ms(10);
  }
  sys_sleep_ms(SETTLE_MS);
  if (observe(c[CONNECTS - 1], EPOLLIN | EPOLLOUT, SETTLE_MS) != 0)
    print_unavailable("connect_pending", fam);
  else
    observe_all("connect_pending", fam, c[CONNECTS - 1]);
  for (i = 0; i < CONNECTS; i++)
    sys_close(c[i]);
  sys_close(l);
}

static void scenario_listening(int family, int with_pending) {
  address a;
  sock_t l = listener(family, &a), c = SYS_NO_SOCKET;
  if (with_pending) {
    c = socket(family, SOCK_STREAM, 0);
    need(c != SYS_NO_SOCKET, "socket");
    need(connect(c, (struct sockaddr*) &a.ss, a.len) == 0, "connect");
    sys_sleep_ms(SETTLE_MS);
  }
  observe_all(with_pending ? "listening_pending" : "listening",
              family_name(family, SOCK_STREAM), l);
  if (c != SYS_NO_SOCKET)
    sys_close(c);
  sys_close(l);
}

/* --- datagrams ------------------------------------------------------------ */

static void scenario_udp(int family, int with_datagram) {
  sock_t a, b;
  udp_pair(family, &a, &b);
  if (with_datagram) {
    send_byte(b, 0);
    sys_sleep_ms(SETTLE_MS);
  }
  observe_all(with_datagram ? "datagram" : "connected",
              family_name(family, SOCK_DGRAM), a);
  sys_close(a);
  sys_close(b);
}

/* --- sequences on one registration ---------------------------------------- */

/* One-shot: reported once, then silent until MOD re-arms it. */
static void scenario_oneshot(int family) {
  const char* fam = family_name(family, SOCK_STREAM);
  sock_t client, server;
  port_t port = sys_port_new();
  need(port != SYS_NO_PORT, "epoll_create1");
  tcp_pair(family, &client, &server);
  send_byte(server, 0);
  sys_sleep_ms(SETTLE_MS);
  ctl(port, EPOLL_CTL_ADD, client, EPOLLIN | ONESHOT);
  print_line("oneshot", fam, "ADD:IN|ONESHOT", wait_mask(port, WAIT_MS));
  print_line("oneshot", fam, "after-report", wait_mask(port, WAIT_MS));
  ctl(port, EPOLL_CTL_MOD, client, EPOLLIN | ONESHOT);
  print_line("oneshot", fam, "MOD:IN|ONESHOT", wait_mask(port, WAIT_MS));
  print_line("oneshot", fam, "after-report-2", wait_mask(port, WAIT_MS));
  ctl(port, EPOLL_CTL_MOD, client, EPOLLOUT | EPOLLIN | ONESHOT);
  print_line("oneshot", fam, "MOD:IN|OUT|ONESHOT", wait_mask(port, WAIT_MS));
  sys_port_close(port);
  sys_close(client);
  sys_close(server);
}

/* MOD to a mask that is ready already reports at the next wait; MOD away
 * from a ready mask before any wait reports nothing. */
static void scenario_mod(int family) {
  const char* fam = family_name(family, SOCK_STREAM);
  sock_t client, server;
  port_t port = sys_port_new();
  need(port != SYS_NO_PORT, "epoll_create1");
  tcp_pair(family, &client, &server);
  ctl(port, EPOLL_CTL_ADD, client, EPOLLIN);
  print_line("mod_to_ready", fam, "ADD:IN", wait_mask(port, WAIT_MS));
  ctl(port, EPOLL_CTL_MOD, client, EPOLLOUT);
  print_line("mod_to_ready", fam, "MOD:OUT", wait_mask(port, WAIT_MS));
  ctl(port, EPOLL_CTL_MOD, client, EPOLLIN);
  print_line("mod_to_ready", fam, "MOD:IN", wait_mask(port, WAIT_MS));
  ctl(port, EPOLL_CTL_MOD, client, EPOLLOUT);
  ctl(port, EPOLL_CTL_MOD, client, EPOLLIN);
  print_line("mod_to_ready", fam, "MOD:OUT,MOD:IN", wait_mask(port, WAIT_MS));
  sys_port_close(port);
  sys_close(client);
  sys_close(server);
}

int main(void) {
  static const int families[] = {AF_INET, AF_INET6};
  int f, a;
  sys_init();
  for (f = 0; f < 2; f++) {
    int family = families[f];
    for (a = CONNECTED; a <= SEND_FULL; a++)
      scenario_pair((pair_action) a, family);
    scenario_connect_refused(family);
    scenario_connect_pending(family);
    scenario_listening(family, 0);
    scenario_listening(family, 1);
    scenario_udp(family, 0);
    scenario_udp(family, 1);
    scenario_oneshot(family);
    scenario_mod(family);
  }
  printf("done\n");
  return 0;
}
