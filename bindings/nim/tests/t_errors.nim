## Errors reach Nim as they reach C: the call returns -1 (0 for the create
## calls) and sets both errno of the C runtime and the thread's last error,
## to the pairs the header documents, in the documented order of checks.

import std/[nativesockets, os, winlean]
import wepoll/cnames # SOCKET(x) below: the C name, opted into
import tcommon

proc expectError(what: string; failed: bool; errnoName, win32Name: string;
                 line: int) =
  ## Called right after a call that must fail: checks its result and both
  ## error channels against the header's (C's) values.
  let gotWin32 = int64(osLastError())
  let gotErrno = int64(cErrno())
  if not failed:
    fail(what & ": did not fail", "t_errors.nim", line)
    return
  if gotErrno != cFact(errnoName):
    fail(what & ": errno " & $gotErrno & ", want " & errnoName & " (" &
         $cFact(errnoName) & ")", "t_errors.nim", line)
  if gotWin32 != cFact(win32Name):
    fail(what & ": GetLastError() " & $gotWin32 & ", want " & win32Name &
         " (" & $cFact(win32Name) & ")", "t_errors.nim", line)

proc reset() =
  cSetErrno(0)
  setLastError(0)

template expectFail(call: untyped; failValue: untyped;
                    errnoName, win32Name: string) =
  reset()
  let r = call
  expectError(astToStr(call), r == failValue, errnoName, win32Name,
              instantiationInfo().line)

# epoll_create / epoll_create1: bad size or flags.
expectFail(epoll_create(0), HANDLE(0), "EINVAL", "ERROR_INVALID_PARAMETER")
expectFail(epoll_create(-1), HANDLE(0), "EINVAL", "ERROR_INVALID_PARAMETER")
expectFail(epoll_create1(2), HANDLE(0), "EINVAL", "ERROR_INVALID_PARAMETER")

# The create calls return NULL on failure: Nim code compares with nil.
let failed = epoll_create1(2)
check failed == nil
check nil == failed
check failed.isNil
let cloexec = epoll_create1(EPOLL_CLOEXEC)
check cloexec != nil
check not cloexec.isNil
checkEq(epoll_close(cloexec), 0.cint)

let ep = epoll_create1(0)
check ep != HANDLE(0)
let sock = createNativeSocket(Domain.AF_INET, SockType.SOCK_STREAM,
                              Protocol.IPPROTO_TCP)
check sock != osInvalidSocket
var ev = epoll_event(events: EPOLLIN)
ev.data.sock = sock

# epoll_ctl, in the header's order of checks.
let notAPort = createEvent(nil, 1, 0, nil) # a handle, but not an epoll port
expectFail(epoll_ctl(notAPort, EPOLL_CTL_ADD, sock, addr ev), -1.cint,
           "EINVAL", "ERROR_INVALID_PARAMETER")
expectFail(epoll_ctl(ep, EPOLL_CTL_ADD, osInvalidSocket, addr ev), -1.cint,
           "EBADF", "ERROR_INVALID_HANDLE")
expectFail(epoll_ctl(ep, 99, sock, addr ev), -1.cint,
           "EINVAL", "ERROR_INVALID_PARAMETER")
expectFail(epoll_ctl(ep, EPOLL_CTL_ADD, sock, nil), -1.cint,
           "EFAULT", "ERROR_NOACCESS")
expectFail(epoll_ctl(ep, EPOLL_CTL_ADD, SOCKET(notAPort), addr ev), -1.cint,
           "ENOTSOCK", "WSAENOTSOCK")
expectFail(epoll_ctl(ep, EPOLL_CTL_MOD, sock, addr ev), -1.cint,
           "ENOENT", "ERROR_NOT_FOUND")
expectFail(epoll_ctl(ep, EPOLL_CTL_DEL, sock, nil), -1.cint,
           "ENOENT", "ERROR_NOT_FOUND")
reset()
checkEq(epoll_ctl(ep, EPOLL_CTL_ADD, sock, addr ev), 0.cint)
expectFail(epoll_ctl(ep, EPOLL_CTL_ADD, sock, addr ev), -1.cint,
           "EEXIST", "ERROR_ALREADY_EXISTS")
checkEq(epoll_ctl(ep, EPOLL_CTL_DEL, sock, nil), 0.cint)
# Undefined mask bits are accepted and ignored.
var oddMask = epoll_event(events: EPOLLIN or (1'u32 shl 20))
checkEq(epoll_ctl(ep, EPOLL_CTL_ADD, sock, addr oddMask), 0.cint)
checkEq(epoll_ctl(ep, EPOLL_CTL_DEL, sock, nil), 0.cint)

# epoll_wait, in the header's order of checks.
var events: array[4, epoll_event]
expectFail(epoll_wait(ep, addr events[0], 0, 0), -1.cint,
           "EINVAL", "ERROR_INVALID_PARAMETER")
expectFail(epoll_wait(notAPort, addr events[0], 4, 0), -1.cint,
           "EINVAL", "ERROR_INVALID_PARAMETER")
expectFail(epoll_wait(ep, nil, 4, 0), -1.cint, "EFAULT", "ERROR_NOACCESS")
checkEq(epoll_wait(ep, addr events[0], 4, 0), 0.cint)

# epoll_close: a port closes once; then it is no port any more.
expectFail(epoll_close(notAPort), -1.cint, "EINVAL",
           "ERROR_INVALID_PARAMETER")
checkEq(epoll_close(ep), 0.cint)
expectFail(epoll_close(ep), -1.cint, "EBADF", "ERROR_INVALID_HANDLE")
expectFail(epoll_wait(ep, addr events[0], 4, 0), -1.cint,
           "EBADF", "ERROR_INVALID_HANDLE")

discard closesocket(sock)
discard closeHandle(notAPort)
finish("t_errors")
