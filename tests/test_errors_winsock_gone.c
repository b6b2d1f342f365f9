/* epoll_ctl after the program has torn Winsock down under the library (more
 * WSACleanup calls than WSAStartup calls, the library's own included): ADD
 * of an open handle fails with EINVAL and WSANOTINITIALISED, the error
 * Winsock gives, not ENOTSOCK (the library cannot tell whether the value is
 * a socket).  Once the program starts Winsock again, the same port works. */
#include "common.h"

int main(void) {
  HANDLE ep, event_handle;
  SOCKET s, peer;
  struct epoll_event ev, out;
  int cleanups = 0, i;
  test_init();

  ep = epoll_create1(0);
  CHECK(ep != NULL);
  event_handle = CreateEventA(NULL, TRUE, FALSE, NULL);
  CHECK(event_handle != NULL);

  /* Undo every WSAStartup of the process: the test's, the library's. */
  while (WSACleanup() == 0) {
    cleanups++;
    CHECKF(cleanups < 64, "WSACleanup never fails");
  }
  CHECK(WSAGetLastError() == WSANOTINITIALISED);
  CHECK(cleanups >= 1);

  memset(&ev, 0, sizeof ev);
  ev.events = EPOLLIN;
  SetLastError(0);
  errno = 0;
  CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, (SOCKET) event_handle, &ev) == -1);
  if (errno == ENOTSOCK && GetLastError() == WSAENOTSOCK && is_wine())
    skip_wine(
        "Winsock calls work after the last WSACleanup (no WSANOTINITIALISED)");
  CHECKF(errno == EINVAL, "errno %d", errno);
  CHECKF(GetLastError() == WSANOTINITIALISED, "GetLastError %lu",
         (unsigned long) GetLastError());

  /* Winsock back: the port registers and reports a socket again. */
  for (i = 0; i < cleanups; i++) {
    WSADATA data;
    CHECK(WSAStartup(MAKEWORD(2, 2), &data) == 0);
  }
  udp_pair(AF_INET, &s, &peer);
  ep_add(ep, s, EPOLLIN, 9);
  CHECK(send(peer, "x", 1, 0) == 1);
  CHECK(epoll_wait(ep, &out, 1, 2000) == 1);
  CHECK(out.data.u64 == 9 && (out.events & EPOLLIN));

  closesocket(s);
  closesocket(peer);
  CloseHandle(event_handle);
  CHECK(epoll_close(ep) == 0);
  printf("ADD after %d WSACleanup calls: EINVAL / WSANOTINITIALISED\n",
         cleanups + 1);
  return 0;
}
