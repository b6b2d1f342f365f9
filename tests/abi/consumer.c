/*
 * A program as a user of wepoll.dll writes it: only the public header and
 * an import library (libwepoll.dll.a, wepoll.lib, or clang's link of
 * either).  It checks that the DLL it loaded answers through every import.
 */
#include <stdio.h>
#include <string.h>

#include <wepoll.h>

static int failures;

#define check(expr)                                                    \
  do {                                                                 \
    if (!(expr)) {                                                     \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, \
              #expr);                                                  \
      failures++;                                                      \
    }                                                                  \
  } while (0)

int main(void) {
  unsigned int version = wepoll_version();
  printf("wepoll_version() = %u, header WEPOLL_VERSION = %u\n", version,
         (unsigned) WEPOLL_VERSION);
  check(version == WEPOLL_VERSION);

  HANDLE ep = epoll_create1(0);
  check(ep != NULL);
  if (ep != NULL) {
    struct epoll_event ev[4];
    memset(ev, 0, sizeof ev);
    check(epoll_wait(ep, ev, 4, 0) == 0);
    /* Not a socket: the call must reach the DLL and fail there. */
    struct epoll_event in = {EPOLLIN, {0}};
    check(epoll_ctl(ep, EPOLL_CTL_ADD, (SOCKET) 0, &in) == -1);
    /* Since 1.7.0; NULL is not a handle: it must fail in the DLL too. */
    check(wepoll_ctl_handle(ep, EPOLL_CTL_ADD, NULL, &in) == -1);
    check(epoll_close(ep) == 0);
  }
  HANDLE ep2 = epoll_create(1);
  check(ep2 != NULL);
  if (ep2 != NULL)
    check(epoll_close(ep2) == 0);

  if (failures) {
    fprintf(stderr, "%d check(s) failed\n", failures);
    return 1;
  }
  printf("consumer: ok\n");
  return 0;
}
