## A minimal selector in the style of the Nim package ioselectors: it
## imports wepoll and re-exports it, so that its users see the binding's
## names through it. Only what t_net needs.

import std/[nativesockets, os]
import wepoll
export wepoll

type Selector* = ref object
  port: EpollPort

proc newSelector*(): Selector =
  let port = epoll_create1(0)
  if port == nil:
    raiseOSError(osLastError())
  Selector(port: port)

proc registerRead*(s: Selector; fd: SocketHandle; key: int) =
  var ev = EpollEvent(events: EPOLLIN or EPOLLRDHUP)
  ev.data.u64 = uint64(key)
  if epoll_ctl(s.port, EPOLL_CTL_ADD, fd, addr ev) != 0:
    raiseOSError(osLastError())

proc unregister*(s: Selector; fd: SocketHandle) =
  if epoll_ctl(s.port, EPOLL_CTL_DEL, fd, nil) != 0:
    raiseOSError(osLastError())

proc selectKeys*(s: Selector; timeout: int): seq[int] =
  ## The keys of the sockets with EPOLLIN, waiting up to `timeout` ms.
  var events: array[8, EpollEvent]
  let n = epoll_wait(s.port, addr events[0], cint(events.len), cint(timeout))
  if n < 0:
    raiseOSError(osLastError())
  for i in 0 ..< n:
    if (events[i].events and EPOLLIN) != 0:
      result.add(int(events[i].data.u64))

proc close*(s: Selector) =
  if epoll_close(s.port) != 0:
    raiseOSError(osLastError())
