## echo_server.nim: the C example (echo_server.c) in Nim, on the wepoll
## binding in bindings/nim.
##
##   echo_server [port]   listens on 127.0.0.1:port (default 7777; 0 picks a
##                        free port) and prints the address.
##
## One epoll port watches the listener and every client; readable clients
## get back what they sent; clients that hang up or fail are dropped.

import std/[nativesockets, os, strutils, winlean]
import wepoll/cnames # wepoll with the C name SOCKET

proc die(what: string) =
  quit("echo_server: " & what & " failed: " & osErrorMsg(osLastError()))

proc watch(ep: HANDLE; s: SOCKET; mask: uint32) =
  var ev = epoll_event(events: mask)
  ev.data.sock = s        # the user data of each registration: the socket
  if epoll_ctl(ep, EPOLL_CTL_ADD, s, addr ev) != 0: die("epoll_ctl")

proc drop(ep: HANDLE; s: SOCKET) =
  discard epoll_ctl(ep, EPOLL_CTL_DEL, s, nil)
  s.close()

proc echoOnce(s: SOCKET): bool =
  ## Echoes what a readable client sent; false when it has gone away.
  var buf: array[4096, char]
  let n = recv(s, addr buf[0], buf.len.cint, 0)
  if n <= 0: return false
  var sent = 0
  while sent < n:
    let m = send(s, addr buf[sent], cint(n - sent), 0)
    if m <= 0: return false
    sent += m
  true

proc main() =
  let port = if paramCount() >= 1: parseInt(paramStr(1)) else: 7777
  let listener = createNativeSocket(Domain.AF_INET, SockType.SOCK_STREAM,
                                    Protocol.IPPROTO_TCP)
  if listener == osInvalidSocket: die("socket")
  var a: Sockaddr_in
  a.sin_family = uint16(toInt(Domain.AF_INET))
  a.sin_port = nativesockets.htons(uint16(port))
  a.sin_addr.s_addr = nativesockets.htonl(0x7f000001'u32)  # 127.0.0.1
  if bindAddr(listener, cast[ptr SockAddr](addr a), SockLen(sizeof(a))) != 0:
    die("bind")
  if nativesockets.listen(listener) != 0: die("listen")
  echo "listening on 127.0.0.1:", getLocalAddr(listener, Domain.AF_INET)[1]
  flushFile(stdout)

  let ep = epoll_create1(0)
  if ep == HANDLE(0): die("epoll_create1")
  watch(ep, listener, EPOLLIN)

  var events: array[64, epoll_event]
  while true:
    let n = epoll_wait(ep, addr events[0], events.len.cint, -1)
    if n < 0: die("epoll_wait")
    for ev in events[0 ..< n]:
      let s = ev.data.sock
      if s == listener:
        let client = winlean.accept(listener, nil, nil)
        if client != osInvalidSocket:
          watch(ep, client, EPOLLIN or EPOLLRDHUP)
      elif (ev.events and (EPOLLERR or EPOLLHUP)) != 0 or not echoOnce(s):
        drop(ep, s)

main()
