## Opt-in: the C header's name ``SOCKET`` for programs written with it.
##
## .. code-block:: nim
##   import wepoll/cnames        # everything of wepoll, and SOCKET
##   proc watch(ep: HANDLE; s: SOCKET) = ...
##   discard epoll_ctl(ep, EPOLL_CTL_DEL, SOCKET(fd), nil)
##
## ``SOCKET`` is winlean's ``SocketHandle`` under its C name. The module
## ``wepoll`` leaves it out because Nim compares names without regard to
## case after the first letter: ``SOCKET`` is the name of ``std/net``'s
## ``Socket``, and a program importing both would find every use of
## ``Socket`` ambiguous. So a program imports this module or ``std/net``,
## not both (or it qualifies: ``cnames.SOCKET``, ``net.Socket``).

import ../wepoll
export wepoll

type SOCKET* = SocketHandle ## Pointer-sized, like ``SOCKET`` in C.
