## Code written against the Nim package wepoll 0.1.x compiles and runs
## unchanged: a small selector in that package's style (the style of the
## selectors built on it) registers a listening socket and a connection,
## reports the accept and the read, and unregisters both. Only `check` and
## `finish` come from this project's tests.

import std/[nativesockets, os, winlean]
import wepoll
import tcommon

type
  Selector = ref object
    epollFD: EpollHandle
    count: int

proc newSelector(): Selector =
  var epollFD = epoll_create1(0)
  if epollFD == nil:
    raiseOSError(osLastError())
  result = Selector()
  result.epollFD = epollFD

func getFd(s: Selector): EpollHandle = s.epollFD

proc registerRead(s: Selector; socket: SocketHandle) =
  let fd = socket.int
  var epv = EpollEvent(events: EPOLLRDHUP.uint32)
  epv.data.u64 = fd.uint64
  epv.events = epv.events or EPOLLIN.uint32
  if epoll_ctl(s.epollFD, EPOLL_CTL_ADD, EpollSocket(socket), addr epv) != 0:
    raiseOSError(osLastError())
  inc(s.count)

proc unregister(s: Selector; socket: int|SocketHandle) =
  var epv = EpollEvent()
  if epoll_ctl(s.epollFD, EPOLL_CTL_DEL, EpollSocket(socket), addr epv) != 0:
    raiseOSError(osLastError())
  dec(s.count)

proc select(s: Selector; timeout: int): seq[(int, bool)] =
  ## (fd, readable) of every socket with events.
  var resTable: array[16, EpollEvent]
  let count = epoll_wait(s.epollFD, addr(resTable[0]), 16.cint,
                         timeout.cint)
  if count < 0:
    raiseOSError(osLastError())
  for i in 0 ..< count:
    let fd = resTable[i].data.u64.int
    let pevents = resTable[i].events
    result.add((fd, (pevents and EPOLLIN.uint32) != 0))

proc close(s: Selector) =
  if epoll_close(s.getFd) != 0:
    raiseOSError(osLastError())

# The 0.1.x types, as that package lays them out.
check sizeof(EpollHandle) == sizeof(pointer)
check sizeof(EpollSocket) == sizeof(pointer)
check sizeof(EpollEvent) == sizeof(epoll_event)
check ord(EPOLL_EVENTS.EPOLLIN) == 1
check ord(EPOLL_EVENTS.EPOLLRDHUP) == 0x2000
check EPOLL_EVENTS.EPOLLOUT.uint32 == EPOLLOUT
check EPOLL_CTL_ADD == 1 and EPOLL_CTL_MOD == 2 and EPOLL_CTL_DEL == 3

let s = newSelector()
check s.getFd != nil
let (listener, port) = loopbackListener()
s.registerRead(listener)

# A connection waiting: the listening socket is reported readable.
let client = loopbackConnect(port)
var ready = s.select(5000)
check ready == @[(listener.int, true)]

var peer: Sockaddr_in
var peerLen = SockLen(sizeof(peer))
let conn = winlean.accept(listener, cast[ptr SockAddr](addr peer),
                          addr peerLen)
check conn != osInvalidSocket
s.registerRead(conn)
check s.count == 2
check s.select(0).len == 0 # accepted: nothing is ready any more

# Data from the client: the connection is reported readable.
var byte = 'x'
check winlean.send(client, addr byte, 1, 0) == 1
ready = s.select(5000)
check ready == @[(conn.int, true)]

# Unregistered (by SocketHandle and by int), neither is reported again.
s.unregister(listener)
s.unregister(conn.int)
check s.count == 0
let other = loopbackConnect(port)
check winlean.send(client, addr byte, 1, 0) == 1
check s.select(200).len == 0
s.close()

discard closesocket(other)
discard closesocket(conn)
discard closesocket(client)
discard closesocket(listener)
finish("t_compat01")
