/* A program built against an installed wepoll (header, import library and
 * DLL from the install tree, found through pkg-config, CMake's
 * find_package or Meson's dependency()).  It checks that the DLL it loaded
 * is the version its header describes, then sends one message across a
 * loopback TCP pair and expects epoll_wait to report it with the caller's
 * data.  Prints "consumer (<how it was built>): OK" and exits 0 on success. */
#include <winsock2.h>
#include <ws2tcpip.h>

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <wepoll.h>

#ifndef CONSUMER_KIND
#define CONSUMER_KIND "unspecified"
#endif

#define CHECK(expr)                                                    \
  do {                                                                 \
    if (!(expr)) {                                                     \
      fprintf(stderr, "consumer (%s): check failed: %s (%s:%d)\n",     \
              CONSUMER_KIND, #expr, __FILE__, __LINE__);               \
      return 1;                                                        \
    }                                                                  \
  } while (0)

static const uint64_t kKey = UINT64_C(0xC0FFEE0000000042);

int main(void) {
  WSADATA wsa;
  struct sockaddr_in addr;
  int addr_len = (int) sizeof addr;
  SOCKET listener, client, server;
  HANDLE port;
  struct epoll_event interest, events[4];
  char buf[16];
  int n = 0, tries, received;

  CHECK(wepoll_version() == WEPOLL_VERSION);
  CHECK(WSAStartup(MAKEWORD(2, 2), &wsa) == 0);

  listener = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  CHECK(listener != INVALID_SOCKET);
  memset(&addr, 0, sizeof addr);
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  CHECK(bind(listener, (struct sockaddr*) &addr, sizeof addr) == 0);
  CHECK(listen(listener, 1) == 0);
  CHECK(getsockname(listener, (struct sockaddr*) &addr, &addr_len) == 0);
  client = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  CHECK(client != INVALID_SOCKET);
  CHECK(connect(client, (struct sockaddr*) &addr, sizeof addr) == 0);
  server = accept(listener, NULL, NULL);
  CHECK(server != INVALID_SOCKET);

  port = epoll_create1(0);
  CHECK(port != NULL);
  interest.events = EPOLLIN;
  interest.data.u64 = kKey;
  CHECK(epoll_ctl(port, EPOLL_CTL_ADD, server, &interest) == 0);

  CHECK(send(client, "hello", 5, 0) == 5);
  /* Bounded: up to 50 waits of 100 ms. */
  for (tries = 0; tries < 50 && n == 0; tries++) {
    n = epoll_wait(port, events, 4, 100);
    CHECK(n >= 0);
  }
  CHECK(n == 1);
  CHECK(events[0].data.u64 == kKey);
  CHECK((events[0].events & EPOLLIN) != 0);
  received = recv(server, buf, (int) sizeof buf, 0);
  CHECK(received == 5 && memcmp(buf, "hello", 5) == 0);

  CHECK(epoll_ctl(port, EPOLL_CTL_DEL, server, NULL) == 0);
  CHECK(epoll_close(port) == 0);
  closesocket(server);
  closesocket(client);
  closesocket(listener);
  WSACleanup();
  printf("consumer (%s): OK, wepoll %u\n", CONSUMER_KIND, wepoll_version());
  return 0;
}
