## An echo round trip through epoll from Nim: a listener reports a pending
## connection, the accepted socket reports data, becomes writable on
## request, reports the peer's FIN, and user data (64-bit values, sockets)
## comes back unchanged.

import std/[nativesockets, os, winlean]
import wepoll
import tcommon

const waitMs = 5000.cint  # per wait; every loop here is bounded

proc waitOne(ep: HANDLE; what: string): epoll_event =
  ## Waits for exactly one event; a timeout or an error is a failure.
  var evs: array[2, epoll_event]
  let n = epoll_wait(ep, addr evs[0], cint(evs.len), waitMs)
  if n != 1:
    fail(what & ": epoll_wait returned " & $n & " (" &
         osErrorMsg(osLastError()) & ")", "t_echo.nim", 0)
    finish("t_echo")
  evs[0]

let ep = epoll_create1(0)
check ep != HANDLE(0)

let (listener, port) = loopbackListener()
const listenerTag = 0x1122_3344_5566_7788'u64
var ev = epoll_event(events: EPOLLIN)
ev.data.u64 = listenerTag
checkEq(epoll_ctl(ep, EPOLL_CTL_ADD, listener, addr ev), 0.cint)

# Nothing yet: a zero timeout returns 0 at once.
var none: epoll_event
checkEq(epoll_wait(ep, addr none, 1, 0), 0.cint)

let client = loopbackConnect(port)
var got = waitOne(ep, "pending connection")
check (got.events and EPOLLIN) != 0
checkEq(got.data.u64, listenerTag)

let conn = winlean.accept(listener, nil, nil)
check conn != osInvalidSocket
ev = epoll_event(events: EPOLLIN or EPOLLRDHUP)
ev.data.sock = conn
checkEq(epoll_ctl(ep, EPOLL_CTL_ADD, conn, addr ev), 0.cint)
checkEq(epoll_ctl(ep, EPOLL_CTL_DEL, listener, nil), 0.cint)

const message = "ping from Nim through wepoll"
checkEq(send(client, message.cstring, message.len.cint, 0), message.len.cint)

got = waitOne(ep, "data")
check (got.events and EPOLLIN) != 0
check (got.events and EPOLLOUT) == 0  # not asked for
check got.data.sock == conn

var buf: array[256, char]
let n = recv(conn, addr buf[0], buf.len.cint, 0)
checkEq(n, message.len.cint)

# Ask for writability instead, then echo back.
ev = epoll_event(events: EPOLLOUT)
ev.data.sock = conn
checkEq(epoll_ctl(ep, EPOLL_CTL_MOD, conn, addr ev), 0.cint)
got = waitOne(ep, "writable")
check (got.events and EPOLLOUT) != 0
check (got.events and EPOLLIN) == 0
check got.data.sock == conn
checkEq(send(conn, addr buf[0], n, 0), n)

var back: array[256, char]
var total = 0
for attempt in 0 ..< 100:  # loopback may split the bytes
  let r = recv(client, addr back[total], cint(back.len - total), 0)
  if r <= 0: break
  total += r
  if total >= n: break
checkEq(total, int(n))
var echoed = newString(total)
if total > 0: copyMem(addr echoed[0], addr back[0], total)
checkEq(echoed, message)

# The peer's FIN: readable with RDHUP, and recv() then returns 0.
ev = epoll_event(events: EPOLLIN or EPOLLRDHUP)
ev.data.sock = conn
checkEq(epoll_ctl(ep, EPOLL_CTL_MOD, conn, addr ev), 0.cint)
checkEq(shutdown(client, 1.cint), 0.cint)  # SD_SEND
got = waitOne(ep, "peer FIN")
check (got.events and EPOLLIN) != 0
check (got.events and EPOLLRDHUP) != 0
checkEq(recv(conn, addr buf[0], buf.len.cint, 0), 0.cint)

checkEq(epoll_ctl(ep, EPOLL_CTL_DEL, conn, nil), 0.cint)
checkEq(epoll_close(ep), 0.cint)
discard closesocket(conn)
discard closesocket(client)
discard closesocket(listener)
finish("t_echo")
