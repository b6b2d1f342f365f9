/*
 * A program linked against stub_stdcall.c's DLL (x86 only): it imports the
 * decorated name epoll_wait@16, which no real wepoll.dll exports.  Never
 * run; ci/abi-check --imports must reject its import table.
 */
typedef void* HANDLE;

__declspec(dllimport) int __stdcall epoll_wait(HANDLE ephnd, void* events,
                                               int maxevents, int timeout);

int main(void) {
  return epoll_wait(0, 0, 1, 0) == -1 ? 0 : 1;
}
