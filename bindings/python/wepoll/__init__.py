"""wepoll for Python: the epoll API for Windows, over wepoll.dll with ctypes.

    import socket, wepoll

    with wepoll.Epoll() as ep:
        ep.register(sock, wepoll.EPOLLIN | wepoll.EPOLLRDHUP)
        for events, data in ep.wait(timeout=1000):
            ...

The functions mirror the C API (include/wepoll.h): ``epoll_create1``,
``epoll_create``, ``close``, ``ctl`` and ``wait``; ``wait`` returns a list of
``(events, data)`` pairs, ``data`` being the 64-bit value registered with
the socket (by default the socket's handle, so it can be matched against
``sock.fileno()``).  Failures raise ``OSError`` whose ``errno`` is the one
the header documents (EBADF, EINVAL, EFAULT, ENOTSOCK, EEXIST, ENOENT,
ENOMEM); on Windows ``winerror`` holds the Win32 error code.

wepoll.dll is found, in this order: the path given to ``load()``, the
``WEPOLL_DLL`` environment variable, a ``wepoll.dll`` next to this file,
then the standard DLL search (including ``PATH``).
"""

import ctypes
import errno as _errno
import os
import sys

__all__ = [
    "EPOLLIN", "EPOLLPRI", "EPOLLOUT", "EPOLLERR", "EPOLLHUP", "EPOLLRDNORM",
    "EPOLLRDBAND", "EPOLLWRNORM", "EPOLLWRBAND", "EPOLLMSG", "EPOLLRDHUP",
    "EPOLLONESHOT", "EPOLL_CLOEXEC", "EPOLL_CTL_ADD", "EPOLL_CTL_MOD", "EPOLL_CTL_DEL",
    "epoll_data", "epoll_event", "load", "epoll_create", "epoll_create1",
    "close", "ctl", "ctl_handle", "wait", "version", "Epoll",
]

# Event bits (the same values as Linux) and epoll_ctl operations (wepoll's
# values: Linux has MOD 3 and DEL 2).
EPOLLIN = 1 << 0
EPOLLPRI = 1 << 1
EPOLLOUT = 1 << 2
EPOLLERR = 1 << 3
EPOLLHUP = 1 << 4
EPOLLRDNORM = 1 << 6
EPOLLRDBAND = 1 << 7
EPOLLWRNORM = 1 << 8
EPOLLWRBAND = 1 << 9
EPOLLMSG = 1 << 10
EPOLLRDHUP = 1 << 13
EPOLLONESHOT = 1 << 30
EPOLL_CLOEXEC = 0x80000  # epoll_create1 flag: accepted, changes nothing

EPOLL_CTL_ADD = 1
EPOLL_CTL_MOD = 2
EPOLL_CTL_DEL = 3

HANDLE = ctypes.c_void_p
SOCKET = ctypes.c_size_t  # uintptr_t: pointer-sized and unsigned


class epoll_data(ctypes.Union):
    """epoll_data_t."""
    _fields_ = [
        ("ptr", ctypes.c_void_p),
        ("fd", ctypes.c_int),
        ("u32", ctypes.c_uint32),
        ("u64", ctypes.c_uint64),
        ("sock", SOCKET),
        ("hnd", HANDLE),
    ]


class epoll_event(ctypes.Structure):
    """struct epoll_event: natural alignment, 16 bytes on x86 and x64."""
    _fields_ = [
        ("events", ctypes.c_uint32),
        ("data", epoll_data),
    ]


# Win32 error code -> errno, the pairs documented in wepoll.h.  Python's
# errno module names the socket errors with their Winsock values on Windows,
# so ENOTSOCK is whatever errno.ENOTSOCK is there.
_WIN32_TO_ERRNO = {
    6: _errno.EBADF,        # ERROR_INVALID_HANDLE
    87: _errno.EINVAL,      # ERROR_INVALID_PARAMETER
    998: _errno.EFAULT,     # ERROR_NOACCESS
    10038: _errno.ENOTSOCK,  # WSAENOTSOCK
    183: _errno.EEXIST,     # ERROR_ALREADY_EXISTS
    1168: _errno.ENOENT,    # ERROR_NOT_FOUND
    8: _errno.ENOMEM,       # ERROR_NOT_ENOUGH_MEMORY
    14: _errno.ENOMEM,      # ERROR_OUTOFMEMORY
}

_dll = None


def load(path=None):
    """Loads wepoll.dll (once) and returns the ctypes library object."""
    global _dll
    if _dll is not None and path is None:
        return _dll
    if sys.platform != "win32":
        raise OSError(_errno.ENOSYS, "wepoll.dll needs Windows")
    if path is None:
        path = os.environ.get("WEPOLL_DLL")
    if path is None:
        here = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                            "wepoll.dll")
        if os.path.exists(here):
            path = here
    if path is not None:
        dll = ctypes.CDLL(os.path.abspath(path), use_last_error=True)
    else:
        # winmode=0: the classic search order, which includes PATH.
        dll = ctypes.CDLL("wepoll.dll", use_last_error=True, winmode=0)
    _declare(dll)
    _dll = dll
    return dll


def _declare(dll):
    # All cdecl (CDLL), as the header spells out for 32-bit callers.
    dll.epoll_create.argtypes = [ctypes.c_int]
    dll.epoll_create.restype = HANDLE
    dll.epoll_create1.argtypes = [ctypes.c_int]
    dll.epoll_create1.restype = HANDLE
    dll.epoll_close.argtypes = [HANDLE]
    dll.epoll_close.restype = ctypes.c_int
    dll.epoll_ctl.argtypes = [HANDLE, ctypes.c_int, SOCKET,
                              ctypes.POINTER(epoll_event)]
    dll.epoll_ctl.restype = ctypes.c_int
    dll.epoll_wait.argtypes = [HANDLE, ctypes.POINTER(epoll_event),
                               ctypes.c_int, ctypes.c_int]
    dll.epoll_wait.restype = ctypes.c_int


def _error():
    """The OSError for the call that just failed (from its last error)."""
    code = ctypes.get_last_error()
    err = _WIN32_TO_ERRNO.get(code)
    if err is None:
        return ctypes.WinError(code)
    message = ctypes.FormatError(code).strip() or os.strerror(err)
    exc = OSError(err, message)
    try:
        exc.winerror = code
    except AttributeError:
        pass
    return exc


def _socket_value(sock):
    return sock.fileno() if hasattr(sock, "fileno") else int(sock)


def epoll_create1(flags=0):
    """Creates an epoll port and returns its handle (an int)."""
    handle = load().epoll_create1(flags)
    if not handle:
        raise _error()
    return handle


def epoll_create(size=1):
    """Like epoll_create1(0); ``size`` must be positive (it is a hint)."""
    handle = load().epoll_create(size)
    if not handle:
        raise _error()
    return handle


def close(ephnd):
    """Closes an epoll port."""
    if load().epoll_close(ephnd) != 0:
        raise _error()


def ctl(ephnd, op, sock, events=0, data=None):
    """epoll_ctl(): EPOLL_CTL_ADD, _MOD or _DEL of a socket.

    ``sock`` is a socket object or its handle.  ``data`` (an int up to 64
    bits) comes back from wait(); by default it is the socket's handle.
    """
    value = _socket_value(sock)
    if op == EPOLL_CTL_DEL:
        event = None
    else:
        event = epoll_event(events)
        event.data.u64 = value if data is None else data
    if load().epoll_ctl(ephnd, op, value,
                        None if event is None else ctypes.byref(event)) != 0:
        raise _error()


def ctl_handle(ephnd, op, handle, events=EPOLLIN, data=None):
    """wepoll_ctl_handle() (wepoll 1.7.0 and later): EPOLL_CTL_ADD, _MOD or
    _DEL of a waitable handle (an int): an event, semaphore, waitable timer,
    process or thread.  EPOLLIN means "signaled"; ``data`` defaults to the
    handle value.  Delete it before closing the handle.  Raises OSError
    (ENOSYS) with a DLL older than 1.7.0."""
    dll = load()
    try:
        fn = dll.wepoll_ctl_handle
    except AttributeError:
        raise OSError(_errno.ENOSYS, "wepoll.dll is older than 1.7.0") from None
    fn.argtypes = [HANDLE, ctypes.c_int, HANDLE, ctypes.POINTER(epoll_event)]
    fn.restype = ctypes.c_int
    value = int(handle)
    if op == EPOLL_CTL_DEL:
        event = None
    else:
        event = epoll_event(events)
        event.data.u64 = value if data is None else data
    if fn(ephnd, op, value,
          None if event is None else ctypes.byref(event)) != 0:
        raise _error()


def wait(ephnd, maxevents=64, timeout=-1):
    """epoll_wait(): waits up to ``timeout`` ms (-1: forever) for events.

    Returns a list of ``(events, data)`` pairs, empty on timeout.
    """
    if maxevents <= 0:
        buf, count = None, maxevents  # let the DLL report EINVAL
    else:
        buf, count = (epoll_event * maxevents)(), maxevents
    n = load().epoll_wait(ephnd, buf, count, timeout)
    if n < 0:
        raise _error()
    return [(buf[i].events, buf[i].data.u64) for i in range(n)]


def version():
    """The loaded DLL's version as MAJOR * 10000 + MINOR * 100 + PATCH,
    or None for a DLL older than 1.6.0 (which lacks wepoll_version)."""
    dll = load()
    try:
        fn = dll.wepoll_version
    except AttributeError:
        return None
    fn.argtypes = []
    fn.restype = ctypes.c_uint
    return fn()


class Epoll:
    """An epoll port that closes itself (``with`` or close())."""

    def __init__(self):
        self.handle = epoll_create1(0)

    def register(self, sock, events, data=None):
        ctl(self.handle, EPOLL_CTL_ADD, sock, events, data)

    def modify(self, sock, events, data=None):
        ctl(self.handle, EPOLL_CTL_MOD, sock, events, data)

    def unregister(self, sock):
        ctl(self.handle, EPOLL_CTL_DEL, sock)

    def register_handle(self, handle, events=EPOLLIN, data=None):
        ctl_handle(self.handle, EPOLL_CTL_ADD, handle, events, data)

    def modify_handle(self, handle, events=EPOLLIN, data=None):
        ctl_handle(self.handle, EPOLL_CTL_MOD, handle, events, data)

    def unregister_handle(self, handle):
        ctl_handle(self.handle, EPOLL_CTL_DEL, handle)

    def wait(self, maxevents=64, timeout=-1):
        return wait(self.handle, maxevents, timeout)

    def close(self):
        if self.handle is not None:
            handle, self.handle = self.handle, None
            close(handle)

    @property
    def closed(self):
        return self.handle is None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
