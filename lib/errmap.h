/* The pairing of errno values with Win32/Winsock error codes.  Pure C, so it
 * is also tested on the host; error.c applies it. */
#ifndef WEPOLL_ERRMAP_H_
#define WEPOLL_ERRMAP_H_

#include <stdint.h>

/* The errno value for a Win32 or Winsock error code (EINVAL when unknown). */
int errmap_errno_from_win32(uint32_t win32_error);

/* The Win32 error code reported beside an errno value the API sets. */
uint32_t errmap_win32_from_errno(int errno_value);

#endif /* WEPOLL_ERRMAP_H_ */
