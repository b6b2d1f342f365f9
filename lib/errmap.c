#include "errmap.h"

#include <errno.h>

/* Win32 and Winsock error codes (values from winerror.h / winsock2.h),
 * spelled here so this table builds without Windows headers. */
enum {
  W32_ERROR_FILE_NOT_FOUND = 2,
  W32_ERROR_TOO_MANY_OPEN_FILES = 4,
  W32_ERROR_ACCESS_DENIED = 5,
  W32_ERROR_INVALID_HANDLE = 6,
  W32_ERROR_NOT_ENOUGH_MEMORY = 8,
  W32_ERROR_OUTOFMEMORY = 14,
  W32_ERROR_INVALID_PARAMETER = 87,
  W32_ERROR_PROC_NOT_FOUND = 127,
  W32_ERROR_INSUFFICIENT_BUFFER = 122,
  W32_ERROR_ALREADY_EXISTS = 183,
  W32_ERROR_ABANDONED_WAIT_0 = 735,
  W32_ERROR_NOACCESS = 998,
  W32_ERROR_NOT_FOUND = 1168,
  W32_ERROR_NO_SYSTEM_RESOURCES = 1450,
  W32_ERROR_NOT_ENOUGH_QUOTA = 1816,
  W32_WSAEBADF = 10009,
  W32_WSAEACCES = 10013,
  W32_WSAEFAULT = 10014,
  W32_WSAEINVAL = 10022,
  W32_WSAEMFILE = 10024,
  W32_WSAEPROCLIM = 10067,
  W32_WSAENOTSOCK = 10038,
  W32_WSAEOPNOTSUPP = 10045,
  W32_WSAENETDOWN = 10050,
  W32_WSAENOBUFS = 10055,
  W32_WSASYSNOTREADY = 10091,
  W32_WSANOTINITIALISED = 10093
};

#ifndef ENOTSOCK
#define ENOTSOCK 128 /* MinGW's and MSVC's value, for older C runtimes */
#endif
#ifndef EOPNOTSUPP
#define EOPNOTSUPP 130
#endif
#ifndef ENETDOWN
#define ENETDOWN 116
#endif

typedef struct errmap_pair {
  uint32_t win32_error;
  int errno_value;
} errmap_pair;

/* Where several Win32 codes share an errno, the first one listed for that
 * errno is the one errmap_win32_from_errno() reports. */
static const errmap_pair errmap_pairs[] = {
    {W32_ERROR_INVALID_HANDLE, EBADF},
    {W32_ERROR_INVALID_PARAMETER, EINVAL},
    {W32_ERROR_NOACCESS, EFAULT},
    {W32_WSAENOTSOCK, ENOTSOCK},
    {W32_ERROR_ALREADY_EXISTS, EEXIST},
    {W32_ERROR_NOT_FOUND, ENOENT},
    {W32_ERROR_NOT_ENOUGH_MEMORY, ENOMEM},
    {W32_ERROR_ACCESS_DENIED, EACCES},
    {W32_ERROR_TOO_MANY_OPEN_FILES, EMFILE},
    {W32_WSAEOPNOTSUPP, EOPNOTSUPP},
    {W32_ERROR_PROC_NOT_FOUND, ENOSYS},
    {W32_ERROR_FILE_NOT_FOUND, ENOENT},
    {W32_ERROR_OUTOFMEMORY, ENOMEM},
    {W32_ERROR_NO_SYSTEM_RESOURCES, ENOMEM},
    {W32_ERROR_NOT_ENOUGH_QUOTA, ENOMEM}, /* STATUS_QUOTA_EXCEEDED's */
    {W32_ERROR_INSUFFICIENT_BUFFER, ENOMEM},
    {W32_WSAEBADF, EBADF},
    /* GetQueuedCompletionStatusEx's answer once the port handle is closed
     * under a waiting thread: the port was closed while waiting. */
    {W32_ERROR_ABANDONED_WAIT_0, EBADF},
    {W32_WSAEACCES, EACCES},
    {W32_WSAEFAULT, EFAULT},
    {W32_WSAEINVAL, EINVAL},
    {W32_WSAEMFILE, EMFILE},
    {W32_WSAENOBUFS, ENOMEM},
    {W32_WSAENETDOWN, ENETDOWN},
    /* WSAStartup's: the network is not ready; too many tasks use it. */
    {W32_WSASYSNOTREADY, ENETDOWN},
    {W32_WSAEPROCLIM, EMFILE},
    {W32_WSANOTINITIALISED, EINVAL},
};

enum { ERRMAP_PAIR_COUNT = sizeof errmap_pairs / sizeof errmap_pairs[0] };

int errmap_errno_from_win32(uint32_t win32_error) {
  int i;
  for (i = 0; i < ERRMAP_PAIR_COUNT; i++) {
    if (errmap_pairs[i].win32_error == win32_error)
      return errmap_pairs[i].errno_value;
  }
  return EINVAL;
}

uint32_t errmap_win32_from_errno(int errno_value) {
  int i;
  for (i = 0; i < ERRMAP_PAIR_COUNT; i++) {
    if (errmap_pairs[i].errno_value == errno_value)
      return errmap_pairs[i].win32_error;
  }
  return W32_ERROR_INVALID_PARAMETER;
}
