/* The process-wide table from the HANDLE a caller holds to its port, with
 * reference counts so that epoll_close() never frees a port another thread
 * is still inside.  A HANDLE that is not in the table is never dereferenced:
 * that is how bogus, closed and foreign handles are told apart safely. */
#ifndef WEPOLL_REGISTRY_H_
#define WEPOLL_REGISTRY_H_

#include <windows.h>

#include "port.h"

/* Returns 0, or -1 with ENOMEM set. */
int registry_add(port_state* port);
/* The port with one more reference, or NULL if `handle` is not a port. */
port_state* registry_acquire(HANDLE handle);
void registry_release(port_state* port);
/* Takes the port out of the table, handing the table's reference to the
 * caller; NULL if `handle` is not a port (or another thread closed it).
 * Until registry_forget_closing(), the handle still counts as a port being
 * closed: its completion port stays open while waiters leave, and a call
 * that comes meanwhile must get EBADF, as for a closed port, not EINVAL. */
port_state* registry_remove(HANDLE handle);
bool registry_is_closing(HANDLE handle);
/* Called once the port's handle is closed, before its memory goes. */
void registry_forget_closing(port_state* port);

#endif /* WEPOLL_REGISTRY_H_ */
