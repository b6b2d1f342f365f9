/* Setting errno and the thread's last error together, so that no failure
 * path can forget one of them. */
#ifndef WEPOLL_ERROR_H_
#define WEPOLL_ERROR_H_

#include <stdbool.h>

#include <windows.h>

#include "nt.h"

/* Each sets both errors and returns -1, so a caller can `return err_...`. */
int err_set(int errno_value);
int err_set_win32(DWORD win32_error);
int err_set_ntstatus(NTSTATUS status);
/* Uses GetLastError() of the call that just failed. */
int err_set_from_last_error(void);

/* The system had no memory for a request (a packet, a wait block): the same
 * request may succeed when tried again later. */
bool err_is_shortage(DWORD win32_error);

#endif /* WEPOLL_ERROR_H_ */
