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
 */
#include <stdio.h>
#include <stdlib.h>

#include <winsock2.h>
#include <ws2tcpip.h>

#include "wepoll.h"

#define MAX_EVENTS 64

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

  for (;;) {
    struct epoll_event events[MAX_EVENTS];
    int n = epoll_wait(ep, events, MAX_EVENTS, -1);
    if (n < 0)
      return fail("epoll_wait");

    for (int i = 0; i < n; i++) {
      SOCKET s = events[i].data.sock;

      if (s == listener) {
        SOCKET client = accept(listener, NULL, NULL);
        if (client == INVALID_SOCKET)
          continue;
        ev.events = EPOLLIN | EPOLLRDHUP;
        ev.data.sock = client;
        if (epoll_ctl(ep, EPOLL_CTL_ADD, client, &ev) != 0)
          closesocket(client);
      } else if (events[i].events & (EPOLLERR | EPOLLHUP)) {
        drop(ep, s);
      } else if (!echo_once(s)) {
        drop(ep, s);
      }
    }
  }
}
