/* Wait completion packets, played where ntdll.dll lacks them (Wine 8), on
 * their documented semantics:
 *
 *   NtCreateWaitCompletionPacket, NtAssociateWaitCompletionPacket and
 *   NtCancelWaitCompletionPacket, learn.microsoft.com/windows/win32/
 *   devnotes/ (ntcreatewaitcompletionpacket, ntassociatewaitcompletionpacket,
 *   ntcancelwaitcompletionpacket).
 *
 * What those pages say, and how it is played:
 * - A packet describes one association at a time: associating one "in use"
 *   is an error.  In use: its wait is outstanding, or its packet is queued
 *   and not yet dequeued ("when the packet is picked up, the association
 *   must be reestablished").
 * - "When the object is signaled, a packet is queued to the supplied
 *   completion port" with the key, context, status and information given:
 *   a thread-pool wait (RegisterWaitForSingleObject, WT_EXECUTEONLYONCE)
 *   posts it.  That wait is satisfied as WaitForSingleObject's is, so it
 *   consumes an auto-reset event's signal or a semaphore's unit, as the
 *   kernel's wait does.  An object signaled already at the association
 *   satisfies it at once: the packet is queued then and AlreadySignaled
 *   ("whether the target object was already signaled at the time of the
 *   association") says TRUE.
 * - Cancel: STATUS_SUCCESS when the wait was cancelled, or, with
 *   RemoveSignaledPacket, when its queued packet was taken back out of the
 *   port; STATUS_PENDING when the packet is queued and stays so (not to be
 *   reused until it is dequeued); STATUS_CANCELLED when it "has already
 *   been completed" (dequeued) or was never associated.
 *
 * A real completion port cannot give a queued packet back, so the played
 * packet is posted with a key of the model's own and rewritten when it is
 * dequeued (play_packet_deliver); one that a cancel took back is dropped
 * there, and the program never sees it, as on Windows. */
#include <stdlib.h>
#include <string.h>

#include "play.h"

/* The pages name no status for a packet associated while in use. */
#define PLAY_STATUS_IN_USE ((NTSTATUS) 0xC000000DL) /* INVALID_PARAMETER */

typedef enum packet_state {
  PACKET_IDLE,    /* never associated, cancelled, or dequeued */
  PACKET_WAITING, /* its wait is outstanding */
  PACKET_QUEUED,  /* its packet is in the port, not yet dequeued */
} packet_state;

typedef struct play_packet {
  struct play_packet* next; /* in its registry bucket */
  HANDLE handle;            /* an event: the packet's handle value, and what an
                    unregistration signals once its callback is done */
  packet_state state;
  HANDLE wait;    /* thread-pool registration, live or spent; or NULL */
  unsigned stale; /* packets taken back, still in the port to be dropped */
  bool closed;    /* its handle is closed: freed once nothing is in a port */
  HANDLE port;
  void* key;
  void* context;
  NTSTATUS status;
  ULONG_PTR information;
} play_packet;

enum { PACKET_BUCKETS = 256 };

static SRWLOCK packet_lock = SRWLOCK_INIT;
static play_packet* packet_buckets[PACKET_BUCKETS];
/* The completion key of every played packet in a port. */
static const char packet_key_mark;
#define PACKET_KEY ((ULONG_PTR) &packet_key_mark)

static play_packet** packet_slot(HANDLE handle) {
  play_packet** slot =
      &packet_buckets[((ULONG_PTR) handle >> 2) % PACKET_BUCKETS];
  while (*slot != NULL && (*slot)->handle != handle)
    slot = &(*slot)->next;
  return slot;
}

static play_packet* packet_find(HANDLE handle) {
  return *packet_slot(handle);
}

/* Only once no callback of `wait` runs or ever will (its completion event,
 * the packet's own handle, is set then), without the lock held: the
 * callback takes it. */
static void packet_unregister(play_packet* p, HANDLE wait) {
  ResetEvent(p->handle);
  if (UnregisterWaitEx(wait, p->handle) || GetLastError() == ERROR_IO_PENDING)
    WaitForSingleObject(p->handle, INFINITE);
}

/* Takes a spent or cancelled registration off `p`, to unregister once the
 * lock is let go.  With the lock held. */
static HANDLE packet_take_wait(play_packet* p) {
  HANDLE wait = p->wait;
  p->wait = NULL;
  return wait;
}

/* Queues the packet as the kernel would; with the lock held. */
static void packet_queue(play_packet* p) {
  p->state = PACKET_QUEUED;
  if (!PostQueuedCompletionStatus(p->port, 0, PACKET_KEY, (OVERLAPPED*) p))
    p->state = PACKET_IDLE; /* no memory for it: the signal is lost */
}

static VOID CALLBACK packet_on_signal(void* context, BOOLEAN timed_out) {
  play_packet* p = (play_packet*) context;
  (void) timed_out; /* never: INFINITE */
  AcquireSRWLockExclusive(&packet_lock);
  if (p->state == PACKET_WAITING)
    packet_queue(p);
  ReleaseSRWLockExclusive(&packet_lock);
}

NTSTATUS play_packet_create(HANDLE* packet) {
  play_packet* p = (play_packet*) calloc(1, sizeof *p);
  if (p == NULL)
    return NT_STATUS_NO_MEMORY;
  p->handle = CreateEventW(NULL, TRUE, FALSE, NULL);
  if (p->handle == NULL) {
    free(p);
    return NT_STATUS_INSUFFICIENT_RESOURCES;
  }
  AcquireSRWLockExclusive(&packet_lock);
  p->next = NULL;
  *packet_slot(p->handle) = p;
  ReleaseSRWLockExclusive(&packet_lock);
  *packet = p->handle;
  return NT_STATUS_SUCCESS;
}

/* WaitForSingleObject's or RegisterWaitForSingleObject's failure as the
 * status the kernel gives for the object handle. */
static NTSTATUS packet_object_status(DWORD error) {
  if (error == ERROR_INVALID_HANDLE)
    return NT_STATUS_INVALID_HANDLE;
  if (error == ERROR_ACCESS_DENIED)
    return (NTSTATUS) 0xC0000022L; /* STATUS_ACCESS_DENIED */
  if (error == ERROR_NOT_ENOUGH_MEMORY || error == ERROR_OUTOFMEMORY)
    return NT_STATUS_INSUFFICIENT_RESOURCES;
  return NT_STATUS_OBJECT_TYPE_MISMATCH;
}

NTSTATUS play_packet_associate(HANDLE packet, HANDLE port, HANDLE object,
                               void* key, void* context, NTSTATUS status,
                               ULONG_PTR information,
                               BOOLEAN* already_signaled) {
  play_packet* p;
  HANDLE spent;
  HANDLE wait = NULL;
  DWORD now;

  AcquireSRWLockExclusive(&packet_lock);
  p = packet_find(packet);
  if (p == NULL || p->state != PACKET_IDLE) {
    ReleaseSRWLockExclusive(&packet_lock);
    return p == NULL ? NT_STATUS_INVALID_HANDLE : PLAY_STATUS_IN_USE;
  }
  spent = packet_take_wait(p);
  p->port = port;
  p->key = key;
  p->context = context;
  p->status = status;
  p->information = information;
  ReleaseSRWLockExclusive(&packet_lock);
  if (spent != NULL) /* the last association's, whose packet was dequeued */
    packet_unregister(p, spent);

  /* Signaled already: the wait is satisfied (and the signal consumed) now,
   * and the packet queued at once. */
  now = WaitForSingleObject(object, 0);
  if (now == WAIT_FAILED)
    return packet_object_status(GetLastError());
  if (now == WAIT_OBJECT_0 || now == WAIT_ABANDONED) {
    AcquireSRWLockExclusive(&packet_lock);
    packet_queue(p);
    ReleaseSRWLockExclusive(&packet_lock);
    if (already_signaled != NULL)
      *already_signaled = TRUE;
    return NT_STATUS_SUCCESS;
  }

  /* Associate and cancel calls for one packet do not overlap (one
   * association at a time): only the callback can run meanwhile. */
  AcquireSRWLockExclusive(&packet_lock);
  p->state = PACKET_WAITING;
  ReleaseSRWLockExclusive(&packet_lock);
  if (!RegisterWaitForSingleObject(&wait, object, packet_on_signal, p,
                                   INFINITE, WT_EXECUTEONLYONCE)) {
    NTSTATUS failed = packet_object_status(GetLastError());
    AcquireSRWLockExclusive(&packet_lock);
    p->state = PACKET_IDLE;
    ReleaseSRWLockExclusive(&packet_lock);
    return failed;
  }
  AcquireSRWLockExclusive(&packet_lock);
  p->wait = wait;
  ReleaseSRWLockExclusive(&packet_lock);
  if (already_signaled != NULL)
    *already_signaled = FALSE;
  return NT_STATUS_SUCCESS;
}

NTSTATUS play_packet_cancel(HANDLE packet, BOOLEAN remove_signaled) {
  play_packet* p;
  HANDLE wait;
  NTSTATUS result;

  AcquireSRWLockExclusive(&packet_lock);
  p = packet_find(packet);
  if (p == NULL) {
    ReleaseSRWLockExclusive(&packet_lock);
    return NT_STATUS_INVALID_HANDLE;
  }
  wait = packet_take_wait(p);
  ReleaseSRWLockExclusive(&packet_lock);
  /* From here the callback has run or never will: the state is final
   * (the kernel decides the same race atomically). */
  if (wait != NULL)
    packet_unregister(p, wait);

  AcquireSRWLockExclusive(&packet_lock);
  switch (p->state) {
    case PACKET_WAITING:
      p->state = PACKET_IDLE;
      result = NT_STATUS_SUCCESS;
      break;
    case PACKET_QUEUED:
      if (remove_signaled) {
        p->stale++; /* dropped when dequeued */
        p->state = PACKET_IDLE;
        result = NT_STATUS_SUCCESS;
      } else {
        result = NT_STATUS_PENDING;
      }
      break;
    default:
      result = NT_STATUS_CANCELLED;
      break;
  }
  ReleaseSRWLockExclusive(&packet_lock);
  return result;
}

static bool packet_is_done(const play_packet* p) {
  return p->closed && p->stale == 0 && p->state != PACKET_QUEUED;
}

bool play_packet_close(HANDLE handle, BOOL* closed) {
  play_packet** slot;
  play_packet* p;
  HANDLE wait;
  bool done;

  AcquireSRWLockExclusive(&packet_lock);
  slot = packet_slot(handle);
  p = *slot;
  if (p == NULL) {
    ReleaseSRWLockExclusive(&packet_lock);
    return false;
  }
  *slot = p->next;
  wait = packet_take_wait(p);
  ReleaseSRWLockExclusive(&packet_lock);
  if (wait != NULL)
    packet_unregister(p, wait);

  /* The close ends an outstanding wait; a packet queued already stays in
   * the port and is dequeued as usual.  `closed` is set only now: a
   * dequeue meanwhile (play_packet_deliver) must not free `p` while this
   * call still uses it. */
  AcquireSRWLockExclusive(&packet_lock);
  if (p->state == PACKET_WAITING)
    p->state = PACKET_IDLE;
  p->closed = true;
  done = packet_is_done(p);
  ReleaseSRWLockExclusive(&packet_lock);
  *closed = CloseHandle(handle);
  if (done)
    free(p);
  return true;
}

ULONG play_packet_deliver(OVERLAPPED_ENTRY* entries, ULONG count) {
  ULONG kept = 0;
  ULONG i;
  for (i = 0; i < count; i++) {
    OVERLAPPED_ENTRY entry = entries[i];
    if (entry.lpCompletionKey == PACKET_KEY) {
      play_packet* p = (play_packet*) entry.lpOverlapped;
      bool keep = false;
      bool done;
      AcquireSRWLockExclusive(&packet_lock);
      if (p->stale > 0) {
        p->stale--;
      } else if (p->state == PACKET_QUEUED) {
        p->state = PACKET_IDLE;
        entry.lpCompletionKey = (ULONG_PTR) p->key;
        entry.lpOverlapped = (OVERLAPPED*) p->context;
        entry.Internal = (ULONG_PTR) p->status;
        entry.dwNumberOfBytesTransferred = (DWORD) p->information;
        keep = true;
      }
      done = packet_is_done(p);
      ReleaseSRWLockExclusive(&packet_lock);
      if (done)
        free(p);
      if (!keep)
        continue;
    }
    entries[kept++] = entry;
  }
  return kept;
}

/* The three calls with ntdll.dll's signatures, for ntdll.c to find. */
static NTSTATUS NTAPI play_entry_create(HANDLE* packet, ACCESS_MASK access,
                                       void* attributes) {
  (void) access;     /* a packet has no access checks to play */
  (void) attributes; /* unnamed, not inheritable: what lib/ asks */
  return play_packet_create(packet);
}

static NTSTATUS NTAPI play_entry_associate(HANDLE packet, HANDLE port,
                                          HANDLE object, void* key,
                                          void* context, NTSTATUS status,
                                          ULONG_PTR information,
                                          BOOLEAN* already_signaled) {
  return play_packet_associate(packet, port, object, key, context, status,
                               information, already_signaled);
}

static NTSTATUS NTAPI play_entry_cancel(HANDLE packet,
                                       BOOLEAN remove_signaled) {
  return play_packet_cancel(packet, remove_signaled);
}

FARPROC play_packet_entry(const char* name) {
  /* Through void (*)(void), which converts to and from any function type
   * without a warning. */
  if (strcmp(name, "NtCreateWaitCompletionPacket") == 0)
    return (FARPROC) (void (*)(void)) play_entry_create;
  if (strcmp(name, "NtAssociateWaitCompletionPacket") == 0)
    return (FARPROC) (void (*)(void)) play_entry_associate;
  if (strcmp(name, "NtCancelWaitCompletionPacket") == 0)
    return (FARPROC) (void (*)(void)) play_entry_cancel;
  return NULL;
}
