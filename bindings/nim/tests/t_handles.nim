## wepoll_ctl_handle from Nim: an auto-reset event is reported once per
## SetEvent with the data given, a manual-reset one at every wait, and bad
## handles fail with the header's errors.

import std/[nativesockets, os, winlean]
import wepoll
import tcommon

proc setEvent(h: Handle): WINBOOL {.stdcall, dynlib: "kernel32",
                                    importc: "SetEvent".}
proc resetEvent(h: Handle): WINBOOL {.stdcall, dynlib: "kernel32",
                                      importc: "ResetEvent".}

proc ctl(ep: HANDLE; op: cint; h: HANDLE; data: uint64): cint =
  var ev = epoll_event(events: EPOLLIN)
  ev.data.u64 = data
  wepoll_ctl_handle(ep, op, h, addr ev)

proc waitOne(ep: HANDLE; timeout: cint): (cint, epoll_event) =
  var evs: array[4, epoll_event]
  let n = epoll_wait(ep, addr evs[0], 4, timeout)
  (n, evs[0])

let ep = epoll_create1(0)
check ep != HANDLE(0)

let autoEvent = createEvent(nil, 0, 0, nil)
let manualEvent = createEvent(nil, 1, 0, nil)
checkEq(ctl(ep, EPOLL_CTL_ADD, autoEvent, 11), 0.cint)
checkEq(ctl(ep, EPOLL_CTL_ADD, manualEvent, 22), 0.cint)
checkEq(waitOne(ep, 50)[0], 0.cint)

for round in 0 ..< 3:
  check setEvent(autoEvent) != 0
  let (n, ev) = waitOne(ep, 5000)
  checkEq(n, 1.cint)
  checkEq(ev.events, EPOLLIN)
  checkEq(ev.data.u64, 11'u64)
  checkEq(waitOne(ep, 50)[0], 0.cint) # reset by the wait: once

check setEvent(manualEvent) != 0
for round in 0 ..< 3:
  let (n, ev) = waitOne(ep, 5000)
  checkEq(n, 1.cint)
  checkEq(ev.data.u64, 22'u64) # stays signaled: every wait
check resetEvent(manualEvent) != 0

checkEq(wepoll_ctl_handle(ep, EPOLL_CTL_DEL, autoEvent, nil), 0.cint)
checkEq(wepoll_ctl_handle(ep, EPOLL_CTL_DEL, manualEvent, nil), 0.cint)
cSetErrno(0)
checkEq(wepoll_ctl_handle(ep, EPOLL_CTL_DEL, autoEvent, nil), -1.cint)
checkEq(int64(cErrno()), cFact("ENOENT"))

# Not an open handle: EBADF; a socket is not accepted: EINVAL.
cSetErrno(0)
checkEq(ctl(ep, EPOLL_CTL_ADD, HANDLE(0), 1), -1.cint)
checkEq(int64(cErrno()), cFact("EBADF"))
checkEq(int64(osLastError()), cFact("ERROR_INVALID_HANDLE"))
let sock = createNativeSocket(Domain.AF_INET, SockType.SOCK_STREAM,
                              Protocol.IPPROTO_TCP)
cSetErrno(0)
checkEq(ctl(ep, EPOLL_CTL_ADD, HANDLE(sock), 1), -1.cint)
checkEq(int64(cErrno()), cFact("EINVAL"))

discard closesocket(sock)
discard closeHandle(autoEvent)
discard closeHandle(manualEvent)
checkEq(epoll_close(ep), 0.cint)
finish("t_handles")
