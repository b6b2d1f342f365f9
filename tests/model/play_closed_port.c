/* A completion port closed while threads wait in it, played as Windows
 * documents it (GetQueuedCompletionStatus, Remarks, learn.microsoft.com/
 * windows/win32/api/ioapiset/nf-ioapiset-getqueuedcompletionstatus): "If
 * a call to GetQueuedCompletionStatus fails because the completion port
 * handle associated with it is closed while the call is outstanding, the
 * function returns FALSE, *lpOverlapped will be NULL, and GetLastError will
 * return ERROR_ABANDONED_WAIT_0."  GetQueuedCompletionStatusEx waits on the
 * same port object and fails the same way (its page points to the same
 * "I/O Completion Ports" rules).  Wine 8 leaves such a waiter asleep until
 * its timeout.
 *
 * Played: every waiter is counted per port handle value while it is in
 * the call.  A close with waiters posts one wake-up per waiter, with a key
 * of the model's own, and each waiter that the close finds without
 * packets fails with ERROR_ABANDONED_WAIT_0.  The real handle stays open
 * until the last waiter has left (so that no waiter's call ever reaches a
 * closed value, or one reused by another object), but answers as closed:
 * a new wait on it fails with ERROR_INVALID_HANDLE, as on Windows. */
#include <stdlib.h>

#include "play.h"

typedef struct play_port {
  struct play_port* next;
  HANDLE handle;
  LONG waiters; /* threads inside GetQueuedCompletionStatusEx */
  bool closed;  /* closed for the program; the real close may wait */
  bool held;    /* closed by model_close_handle: lib/ still holds the
                   value and closes it later, so it is not reused before */
} play_port;

enum { PORT_BUCKETS = 64 };

static SRWLOCK port_lock = SRWLOCK_INIT;
static play_port* port_buckets[PORT_BUCKETS];
static const char port_wake_mark;
#define PORT_WAKE_KEY ((ULONG_PTR) &port_wake_mark)

static play_port** port_slot(HANDLE handle) {
  play_port** slot = &port_buckets[((ULONG_PTR) handle >> 2) % PORT_BUCKETS];
  while (*slot != NULL && (*slot)->handle != handle)
    slot = &(*slot)->next;
  return slot;
}

/* Forgets `port` once nobody waits in it and nothing holds its value;
 * with the lock held.  The real close happens here when it is closed. */
static void port_forget_if_unused(play_port** slot) {
  play_port* port = *slot;
  if (port->waiters > 0 || port->held)
    return;
  *slot = port->next;
  if (port->closed)
    CloseHandle(port->handle);
  free(port);
}

bool play_port_enter(HANDLE handle) {
  play_port** slot;
  bool open = true;
  AcquireSRWLockExclusive(&port_lock);
  slot = port_slot(handle);
  if (*slot == NULL) {
    play_port* port = (play_port*) calloc(1, sizeof *port);
    if (port != NULL) { /* untracked if no memory: the plain call then */
      port->handle = handle;
      *slot = port;
    }
  }
  if (*slot != NULL && (*slot)->closed)
    open = false;
  else if (*slot != NULL)
    (*slot)->waiters++;
  ReleaseSRWLockExclusive(&port_lock);
  return open;
}

bool play_port_leave(HANDLE handle, OVERLAPPED_ENTRY* entries, ULONG* count) {
  play_port** slot;
  play_port* port;
  ULONG wakes = 0;
  ULONG kept = 0;
  ULONG i;
  bool abandoned;

  for (i = 0; i < *count; i++) {
    if (entries[i].lpCompletionKey == PORT_WAKE_KEY)
      wakes++;
    else
      entries[kept++] = entries[i];
  }
  *count = kept;

  AcquireSRWLockExclusive(&port_lock);
  slot = port_slot(handle);
  port = *slot;
  if (port == NULL) { /* entered untracked */
    ReleaseSRWLockExclusive(&port_lock);
    return false;
  }
  port->waiters--;
  /* A waiter that took packets returns them: they were queued before the
   * close.  One that took none was waiting when the port was closed. */
  abandoned = port->closed && kept == 0;
  if (abandoned && wakes > 0)
    wakes--; /* this waiter's own wake-up */
  /* Wake-ups taken for others go back while others wait. */
  while (port->closed && port->waiters > 0 && wakes > 0) {
    PostQueuedCompletionStatus(port->handle, 0, PORT_WAKE_KEY, NULL);
    wakes--;
  }
  port_forget_if_unused(slot);
  ReleaseSRWLockExclusive(&port_lock);
  return abandoned;
}

bool play_port_close(HANDLE handle, bool by_program, BOOL* closed) {
  play_port** slot;
  play_port* port;
  LONG i;

  AcquireSRWLockExclusive(&port_lock);
  slot = port_slot(handle);
  port = *slot;
  if (port == NULL && !by_program) {
    ReleaseSRWLockExclusive(&port_lock);
    return false; /* nobody waits: the plain close */
  }
  if (port == NULL) {
    port = (play_port*) calloc(1, sizeof *port);
    if (port == NULL) {
      ReleaseSRWLockExclusive(&port_lock);
      return false;
    }
    port->handle = handle;
    *slot = port;
  }
  if (port->closed) {
    /* Closed before: the value names nothing for the program.  lib/'s own
     * close of a value the program closed ends the hold. */
    if (!by_program)
      port->held = false;
    port_forget_if_unused(slot);
    ReleaseSRWLockExclusive(&port_lock);
    SetLastError(ERROR_INVALID_HANDLE);
    *closed = FALSE;
    return true;
  }
  port->closed = true;
  port->held = by_program;
  for (i = 0; i < port->waiters; i++)
    PostQueuedCompletionStatus(port->handle, 0, PORT_WAKE_KEY, NULL);
  port_forget_if_unused(slot);
  ReleaseSRWLockExclusive(&port_lock);
  *closed = TRUE;
  return true;
}

long model_port_waiters(HANDLE handle) {
  play_port* port;
  long waiters;
  AcquireSRWLockShared(&port_lock);
  port = *port_slot(handle);
  waiters = port != NULL ? port->waiters : 0;
  ReleaseSRWLockShared(&port_lock);
  return waiters;
}
