/* The exported entry points: argument checks in the order the header
 * documents, then the work is handed to the port. */
#include <errno.h>
#include <limits.h>

#include "error.h"
#include "handle.h"
#include "ntdll.h"
#include "port.h"
#include "registry.h"
#include "waitable.h"
#include "wepoll.h"
#include "winsock.h"

static HANDLE api_create_port(bool close_tracking) {
  port_state* port;
  /* Every port needs ntdll's calls: without them, fail here with
   * ENOSYS / ERROR_PROC_NOT_FOUND rather than in a later call. */
  if (!ntdll_ready()) {
    err_set_win32(ERROR_PROC_NOT_FOUND);
    return NULL;
  }
  if (ws_init() < 0)
    return NULL;
  port = port_new(close_tracking);
  if (port == NULL)
    return NULL;
  if (registry_add(port) < 0) {
    port_close(port);
    err_set(ENOMEM);
    return NULL;
  }
  return port->iocp;
}

HANDLE epoll_create(int size) {
  if (size <= 0) {
    err_set(EINVAL);
    return NULL;
  }
  return api_create_port(false);
}

/* The flags epoll_create1 accepts; any other bit is EINVAL, and DLLs older
 * than 1.7.0 refuse WEPOLL_CLOSE_TRACKING, so a program can try it and fall
 * back.  EPOLL_CLOEXEC asks for what every port is anyway: its handle is
 * never inherited. */
#define API_CREATE1_FLAGS \
  ((unsigned int) EPOLL_CLOEXEC | (unsigned int) WEPOLL_CLOSE_TRACKING)

HANDLE epoll_create1(int flags) {
  if (((unsigned int) flags & ~API_CREATE1_FLAGS) != 0) {
    err_set(EINVAL);
    return NULL;
  }
  return api_create_port((flags & WEPOLL_CLOSE_TRACKING) != 0);
}

/* A value that is no port: EBADF if it is no open handle at all (Linux: a
 * closed descriptor), EINVAL for an open handle of another kind (Linux: a
 * descriptor that is not an epoll instance), as wepoll 1.x tells them. */
static int api_not_a_port(HANDLE ephnd) {
  if (registry_is_closing(ephnd))
    return err_set(EBADF);
  return err_set(handle_is_open(ephnd) ? EINVAL : EBADF);
}

int epoll_close(HANDLE ephnd) {
  port_state* port = registry_remove(ephnd);
  if (port == NULL)
    return api_not_a_port(ephnd);
  port_close(port);
  return 0;
}

static int api_check_ctl(int op, const struct epoll_event* event) {
  if (op != EPOLL_CTL_ADD && op != EPOLL_CTL_MOD && op != EPOLL_CTL_DEL)
    return err_set(EINVAL);
  if (op == EPOLL_CTL_DEL)
    return 0; /* the event argument is ignored, as on Linux */
  if (event == NULL)
    return err_set(EFAULT);
  /* Mask bits the header does not define are ignored, as on Linux. */
  return 0;
}

/* After epoll_ctl failed: if the port or the socket value is no open handle
 * the error is EBADF, whatever else was wrong (Linux checks descriptors
 * first; wepoll 1.x does the same).  Asked only on failure, so the success
 * path makes no extra call.  Returns -1. */
static int api_ctl_failed(HANDLE ephnd, SOCKET sock) {
  int saved_errno = errno;
  DWORD saved_error = GetLastError();
  if (!handle_is_open(ephnd) || !handle_is_open((HANDLE) sock))
    return err_set(EBADF);
  errno = saved_errno;
  SetLastError(saved_error);
  return -1;
}

int epoll_ctl(HANDLE ephnd, int op, SOCKET sock, struct epoll_event* event) {
  port_state* port = registry_acquire(ephnd);
  int result;
  if (port == NULL) {
    api_not_a_port(ephnd); /* EINVAL for an open handle of another kind */
    return api_ctl_failed(ephnd, sock);
  }
  result = api_check_ctl(op, event);
  if (result == 0)
    result = port_ctl(port, op, sock, event);
  registry_release(port);
  return result < 0 ? api_ctl_failed(ephnd, sock) : result;
}

/* Checked as epoll_ctl checks, the handle taking the socket's place: a
 * value that is not an open handle first (EBADF), an object of a kind not
 * accepted after the op and event (EINVAL, see the header for why). */
int wepoll_ctl_handle(HANDLE ephnd, int op, HANDLE handle,
                      struct epoll_event* event) {
  port_state* port = registry_acquire(ephnd);
  bool accepted;
  int result;
  if (port == NULL)
    return api_not_a_port(ephnd);
  result = waitable_check_handle(handle, &accepted);
  if (result == 0)
    result = api_check_ctl(op, event);
  if (result == 0 && !accepted)
    result = err_set(EINVAL);
  if (result == 0)
    result = port_ctl_handle(port, op, handle, event);
  registry_release(port);
  return result;
}

/* Any negative timeout waits for ever, as on Linux and in wepoll 1.x. */
static int api_check_wait(const struct epoll_event* events) {
  if (events == NULL)
    return err_set(EFAULT);
  return 0;
}

int epoll_wait(HANDLE ephnd, struct epoll_event* events, int maxevents,
               int timeout) {
  port_state* port;
  int result;
  /* Checked before the port, as Linux and wepoll 1.x do.  The bound is the
   * largest count whose array size fits an int, as Linux bounds it. */
  if (maxevents <= 0 || maxevents > INT_MAX / (int) sizeof *events)
    return err_set(EINVAL);
  port = registry_acquire(ephnd);
  if (port == NULL)
    return api_not_a_port(ephnd);
  result = api_check_wait(events);
  if (result == 0)
    result = port_wait(port, events, maxevents, timeout);
  registry_release(port);
  return result;
}

unsigned int wepoll_version(void) {
  return WEPOLL_VERSION;
}
