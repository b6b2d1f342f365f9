/*
 * A stand-in wepoll.dll whose functions use __stdcall and no .def: on x86
 * MinGW then exports decorated names such as epoll_wait@16, which breaks
 * every caller that looks up or imports "epoll_wait".  The checker must
 * reject it (x86 only: x64 has no such decoration).
 */
#include <stdint.h>

typedef void* HANDLE;

__declspec(dllexport) HANDLE __stdcall epoll_create(int size);
__declspec(dllexport) HANDLE __stdcall epoll_create(int size) {
  (void) size;
  return 0;
}

__declspec(dllexport) int __stdcall epoll_wait(HANDLE ephnd, void* events,
                                               int maxevents, int timeout);
__declspec(dllexport) int __stdcall epoll_wait(HANDLE ephnd, void* events,
                                               int maxevents, int timeout) {
  (void) ephnd;
  (void) events;
  (void) maxevents;
  (void) timeout;
  return -1;
}
