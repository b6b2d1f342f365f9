/*
 * A stand-in wepoll.dll for the checker's own tests: the real exports with
 * trivial bodies, linked with a deliberately broken .def (or none) to make
 * DLLs the checker must reject.  Never loaded; only its export table
 * matters.
 */
#include <wepoll.h>

HANDLE WEPOLL_CALL epoll_create(int size) {
  (void) size;
  return 0;
}

HANDLE WEPOLL_CALL epoll_create1(int flags) {
  (void) flags;
  return 0;
}

int WEPOLL_CALL epoll_close(HANDLE ephnd) {
  (void) ephnd;
  return -1;
}

int WEPOLL_CALL epoll_ctl(HANDLE ephnd, int op, SOCKET sock,
                          struct epoll_event* event) {
  (void) ephnd;
  (void) op;
  (void) sock;
  (void) event;
  return -1;
}

int WEPOLL_CALL epoll_wait(HANDLE ephnd, struct epoll_event* events,
                           int maxevents, int timeout) {
  (void) ephnd;
  (void) events;
  (void) maxevents;
  (void) timeout;
  return -1;
}

unsigned int WEPOLL_CALL wepoll_version(void) {
  return WEPOLL_VERSION;
}

int WEPOLL_CALL wepoll_ctl_handle(HANDLE ephnd, int op, HANDLE handle,
                                  struct epoll_event* event) {
  (void) ephnd;
  (void) op;
  (void) handle;
  (void) event;
  return -1;
}

#ifdef STUB_PWAIT
/* The export a future version might add. */
int epoll_pwait(HANDLE ephnd, struct epoll_event* events, int maxevents,
                int timeout, const void* sigmask);
int epoll_pwait(HANDLE ephnd, struct epoll_event* events, int maxevents,
                int timeout, const void* sigmask) {
  (void) sigmask;
  return epoll_wait(ephnd, events, maxevents, timeout);
}
#endif

#ifdef STUB_EXTRA
/* An internal helper that leaks into the export table when the DLL is
 * linked without the .def (MinGW then exports every global symbol). */
int wepoll_internal_helper(void);
int wepoll_internal_helper(void) {
  return 42;
}
#endif
