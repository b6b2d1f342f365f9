/* wepoll_ctl_handle's bad input: each failure returns -1 with the errno /
 * GetLastError() pair the header lists, in its order, and never crashes on
 * a value that is not a handle. */
#include "handles.h"

static struct epoll_event in_event = {EPOLLIN, {0}};

static void bad_handles(HANDLE ep) {
  HANDLE closed = CreateEventW(NULL, FALSE, FALSE, NULL);
  CHECK(closed != NULL);
  CloseHandle(closed);
  CHECK_FAILS(wepoll_ctl_handle(ep, EPOLL_CTL_ADD, NULL, &in_event), E_BADF);
  CHECK_FAILS(wepoll_ctl_handle(ep, EPOLL_CTL_ADD, closed, &in_event), E_BADF);
  CHECK_FAILS(
      wepoll_ctl_handle(ep, EPOLL_CTL_ADD, INVALID_HANDLE_VALUE, &in_event),
      E_BADF);
  CHECK_FAILS(
      wepoll_ctl_handle(ep, EPOLL_CTL_ADD, GetCurrentThread(), &in_event),
      E_BADF);
  CHECK_FAILS(wepoll_ctl_handle(ep, EPOLL_CTL_ADD, (HANDLE) (uintptr_t) 0x7ff0,
                                &in_event),
              E_BADF);
  /* Negative, below the pseudo-handles (-1 to -16): still names nothing. */
  CHECK_FAILS(
      wepoll_ctl_handle(ep, EPOLL_CTL_ADD, (HANDLE) (intptr_t) -17, &in_event),
      E_BADF);
  CHECK_FAILS(wepoll_ctl_handle(ep, EPOLL_CTL_ADD, (HANDLE) (intptr_t) -4096,
                                &in_event),
              E_BADF);
  CHECK_FAILS(wepoll_ctl_handle(ep, EPOLL_CTL_DEL, closed, NULL), E_BADF);
  /* A bad handle is reported before a bad op, as epoll_ctl does. */
  CHECK_FAILS(wepoll_ctl_handle(ep, 99, closed, &in_event), E_BADF);
}

static void kinds_not_accepted(HANDLE ep) {
  char path[MAX_PATH], dir[MAX_PATH];
  HANDLE mutex = CreateMutexW(NULL, FALSE, NULL);
  HANDLE file, read_end, write_end;
  SOCKET sock = socket(AF_INET, SOCK_STREAM, 0);
  CHECK(mutex != NULL && sock != INVALID_SOCKET);
  CHECK(GetTempPathA(sizeof dir, dir) > 0);
  CHECK(GetTempFileNameA(dir, "wep", 0, path) != 0);
  file = CreateFileA(path, GENERIC_READ, 0, NULL, OPEN_EXISTING,
                     FILE_FLAG_DELETE_ON_CLOSE, NULL);
  CHECK(file != INVALID_HANDLE_VALUE);
  CHECK(CreatePipe(&read_end, &write_end, NULL, 0));

  CHECK_FAILS(wepoll_ctl_handle(ep, EPOLL_CTL_ADD, mutex, &in_event), E_INVAL);
  CHECK_FAILS(wepoll_ctl_handle(ep, EPOLL_CTL_ADD, file, &in_event), E_INVAL);
  CHECK_FAILS(wepoll_ctl_handle(ep, EPOLL_CTL_ADD, read_end, &in_event),
              E_INVAL);
  CHECK_FAILS(wepoll_ctl_handle(ep, EPOLL_CTL_ADD, (HANDLE) sock, &in_event),
              E_INVAL);
  CHECK_FAILS(wepoll_ctl_handle(ep, EPOLL_CTL_ADD, ep, &in_event), E_INVAL);
  /* The mutex was not taken by a wait. */
  CHECK(WaitForSingleObject(mutex, 0) == WAIT_OBJECT_0);
  CHECK(ReleaseMutex(mutex));

  CloseHandle(mutex);
  CloseHandle(file);
  CloseHandle(read_end);
  CloseHandle(write_end);
  closesocket(sock);
}

static void bad_arguments(HANDLE ep) {
  HANDLE ev = CreateEventW(NULL, FALSE, FALSE, NULL);
  HANDLE mutex = CreateMutexW(NULL, FALSE, NULL);
  HANDLE other = epoll_create1(0);
  CHECK(ev != NULL && mutex != NULL && other != NULL);
  CHECK_FAILS(wepoll_ctl_handle(NULL, EPOLL_CTL_ADD, ev, &in_event), E_BADF);
  /* An open handle that is not a port: EINVAL, as epoll_ctl says it. */
  CHECK_FAILS(wepoll_ctl_handle(ev, EPOLL_CTL_ADD, ev, &in_event), E_INVAL);
  CHECK_FAILS(wepoll_ctl_handle(ep, 0, ev, &in_event), E_INVAL);
  CHECK_FAILS(wepoll_ctl_handle(ep, 4, ev, &in_event), E_INVAL);
  CHECK_FAILS(wepoll_ctl_handle(ep, EPOLL_CTL_ADD, ev, NULL), E_FAULT);
  CHECK_FAILS(wepoll_ctl_handle(ep, EPOLL_CTL_MOD, ev, NULL), E_FAULT);
  /* A bad op and a NULL event come before the kind of object. */
  CHECK_FAILS(wepoll_ctl_handle(ep, 0, mutex, &in_event), E_INVAL);
  CHECK_FAILS(wepoll_ctl_handle(ep, EPOLL_CTL_ADD, mutex, NULL), E_FAULT);

  CHECK_FAILS(wepoll_ctl_handle(ep, EPOLL_CTL_MOD, ev, &in_event), E_NOENT);
  CHECK_FAILS(wepoll_ctl_handle(ep, EPOLL_CTL_DEL, ev, NULL), E_NOENT);
  hep_add(ep, ev, EPOLLIN, 1);
  CHECK_FAILS(wepoll_ctl_handle(ep, EPOLL_CTL_ADD, ev, &in_event), E_EXIST);
  /* Registrations are per port. */
  hep_add(other, ev, EPOLLIN, 2);
  CHECK(SetEvent(ev));
  {
    struct epoll_event out[2];
    int a = ep_wait(ep, out, 2, 100), b = ep_wait(other, out, 2, 100);
    CHECKF(a + b == 1, "one SetEvent, %d + %d reports", a, b);
  }
  hep_del(ep, ev);
  CHECK_FAILS(wepoll_ctl_handle(ep, EPOLL_CTL_DEL, ev, NULL), E_NOENT);
  hep_del(other, ev);
  /* Bits the header does not define are accepted and ignored, as by
   * epoll_ctl: only EPOLLIN is reported. */
  hep_add(ep, ev, EPOLLIN | EPOLLOUT | (1u << 28) | (1u << 29), 3);
  CHECK(SetEvent(ev));
  hep_expect(ep, 3, 1000);
  hep_mod(ep, ev, EPOLLIN | (1u << 15), 4);
  CHECK(SetEvent(ev));
  hep_expect(ep, 4, 1000);
  hep_del(ep, ev);
  /* A socket value is not a registered handle, nor the other way round. */
  CHECK(epoll_close(other) == 0);
  CHECK_FAILS(wepoll_ctl_handle(other, EPOLL_CTL_ADD, ev, &in_event), E_BADF);
  CloseHandle(ev);
  CloseHandle(mutex);
}

/* A handle that may not be waited on (opened without the SYNCHRONIZE
 * right): ADD fails with the system's error, EACCES and
 * ERROR_ACCESS_DENIED (WaitForSingleObject: "The handle must have the
 * SYNCHRONIZE access right"), and nothing stays registered.  Checked on
 * the thread-pool path, whose check is that wait; for the wait completion
 * packet calls Microsoft documents no such answer. */
static void no_synchronize(HANDLE ep) {
  HANDLE ev = CreateEventW(NULL, FALSE, FALSE, NULL), limited = NULL;
  struct epoll_event in_event = ep_event(EPOLLIN, 1);
  CHECK(ev != NULL);
  CHECK(DuplicateHandle(GetCurrentProcess(), ev, GetCurrentProcess(), &limited,
                        EVENT_MODIFY_STATE, FALSE, 0));
  if (handle_waits_use_threadpool()) {
    CHECK_FAILS(wepoll_ctl_handle(ep, EPOLL_CTL_ADD, limited, &in_event),
                EACCES, ERROR_ACCESS_DENIED);
    CHECK_FAILS(wepoll_ctl_handle(ep, EPOLL_CTL_DEL, limited, NULL), E_NOENT);
  } else {
    printf("no SYNCHRONIZE: not checked with wait completion packets\n");
  }
  CloseHandle(limited);
  CloseHandle(ev);
}

int main(void) {
  HANDLE ep;
  test_init();
  print_handle_backend();
  ep = epoll_create1(0);
  CHECK(ep != NULL);
  bad_handles(ep);
  kinds_not_accepted(ep);
  bad_arguments(ep);
  no_synchronize(ep);
  CHECK(epoll_close(ep) == 0);
  printf("OK\n");
  return 0;
}
