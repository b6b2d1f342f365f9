## wepoll for Nim: the epoll API for Windows, over wepoll.dll's C ABI.
##
## The names and types follow include/wepoll.h, so C examples translate
## line by line:
##
## .. code-block:: nim
##   import wepoll
##   let ep = epoll_create1(0)
##   var ev = epoll_event(events: EPOLLIN or EPOLLRDHUP)
##   ev.data.sock = mySocket
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
##   ``libwepoll.a`` when that is the one found (its dependencies
##   ``ws2_32`` and ``ntdll`` are linked too).
##
## Types. ``HANDLE`` is winlean's ``Handle`` (Nim's identifiers ignore case
## after the first letter, so ``HANDLE`` and ``Handle`` are one name: this
## module re-exports winlean's symbol rather than declaring a second one,
## and a module importing both ``wepoll`` and ``winlean`` sees no
## ambiguity). ``SOCKET`` is an alias of winlean's ``SocketHandle``, which
## is pointer-sized like C's ``SOCKET``; values returned by
## ``nativesockets`` pass straight to ``epoll_ctl``. (``std/net`` declares a
## type ``Socket``, the same name as ``SOCKET`` to Nim: next to ``net``,
## write ``wepoll.SOCKET`` or ``SocketHandle``.)
##
## A port is compared with ``nil`` as in C (``if ep == nil``): the ``==``
## between ``Handle`` and ``nil`` below means ``Handle(0)``, the create
## calls' failure value, and leaves winlean's ``Handle`` as it is.
##
## Errors. A failing call returns -1 (``HANDLE(0)`` for the create calls)
## and sets both ``errno`` of the C runtime the DLL uses and
## the thread's last error, read in Nim with ``osLastError()``.

when not defined(windows):
  {.error: "wepoll is the epoll API for Windows: build for Windows " &
           "(on Linux: nim c -d:mingw --cpu:amd64 or --cpu:i386)".}

import std/winlean

export winlean.Handle

type
  SOCKET* = SocketHandle ## Pointer-sized, like ``SOCKET`` in C.

  epoll_data_t* {.bycopy, union.} = object
    ## User data stored with a registration and returned with its events.
    ## ``p`` is C's ``ptr`` (a Nim keyword).
    p*: pointer
    fd*: cint
    u32*: uint32
    u64*: uint64
    sock*: SOCKET
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

proc `==`*(h: Handle; n: typeof(nil)): bool {.inline.} =
  ## ``ep == nil``: true for the create calls' failure value, as in C.
  h == Handle(0)
proc `==`*(n: typeof(nil); h: Handle): bool {.inline.} = h == Handle(0)
proc isNil*(h: Handle): bool {.inline.} = h == Handle(0)

const wepollDll* {.strdefine.} = "wepoll.dll"
  ## The file loaded at run time unless ``-d:wepollLink`` is given.

when defined(wepollLink):
  when defined(vcc):
    {.passL: "wepoll.lib ws2_32.lib ntdll.lib".}
  else:
    {.passL: "-lwepoll -lws2_32 -lntdll".}
  {.pragma: wepollProc, importc, cdecl.}
else:
  {.pragma: wepollProc, importc, cdecl, dynlib: wepollDll.}

proc epoll_create*(size: cint): HANDLE {.wepollProc.}
  ## Returns 0 on failure (EINVAL if ``size <= 0``).
proc epoll_create1*(flags: cint): HANDLE {.wepollProc.}
  ## Returns 0 on failure (EINVAL for a flag other than EPOLL_CLOEXEC).
proc epoll_close*(ephnd: HANDLE): cint {.wepollProc.}
proc epoll_ctl*(ephnd: HANDLE; op: cint; sock: SOCKET;
                event: ptr epoll_event): cint {.wepollProc.}
proc epoll_wait*(ephnd: HANDLE; events: ptr epoll_event; maxevents: cint;
                 timeout: cint): cint {.wepollProc.}

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
