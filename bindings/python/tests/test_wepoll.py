"""The Python package against a real wepoll.dll: for Windows CPython (the
native Windows CI jobs); skipped elsewhere.  Set WEPOLL_DLL to the DLL to
test, e.g. build/lib/wepoll.dll.

    python -m unittest discover -s bindings/python/tests -v
"""

import errno
import os
import re
import socket
import sys
import unittest

sys.path.insert(0, os.path.normpath(
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")))

import wepoll  # noqa: E402

WAIT_MS = 5000  # per wait; every loop below is bounded


def loopback_pair():
    """A connected TCP pair on 127.0.0.1: (client, server side)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        client = socket.create_connection(listener.getsockname(), timeout=5)
        server, _ = listener.accept()
    return client, server


@unittest.skipUnless(sys.platform == "win32", "needs Windows and wepoll.dll")
class Errors(unittest.TestCase):
    def setUp(self):
        self.ep = wepoll.Epoll()
        self.addCleanup(self.ep.close)
        self.sock = socket.socket()
        self.addCleanup(self.sock.close)

    def assertErrno(self, code, fn, *args):
        with self.assertRaises(OSError) as cm:
            fn(*args)
        self.assertEqual(cm.exception.errno, code, str(cm.exception))

    def test_create_rejects_bad_arguments(self):
        self.assertErrno(errno.EINVAL, wepoll.epoll_create1, 2)
        self.assertErrno(errno.EINVAL, wepoll.epoll_create, 0)

    def test_close_twice_is_ebadf(self):
        h = wepoll.epoll_create(1)
        wepoll.close(h)
        self.assertErrno(errno.EBADF, wepoll.close, h)
        self.assertErrno(errno.EBADF, wepoll.wait, h, 1, 0)

    def test_ctl_errors_in_the_documented_order(self):
        h = self.ep.handle
        self.assertErrno(errno.EINVAL, wepoll.ctl, h, 99, self.sock,
                         wepoll.EPOLLIN)
        self.assertErrno(errno.ENOENT, wepoll.ctl, h, wepoll.EPOLL_CTL_MOD,
                         self.sock, wepoll.EPOLLIN)
        self.assertErrno(errno.ENOENT, wepoll.ctl, h, wepoll.EPOLL_CTL_DEL,
                         self.sock)
        self.ep.register(self.sock, wepoll.EPOLLIN)
        self.assertErrno(errno.EEXIST, self.ep.register, self.sock,
                         wepoll.EPOLLIN)
        self.ep.unregister(self.sock)

    def test_ctl_ignores_undefined_mask_bits(self):
        h = self.ep.handle
        wepoll.ctl(h, wepoll.EPOLL_CTL_ADD, self.sock,
                   wepoll.EPOLLIN | (1 << 20))
        wepoll.ctl(h, wepoll.EPOLL_CTL_DEL, self.sock)

    def test_ctl_rejects_a_handle_that_is_not_a_socket(self):
        import msvcrt
        with open(__file__, "rb") as f:
            handle = msvcrt.get_osfhandle(f.fileno())
            self.assertErrno(errno.ENOTSOCK, self.ep.register, handle,
                             wepoll.EPOLLIN)

    def test_wait_rejects_bad_arguments(self):
        self.assertErrno(errno.EINVAL, wepoll.wait, self.ep.handle, 0, 0)

    def test_oserror_carries_the_win32_code(self):
        with self.assertRaises(OSError) as cm:
            wepoll.epoll_create1(2)
        self.assertEqual(cm.exception.winerror, 87)  # ERROR_INVALID_PARAMETER


@unittest.skipUnless(sys.platform == "win32", "needs Windows and wepoll.dll")
class RoundTrip(unittest.TestCase):
    def setUp(self):
        self.ep = wepoll.Epoll()
        self.addCleanup(self.ep.close)
        self.client, self.server = loopback_pair()
        self.addCleanup(self.client.close)
        self.addCleanup(self.server.close)

    def test_version_is_the_headers(self):
        header = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                              "..", "..", "..", "include", "wepoll.h")
        with open(header, encoding="utf-8") as f:
            macros = dict(re.findall(
                r"#define WEPOLL_VERSION_(MAJOR|MINOR|PATCH) (\d+)", f.read()))
        expected = (int(macros["MAJOR"]) * 10000 + int(macros["MINOR"]) * 100
                    + int(macros["PATCH"]))
        self.assertEqual(wepoll.version(), expected)

    def test_timeout_returns_nothing(self):
        self.ep.register(self.server, wepoll.EPOLLIN)
        self.assertEqual(self.ep.wait(timeout=0), [])

    def test_echo(self):
        self.ep.register(self.server, wepoll.EPOLLIN | wepoll.EPOLLRDHUP)
        self.client.sendall(b"ping from Python")
        events = self.ep.wait(timeout=WAIT_MS)
        self.assertEqual(len(events), 1)
        mask, data = events[0]
        self.assertTrue(mask & wepoll.EPOLLIN)
        self.assertFalse(mask & wepoll.EPOLLOUT)
        self.assertEqual(data, self.server.fileno())  # the default data
        payload = self.server.recv(100)
        self.assertEqual(payload, b"ping from Python")

        self.ep.modify(self.server, wepoll.EPOLLOUT, data=0xFEDCBA9876543210)
        mask, data = self.ep.wait(timeout=WAIT_MS)[0]
        self.assertTrue(mask & wepoll.EPOLLOUT)
        self.assertEqual(data, 0xFEDCBA9876543210)
        self.server.sendall(payload)
        self.assertEqual(self.client.recv(100), payload)

        self.ep.modify(self.server, wepoll.EPOLLIN | wepoll.EPOLLRDHUP)
        self.client.shutdown(socket.SHUT_WR)
        mask, _ = self.ep.wait(timeout=WAIT_MS)[0]
        self.assertTrue(mask & wepoll.EPOLLRDHUP)
        self.assertEqual(self.server.recv(100), b"")

    def test_oneshot_reports_once_until_modified(self):
        self.ep.register(self.server, wepoll.EPOLLIN | wepoll.EPOLLONESHOT)
        self.client.sendall(b"x")
        self.assertEqual(len(self.ep.wait(timeout=WAIT_MS)), 1)
        self.assertEqual(self.ep.wait(timeout=100), [])  # data still unread
        self.ep.modify(self.server, wepoll.EPOLLIN | wepoll.EPOLLONESHOT)
        self.assertEqual(len(self.ep.wait(timeout=WAIT_MS)), 1)

    def test_closed_port_is_closed(self):
        ep = wepoll.Epoll()
        with ep:
            self.assertFalse(ep.closed)
        self.assertTrue(ep.closed)


@unittest.skipUnless(sys.platform == "win32", "needs Windows and wepoll.dll")
class Handles(unittest.TestCase):
    """wepoll_ctl_handle: an event set from another thread wakes the port
    (the cross-thread wake-up of an event loop)."""

    def setUp(self):
        import ctypes
        self.kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
        self.kernel32.CreateEventW.restype = ctypes.c_void_p
        self.kernel32.CreateEventW.argtypes = [
            ctypes.c_void_p, ctypes.c_int, ctypes.c_int, ctypes.c_void_p]
        self.kernel32.SetEvent.argtypes = [ctypes.c_void_p]
        self.kernel32.CloseHandle.argtypes = [ctypes.c_void_p]
        self.ep = wepoll.Epoll()
        self.addCleanup(self.ep.close)
        self.event = self.kernel32.CreateEventW(None, 0, 0, None)  # auto-reset
        self.assertTrue(self.event)
        self.addCleanup(self.kernel32.CloseHandle, self.event)

    def test_set_from_another_thread_is_reported_once(self):
        import threading
        self.ep.register_handle(self.event, data=7)
        self.assertEqual(self.ep.wait(timeout=0), [])
        threading.Timer(0.05, self.kernel32.SetEvent, [self.event]).start()
        self.assertEqual(self.ep.wait(timeout=WAIT_MS),
                         [(wepoll.EPOLLIN, 7)])
        self.assertEqual(self.ep.wait(timeout=100), [])  # auto-reset: once
        self.ep.unregister_handle(self.event)

    def test_handle_errors(self):
        with self.assertRaises(OSError) as cm:
            self.ep.register_handle(0)
        self.assertEqual(cm.exception.errno, errno.EBADF)
        sock = socket.socket()
        self.addCleanup(sock.close)
        with self.assertRaises(OSError) as cm:
            self.ep.register_handle(sock.fileno())  # sockets: epoll_ctl
        self.assertEqual(cm.exception.errno, errno.EINVAL)
        with self.assertRaises(OSError) as cm:
            self.ep.unregister_handle(self.event)
        self.assertEqual(cm.exception.errno, errno.ENOENT)


if __name__ == "__main__":
    unittest.main(verbosity=2)
