/* Telling a value that is no open handle at all (EBADF on Linux: a closed
 * descriptor) from an open handle of the wrong kind.  Asked only after a
 * call has failed, so that the success path costs nothing. */
#ifndef WEPOLL_HANDLE_H_
#define WEPOLL_HANDLE_H_

#include <stdbool.h>

#include <windows.h>

/* True when `handle` names an open kernel object of this process.  Nothing
 * is dereferenced: the system's handle table answers. */
bool handle_is_open(HANDLE handle);

#endif /* WEPOLL_HANDLE_H_ */
