/*
 * wepoll - the epoll API for Windows.
 *
 * Binary compatible with wepoll 1.x: the same exports, the same struct
 * layout and the same constant values, so this DLL can replace an older
 * wepoll.dll without rebuilding the program that ships it.
 *
 * Every call that fails returns -1 (or NULL for the create calls) and sets
 * both `errno` (as seen by the C runtime the DLL links) and the thread's
 * last error (GetLastError()).  The error pairs used are:
 *
 *   EBADF   ERROR_INVALID_HANDLE       a port or socket value that is no open
 *                                      handle at all (Linux: a closed fd)
 *   EINVAL  ERROR_INVALID_PARAMETER    an open handle that is not a port; bad
 *                                      op, flags, size, count, timeout
 *   EFAULT  ERROR_NOACCESS             NULL pointer where one is required
 *   ENOTSOCK WSAENOTSOCK               not a socket
 *   EEXIST  ERROR_ALREADY_EXISTS       socket already registered (ADD)
 *   ENOENT  ERROR_NOT_FOUND            socket not registered (MOD, DEL)
 *   ENOMEM  ERROR_NOT_ENOUGH_MEMORY    out of memory
 *
 * Arguments are checked in the order in which each function's comment lists
 * its errors; the first failing check decides the error.  As on Linux and
 * in wepoll 1.x, "no open handle" (EBADF) is told apart from "an open
 * handle of the wrong kind" (EINVAL, ENOTSOCK) only once a call has failed,
 * so the success path pays nothing for it.
 */
#ifndef WEPOLL_H_
#define WEPOLL_H_

#include <stdint.h>

/* The library version; wepoll_version() returns the same number for the
 * DLL actually loaded, as MAJOR * 10000 + MINOR * 100 + PATCH. */
#define WEPOLL_VERSION_MAJOR 1
#define WEPOLL_VERSION_MINOR 7
#define WEPOLL_VERSION_PATCH 0
#define WEPOLL_VERSION                                         \
  (WEPOLL_VERSION_MAJOR * 10000 + WEPOLL_VERSION_MINOR * 100 + \
   WEPOLL_VERSION_PATCH)

/* Functions are imported from wepoll.dll unless WEPOLL_STATIC is defined
 * (linking the static library) or the library itself is being built. */
#if defined(WEPOLL_STATIC) || defined(WEPOLL_BUILDING_LIBRARY)
#define WEPOLL_API
#else
#define WEPOLL_API __declspec(dllimport)
#endif

/* cdecl is what wepoll 1.x used; spelled out so that callers compiled with
 * another default convention (MSVC /Gz, /Gr) still call correctly. */
#if defined(_WIN32) && !defined(_WIN64)
#define WEPOLL_CALL __cdecl
#else
#define WEPOLL_CALL
#endif

/* Event bits: the same values as Linux. */
#define EPOLLIN (1u << 0)
#define EPOLLPRI (1u << 1)
#define EPOLLOUT (1u << 2)
#define EPOLLERR (1u << 3)
#define EPOLLHUP (1u << 4)
#define EPOLLRDNORM (1u << 6)
#define EPOLLRDBAND (1u << 7)
#define EPOLLWRNORM (1u << 8)
#define EPOLLWRBAND (1u << 9)
#define EPOLLMSG (1u << 10) /* Accepted and never reported, as on Linux. */
#define EPOLLRDHUP (1u << 13)
/* One-shot: report once, then stay registered but disarmed until
 * EPOLL_CTL_MOD.  The DLL also treats (1u << 31) as one-shot: that is the
 * value programs built against wepoll 1.5.8 pass (on Linux that bit is
 * EPOLLET, which wepoll does not support and does not define).  Any other
 * bit of a mask that is not defined here (EPOLLEXCLUSIVE, EPOLLWAKEUP, ...)
 * is accepted and ignored, as Linux and wepoll 1.x do. */
#define EPOLLONESHOT (1u << 30)

/* epoll_create1 flag (since 1.7.0): the port tracks every socket's close,
 * as Linux does, so a socket closed without EPOLL_CTL_DEL is never reported
 * afterwards and its handle value can be added again at once.  It costs a
 * second AFD poll per socket, a kernel call at ADD and at DEL, and a read
 * of the completion port before results are reported (docs/internals.md).
 * Without it a port behaves as wepoll 1.x: delete a socket before closing
 * it.  DLLs older than 1.7.0 fail epoll_create1 with EINVAL for it. */
#define WEPOLL_CLOSE_TRACKING 0x1

/* epoll_create1 flag, Linux's value.  Accepted and changes nothing: a
 * port's handle is never inherited by child processes anyway. */
#define EPOLL_CLOEXEC 0x80000

/* epoll_ctl operations: wepoll's values (Linux has MOD 3 and DEL 2). */
#define EPOLL_CTL_ADD 1
#define EPOLL_CTL_MOD 2
#define EPOLL_CTL_DEL 3

/* The same types as <windows.h> and <winsock2.h> give them.  When those were
 * included first their definitions stand, so that compilers that warn about
 * a repeated typedef (C89/C99 with -pedantic) stay quiet. */
#ifndef _WINNT_
typedef void* HANDLE;
#endif
#if !defined(_WINSOCK2API_) && !defined(_WINSOCKAPI_)
typedef uintptr_t SOCKET;
#endif

typedef union epoll_data {
  void* ptr;
  int fd;
  uint32_t u32;
  uint64_t u64;
  SOCKET sock; /* Windows-specific */
  HANDLE hnd;  /* Windows-specific */
} epoll_data_t;

struct epoll_event {
  uint32_t events;   /* Epoll events and flags */
  epoll_data_t data; /* User data variable */
};

#ifdef __cplusplus
extern "C" {
#endif

/* Creates an epoll port.  Returns NULL on failure.
 * Errors: EINVAL (size <= 0), ENOMEM or the system's error. */
WEPOLL_API HANDLE WEPOLL_CALL epoll_create(int size);

/* Creates an epoll port.  `flags` is 0 or any of WEPOLL_CLOSE_TRACKING and
 * EPOLL_CLOEXEC.  Returns NULL on failure.
 * Errors: EINVAL (any other flag), ENOMEM or the system's error. */
WEPOLL_API HANDLE WEPOLL_CALL epoll_create1(int flags);

/* Closes an epoll port.  Threads blocked in epoll_wait() on it return -1
 * with EBADF.  Returns 0, or -1 on failure.
 * Errors: EBADF (ephnd is no open handle: never opened, or closed);
 *         EINVAL (an open handle that is not an epoll port; left open). */
WEPOLL_API int WEPOLL_CALL epoll_close(HANDLE ephnd);

/* Adds, changes or removes the registration of `sock`.  `event` may be NULL
 * for EPOLL_CTL_DEL.  Returns 0, or -1 on failure.
 * Bits of event->events that this header does not define are ignored.
 * Errors, in the order checked:
 *   EBADF    ephnd, or sock, is no open handle: INVALID_SOCKET, 0, a value
 *            never opened or one closed.  A registered socket closed
 *            without DEL gives EBADF for MOD and DEL once the library has
 *            seen the close (at the latest after the next epoll_wait);
 *   EINVAL   ephnd is an open handle but not an epoll port, or op is not
 *            EPOLL_CTL_ADD, _MOD or _DEL;
 *   EFAULT   event is NULL for ADD or MOD;
 *   ENOTSOCK sock is an open handle but not a socket (ADD; MOD and DEL of
 *            such an unregistered value);
 *   EEXIST   ADD of a socket already registered with this port;
 *   ENOENT   MOD or DEL of a socket not registered with this port;
 *   ENOMEM   out of memory. */
WEPOLL_API int WEPOLL_CALL epoll_ctl(HANDLE ephnd, int op, SOCKET sock,
                                     struct epoll_event* event);

/* Waits up to `timeout` milliseconds (-1, or any negative value: forever,
 * as on Linux; 0: do not block) for events and stores up to `maxevents` of
 * them in `events`.  Returns the number stored, 0 on timeout, or -1 on
 * failure.
 * Errors, in the order checked:
 *   EINVAL   maxevents <= 0, or too large to address as an array;
 *   EBADF    ephnd is no open handle, or the port was closed while
 *            waiting;
 *   EINVAL   ephnd is an open handle but not an epoll port;
 *   EFAULT   events is NULL;
 *   ENOMEM   the system had no memory for a socket's poll and nothing is
 *            ready: the registration stays and the next call tries
 *            again. */
WEPOLL_API int WEPOLL_CALL epoll_wait(HANDLE ephnd, struct epoll_event* events,
                                      int maxevents, int timeout);

/* Waking a waiting thread (since 1.7.0): the port handle is a Windows I/O
 * completion port, and one packet posted to it from any thread,
 *
 *     PostQueuedCompletionStatus(ephnd, 0, 0, NULL);
 *
 * wakes one epoll_wait() on it: the wait that reads the packet returns at
 * once with the events ready then, or 0 if none.  Each packet wakes one
 * wait, whether a thread is blocked when it is posted or calls epoll_wait()
 * later; no socket or event object is needed.  Any completion key and
 * overlapped pointer act alike: the library's own packets carry keys no
 * program can guess, a posted packet is never taken for a socket's or a
 * handle's, and its overlapped pointer is never dereferenced.  wepoll 1.x
 * and DLLs before 1.7.0 crash or lose such a packet: check
 * wepoll_version() >= 10700 before relying on it. */

/* Returns the version of the loaded DLL as
 * MAJOR * 10000 + MINOR * 100 + PATCH (see WEPOLL_VERSION).  Introduced in
 * 1.6.0; look it up with GetProcAddress to support older DLLs. */
WEPOLL_API unsigned int WEPOLL_CALL wepoll_version(void);

/* Adds, changes or removes the registration of a waitable HANDLE, in the
 * same port as sockets, so that one epoll_wait() also sees an event set by
 * another thread, a timer that fired or a process that exited.  Introduced
 * in 1.7.0; look it up with GetProcAddress to support older DLLs.
 *
 * Accepted objects: events (auto- and manual-reset), semaphores, waitable
 * timers, processes and threads.  Not accepted (EINVAL): files and pipes
 * (their signaled state means an I/O request finished, not that data is
 * ready), sockets (register them with epoll_ctl) and mutexes (the wait
 * would make a thread inside wepoll their owner); nor any other kind.
 *
 * EPOLLIN means "signaled"; other bits, defined here or not, are ignored and
 * only EPOLLIN is reported, with `data` as given.  Level-triggered by
 * default: after a report the next epoll_wait() waits again, so an object
 * that stays signaled (manual-reset event, exited process or thread) is
 * reported by every wait until it is reset or deleted.  A wait consumes what
 * any wait consumes: an auto-reset event is reset and a semaphore's count
 * drops by one, so each SetEvent() on an auto-reset event is reported once.
 * EPOLLONESHOT reports once, then disarms until EPOLL_CTL_MOD.
 *
 * `handle` must stay open while registered: EPOLL_CTL_DEL it before
 * CloseHandle().  One closed without DEL stays registered under its value
 * and its object stays alive, waited on, until DEL or epoll_close(); no
 * wait goes to another object that the value names later.
 * epoll_close() removes handles and sockets alike.
 *
 * Returns 0, or -1 on failure.  Errors, in the order checked:
 *   EBADF    ephnd is not an open epoll port, or handle is not an open
 *            handle (NULL, closed, INVALID_HANDLE_VALUE and the other
 *            pseudo-handles included);
 *   EINVAL   op is not EPOLL_CTL_ADD, _MOD or _DEL;
 *   EFAULT   event is NULL for ADD or MOD;
 *   EINVAL   handle is an object of a kind not accepted (see above);
 *   EEXIST   ADD of a handle already registered with this port;
 *   ENOENT   MOD or DEL of a handle not registered with this port;
 *   ENOMEM   out of memory, or the system's error for a handle that
 *            cannot be waited on (e.g. EACCES without SYNCHRONIZE). */
WEPOLL_API int WEPOLL_CALL wepoll_ctl_handle(HANDLE ephnd, int op,
                                             HANDLE handle,
                                             struct epoll_event* event);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* WEPOLL_H_ */
