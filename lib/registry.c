#include "registry.h"

#include <errno.h>

#include "container.h"
#include "error.h"
#include "map.h"

/* Lookups, the hot path, take the lock shared and never block each other;
 * only creating and closing ports take it exclusively. */
static SRWLOCK registry_lock = SRWLOCK_INIT;
static map registry_ports;   /* zero-initialised: an empty map */
static map registry_closing; /* removed ports whose handle is still open */

int registry_add(port_state* port) {
  bool inserted;
  AcquireSRWLockExclusive(&registry_lock);
  inserted = map_insert(&registry_ports, &port->registry_entry);
  ReleaseSRWLockExclusive(&registry_lock);
  return inserted ? 0 : err_set(ENOMEM);
}

port_state* registry_acquire(HANDLE handle) {
  port_state* port = NULL;
  map_entry* entry;
  AcquireSRWLockShared(&registry_lock);
  entry = map_find(&registry_ports, (uintptr_t) handle);
  if (entry != NULL) {
    port = container_of(entry, port_state, registry_entry);
    InterlockedIncrement(&port->refs);
  }
  ReleaseSRWLockShared(&registry_lock);
  return port;
}

void registry_release(port_state* port) {
  /* Never reaches zero here: the closer holds the last reference, and is
   * told when only that one is left. */
  if (InterlockedDecrement(&port->refs) == 1)
    port_call_left(port);
}

port_state* registry_remove(HANDLE handle) {
  port_state* port = NULL;
  map_entry* entry;
  AcquireSRWLockExclusive(&registry_lock);
  entry = map_find(&registry_ports, (uintptr_t) handle);
  if (entry != NULL) {
    map_remove(&registry_ports, entry);
    port = container_of(entry, port_state, registry_entry);
    /* Without memory for it, a late call gets EINVAL instead of EBADF. */
    port->registry_closing = map_insert(&registry_closing, entry);
  }
  ReleaseSRWLockExclusive(&registry_lock);
  return port;
}

bool registry_is_closing(HANDLE handle) {
  bool closing;
  AcquireSRWLockShared(&registry_lock);
  closing = map_find(&registry_closing, (uintptr_t) handle) != NULL;
  ReleaseSRWLockShared(&registry_lock);
  return closing;
}

void registry_forget_closing(port_state* port) {
  if (!port->registry_closing)
    return;
  AcquireSRWLockExclusive(&registry_lock);
  map_remove(&registry_closing, &port->registry_entry);
  ReleaseSRWLockExclusive(&registry_lock);
}
