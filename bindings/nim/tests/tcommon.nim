## Shared by the Nim binding's tests: a check() that reports the failing
## expression with its line, the C facts compiled from the header
## (cfacts.c), and loopback sockets.

import std/[os, tables]
import std/[nativesockets, winlean]

when defined(wepollCFactsLinked):
  # The build (examples/meson.build) compiled cfacts.c with the project's C
  # compiler and flags, as it compiles wepoll.dll, and links it in.
  discard
else:
  import std/strutils
  # Standalone: let Nim's C compiler build it, finding include/ from here.
  const here = currentSourcePath().replace('\\', '/')
  const includeDir = here[0 ..< here.rfind("/bindings/")] & "/include"
  {.passC: "-I" & includeDir.}
  {.compile: "cfacts.c".}

proc cFactCount(): cint {.importc: "wepoll_c_fact_count", cdecl.}
proc cFactName(i: cint): cstring {.importc: "wepoll_c_fact_name", cdecl.}
proc cFactValue(i: cint): clonglong {.importc: "wepoll_c_fact_value", cdecl.}
proc cErrno*(): cint {.importc: "wepoll_c_errno", cdecl.}
proc cSetErrno*(value: cint) {.importc: "wepoll_c_set_errno", cdecl.}

var failures = 0

proc fail*(what: string; file: string; line: int) =
  inc failures
  stderr.writeLine("FAIL ", file, ":", line, ": ", what)

template check*(cond: untyped) =
  ## Records a failure (expression, file and line) and carries on.
  if not cond:
    let info = instantiationInfo(fullPaths = false)
    fail(astToStr(cond), info.filename, info.line)

template checkEq*(a, b: untyped) =
  ## Like check(a == b), and prints both values when they differ.
  let va = a
  let vb = b
  if va != vb:
    let info = instantiationInfo(fullPaths = false)
    fail(astToStr(a) & " == " & astToStr(b) & " (" & $va & " vs " & $vb &
         ")", info.filename, info.line)

proc finish*(name: string) =
  ## Exits with the test's verdict.
  if failures == 0:
    echo "PASS ", name
    quit(0)
  echo "FAIL ", name, ": ", failures, " check(s) failed"
  quit(1)

proc cFacts*(): Table[string, int64] =
  ## The header's facts as a C compiler sees them, by C expression.
  for i in 0.cint ..< cFactCount():
    result[$cFactName(i)] = int64(cFactValue(i))

proc cFact*(name: string): int64 =
  let facts = cFacts()
  if name notin facts:
    raise newException(KeyError, "cfacts.c has no fact " & name)
  facts[name]

proc loopbackListener*(): (SocketHandle, Port) =
  ## A listening TCP socket on 127.0.0.1 and an ephemeral port.
  let s = createNativeSocket(Domain.AF_INET, SockType.SOCK_STREAM, Protocol.IPPROTO_TCP)
  doAssert s != osInvalidSocket, "socket(): " & osErrorMsg(osLastError())
  var a: Sockaddr_in
  a.sin_family = uint16(toInt(Domain.AF_INET))
  a.sin_addr.s_addr = htonl(0x7f000001'u32)
  doAssert bindAddr(s, cast[ptr SockAddr](addr a),
                    SockLen(sizeof(a))) == 0,
           "bind(): " & osErrorMsg(osLastError())
  doAssert nativesockets.listen(s, 8) == 0
  (s, getLocalAddr(s, Domain.AF_INET)[1])

proc loopbackConnect*(port: Port): SocketHandle =
  ## A blocking TCP connection to 127.0.0.1:port.
  let s = createNativeSocket(Domain.AF_INET, SockType.SOCK_STREAM, Protocol.IPPROTO_TCP)
  doAssert s != osInvalidSocket
  var a: Sockaddr_in
  a.sin_family = uint16(toInt(Domain.AF_INET))
  a.sin_port = nativesockets.htons(uint16(port))
  a.sin_addr.s_addr = htonl(0x7f000001'u32)
  doAssert winlean.connect(s, cast[ptr SockAddr](addr a),
                           SockLen(sizeof(a))) == 0,
           "connect(): " & osErrorMsg(osLastError())
  s

proc isWine*(): bool =
  ## True when running under Wine (ntdll exports wine_get_version).
  proc getModuleHandleA(name: cstring): Handle {.stdcall,
      importc: "GetModuleHandleA", dynlib: "kernel32".}
  proc getProcAddress(module: Handle; name: cstring): pointer {.stdcall,
      importc: "GetProcAddress", dynlib: "kernel32".}
  getProcAddress(getModuleHandleA("ntdll.dll"), "wine_get_version") != nil
