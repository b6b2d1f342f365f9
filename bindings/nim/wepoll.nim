## wepoll for Nim: the epoll API for Windows, over wepoll.dll's C ABI.
##
## The names and types follow include/wepoll.h, so C examples translate
## line by line:
##
## .. code-block:: nim
##   import wepoll
##   let ep = epoll_create1(0)
##   var ev = epoll_event(events: EPOLLIN or EPOLLRDHUP)
##   ev.data.sock = mySocket   # a SocketHandle
##   doAssert epoll_ctl(ep, EPOLL_CTL_ADD, mySocket, addr ev) == 0
##
## Linking. By default the five functions are resolved from ``wepoll.dll``
## when the program starts (Nim's ``dynlib``): the DLL must be next to the
## program or on ``PATH``. Two defines change that:
##
## * ``-d:wepollDll=name.dll`` loads another file name;
## * ``-d:wepollLink`` links the import library instead (``libwepoll.dll.a``
##   from MinGW or ``wepoll.lib`` from MSVC, found through ``--passL:-L<dir>``
##   or ``--clibdir:<dir>``); the same define links the static library
##   ``libwepoll.a`` when that is the one found (its one dependency,
##   ``ws2_32``, is linked too).
##
## Types. ``HANDLE`` is winlean's ``Handle`` (Nim's identifiers ignore case
## after the first letter, so ``HANDLE`` and ``Handle`` are one name: this
## module re-exports winlean's symbol rather than declaring a second one,
## and a module importing both ``wepoll`` and ``winlean`` sees no
## ambiguity). A socket is winlean's ``SocketHandle`` (re-exported the same
## way), which is pointer-sized like C's ``SOCKET``; values returned by
## ``nativesockets`` pass straight to ``epoll_ctl``.
##
## No name ``SOCKET``. To Nim, ``SOCKET`` is the same name as the type
## ``Socket`` of ``std/net``, which an event loop built on this module
## (such as a selector that re-exports it) usually imports too: had this
## module declared it, ``Socket`` would be ambiguous there. So ``Socket``
## always means ``net.Socket``, as with the Nim package wepoll 0.1.x.
## The C name lives in ``wepoll/cnames``, which a program opts into
## (``import wepoll/cnames``): the type ``SOCKET`` (= ``SocketHandle``),
## so that ``s: SOCKET`` and ``SOCKET(x)`` compile; that program then does
## not import ``std/net`` as well.
##
## A port is compared with ``nil`` as in C (``if ep == nil``): the ``==``
## between ``Handle`` and ``nil`` below means ``Handle(0)``, the create
## calls' failure value, and leaves winlean's ``Handle`` as it is.
##
## Errors. A failing call returns -1 (``HANDLE(0)`` for the create calls)
## and sets both ``errno`` of the C runtime the DLL uses and
## the thread's last error, read in Nim with ``osLastError()``.
##
## The names of the Nim package ``wepoll`` 0.1.x are exported too, so code
## written against that package compiles unchanged:
##
## * ``EpollHandle`` (``pointer``), ``EpollSocket`` (= ``SocketHandle``: converts
##   from ``int`` and from ``SocketHandle``), ``EpollData`` (=
##   ``epoll_data_t``), ``EpollEvent`` (= ``epoll_event``);
## * ``EPOLL_EVENTS``, an enum of the ``EPOLL*`` bits. Its members are
##   reached as ``EPOLL_EVENTS.EPOLLIN``: a plain ``EPOLLIN`` is the
##   ``uint32`` constant, so ``EPOLLIN.uint32`` and ``EPOLLIN or EPOLLOUT``
##   both work (and ``EPOLLONESHOT`` is the header's ``1 shl 30``);
## * the five functions also take an ``EpollHandle``. The create calls
##   return an ``EpollPort``, which converts by itself to ``HANDLE`` and to
##   ``EpollHandle``: ``let ep: HANDLE = epoll_create1(0)`` and a field
##   ``epollFD: EpollHandle`` both take it, and it compares with ``nil``,
##   ``HANDLE`` values and other ports.
##
## The union members ``sock`` and ``hnd`` keep this module's types
## (``SocketHandle``, ``HANDLE``), not 0.1.x's (``culonglong``,
## ``pointer``).

when not defined(windows):
  {.error: "wepoll is the epoll API for Windows: build for Windows " &
           "(on Linux: nim c -d:mingw --cpu:amd64 or --cpu:i386)".}

import std/[hashes, winlean]

export winlean.Handle, winlean.SocketHandle

type
  epoll_data_t* {.bycopy, union.} = object
    ## User data stored with a registration and returned with its events.
    ## ``p`` is C's ``ptr`` (a Nim keyword).
    p*: pointer
    fd*: cint
    u32*: uint32
    u64*: uint64
    sock*: SocketHandle
    hnd*: HANDLE

  epoll_event* {.bycopy.} = object
    events*: uint32      ## EPOLL* bits
    data*: epoll_data_t  ## returned unchanged by epoll_wait

const
  EPOLLIN*: uint32 = 1'u32 shl 0
  EPOLLPRI*: uint32 = 1'u32 shl 1
  EPOLLOUT*: uint32 = 1'u32 shl 2
  EPOLLERR*: uint32 = 1'u32 shl 3
  EPOLLHUP*: uint32 = 1'u32 shl 4
  EPOLLRDNORM*: uint32 = 1'u32 shl 6
  EPOLLRDBAND*: uint32 = 1'u32 shl 7
  EPOLLWRNORM*: uint32 = 1'u32 shl 8
  EPOLLWRBAND*: uint32 = 1'u32 shl 9
  EPOLLMSG*: uint32 = 1'u32 shl 10     ## accepted, never reported
  EPOLLRDHUP*: uint32 = 1'u32 shl 13
  EPOLLONESHOT*: uint32 = 1'u32 shl 30 ## the header's value (not 1 shl 31)

  EPOLL_CLOEXEC*: cint = 0x80000      ## epoll_create1 flag, a no-op

  EPOLL_CTL_ADD*: cint = 1
  EPOLL_CTL_MOD*: cint = 2
  EPOLL_CTL_DEL*: cint = 3

type
  # The names of the Nim package wepoll 0.1.x (see the module's comment).
  EpollHandle* = pointer     ## a port, as 0.1.x types it
  EpollSocket* = SocketHandle ## ``EpollSocket(x)`` for an int or SocketHandle
  EpollData* = epoll_data_t
  EpollEvent* = epoll_event

  EPOLL_EVENTS* {.pure.} = enum
    ## The ``EPOLL*`` bits as an enum, as 0.1.x declares them. Pure, so
    ## that ``EPOLLIN`` alone stays the ``uint32`` constant above.
    EPOLLIN = 1 shl 0, EPOLLPRI = 1 shl 1, EPOLLOUT = 1 shl 2,
    EPOLLERR = 1 shl 3, EPOLLHUP = 1 shl 4, EPOLLRDNORM = 1 shl 6,
    EPOLLRDBAND = 1 shl 7, EPOLLWRNORM = 1 shl 8, EPOLLWRBAND = 1 shl 9,
    EPOLLMSG = 1 shl 10, EPOLLRDHUP = 1 shl 13, EPOLLONESHOT = 1 shl 30

  EpollPort* = distinct Handle
    ## What the create calls return: the port as a ``HANDLE`` that also
    ## converts to an ``EpollHandle``, so that code typed either way takes
    ## it. ``Handle(0)`` (``nil``) on failure.

converter toHandle*(port: EpollPort): Handle {.inline.} = Handle(port)
converter toEpollHandle*(port: EpollPort): EpollHandle {.inline.} =
  cast[EpollHandle](port)

proc `==`*(a, b: EpollPort): bool {.borrow.}
proc `==`*(a: EpollPort; b: Handle): bool {.inline.} = Handle(a) == b
proc `==`*(a: Handle; b: EpollPort): bool {.inline.} = a == Handle(b)
proc `==`*(a: EpollPort; b: EpollHandle): bool {.inline.} =
  cast[EpollHandle](a) == b
proc `==`*(a: EpollHandle; b: EpollPort): bool {.inline.} =
  a == cast[EpollHandle](b)
proc `==`*(a: EpollPort; n: typeof(nil)): bool {.inline.} = Handle(a) == 0
proc `==`*(n: typeof(nil); a: EpollPort): bool {.inline.} = Handle(a) == 0
proc isNil*(a: EpollPort): bool {.inline.} = Handle(a) == 0
proc `$`*(a: EpollPort): string {.inline.} = $Handle(a)
proc hash*(a: EpollPort): Hash {.inline.} = hash(Handle(a))

proc `==`*(h: Handle; n: typeof(nil)): bool {.inline.} =
  ## ``ep == nil``: true for the create calls' failure value, as in C.
  h == Handle(0)
proc `==`*(n: typeof(nil); h: Handle): bool {.inline.} = h == Handle(0)
proc isNil*(h: Handle): bool {.inline.} = h == Handle(0)

const wepollDll* {.strdefine.} = "wepoll.dll"
  ## The file loaded at run time unless ``-d:wepollLink`` is given.

when defined(wepollLink):
  when defined(vcc):
    {.passL: "wepoll.lib ws2_32.lib".}
  else:
    {.passL: "-lwepoll -lws2_32".}
  {.pragma: wepollProc, importc, cdecl.}
else:
  {.pragma: wepollProc, importc, cdecl, dynlib: wepollDll.}

proc epoll_create*(size: cint): EpollPort {.wepollProc.}
  ## Returns 0 (``nil``) on failure (EINVAL if ``size <= 0``).
proc epoll_create1*(flags: cint): EpollPort {.wepollProc.}
  ## Returns 0 (``nil``) on failure (EINVAL for a flag other than
  ## EPOLL_CLOEXEC).
proc epoll_close*(ephnd: HANDLE): cint {.wepollProc.}
proc epoll_ctl*(ephnd: HANDLE; op: cint; sock: SocketHandle;
                event: ptr epoll_event): cint {.wepollProc.}
proc epoll_wait*(ephnd: HANDLE; events: ptr epoll_event; maxevents: cint;
                 timeout: cint): cint {.wepollProc.}

# The same calls for a port typed EpollPort (exact, so that its two
# conversions do not make a call ambiguous) or EpollHandle (0.1.x).
proc epoll_close*(ephnd: EpollPort): cint {.inline.} =
  epoll_close(Handle(ephnd))
proc epoll_close*(ephnd: EpollHandle): cint {.inline.} =
  epoll_close(cast[Handle](ephnd))
proc epoll_ctl*(ephnd: EpollPort; op: cint; sock: SocketHandle;
                event: ptr epoll_event): cint {.inline.} =
  epoll_ctl(Handle(ephnd), op, sock, event)
proc epoll_ctl*(ephnd: EpollHandle; op: cint; sock: SocketHandle;
                event: ptr epoll_event): cint {.inline.} =
  epoll_ctl(cast[Handle](ephnd), op, sock, event)
proc epoll_wait*(ephnd: EpollPort; events: ptr epoll_event; maxevents: cint;
                 timeout: cint): cint {.inline.} =
  epoll_wait(Handle(ephnd), events, maxevents, timeout)
proc epoll_wait*(ephnd: EpollHandle; events: ptr epoll_event;
                 maxevents: cint; timeout: cint): cint {.inline.} =
  epoll_wait(cast[Handle](ephnd), events, maxevents, timeout)

type WepollCtlHandleProc = proc (ephnd: HANDLE; op: cint; handle: HANDLE;
                                 event: ptr epoll_event): cint {.cdecl,
                                 gcsafe.}

when defined(wepollLink):
  proc wepoll_ctl_handle*(ephnd: HANDLE; op: cint; handle: HANDLE;
                          event: ptr epoll_event): cint {.wepollProc.}
    ## Since wepoll 1.7.0: see the dynlib variant below.
else:
  import std/dynlib

  var ctlHandleProc: WepollCtlHandleProc

  proc wepoll_ctl_handle*(ephnd: HANDLE; op: cint; handle: HANDLE;
                          event: ptr epoll_event): cint =
    ## Adds, changes or removes a waitable handle (an event, semaphore,
    ## waitable timer, process or thread) in the port, as C's
    ## ``wepoll_ctl_handle``: ``EPOLLIN`` means "signaled"; delete it before
    ## closing the handle. Since wepoll 1.7.0, so it is looked up at the
    ## first call rather than at start-up (programs keep working with older
    ## DLLs): with a DLL that lacks it, returns -1 with the last error
    ## ``ERROR_PROC_NOT_FOUND`` (127).
    if ctlHandleProc == nil:
      let lib = loadLib(wepollDll) # the module already loaded at start-up
      if lib != nil:
        ctlHandleProc = cast[WepollCtlHandleProc](
          symAddr(lib, "wepoll_ctl_handle"))
      if ctlHandleProc == nil:
        setLastError(127)
        return -1
    ctlHandleProc(ephnd, op, handle, event)

proc wepoll_ctl_handle*(ephnd: EpollPort; op: cint; handle: HANDLE;
                        event: ptr epoll_event): cint {.inline.} =
  wepoll_ctl_handle(Handle(ephnd), op, handle, event)
proc wepoll_ctl_handle*(ephnd: EpollHandle; op: cint; handle: HANDLE;
                        event: ptr epoll_event): cint {.inline.} =
  wepoll_ctl_handle(cast[Handle](ephnd), op, handle, event)
