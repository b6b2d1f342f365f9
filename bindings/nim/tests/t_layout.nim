## The Nim declarations lay out and number everything as the C header does:
## every size, alignment and offset, and every constant, compared with what
## a C compiler makes of include/wepoll.h for the same target.

import std/[macros, strutils, tables]
import wepoll
import wepoll/cnames # SOCKET; importing both modules is no ambiguity
import tcommon

let c = cFacts()

proc same(cExpr: string; nimValue: int64) =
  if cExpr notin c:
    fail("cfacts.c lacks " & cExpr, "t_layout.nim", 0)
  elif c[cExpr] != nimValue:
    fail(cExpr & ": C says " & $c[cExpr] & ", Nim says " & $nimValue,
         "t_layout.nim", 0)

var d: epoll_data_t
same("sizeof(struct epoll_event)", sizeof(epoll_event))
same("_Alignof(struct epoll_event)", alignof(epoll_event))
same("offsetof(struct epoll_event, events)", offsetOf(epoll_event, events))
same("offsetof(struct epoll_event, data)", offsetOf(epoll_event, data))
same("sizeof(epoll_data_t)", sizeof(epoll_data_t))
same("_Alignof(epoll_data_t)", alignof(epoll_data_t))
same("sizeof(((epoll_data_t*)0)->ptr)", sizeof(d.p))
same("sizeof(((epoll_data_t*)0)->fd)", sizeof(d.fd))
same("sizeof(((epoll_data_t*)0)->u32)", sizeof(d.u32))
same("sizeof(((epoll_data_t*)0)->u64)", sizeof(d.u64))
same("sizeof(((epoll_data_t*)0)->sock)", sizeof(d.sock))
same("sizeof(((epoll_data_t*)0)->hnd)", sizeof(d.hnd))
same("sizeof(HANDLE)", sizeof(HANDLE))
same("sizeof(SOCKET)", sizeof(SOCKET))
same("sizeof(SOCKET)", sizeof(SocketHandle))

# A union: every member starts at the same address.
let base = cast[uint](addr d)
check cast[uint](addr d.p) == base
check cast[uint](addr d.fd) == base
check cast[uint](addr d.u32) == base
check cast[uint](addr d.u64) == base
check cast[uint](addr d.sock) == base
check cast[uint](addr d.hnd) == base

# The constants, with the type the API promises.
template sameConst(name: untyped; T: typedesc) =
  check name is T
  same(astToStr(name), int64(name))

sameConst(EPOLLIN, uint32)
sameConst(EPOLLPRI, uint32)
sameConst(EPOLLOUT, uint32)
sameConst(EPOLLERR, uint32)
sameConst(EPOLLHUP, uint32)
sameConst(EPOLLRDNORM, uint32)
sameConst(EPOLLRDBAND, uint32)
sameConst(EPOLLWRNORM, uint32)
sameConst(EPOLLWRBAND, uint32)
sameConst(EPOLLMSG, uint32)
sameConst(EPOLLRDHUP, uint32)
sameConst(EPOLLONESHOT, uint32)
sameConst(EPOLL_CLOEXEC, cint)
sameConst(EPOLL_CTL_ADD, cint)
sameConst(EPOLL_CTL_MOD, cint)
sameConst(EPOLL_CTL_DEL, cint)

# Every EPOLL* macro of the header, read from its text when this test is
# compiled, exists in the binding with the header's value: a constant added
# to the header and not to wepoll.nim fails here.
const headerText = staticRead("../../../include/wepoll.h")

macro checkEveryHeaderConstant(): untyped =
  result = newStmtList()
  var count = 0
  for line in headerText.splitLines:
    let words = line.strip.splitWhitespace
    if words.len >= 2 and words[0] == "#define" and
        words[1].startsWith("EPOLL"):
      let name = words[1]
      let id = ident(name)
      inc count
      result.add quote do:
        when declared(wepoll.`id`):
          same(`name`, int64(wepoll.`id`))
        else:
          fail("wepoll.nim lacks the header's " & `name`, "t_layout.nim", 0)
  if count < 15:
    error("found only " & $count & " EPOLL* macros in wepoll.h")

checkEveryHeaderConstant()

# The same comparison made by the C compiler itself while it compiles this
# test, between the struct Nim generates and the header's: it holds for
# every --cpu this test is built for, even where it cannot run.
type
  CEvent {.importc: "struct epoll_event", header: "wepoll.h".} = object
  CData {.importc: "epoll_data_t", header: "wepoll.h".} = object

{.emit: ["""
_Static_assert(sizeof(""", epoll_event, """) == sizeof(""", CEvent, """),
               "epoll_event: Nim's size differs from C's");
_Static_assert(_Alignof(""", epoll_event, """) == _Alignof(""", CEvent, """),
               "epoll_event: Nim's alignment differs from C's");
_Static_assert(offsetof(""", epoll_event, """, data) ==
                   offsetof(""", CEvent, """, data),
               "epoll_event: Nim's data offset differs from C's");
_Static_assert(sizeof(""", epoll_data_t, """) == sizeof(""", CData, """),
               "epoll_data_t: Nim's size differs from C's");
_Static_assert(_Alignof(""", epoll_data_t, """) == _Alignof(""", CData, """),
               "epoll_data_t: Nim's alignment differs from C's");
"""].}

# Masks combine with `or` into an events field without conversions.
var ev: epoll_event
ev.events = EPOLLIN or EPOLLOUT or EPOLLRDHUP or EPOLLONESHOT
check (ev.events and EPOLLOUT) != 0

echo "epoll_event: ", sizeof(epoll_event), " bytes, data at ",
     offsetOf(epoll_event, data), ", pointers ", sizeof(pointer), " bytes"
finish("t_layout")
