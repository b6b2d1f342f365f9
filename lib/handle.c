#include "handle.h"

bool handle_is_open(HANDLE handle) {
  DWORD flags;
  /* INVALID_HANDLE_VALUE (also INVALID_SOCKET) is the pseudo-handle of the
   * current process, which GetHandleInformation accepts; to a caller it
   * means "no handle". */
  if (handle == NULL || handle == INVALID_HANDLE_VALUE)
    return false;
  /* Fails with ERROR_INVALID_HANDLE for a value that is not in the handle
   * table (never opened, or closed). */
  return GetHandleInformation(handle, &flags) != 0;
}
