#include "error.h"

#include <errno.h>

#include "errmap.h"
#include "ntdll.h"

int err_set(int errno_value) {
  errno = errno_value;
  SetLastError(errmap_win32_from_errno(errno_value));
  return -1;
}

int err_set_win32(DWORD win32_error) {
  errno = errmap_errno_from_win32(win32_error);
  SetLastError(win32_error);
  return -1;
}

int err_set_ntstatus(NTSTATUS status) {
  return err_set_win32(ntdll_status_to_win32(status));
}

int err_set_from_last_error(void) {
  return err_set_win32(GetLastError());
}

bool err_is_shortage(DWORD win32_error) {
  switch (win32_error) {
    case ERROR_NO_SYSTEM_RESOURCES:
    case ERROR_NOT_ENOUGH_MEMORY:
    case ERROR_OUTOFMEMORY:
      return true;
    default:
      return false;
  }
}
