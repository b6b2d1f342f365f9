#include "waitable.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "container.h"
#include "error.h"
#include "events.h"
#include "nt.h"
#include "os.h"
#include "wait_packet.h"
#include "wepoll.h"

/* One registered handle.  Its state is four flags, changed only below:
 *   waiting   a wait is outstanding, or its packet is queued or dequeued
 *             but not yet processed: the record must live until then;
 *   signaled  a wait consumed a signal that has not been reported yet;
 *   disarmed  one-shot and reported: no wait, no report until MOD;
 *   deleted   DEL or close while `waiting`: freed when its packet comes.
 * A level-triggered record just reported has none of them set and sits in
 * the set's `rearm` list until the next epoll_wait starts its wait. */
typedef struct waitable {
  map_entry map_entry; /* key: the handle value */
  list_node all_node;
  list_node ready_node;
  list_node rearm_node;
  waitable_set* set;
  HANDLE handle; /* the program's value: the key, never waited on */
  HANDLE object; /* our own handle of the same object: what we wait on */
  HANDLE wait; /* wait completion packet, or thread-pool wait */
  uint64_t user_data;
  uint32_t interest;
  bool waiting;
  bool signaled;
  bool disarmed;
  bool deleted;
  volatile LONG callback_fired; /* thread-pool wait: its packet is posted */
} waitable;

void waitable_set_init(waitable_set* set, HANDLE iocp, ULONG_PTR key) {
  memset(set, 0, sizeof *set);
  set->iocp = iocp;
  set->key = key;
  map_init(&set->handles);
  list_init(&set->ready);
  list_init(&set->rearm);
  list_init(&set->all);
}

/* ------------------------------------------------------------------ */
/* Which objects are accepted                                          */

/* Objects whose signaled state means "ready" and whose wait takes nothing
 * but what any wait takes (an auto-reset event's signal, one unit of a
 * semaphore).  Not accepted: files and pipes (signaled means an I/O
 * finished, not readiness), sockets (epoll_ctl polls them properly) and
 * mutexes (a wait would make a pool or kernel thread their owner). */
static const wchar_t* const waitable_kinds[] = {
    L"Event", L"Semaphore", L"Timer", L"Process", L"Thread",
};

static bool waitable_kind_is_accepted(const UNICODE_STRING* name) {
  size_t i;
  for (i = 0; i < sizeof waitable_kinds / sizeof *waitable_kinds; i++) {
    size_t bytes = wcslen(waitable_kinds[i]) * sizeof(wchar_t);
    if (name->Length == bytes &&
        memcmp(name->Buffer, waitable_kinds[i], bytes) == 0)
      return true;
  }
  return false;
}

/* Pseudo-handles (GetCurrentProcess() is -1, GetCurrentThread() -2, the
 * token ones below) name the caller, not an object: a wait from another
 * thread would mean something else. */
static bool waitable_is_pseudo_handle(HANDLE handle) {
  intptr_t value = (intptr_t) handle;
  return value < 0 && value >= -16;
}

int waitable_check_handle(HANDLE handle, bool* accepted) {
  /* The type name follows the structure in the same buffer. */
  union {
    PUBLIC_OBJECT_TYPE_INFORMATION info;
    unsigned char bytes[512];
  } type;
  ULONG length = 0;
  NTSTATUS status;

  *accepted = false;
  if (handle == NULL || waitable_is_pseudo_handle(handle))
    return err_set(EBADF);
  status = os_nt_query_object(handle, ObjectTypeInformation, &type,
                              sizeof type, &length);
  if (NT_SUCCESS(status)) {
    *accepted = waitable_kind_is_accepted(&type.info.TypeName);
    return 0;
  }
  if (status == NT_STATUS_INFO_LENGTH_MISMATCH ||
      status == NT_STATUS_BUFFER_OVERFLOW)
    return 0; /* a type name longer than any we accept */
  return err_set(EBADF);
}

/* ------------------------------------------------------------------ */
/* The two ways to wait                                                */

/* Thread-pool wait callback.  It runs once (WT_EXECUTEONLYONCE), sets the
 * flag DEL reads after waitable_unregister, and posts the packet; after
 * that it touches nothing of ours, since the packet may be processed and
 * the record freed at once.  The packet is the only word of this signal,
 * so a post that finds no memory for it is tried again until one does:
 * dropped, the handle would never be reported again and its record never
 * freed.  The port outlives this callback (closing it unregisters the
 * wait, which waits for the callback), so only a shortage can fail it. */
static VOID CALLBACK waitable_on_signal(void* context, BOOLEAN timed_out) {
  waitable* w = (waitable*) context;
  HANDLE iocp = w->set->iocp;
  ULONG_PTR key = w->set->key;
  (void) timed_out; /* never: the wait is INFINITE */
  InterlockedExchange(&w->callback_fired, 1);
  while (
      !os_post_queued_completion_status(iocp, 0, key, (OVERLAPPED*) context)) {
    if (!err_is_shortage(GetLastError()))
      break; /* not a shortage: trying again cannot help */
    Sleep(1);
  }
}

static int waitable_start_wait(waitable* w) {
  waitable_set* set = w->set;
  if (wait_packet_available())
    return wait_packet_associate(w->wait, set->iocp, w->object, set->key, w);
  if (set->unregistered == NULL) {
    /* Manual-reset: a wait on it takes nothing (a program that closed a
     * registered handle without DEL may have one on this value). */
    set->unregistered = os_create_event(TRUE, FALSE);
    if (set->unregistered == NULL)
      return err_set_from_last_error();
  }
  InterlockedExchange(&w->callback_fired, 0);
  /* The callback runs on a pool worker, not in the wait thread
   * (WT_EXECUTEINWAITTHREAD): Wine 8 counts a wait-thread callback as
   * pending outside its pool lock, so the cancel step of a blocking
   * unregistration running at that moment can unlink it from a queue it
   * was never on (a crash seen in RtlDeregisterWaitEx).  The registration's
   * life ends in waitable_unregister. */
  if (!os_register_wait(&w->wait, w->object, waitable_on_signal, w, INFINITE,
                        WT_EXECUTEONLYONCE))
    return err_set_from_last_error();
  return 0;
}

/* Where a thread-pool registration's life ends, once per registration
 * (waitable_stop_wait, or waitable_wait_ended after its packet; both clear
 * w->wait).  It returns only when no callback for it runs or ever will, so
 * that `callback_fired` is final and `w` may be freed.
 *
 * UnregisterWaitEx with a completion event, then a wait for the event:
 * when the call succeeds or answers ERROR_IO_PENDING (callbacks still
 * outstanding), the event is set once the wait is gone and its callbacks
 * have returned.  Not INVALID_HANDLE_VALUE, which on Windows blocks for the
 * same thing: Wine 8's blocking form looks for queued or running callbacks
 * once, just after taking the wait off its wait thread's list, and a wait
 * that thread found satisfied a moment before is queued only after that
 * look; the call then returns with a callback still to run, seen as a
 * callback on a freed record.  Wine sets the event when the last reference
 * to the wait goes, which a queued callback holds until it returns.
 *
 * The callback takes no lock of ours, so blocking here under the port lock
 * cannot deadlock. */
static void waitable_unregister(waitable* w) {
  HANDLE done = w->set->unregistered;
  DWORD last_error = GetLastError(); /* ERROR_IO_PENDING is no error here */
  os_reset_event(done);
  if (os_unregister_wait(w->wait, done) || GetLastError() == ERROR_IO_PENDING)
    os_wait_for_single_object(done, INFINITE);
  SetLastError(last_error);
  w->wait = NULL;
}

/* Ends the outstanding wait.  True when no packet can come for it any more;
 * false when one was dequeued already or is on its way. */
static bool waitable_stop_wait(waitable* w) {
  if (wait_packet_available())
    return wait_packet_cancel(w->wait);
  waitable_unregister(w);
  return InterlockedCompareExchange(&w->callback_fired, 0, 0) == 0;
}

/* The packet of a thread-pool wait arrived: its registration is spent (its
 * callback may still be returning). */
static void waitable_wait_ended(waitable* w) {
  if (!wait_packet_available() && w->wait != NULL)
    waitable_unregister(w);
}

/* ------------------------------------------------------------------ */
/* The state machine                                                   */

static bool waitable_wants_wait(const waitable* w) {
  return !w->waiting && !w->signaled && !w->disarmed && !w->deleted &&
         (w->interest & EPOLLIN) != 0;
}

static bool waitable_is_reportable(const waitable* w) {
  return w->signaled && !w->disarmed && !w->deleted &&
         (w->interest & EPOLLIN) != 0;
}

/* Starts the wait `w` needs, if any.  Without wait completion packets the
 * object is first tried without blocking, so that a wait reports an object
 * signaled when it starts as a wait completion packet does (whose
 * association queues the packet at once then), instead of leaving that to
 * a thread-pool callback still to run.  The try consumes what any wait
 * consumes: the signal is then ours, `signaled`, and is reported. */
static int waitable_arm(waitable_set* set, waitable* w) {
  if (!waitable_wants_wait(w))
    return 0;
  if (!wait_packet_available()) {
    DWORD result = os_wait_for_single_object(w->object, 0);
    if (result == WAIT_OBJECT_0) {
      w->signaled = true;
      return 0;
    }
    if (result == WAIT_FAILED)
      return err_set_from_last_error();
  }
  if (waitable_start_wait(w) < 0)
    return -1;
  w->waiting = true;
  set->packets_owed++;
  return 0;
}

/* Waits again if `w` should, and puts it in or out of the ready list. */
static int waitable_update(waitable_set* set, waitable* w) {
  int result;
  bool queued;
  if (list_is_linked(&w->rearm_node))
    list_remove(&w->rearm_node); /* armed here, if at all */
  result = waitable_arm(set, w);
  queued = list_is_linked(&w->ready_node);
  if (waitable_is_reportable(w) && !queued)
    list_push_back(&set->ready, &w->ready_node);
  else if (!waitable_is_reportable(w) && queued)
    list_remove(&w->ready_node);
  return result;
}

static void waitable_free(waitable* w) {
  list_remove(&w->all_node);
  if (wait_packet_available() && w->wait != NULL)
    wait_packet_free(w->wait);
  if (w->object != NULL)
    os_close_handle(w->object);
  os_free(w);
}

/* Takes `w` out of use: freed now, or when its packet comes. */
static void waitable_release(waitable_set* set, waitable* w) {
  if (list_is_linked(&w->ready_node))
    list_remove(&w->ready_node);
  if (list_is_linked(&w->rearm_node))
    list_remove(&w->rearm_node);
  if (w->waiting && waitable_stop_wait(w)) {
    w->waiting = false;
    set->packets_owed--;
  }
  if (w->waiting)
    w->deleted = true;
  else
    waitable_free(w);
}

void waitable_complete(waitable_set* set, OVERLAPPED* overlapped) {
  waitable* w = (waitable*) overlapped;
  w->waiting = false;
  set->packets_owed--;
  waitable_wait_ended(w);
  if (w->deleted) {
    waitable_free(w);
    return;
  }
  w->signaled = true;
  waitable_update(set, w);
}

/* ------------------------------------------------------------------ */
/* ADD, MOD, DEL                                                       */

static waitable* waitable_find(waitable_set* set, HANDLE handle) {
  map_entry* entry = map_find(&set->handles, (uintptr_t) handle);
  return entry == NULL ? NULL : container_of(entry, waitable, map_entry);
}

static void waitable_set_interest(waitable* w,
                                  const struct epoll_event* event) {
  w->interest = event->events;
  w->user_data = event->data.u64;
  w->disarmed = false;
}

/* Frees a record ADD could not complete (out of the map), keeping the
 * error set. */
static int waitable_discard(waitable* w) {
  int error = errno;
  DWORD last_error = GetLastError();
  waitable_free(w);
  errno = error;
  SetLastError(last_error);
  return -1;
}

static int waitable_add(waitable_set* set, HANDLE handle,
                        const struct epoll_event* event) {
  waitable* w;
  if (waitable_find(set, handle) != NULL)
    return err_set(EEXIST);
  w = (waitable*) os_calloc(1, sizeof *w);
  if (w == NULL)
    return err_set(ENOMEM);
  w->set = set;
  w->handle = handle;
  w->map_entry.key = (uintptr_t) handle;
  list_init(&w->ready_node);
  list_init(&w->rearm_node);
  list_push_back(&set->all, &w->all_node);
  waitable_set_interest(w, event);
  /* Waits go to a handle of our own: a program that closes its handle
   * without DEL then leaves us waiting on the object it named, never on
   * whatever object the system gives that value next (another port's event,
   * or one of the thread pool's own, whose signals a wait would take). */
  w->object = os_duplicate_handle(handle);
  if (w->object == NULL) {
    err_set_from_last_error();
    return waitable_discard(w);
  }
  if (wait_packet_available()) {
    w->wait = wait_packet_create();
    if (w->wait == NULL)
      return waitable_discard(w);
  }
  if (!map_insert(&set->handles, &w->map_entry)) {
    err_set(ENOMEM);
    return waitable_discard(w);
  }
  if (waitable_update(set, w) < 0) {
    map_remove(&set->handles, &w->map_entry);
    return waitable_discard(w);
  }
  return 0;
}

int waitable_ctl(waitable_set* set, int op, HANDLE handle,
                 const struct epoll_event* event) {
  waitable* w;
  if (op == EPOLL_CTL_ADD)
    return waitable_add(set, handle, event);
  w = waitable_find(set, handle);
  if (w == NULL)
    return err_set(ENOENT);
  if (op == EPOLL_CTL_MOD) {
    waitable_set_interest(w, event);
    return waitable_update(set, w);
  }
  map_remove(&set->handles, &w->map_entry);
  waitable_release(set, w);
  return 0;
}

/* ------------------------------------------------------------------ */
/* Reporting                                                           */

bool waitable_has_ready(const waitable_set* set) {
  return !list_is_empty(&set->ready);
}

int waitable_collect(waitable_set* set, struct epoll_event* events,
                     int maxevents) {
  int count = 0;
  while (count < maxevents && !list_is_empty(&set->ready)) {
    waitable* w = container_of(set->ready.next, waitable, ready_node);
    list_remove(&w->ready_node);
    events[count].events = EPOLLIN;
    events[count].data.u64 = w->user_data;
    count++;
    w->signaled = false;
    if ((w->interest & EVENTS_ONESHOT_BITS) != 0)
      w->disarmed = true;
    else /* level-triggered: waits again at the next epoll_wait */
      list_push_back(&set->rearm, &w->rearm_node);
  }
  return count;
}

bool waitable_rearm_pending(const waitable_set* set) {
  return !list_is_empty(&set->rearm);
}

/* The waits of level-triggered handles reported since the last flush start
 * here, when a wait runs, and not when they were reported: until the
 * program waits again it may reset the object (a manual-reset event, a
 * notification timer), and a wait started at the report would already
 * have seen it signaled and queued a report of a state gone by (a wait
 * completion packet associated with a signaled object is queued at once).
 * A wait that fails to start (the handle was closed without DEL) leaves the
 * registration silent. */
void waitable_flush(waitable_set* set) {
  while (!list_is_empty(&set->rearm)) {
    waitable* w = container_of(set->rearm.next, waitable, rearm_node);
    waitable_update(set, w); /* takes w off the list */
  }
}

int waitable_collect_first(waitable_set* set, struct epoll_event* events,
                           int maxevents) {
  set->first_next = !set->first_next;
  return set->first_next ? waitable_collect(set, events, maxevents) : 0;
}

/* ------------------------------------------------------------------ */
/* Closing                                                             */

void waitable_set_cancel_all(waitable_set* set) {
  list_node* node = set->all.next;
  while (node != &set->all) {
    waitable* w = container_of(node, waitable, all_node);
    node = node->next; /* w may be freed just below */
    if (!w->deleted) {
      map_remove(&set->handles, &w->map_entry);
      waitable_release(set, w);
    }
  }
}

/* After waitable_set_cancel_all and the port's drain, every record that
 * owed no packet has been freed; those left owe one the drain gave up on,
 * and stay allocated rather than freed under a late packet. */
void waitable_set_free(waitable_set* set) {
  map_free(&set->handles);
  if (set->unregistered != NULL)
    os_close_handle(set->unregistered);
}
