/* epoll_close of anything but an open port fails: with EBADF /
 * ERROR_INVALID_HANDLE for a value that is no open handle, with EINVAL /
 * ERROR_INVALID_PARAMETER for an open handle of another kind, which it
 * leaves open. */
#include "common.h"

/* epoll_close(h) must fail with EINVAL and must not close `h`. */
static void check_foreign(HANDLE h, const char* what) {
  DWORD flags;
  printf("epoll_close(%s)\n", what);
  CHECK_FAILS(epoll_close(h), E_INVAL);
  CHECKF(GetHandleInformation(h, &flags), "%s was closed by epoll_close",
         what);
}

int main(void) {
  HANDLE closed, ev, file, rd, wr, iocp, live;
  char path[MAX_PATH], dir[MAX_PATH];
  struct epoll_event out;
  SOCKET a, b;
  test_init();

  CHECK_FAILS(epoll_close(NULL), E_BADF);
  CHECK_FAILS(epoll_close(INVALID_HANDLE_VALUE), E_BADF);
  CHECK_FAILS(epoll_close((HANDLE) (uintptr_t) 0x12345678), E_BADF);
  CHECK_FAILS(epoll_close((HANDLE) (uintptr_t) 0x7ff0), E_BADF);
  CHECK_FAILS(epoll_close((HANDLE) (uintptr_t) 3), E_BADF);

  /* A port that was closed already. */
  closed = epoll_create1(0);
  CHECK(closed != NULL);
  CHECK(epoll_close(closed) == 0);
  CHECK_FAILS(epoll_close(closed), E_BADF);

  /* Live handles of other kinds. */
  ev = CreateEventA(NULL, TRUE, FALSE, NULL);
  CHECK(ev != NULL);
  check_foreign(ev, "event handle");

  CHECK(GetTempPathA(sizeof dir, dir) != 0);
  CHECK(GetTempFileNameA(dir, "wep", 0, path) != 0);
  file = CreateFileA(path, GENERIC_READ | GENERIC_WRITE, 0, NULL,
                     CREATE_ALWAYS, FILE_FLAG_DELETE_ON_CLOSE, NULL);
  CHECK(file != INVALID_HANDLE_VALUE);
  check_foreign(file, "file handle");

  CHECK(CreatePipe(&rd, &wr, NULL, 0));
  check_foreign(rd, "pipe read end");
  check_foreign(wr, "pipe write end");

  iocp = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
  CHECK(iocp != NULL);
  check_foreign(iocp, "foreign IOCP");

  /* A socket handle is no port either. */
  udp_pair(AF_INET, &a, &b);
  check_foreign((HANDLE) a, "socket");

  /* A live port next to all that still works, and closes once. */
  live = epoll_create1(0);
  CHECK(live != NULL);
  ep_add(live, a, EPOLLOUT, 7);
  ep_wait_one(live, &out, 1000);
  CHECK(out.data.u64 == 7 && (out.events & EPOLLOUT));
  CHECK_FAILS(epoll_close(iocp), E_INVAL);
  CHECK(epoll_close(live) == 0);
  CHECK_FAILS(epoll_close(live), E_BADF);

  CHECK(CloseHandle(ev));
  CHECK(CloseHandle(file));
  CHECK(CloseHandle(rd));
  CHECK(CloseHandle(wr));
  CHECK(CloseHandle(iocp));
  /* Closed foreign handles are no open handles any more. */
  CHECK_FAILS(epoll_close(ev), E_BADF);
  CHECK_FAILS(epoll_close(iocp), E_BADF);
  closesocket(a);
  closesocket(b);
  CHECK_FAILS(epoll_close((HANDLE) a), E_BADF);
  printf("ok\n");
  return 0;
}
