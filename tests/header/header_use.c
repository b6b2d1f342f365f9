/* Compiled as C89, C99, C11 and C++ (see meson.build), with and without
 * <winsock2.h>/<windows.h> included first: the public header must build
 * cleanly, with -Wpedantic and warnings as errors, in every one of them,
 * and describe the wepoll 1.x ABI.  Written in C89 on purpose. */
#ifdef INCLUDE_WINDOWS_FIRST
#include <winsock2.h>
#include <windows.h>
#endif

#include <stdio.h>

#include "wepoll.h"

/* A compile-time assertion that C89 accepts: a negative array size. */
#define HEADER_ASSERT(name, cond) typedef char name[(cond) ? 1 : -1]

HEADER_ASSERT(event_is_16_bytes, sizeof(struct epoll_event) == 16);
HEADER_ASSERT(data_is_8_bytes, sizeof(epoll_data_t) == 8);
HEADER_ASSERT(socket_is_pointer_sized, sizeof(SOCKET) == sizeof(void*));
HEADER_ASSERT(ctl_values, EPOLL_CTL_ADD == 1 && EPOLL_CTL_MOD == 2 &&
                              EPOLL_CTL_DEL == 3);
HEADER_ASSERT(oneshot_value, EPOLLONESHOT == 0x40000000u);
HEADER_ASSERT(rdhup_value, EPOLLRDHUP == 0x2000u);

int main(void) {
  struct epoll_event event;
  HANDLE port;
  int result;

  event.events = EPOLLIN | EPOLLOUT;
  event.data.u64 = 0;
  port = epoll_create1(0);
  if (port == NULL) {
    printf("FAIL: epoll_create1\n");
    return 1;
  }
  /* No socket registered: a zero timeout returns 0 at once. */
  result = epoll_wait(port, &event, 1, 0);
  if (result != 0 || epoll_close(port) != 0) {
    printf("FAIL: wait %d\n", result);
    return 1;
  }
  if (wepoll_version() != WEPOLL_VERSION) {
    printf("FAIL: version %u, header %u\n", wepoll_version(),
           (unsigned) WEPOLL_VERSION);
    return 1;
  }
  printf("header_use (%s): ok\n", HEADER_VARIANT);
  return 0;
}
