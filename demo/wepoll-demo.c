/*
 * wepoll-demo: an echo server and a client that loads it, both driven by
 * epoll through wepoll.dll, in one program.
 *
 *   wepoll-demo.exe [connections [messages]]      (defaults: 64 and 100)
 *
 * The server runs on its own thread with its own epoll port, listening on
 * 127.0.0.1 at a port the system picks.  The client (the main thread, a
 * second epoll port) opens all connections at once without blocking; each
 * connection then sends `messages` messages one after the other, waits for
 * each echo and compares it byte for byte with what it sent.  Then each side
 * shuts the connection down in the usual order (client FIN, server FIN).
 *
 * Exit status: 0 when every message came back intact and both sides agree
 * on the counts, 1 otherwise (with a message saying what went wrong).
 */
#include <winsock2.h>
#include <windows.h>
#include <process.h>

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wepoll.h"

enum {
  MAX_MESSAGE = 4096,     /* message sizes vary from 1 to this */
  MAX_EVENTS = 64,        /* events fetched per epoll_wait */
  MAX_CONNECTIONS = 4096, /* sanity limit for the command line */
  WAIT_SLICE_MS = 250,    /* how often the loops look at their deadline */
  DEADLINE_MS = 120000,   /* a stuck run fails instead of hanging */
  STEPS_PER_EVENT = 16    /* bound on work per event, see echo_step() */
};

/* ---- error handling: a demo stops at the first unexpected failure ---- */

static void fatal(const char* fmt, ...) {
  va_list ap;
  /* Capture both error channels first: printing may change them. */
  int err = errno;
  DWORD last = GetLastError();
  fprintf(stderr, "wepoll-demo: FAILED: ");
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fprintf(stderr, " (errno %d, last error %lu)\n", err, (unsigned long) last);
  fflush(stdout);
  exit(1);
}

/* Changes what epoll watches for on `sock`, skipping the call when nothing
 * changes: MOD re-arms the socket's poll, so needless calls cost time. */
static void set_interest(HANDLE port, SOCKET sock, uint32_t* current,
                         uint32_t wanted, void* owner) {
  struct epoll_event ev;
  if (*current == wanted)
    return;
  ev.events = wanted;
  ev.data.ptr = owner;
  if (epoll_ctl(port, EPOLL_CTL_MOD, sock, &ev) < 0)
    fatal("epoll_ctl(MOD)");
  *current = wanted;
}

static void set_nonblocking(SOCKET sock) {
  u_long on = 1;
  if (ioctlsocket(sock, FIONBIO, &on) != 0)
    fatal("ioctlsocket(FIONBIO)");
}

/* Unregisters and closes.  wepoll would also notice a plain closesocket(),
 * but deleting first is what a portable epoll program does. */
static void close_registered(HANDLE port, SOCKET sock) {
  if (epoll_ctl(port, EPOLL_CTL_DEL, sock, NULL) < 0)
    fatal("epoll_ctl(DEL)");
  closesocket(sock);
}

static int would_block(void) {
  return WSAGetLastError() == WSAEWOULDBLOCK;
}

/* ---- the echo server ---- */

typedef struct echo_conn {
  SOCKET sock;
  uint32_t interest;
  char buf[MAX_MESSAGE]; /* received, not yet fully echoed back */
  size_t len;
  size_t off; /* how much of buf was sent back already */
} echo_conn_t;

typedef struct server {
  HANDLE port;
  SOCKET listener;
  int expected; /* connections to serve before stopping */
  int accepted;
  int closed;
  unsigned long long bytes_in;
  unsigned long long bytes_out;
  int failed;
} server_t;

/* The listener's epoll data: a distinct address no echo_conn_t can have. */
static char listener_tag;

static void server_accept(server_t* srv) {
  /* Level-triggered: take what is queued now; the next epoll_wait reports
   * the listener again if more connections are waiting. */
  for (;;) {
    struct epoll_event ev;
    echo_conn_t* c;
    SOCKET s = accept(srv->listener, NULL, NULL);
    if (s == INVALID_SOCKET) {
      if (would_block())
        return;
      fatal("accept");
    }
    set_nonblocking(s);
    c = calloc(1, sizeof *c);
    if (c == NULL)
      fatal("out of memory");
    c->sock = s;
    c->interest = EPOLLIN | EPOLLRDHUP;
    ev.events = c->interest;
    ev.data.ptr = c;
    if (epoll_ctl(srv->port, EPOLL_CTL_ADD, s, &ev) < 0)
      fatal("epoll_ctl(ADD) for an accepted connection");
    srv->accepted++;
  }
}

/* Moves data for one connection: sends back what is buffered, reads more
 * when the buffer is empty.  Watches for EPOLLOUT only while an echo is
 * stuck (the peer is not reading), which also stops reading from that peer
 * until it catches up.  The step bound keeps one busy connection from
 * starving the others; level-triggered epoll reports it again. */
static void echo_step(server_t* srv, echo_conn_t* c) {
  int step;
  for (step = 0; step < STEPS_PER_EVENT; step++) {
    int n;
    if (c->off < c->len) {
      n = send(c->sock, c->buf + c->off, (int) (c->len - c->off), 0);
      if (n == SOCKET_ERROR) {
        if (!would_block())
          fatal("server send");
        set_interest(srv->port, c->sock, &c->interest, EPOLLOUT, c);
        return;
      }
      c->off += (size_t) n;
      srv->bytes_out += (unsigned) n;
      continue;
    }
    n = recv(c->sock, c->buf, (int) sizeof c->buf, 0);
    if (n > 0) {
      c->len = (size_t) n;
      c->off = 0;
      srv->bytes_in += (unsigned) n;
      continue;
    }
    if (n == 0) {
      /* The client sent FIN after its last message: answer with ours. */
      close_registered(srv->port, c->sock);
      free(c);
      srv->closed++;
      return;
    }
    if (!would_block())
      fatal("server recv");
    set_interest(srv->port, c->sock, &c->interest, EPOLLIN | EPOLLRDHUP, c);
    return;
  }
  /* Out of steps with work left: make sure we are told again. */
  set_interest(srv->port, c->sock, &c->interest,
               c->off < c->len ? EPOLLOUT : EPOLLIN | EPOLLRDHUP, c);
}

static unsigned __stdcall server_main(void* arg) {
  server_t* srv = arg;
  struct epoll_event events[MAX_EVENTS];
  ULONGLONG deadline = GetTickCount64() + DEADLINE_MS;

  while (srv->closed < srv->expected) {
    int i, n;
    if (GetTickCount64() > deadline) {
      fprintf(stderr,
              "wepoll-demo: server gave up: %d of %d connections closed\n",
              srv->closed, srv->expected);
      srv->failed = 1;
      return 1;
    }
    n = epoll_wait(srv->port, events, MAX_EVENTS, WAIT_SLICE_MS);
    if (n < 0)
      fatal("server epoll_wait");
    for (i = 0; i < n; i++) {
      if (events[i].data.ptr == &listener_tag)
        server_accept(srv);
      else
        echo_step(srv, events[i].data.ptr);
    }
  }
  return 0;
}

/* ---- the client ---- */

typedef enum {
  CONNECTING, /* waiting for the non-blocking connect (EPOLLOUT) */
  SENDING,    /* part of the current message is still unsent */
  RECEIVING,  /* waiting for the rest of the echo */
  CLOSING,    /* sent FIN, waiting for the server's FIN */
  DONE
} client_state_t;

typedef struct client_conn {
  SOCKET sock;
  client_state_t state;
  uint32_t interest;
  uint32_t rng; /* drives message sizes and contents */
  int messages_left;
  char out[MAX_MESSAGE]; /* the current message */
  size_t out_len;
  size_t out_off;
  char in[MAX_MESSAGE]; /* its echo so far */
  size_t in_len;
} client_conn_t;

typedef struct client {
  HANDLE port;
  int open; /* connections not yet DONE */
  unsigned long long messages;
  unsigned long long bytes_out;
  unsigned long long bytes_in;
} client_t;

/* xorshift32: a fixed sequence per connection, so a failure is repeatable. */
static uint32_t next_random(uint32_t* state) {
  uint32_t x = *state;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  *state = x;
  return x;
}

static void client_next_message(client_conn_t* c) {
  size_t i;
  c->out_len = 1 + next_random(&c->rng) % MAX_MESSAGE;
  for (i = 0; i < c->out_len; i++)
    c->out[i] = (char) next_random(&c->rng);
  c->out_off = 0;
  c->in_len = 0;
  c->state = SENDING;
}

static void client_finish_sending(client_t* cl, client_conn_t* c) {
  /* All messages echoed: FIN to the server, then wait for its FIN. */
  if (shutdown(c->sock, SD_SEND) != 0)
    fatal("client shutdown");
  c->state = CLOSING;
  set_interest(cl->port, c->sock, &c->interest, EPOLLIN | EPOLLRDHUP, c);
}

/* Advances one connection as far as it can go without blocking. */
static void client_step(client_t* cl, client_conn_t* c, uint32_t events) {
  int step;
  for (step = 0; step < STEPS_PER_EVENT; step++) {
    int n;
    switch (c->state) {
      case CONNECTING: {
        /* EPOLLOUT after a non-blocking connect: connected or failed.
         * A failed connect comes with EPOLLERR; SO_ERROR has the reason
         * (Windows does not always fill it in, hence both checks). */
        int err = 0;
        int len = (int) sizeof err;
        if (getsockopt(c->sock, SOL_SOCKET, SO_ERROR, (char*) &err, &len) != 0)
          fatal("getsockopt(SO_ERROR)");
        if (err != 0 || (events & EPOLLERR)) {
          WSASetLastError(err);
          fatal("connect to the echo server");
        }
        client_next_message(c);
        continue;
      }
      case SENDING:
        n = send(c->sock, c->out + c->out_off, (int) (c->out_len - c->out_off),
                 0);
        if (n == SOCKET_ERROR) {
          if (!would_block())
            fatal("client send");
          set_interest(cl->port, c->sock, &c->interest, EPOLLOUT, c);
          return;
        }
        c->out_off += (size_t) n;
        cl->bytes_out += (unsigned) n;
        if (c->out_off == c->out_len)
          c->state = RECEIVING;
        continue;
      case RECEIVING:
        /* Never ask for more than the rest of this echo: the server only
         * sends what we sent, so anything more would be a bug to report. */
        n = recv(c->sock, c->in + c->in_len, (int) (c->out_len - c->in_len),
                 0);
        if (n == SOCKET_ERROR) {
          if (!would_block())
            fatal("client recv");
          set_interest(cl->port, c->sock, &c->interest, EPOLLIN | EPOLLRDHUP,
                       c);
          return;
        }
        if (n == 0)
          fatal("server closed a connection in the middle of an echo");
        c->in_len += (size_t) n;
        cl->bytes_in += (unsigned) n;
        if (c->in_len < c->out_len)
          continue;
        if (memcmp(c->in, c->out, c->out_len) != 0)
          fatal("echo differs from the message sent (%u bytes)",
                (unsigned) c->out_len);
        cl->messages++;
        if (--c->messages_left > 0)
          client_next_message(c);
        else
          client_finish_sending(cl, c);
        continue;
      case CLOSING: {
        char extra;
        n = recv(c->sock, &extra, 1, 0);
        if (n == SOCKET_ERROR) {
          if (!would_block())
            fatal("client recv while closing");
          return; /* still EPOLLIN | EPOLLRDHUP from client_finish_sending */
        }
        if (n > 0)
          fatal("server sent data after the last echo");
        close_registered(cl->port, c->sock);
        c->state = DONE;
        cl->open--;
        return;
      }
      case DONE:
        return;
    }
  }
  /* Out of steps with work left: stay subscribed to what the state needs. */
  set_interest(cl->port, c->sock, &c->interest,
               c->state == SENDING ? EPOLLOUT : EPOLLIN | EPOLLRDHUP, c);
}

static client_conn_t* client_connect(client_t* cl,
                                     const struct sockaddr_in* to,
                                     uint32_t seed, int messages) {
  struct epoll_event ev;
  client_conn_t* c = calloc(1, sizeof *c);
  if (c == NULL)
    fatal("out of memory");
  c->sock = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  if (c->sock == INVALID_SOCKET)
    fatal("socket");
  set_nonblocking(c->sock);
  /* Register before connecting: epoll reports the outcome either way. */
  c->state = CONNECTING;
  c->interest = EPOLLOUT;
  c->rng = seed;
  c->messages_left = messages;
  ev.events = c->interest;
  ev.data.ptr = c;
  if (epoll_ctl(cl->port, EPOLL_CTL_ADD, c->sock, &ev) < 0)
    fatal("epoll_ctl(ADD) for a client connection");
  if (connect(c->sock, (const struct sockaddr*) to, sizeof *to) != 0 &&
      !would_block())
    fatal("connect");
  cl->open++;
  return c;
}

/* ---- main ---- */

static int parse_count(const char* text, const char* what, int max) {
  char* end;
  long v = strtol(text, &end, 10);
  if (*text == '\0' || *end != '\0' || v < 1 || v > max) {
    fprintf(stderr, "wepoll-demo: %s must be a number from 1 to %d\n", what,
            max);
    exit(2);
  }
  return (int) v;
}

static double seconds_since(LARGE_INTEGER start) {
  LARGE_INTEGER now, freq;
  QueryPerformanceCounter(&now);
  QueryPerformanceFrequency(&freq);
  return (double) (now.QuadPart - start.QuadPart) / (double) freq.QuadPart;
}

int main(int argc, char** argv) {
  int connections = 64, messages = 100, i, ok;
  WSADATA wsa;
  server_t srv;
  client_t cl;
  struct sockaddr_in addr;
  int addr_len = (int) sizeof addr;
  struct epoll_event ev;
  client_conn_t** conns;
  HANDLE thread;
  DWORD server_status = 1;
  LARGE_INTEGER start;
  ULONGLONG deadline;
  double elapsed;
  unsigned int version;

  if (argc > 1)
    connections = parse_count(argv[1], "connections", MAX_CONNECTIONS);
  if (argc > 2)
    messages = parse_count(argv[2], "messages", 1000000);

  if (WSAStartup(MAKEWORD(2, 2), &wsa) != 0)
    fatal("WSAStartup");
  version = wepoll_version();
  printf("wepoll-demo: wepoll %u.%u.%u, %d connections x %d messages\n",
         version / 10000, version / 100 % 100, version % 100, connections,
         messages);

  /* Server: listening socket on an ephemeral loopback port. */
  memset(&srv, 0, sizeof srv);
  srv.expected = connections;
  srv.port = epoll_create1(0);
  if (srv.port == NULL)
    fatal("epoll_create1 (server)");
  srv.listener = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  if (srv.listener == INVALID_SOCKET)
    fatal("socket (listener)");
  memset(&addr, 0, sizeof addr);
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (bind(srv.listener, (struct sockaddr*) &addr, sizeof addr) != 0 ||
      listen(srv.listener, SOMAXCONN) != 0 ||
      getsockname(srv.listener, (struct sockaddr*) &addr, &addr_len) != 0)
    fatal("bind/listen on 127.0.0.1");
  set_nonblocking(srv.listener);
  ev.events = EPOLLIN;
  ev.data.ptr = &listener_tag;
  if (epoll_ctl(srv.port, EPOLL_CTL_ADD, srv.listener, &ev) < 0)
    fatal("epoll_ctl(ADD) for the listener");
  printf("server: echoing on 127.0.0.1:%u\n", (unsigned) ntohs(addr.sin_port));

  QueryPerformanceCounter(&start);
  thread = (HANDLE) _beginthreadex(NULL, 0, server_main, &srv, 0, NULL);
  if (thread == NULL)
    fatal("starting the server thread");

  /* Client: every connection starts at once; the loop runs until all are
   * done, serving whichever sockets epoll reports. */
  memset(&cl, 0, sizeof cl);
  cl.port = epoll_create1(0);
  if (cl.port == NULL)
    fatal("epoll_create1 (client)");
  conns = calloc((size_t) connections, sizeof *conns);
  if (conns == NULL)
    fatal("out of memory");
  for (i = 0; i < connections; i++)
    conns[i] =
        client_connect(&cl, &addr, 0x9E3779B9u ^ (uint32_t) (i + 1), messages);

  deadline = GetTickCount64() + DEADLINE_MS;
  while (cl.open > 0) {
    struct epoll_event events[MAX_EVENTS];
    int n;
    if (GetTickCount64() > deadline)
      fatal("client gave up: %d connections still open", cl.open);
    n = epoll_wait(cl.port, events, MAX_EVENTS, WAIT_SLICE_MS);
    if (n < 0)
      fatal("client epoll_wait");
    for (i = 0; i < n; i++)
      client_step(&cl, events[i].data.ptr, events[i].events);
  }
  elapsed = seconds_since(start);

  WaitForSingleObject(thread, INFINITE);
  GetExitCodeThread(thread, &server_status);
  CloseHandle(thread);

  printf(
      "client: %d connections, %llu messages, %llu bytes sent, "
      "%llu bytes echoed back intact\n",
      connections, cl.messages, cl.bytes_out, cl.bytes_in);
  printf("server: %d accepted, %d closed, %llu bytes in, %llu bytes out\n",
         srv.accepted, srv.closed, srv.bytes_in, srv.bytes_out);
  printf("time: %.3f s, %.0f messages/s, %.2f MB/s each way\n", elapsed,
         (double) cl.messages / elapsed,
         (double) cl.bytes_out / elapsed / 1e6);

  /* Both sides must agree on everything that crossed the wire. */
  ok = server_status == 0 && !srv.failed &&
       cl.messages == (unsigned long long) connections * messages &&
       srv.accepted == connections && srv.closed == connections &&
       cl.bytes_out == cl.bytes_in && srv.bytes_in == cl.bytes_out &&
       srv.bytes_out == cl.bytes_in;

  for (i = 0; i < connections; i++)
    free(conns[i]);
  free(conns);
  close_registered(srv.port, srv.listener);
  if (epoll_close(srv.port) < 0 || epoll_close(cl.port) < 0)
    fatal("epoll_close");
  WSACleanup();

  printf("wepoll-demo: %s\n", ok ? "OK" : "FAILED: the counts above disagree");
  return ok ? 0 : 1;
}
