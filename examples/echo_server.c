/*
 * echo_server: a small TCP echo server on wepoll's epoll API.
 *
 *   echo_server [port]      listens on 127.0.0.1:port (default 7777; 0
 *                           picks a free port) and prints the address.
 *
 * One epoll port watches the listening socket and every client.  When the
 * listener is readable a client is waiting: accept it and watch it too.
 * When a client is readable, read what it sent and write it back; when it
 * has hung up or failed, forget it.  Writes are blocking for brevity: a
 * server that must never stall would queue the bytes and wait for
 * EPOLLOUT instead.
 *
 * Two waitable handles share the port (wepoll_ctl_handle, wepoll 1.7.0),
 * as an eventfd and a timerfd would on Linux:
 *   - a periodic waitable timer: every second the loop prints how many
 *     clients it serves;
 *   - an event another thread sets to stop the loop: here the thread that
 *     reads standard input, on a line "quit" (a console's Ctrl+C handler or
 *     a service's stop request would do the same).  The loop then closes
 *     every client, deletes the handles, closes the port and exits 0.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <winsock2.h>
#include <ws2tcpip.h>

#include "wepoll.h"

#define MAX_EVENTS 64
#define MAX_CLIENTS 1024

/* The data of the two handle registrations; sockets carry themselves. */
#define KEY_TIMER ((uint64_t) 1 << 62)
#define KEY_STOP (KEY_TIMER + 1)

static SOCKET clients[MAX_CLIENTS];
static int client_count;

static int fail(const char* what) {
  fprintf(stderr, "echo_server: %s failed (error %d)\n", what,
          WSAGetLastError());
  return 1;
}

/* Reads once from a readable client and echoes it; returns 0 when the
 * client is gone (end of stream or error) and should be dropped. */
static int echo_once(SOCKET client) {
  char buf[4096];
  int n = recv(client, buf, sizeof buf, 0);
  if (n <= 0)
    return 0;
  for (int sent = 0; sent < n;) {
    int m = send(client, buf + sent, n - sent, 0);
    if (m <= 0)
      return 0;
    sent += m;
  }
  return 1;
}

static void drop(HANDLE ep, SOCKET client) {
  epoll_ctl(ep, EPOLL_CTL_DEL, client, NULL);
  closesocket(client);
  for (int i = 0; i < client_count; i++) {
    if (clients[i] == client) {
      clients[i] = clients[--client_count];
      break;
    }
  }
}

/* Another thread: sets the stop event when standard input says "quit".
 * The end of input alone does not stop the server (it may have none). */
static DWORD WINAPI read_commands(void* stop_event) {
  char line[64];
  while (fgets(line, sizeof line, stdin) != NULL) {
    if (strncmp(line, "quit", 4) == 0) {
      SetEvent(stop_event);
      break;
    }
  }
  return 0;
}

static int add_handle(HANDLE ep, HANDLE h, uint64_t key) {
  struct epoll_event ev = {0};
  ev.events = EPOLLIN;
  ev.data.u64 = key;
  return wepoll_ctl_handle(ep, EPOLL_CTL_ADD, h, &ev);
}

int main(int argc, char** argv) {
  unsigned short port = (unsigned short)(argc > 1 ? atoi(argv[1]) : 7777);

  WSADATA wsa;
  if (WSAStartup(MAKEWORD(2, 2), &wsa) != 0)
    return fail("WSAStartup");

  SOCKET listener = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  struct sockaddr_in addr = {0};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  int len = sizeof addr;
  if (listener == INVALID_SOCKET ||
      bind(listener, (struct sockaddr*)&addr, sizeof addr) != 0 ||
      listen(listener, SOMAXCONN) != 0 ||
      getsockname(listener, (struct sockaddr*)&addr, &len) != 0)
    return fail("listening");
  printf("listening on 127.0.0.1:%u\n", ntohs(addr.sin_port));
  fflush(stdout);

  HANDLE ep = epoll_create1(0);
  if (ep == NULL)
    return fail("epoll_create1");

  /* The user data of each registration is the socket itself. */
  struct epoll_event ev = {0};
  ev.events = EPOLLIN;
  ev.data.sock = listener;
  if (epoll_ctl(ep, EPOLL_CTL_ADD, listener, &ev) != 0)
    return fail("epoll_ctl(listener)");

  /* An auto-reset timer, due in one second and then every second. */
  HANDLE timer = CreateWaitableTimerW(NULL, FALSE, NULL);
  LARGE_INTEGER due = {.QuadPart = -10000000LL};
  HANDLE stop = CreateEventW(NULL, TRUE, FALSE, NULL);
  if (timer == NULL || stop == NULL ||
      !SetWaitableTimer(timer, &due, 1000, NULL, NULL, FALSE))
    return fail("creating the timer and the stop event");
  if (add_handle(ep, timer, KEY_TIMER) != 0 ||
      add_handle(ep, stop, KEY_STOP) != 0)
    return fail("wepoll_ctl_handle");
  HANDLE reader = CreateThread(NULL, 0, read_commands, stop, 0, NULL);
  if (reader == NULL)
    return fail("CreateThread");

  int running = 1;
  unsigned long ticks = 0;
  while (running) {
    struct epoll_event events[MAX_EVENTS];
    int n = epoll_wait(ep, events, MAX_EVENTS, -1);
    if (n < 0)
      return fail("epoll_wait");

    for (int i = 0; i < n; i++) {
      SOCKET s = events[i].data.sock;

      if (events[i].data.u64 == KEY_STOP) {
        running = 0; /* finish this batch, then shut down */
      } else if (events[i].data.u64 == KEY_TIMER) {
        printf("tick %lu: %d client(s)\n", ++ticks, client_count);
        fflush(stdout);
      } else if (s == listener) {
        SOCKET client = accept(listener, NULL, NULL);
        if (client == INVALID_SOCKET)
          continue;
        ev.events = EPOLLIN | EPOLLRDHUP;
        ev.data.sock = client;
        if (client_count == MAX_CLIENTS ||
            epoll_ctl(ep, EPOLL_CTL_ADD, client, &ev) != 0) {
          closesocket(client);
          continue;
        }
        clients[client_count++] = client;
      } else if (events[i].events & (EPOLLERR | EPOLLHUP)) {
        drop(ep, s);
      } else if (!echo_once(s)) {
        drop(ep, s);
      }
    }
  }

  /* Clean shutdown: handles are deleted before they are closed. */
  printf("stopping: closing %d client(s)\n", client_count);
  while (client_count > 0)
    drop(ep, clients[client_count - 1]);
  wepoll_ctl_handle(ep, EPOLL_CTL_DEL, timer, NULL);
  wepoll_ctl_handle(ep, EPOLL_CTL_DEL, stop, NULL);
  epoll_ctl(ep, EPOLL_CTL_DEL, listener, NULL);
  epoll_close(ep);
  CancelWaitableTimer(timer);
  CloseHandle(timer);
  WaitForSingleObject(reader, INFINITE);
  CloseHandle(reader);
  CloseHandle(stop);
  closesocket(listener);
  WSACleanup();
  printf("stopped\n");
  return 0;
}
