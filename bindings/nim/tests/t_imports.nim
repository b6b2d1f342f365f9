## A program written with the C names (HANDLE, SOCKET as a type and as a
## conversion, epoll_event), which opts into SOCKET with wepoll/cnames, can
## import nativesockets and winlean too, which declare Handle and
## SocketHandle themselves: HANDLE and SOCKET must not be ambiguous at
## their use sites (type annotations, conversions, fields, parameters).
## Compiling this file is most of the test.

import std/[nativesockets, os, winlean]
import wepoll/cnames
import tcommon

proc register(ep: HANDLE; s: SOCKET; mask: uint32): cint =
  var ev = epoll_event(events: mask)
  ev.data.sock = s
  epoll_ctl(ep, EPOLL_CTL_ADD, s, addr ev)

let ep: HANDLE = epoll_create1(0)
check ep != HANDLE(0)
let asWinleanHandle: Handle = ep          # winlean's name, same type
check asWinleanHandle == ep

let s: SOCKET = createNativeSocket(Domain.AF_INET, SockType.SOCK_STREAM,
                                   Protocol.IPPROTO_TCP)
let native: SocketHandle = s              # nativesockets' type, same type
check native != osInvalidSocket
checkEq(register(ep, native, EPOLLIN or EPOLLOUT), 0.cint)

var ev: epoll_event
ev.data.hnd = ep
check ev.data.hnd == HANDLE(ep)
ev.data.sock = SOCKET(native)
check ev.data.sock == s

checkEq(epoll_ctl(ep, EPOLL_CTL_DEL, s, nil), 0.cint)
checkEq(epoll_close(ep), 0.cint)
discard closesocket(s)
discard osLastError()
finish("t_imports")
