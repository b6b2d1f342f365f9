## The binding beside std/net: a program imports net and nativesockets,
## wepoll directly and a selector that re-exports wepoll (as the package
## ioselectors does), and names net's type Socket. Socket must mean
## net.Socket there, unambiguously: compiling this file is half the test.
## The other half: a connection accepted with net and read through the
## selector, on the binding, under Wine.

import std/[net, nativesockets]
import wepoll
import tselector
import tcommon

const ListenKey = 1
const ConnKey = 2

let sel = newSelector()
let server = newSocket()            # net.Socket
server.setSockOpt(OptReuseAddr, true)
server.bindAddr(Port(0), "127.0.0.1")
server.listen()
let port = server.getLocalAddr()[1]
sel.registerRead(server.getFd(), ListenKey)

let client = newSocket()
client.connect("127.0.0.1", port)
checkEq(sel.selectKeys(5000), @[ListenKey])

var conn: Socket                    # the name an ioselectors program uses
server.accept(conn)
check not conn.isNil
let handle: SocketHandle = conn.getFd()
check handle != osInvalidSocket
sel.registerRead(handle, ConnKey)
checkEq(sel.selectKeys(0).len, 0)   # accepted, nothing sent yet

client.send("ping")
checkEq(sel.selectKeys(5000), @[ConnKey])
checkEq(conn.recv(4, timeout = 1000), "ping")

# A socket of either kind is the same SocketHandle to the binding.
var ev = epoll_event(events: EPOLLOUT)
ev.data.sock = conn.getFd()
check ev.data.sock == handle

sel.unregister(handle)
sel.unregister(server.getFd())
client.send("more")
checkEq(sel.selectKeys(200).len, 0) # unregistered: nothing reported
sel.close()
conn.close()
client.close()
server.close()
finish("t_net")
