#include "registry.h"

#include <errno.h>

#include "container.h"
#include "error.h"
#include "map.h"

/* Lookups, the hot path, take the lock shared and never block each other;
 * only creating and closing ports take it exclusively. */
static SRWLOCK registry_lock = SRWLOCK_INIT;
static map registry_ports; /* zero-initialised: an empty map */

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
  }
  ReleaseSRWLockExclusive(&registry_lock);
  return port;
}
