#include "port.h"

#include <errno.h>
#include <stdlib.h>

#include "container.h"
#include "error.h"
#include "os.h"
#include "registry.h"
#include "wepoll.h"
#include "winsock.h"

/* Completion keys are addresses of the port's own objects, so that no
 * packet a program posts to the port (any key, 0 included) is taken for
 * ours: AFD polls, signaled handles (wepoll_ctl_handle), the packets that
 * wake waiters, and program wake-ups passed on (see port_foreign()). */
static ULONG_PTR port_key_poll(port_state* port) {
  return (ULONG_PTR) &port->groups;
}
static ULONG_PTR port_key_handle(port_state* port) {
  return (ULONG_PTR) &port->waitables;
}
static ULONG_PTR port_key_wake(port_state* port) {
  return (ULONG_PTR) port;
}
static ULONG_PTR port_key_relay(port_state* port) {
  return (ULONG_PTR) &port->foreign_unrelayed;
}

/* Completion packets read per call. */
enum { PORT_MAX_ENTRIES = 256 };

/* How long closing a port waits for cancelled polls to come back before it
 * gives up on them and leaves their memory allocated (never freed under the
 * kernel's feet). */
enum { PORT_CLOSE_DRAIN_MS = 5000 };

/* See port_should_read_first(). */
enum { PORT_HINT_BUCKETS_PER_WAIT = 64, PORT_WAITS_BETWEEN_READS = 256 };

/* epoll lets every waiter run; a completion port would hold back all but
 * one thread per processor while the released ones are busy. */
enum { PORT_CONCURRENCY_UNLIMITED = 0x7fffffff };

/* What one call that reads the port (epoll_wait, or an epoll_ctl that
 * must see queued closes) has done so far. */
typedef struct port_call {
  bool read_any;   /* it has read the completion port */
  bool read_all;   /* a read of its took fewer packets than it asked for:
                      every packet queued before the call has been read */
  bool read_short; /* its latest read took fewer packets than it asked
                      for: the port held no more at that instant */
  bool is_wait;    /* an epoll_wait, which a program's packet wakes */
  bool woken;      /* it read a program's packet: it returns what is ready */
  size_t foreign_extra; /* further program packets it read, passed on */
} port_call;

port_state* port_new(bool close_tracking) {
  port_state* port = (port_state*) os_calloc(1, sizeof *port);
  if (port == NULL) {
    err_set(ENOMEM);
    return NULL;
  }
  /* One call at a time: a later call that succeeds may reset the error
   * of one that failed, and what the first made must be given back. */
  port->iocp = os_create_io_completion_port(INVALID_HANDLE_VALUE, NULL, 0,
                                            PORT_CONCURRENCY_UNLIMITED);
  if (port->iocp == NULL) {
    err_set_from_last_error();
    os_free(port);
    return NULL;
  }
  /* Manual-reset, so that no wait but epoll_close's can take its signal: a
   * program that closed a registered handle without DEL may have a wait,
   * here or in another port, on a value that now names this event. */
  port->idle_event = os_create_event(TRUE, FALSE);
  if (port->idle_event == NULL) {
    err_set_from_last_error();
    os_close_handle(port->iocp);
    os_free(port);
    return NULL;
  }
  port->registry_entry.key = (uintptr_t) port->iocp;
  port->refs = 1;
  port->close_tracking = close_tracking;
  InitializeCriticalSection(&port->lock);
  map_init(&port->sockets);
  list_init(&port->update_queue);
  list_init(&port->ready_queue);
  poll_group_set_init(&port->groups, port->iocp, port_key_poll(port));
  waitable_set_init(&port->waitables, port->iocp, port_key_handle(port));
  return port;
}

void port_unqueue(port_state* port, sock_state* sock) {
  if (sock->queue == SOCK_QUEUE_NONE)
    return;
  if (sock->queue == SOCK_QUEUE_READY)
    port->ready_count--;
  list_remove(&sock->queue_node);
  sock->queue = SOCK_QUEUE_NONE;
}

static void port_enqueue(port_state* port, list_node* queue, sock_state* sock,
                         sock_queue which) {
  if (sock->queue == which)
    return;
  port_unqueue(port, sock);
  list_push_back(queue, &sock->queue_node);
  sock->queue = which;
  if (which == SOCK_QUEUE_READY)
    port->ready_count++;
}

void port_queue_update(port_state* port, sock_state* sock) {
  port_enqueue(port, &port->update_queue, sock, SOCK_QUEUE_UPDATE);
}

void port_queue_ready(port_state* port, sock_state* sock) {
  port_enqueue(port, &port->ready_queue, sock, SOCK_QUEUE_READY);
}

static bool port_is_closing(port_state* port) {
  return InterlockedCompareExchange(&port->closing, 0, 0) != 0;
}

/* Results wait in the port's queues: sockets' or handles'. */
static bool port_has_ready(port_state* port) {
  return port->ready_count > 0 || waitable_has_ready(&port->waitables);
}

static bool port_post_wake(port_state* port) {
  if (!os_post_queued_completion_status(port->iocp, 0, port_key_wake(port),
                                        NULL))
    return false;
  port->wakes_in_flight++;
  return true;
}

/* The wake-up protocol (sleepers, wakes_in_flight, level_reported, and how
 * port_wait, port_read, port_process, port_ctl and port_close keep them)
 * is modelled in port_wake.pml, which spin checks exhaustively
 * (ci/model-check.sh): change the model with the protocol.
 *
 * Results are left for others, or a level-triggered socket or handle was
 * reported and may still be ready (Linux wakes another waiter for it too),
 * and a thread sleeps on the port: make sure one wakes to look.  One wake-up in
 * flight is enough, since every thread that wakes passes the duty on
 * before it returns. */
static bool port_needs_wake(port_state* port) {
  bool work_left =
      port_has_ready(port) || port->level_reported || port_is_closing(port);
  return work_left && port->sleepers > 0 && port->wakes_in_flight == 0;
}

/* Posts a wake-up, for a caller that must not drop one: a wake-up the
 * system has no memory for is tried again, and a dropped one would leave a
 * sleeper asleep for as long as its timeout, for ever with none, though
 * memory came back.  False after such a refusal: the lock was let go for a
 * moment, so the caller looks again whether a wake-up is still needed.
 * True once there is nothing more to try (posted, or refused for good). */
static bool port_post_wake_or_pause(port_state* port) {
  if (port_post_wake(port) || !err_is_shortage(GetLastError()))
    return true;
  LeaveCriticalSection(&port->lock);
  Sleep(1);
  EnterCriticalSection(&port->lock);
  return false;
}

/* The caller's errno and last error are kept. */
static void port_wake_one_if_needed(port_state* port) {
  int error = errno;
  DWORD last_error = GetLastError();
  while (port_needs_wake(port) && !port_post_wake_or_pause(port)) {
  }
  errno = error;
  SetLastError(last_error);
}

/* Submits, keeps or cancels the polls of every socket queued for update,
 * and starts the waits of level-triggered handles reported since.
 * Sockets queued again meanwhile wait for the next flush, so a poll that
 * keeps completing at once cannot keep this loop going.  Returns 0, or -1
 * with errors set when some poll could not be submitted for lack of kernel
 * resources: those sockets stay queued and are tried again next time. */
static int port_flush(port_state* port) {
  list_node pending;
  list_node retry;
  int result = 0;
  port->level_reported = false; /* re-polled below: a result will say */
  waitable_flush(&port->waitables);
  if (list_is_empty(&port->update_queue))
    return 0;
  list_init(&pending);
  list_init(&retry);
  list_push_back(&port->update_queue, &pending);
  list_remove(&port->update_queue);
  while (!list_is_empty(&pending)) {
    sock_state* sock = container_of(pending.next, sock_state, queue_node);
    list_remove(&sock->queue_node);
    sock->queue = SOCK_QUEUE_NONE;
    if (sock_update(port, sock) < 0) {
      result = -1;
      if (sock->queue == SOCK_QUEUE_NONE) {
        list_push_back(&retry, &sock->queue_node);
        sock->queue = SOCK_QUEUE_UPDATE;
      }
    }
  }
  /* Sockets to retry go to the queue's front: they waited longest. */
  while (!list_is_empty(&retry)) {
    list_node* node = retry.prev;
    list_remove(node);
    list_push_front(&port->update_queue, node);
  }
  return result;
}

/* Moves up to `maxevents` reports from the ready queue into `events`.  A
 * reported socket is queued for update: a level-triggered one is polled
 * again at the next flush, a one-shot one then only for its close. */
static int port_collect(port_state* port, struct epoll_event* events,
                        int maxevents) {
  int count = 0;
  while (count < maxevents && !list_is_empty(&port->ready_queue)) {
    sock_state* sock =
        container_of(port->ready_queue.next, sock_state, queue_node);
    uint32_t reported = sock_take_events(sock);
    port_queue_update(port, sock);
    if (reported != 0 && sock->armed)
      port->level_reported = true;
    if (reported != 0) {
      events[count].events = reported;
      events[count].data.u64 = sock->user_data;
      count++;
    }
  }
  return count;
}

/* Sockets' and handles' reports; handles go first at every other call, so
 * that neither kind can keep the other unreported.  A level-triggered
 * handle reported waits again only at the next flush, as a socket is
 * polled again: `level_reported` then wakes a sleeping waiter to make it. */
static int port_collect_all(port_state* port, struct epoll_event* events,
                            int maxevents) {
  int count = waitable_collect_first(&port->waitables, events, maxevents);
  count += port_collect(port, events + count, maxevents - count);
  count +=
      waitable_collect(&port->waitables, events + count, maxevents - count);
  if (waitable_rearm_pending(&port->waitables))
    port->level_reported = true;
  return count;
}

/* A packet that is not ours (the program posted it, whatever its key and
 * overlapped pointer, which is never dereferenced): one wake-up for one
 * epoll_wait.  The first one a wait reads makes it return with what is
 * ready; any other is passed on once the call has done its reading (see
 * port_relay_foreign()), so that each wakes a wait of its own.  `call` is
 * NULL while the port is closing: no wait is left to wake. */
static void port_foreign(port_call* call) {
  if (call == NULL)
    return;
  if (call->is_wait && !call->woken)
    call->woken = true;
  else
    call->foreign_extra++;
}

/* Queues again, as packets of our relay key, the program's wake-ups that
 * `call` read and could not use; posted only now, after the call's last
 * read, so that a call never reads its own relays.  Those the system had
 * no memory to queue wait in `foreign_unrelayed` for the next wait. */
static void port_relay_foreign(port_state* port, port_call* call) {
  port->foreign_unrelayed += call->foreign_extra;
  call->foreign_extra = 0;
  while (port->foreign_unrelayed > 0 &&
         os_post_queued_completion_status(port->iocp, 0, port_key_relay(port),
                                          NULL))
    port->foreign_unrelayed--;
}

/* Feeds read packets to their sockets and handles, and counts the
 * wake-ups. */
static void port_process(port_state* port, port_call* call,
                         const OVERLAPPED_ENTRY* entries, ULONG count) {
  ULONG i;
  for (i = 0; i < count; i++) {
    ULONG_PTR key = entries[i].lpCompletionKey;
    if (key == port_key_poll(port))
      sock_complete(port, entries[i].lpOverlapped);
    else if (key == port_key_handle(port))
      waitable_complete(&port->waitables, entries[i].lpOverlapped);
    else if (key == port_key_wake(port))
      port->wakes_in_flight--;
    else
      port_foreign(call); /* relays included: they stand for one */
  }
}

/* Reads up to `max_entries` packets from the completion port, waiting up to
 * `wait_ms`, and processes them.  The lock is let go only while blocked.
 * Returns the number of packets, or -1 with errors set. */
static int port_read(port_state* port, port_call* call, ULONG max_entries,
                     DWORD wait_ms) {
  OVERLAPPED_ENTRY entries[PORT_MAX_ENTRIES];
  ULONG count = 0;
  BOOL ok;
  if (wait_ms != 0) {
    port->sleepers++;
    LeaveCriticalSection(&port->lock);
  }
  ok = os_get_queued_completion_status_ex(port->iocp, entries, max_entries,
                                          &count, wait_ms, FALSE);
  if (wait_ms != 0) {
    EnterCriticalSection(&port->lock);
    port->sleepers--;
  }
  if (!ok) {
    DWORD error = GetLastError();
    /* The program closed the port's handle itself (CloseHandle) while this
     * thread waited: Windows then fails the read with
     * ERROR_ABANDONED_WAIT_0 (GetQueuedCompletionStatus's documented
     * answer), which is the EBADF wepoll.h promises for a port closed
     * while waiting, not an unknown error. */
    if (error == ERROR_ABANDONED_WAIT_0)
      return err_set(EBADF);
    if (error != WAIT_TIMEOUT)
      return err_set_win32(error);
    count = 0; /* not to be trusted when the call failed */
  }
  call->read_any = true;
  call->read_short = count < max_entries;
  if (call->read_short)
    call->read_all = true;
  port_process(port, call, entries, count);
  return (int) count;
}

/* Reads, without blocking, until a read takes fewer packets than it asks
 * for: then every packet queued before has been processed. */
static int port_read_all_queued(port_state* port, port_call* call) {
  do {
    if (port_read(port, call, PORT_MAX_ENTRIES, 0) < 0)
      return -1;
  } while (!call->read_all);
  return 0;
}

/* A hint that some socket's poll has ended and its packet waits in the
 * port: status blocks of the next few buckets' sockets, read from memory
 * (no kernel call).  Successive calls go round the whole table. */
static bool port_hint_finished_poll(port_state* port) {
  size_t i;
  for (i = 0; i < PORT_HINT_BUCKETS_PER_WAIT && i < port->sockets.bucket_count;
       i++) {
    map_entry* entry;
    port->hint_bucket = (port->hint_bucket + 1) % port->sockets.bucket_count;
    for (entry = map_bucket(&port->sockets, port->hint_bucket); entry != NULL;
         entry = entry->next_in_bucket) {
      sock_state* sock = container_of(entry, sock_state, map_entry);
      if (sock->poll_state != SOCK_POLL_IDLE &&
          afd_status_hint(&sock->poll.iosb) != NT_STATUS_PENDING)
        return true;
    }
  }
  return false;
}

/* Before a wait reports results it has not read the port for (results
 * returned at submission, or left by an earlier wait): must it read the
 * port first?
 *
 * In a close-tracking port, never: port_wait has read every packet queued
 * before the call at its start, so that a close watch's packet is seen
 * before anything is reported for its socket (only a dequeued packet shows
 * it).
 *
 * In the default mode a read costs a kernel request that a wait served at
 * submission would not make, so it is made when needed for fairness: a
 * MOD is waiting for its cancelled poll, a registered handle's wait may
 * have queued its packet, a status block hints that another
 * socket's poll has ended, or PORT_WAITS_BETWEEN_READS waits in a row did
 * not read.  A stale hint therefore delays another socket's report by at
 * most that many waits and never changes what is reported. */
static bool port_should_read_first(port_state* port, const port_call* call) {
  if (port->close_tracking || call->read_any)
    return false;
  return port->cancels_outstanding > 0 || port->waitables.packets_owed > 0 ||
         ++port->waits_without_read >= PORT_WAITS_BETWEEN_READS ||
         port_hint_finished_poll(port);
}

static DWORD port_wait_ms(int timeout, ULONGLONG deadline) {
  ULONGLONG now;
  if (timeout < 0)
    return INFINITE;
  now = GetTickCount64();
  return now >= deadline ? 0 : (DWORD) (deadline - now);
}

int port_wait(port_state* port, struct epoll_event* events, int maxevents,
              int timeout) {
  ULONG max_entries = maxevents < PORT_MAX_ENTRIES ? (ULONG) maxevents
                                                   : (ULONG) PORT_MAX_ENTRIES;
  ULONGLONG deadline =
      GetTickCount64() + (ULONGLONG) (timeout > 0 ? timeout : 0);
  port_call call = {false, false, false, true, false, 0};
  int result = 0;

  EnterCriticalSection(&port->lock);
  port->waiters++;
  if (port->foreign_unrelayed > 0) { /* a wake-up the system could not queue */
    port->foreign_unrelayed--;
    call.woken = true;
  }
  /* A close-tracking port reads every close watch packet queued so far
   * before it polls anything: a socket closed without DEL is then dropped
   * before its handle value, maybe reused, is polled again for it. */
  if (port->close_tracking && port_read_all_queued(port, &call) < 0)
    result = -1;
  while (result == 0) {
    int flushed;
    DWORD wait_ms;

    if (port_is_closing(port)) {
      result = err_set(EBADF);
      break;
    }
    flushed = port_flush(port);
    if (port_has_ready(port) && port_should_read_first(port, &call)) {
      if (port_read(port, &call, PORT_MAX_ENTRIES, 0) < 0) {
        result = -1;
        break;
      }
      continue; /* what was read may need flushing */
    }
    result = port_collect_all(port, events, maxevents);
    if (result > 0 || call.woken)
      break; /* woken by the program: what is ready now, maybe nothing */
    if (flushed < 0) {
      result = -1; /* polls could not be submitted: say so, do not sleep */
      break;
    }
    /* Time is up only once a read has seen the port empty: packets that
     * gave no event (cancellations, wake-ups, filtered results) do not use
     * up a call's time while a result waits behind them.  A read that took
     * fewer packets than it asked for has seen it empty
     * (GetQueuedCompletionStatusEx removes queued packets up to the count
     * asked), so a wait whose time is up reads no more; one with time left
     * sleeps. */
    wait_ms = port_wait_ms(timeout, deadline);
    if (wait_ms == 0 && call.read_short)
      break;
    if (port_read(port, &call, max_entries, wait_ms) < 0) {
      result = -1;
      break;
    }
  }
  if (call.read_any)
    port->waits_without_read = 0;
  port_relay_foreign(port, &call);
  port_wake_one_if_needed(port);
  port->waiters--;
  LeaveCriticalSection(&port->lock);
  return result;
}

/* The registration of `sock` whose socket is not known to be closed, or
 * NULL.  A registration whose socket may have been closed is looked up
 * again after the packets already queued have been read (which drops every
 * registration whose close they report), so that a close is seen before
 * the value is taken for the old socket.  `adding` (ADD): read whenever
 * one is found, in either mode: a socket closed with its poll outstanding
 * has its LOCAL_CLOSE packet queued, and the new socket that took its value
 * must be added, not refused (wepoll 1.x issue 34); only this rare path
 * pays for the read.  In a close-tracking port MOD and DEL read too when
 * the close watch hints at a close. */
static sock_state* port_find_unclosed(port_state* port, SOCKET sock,
                                      bool adding) {
  map_entry* entry = map_find(&port->sockets, (uintptr_t) sock);
  sock_state* state;
  port_call call = {false, false, false, false, false, 0};
  int read;
  if (entry == NULL)
    return NULL;
  state = container_of(entry, sock_state, map_entry);
  if (!adding && !(port->close_tracking && sock_close_hinted(state)))
    return state;
  read = port_read_all_queued(port, &call);
  port_relay_foreign(port, &call);
  if (read < 0)
    return state; /* no news: the registration stands */
  port_wake_one_if_needed(port);
  entry = map_find(&port->sockets, (uintptr_t) sock);
  return entry != NULL ? container_of(entry, sock_state, map_entry) : NULL;
}

static int port_add(port_state* port, SOCKET sock,
                    const struct epoll_event* event) {
  sock_state* state;
  SOCKET base_socket;
  int type;

  /* The socket check, and the socket AFD must poll when a layered provider
   * wraps this one; nothing is submitted until the next wait. */
  type = ws_check_socket(sock);
  if (type < 0)
    return -1;
  base_socket = ws_base_socket(sock);
  if (base_socket == INVALID_SOCKET)
    return -1;

  EnterCriticalSection(&port->lock);
  if (port_find_unclosed(port, sock, true) != NULL) {
    LeaveCriticalSection(&port->lock);
    return err_set(EEXIST);
  }
  state = sock_new(port, sock, base_socket, type == SOCK_STREAM);
  if (state == NULL) {
    LeaveCriticalSection(&port->lock);
    return -1;
  }
  if (!map_insert(&port->sockets, &state->map_entry)) {
    poll_group_release(&port->groups, state->group);
    os_free(state);
    LeaveCriticalSection(&port->lock);
    return err_set(ENOMEM);
  }
  if (sock_start(port, state, event->events, event->data.u64) < 0) {
    sock_delete(port, state);
    LeaveCriticalSection(&port->lock);
    return -1;
  }
  LeaveCriticalSection(&port->lock);
  return 0;
}

/* MOD and DEL of a value that is not registered: tell a non-socket apart. */
static int port_not_registered(SOCKET sock) {
  if (ws_check_socket(sock) < 0)
    return -1;
  return err_set(ENOENT);
}

int port_ctl(port_state* port, int op, SOCKET sock,
             const struct epoll_event* event) {
  sock_state* state;
  int result = 0;

  if (op == EPOLL_CTL_ADD) {
    result = port_add(port, sock, event);
    EnterCriticalSection(&port->lock);
  } else {
    EnterCriticalSection(&port->lock);
    state = port_find_unclosed(port, sock, false);
    if (state == NULL)
      result = -1;
    else if (op == EPOLL_CTL_MOD)
      sock_set_interest(port, state, event->events, event->data.u64);
    else
      sock_delete(port, state);
  }

  /* A thread blocked in epoll_wait only flushes when it wakes: do its
   * flush now so the change takes effect, and wake it for what is ready. */
  if (result == 0 && port->sleepers > 0) {
    port_flush(port);
    port_wake_one_if_needed(port);
  }
  LeaveCriticalSection(&port->lock);

  if (op != EPOLL_CTL_ADD && result < 0)
    return port_not_registered(sock);
  return result;
}

/* ADD, MOD or DEL of a waitable handle.  A change that makes a handle
 * reportable wakes a waiter, as port_ctl does for sockets. */
int port_ctl_handle(port_state* port, int op, HANDLE handle,
                    const struct epoll_event* event) {
  int result;
  EnterCriticalSection(&port->lock);
  result = waitable_ctl(&port->waitables, op, handle, event);
  if (result == 0)
    port_wake_one_if_needed(port);
  LeaveCriticalSection(&port->lock);
  return result;
}

/* Lets go of every socket and cancels all polls (one request per device,
 * that is per 32 sockets, where cancelling each costs one per poll), then
 * reads their packets so that no memory the kernel may still write to is
 * freed.  The devices are closed only after that, by port_close: closing a
 * device while one of its polls is being ended because the thread that
 * issued it exits corrupts Wine 8's wineserver, and a program's waiters
 * leaving through epoll_close do exactly that. */
static void port_drain_for_close(port_state* port) {
  OVERLAPPED_ENTRY entries[PORT_MAX_ENTRIES];
  ULONGLONG deadline = GetTickCount64() + PORT_CLOSE_DRAIN_MS;
  size_t i;

  for (i = 0; i < port->sockets.bucket_count; i++) {
    map_entry* entry;
    while ((entry = map_bucket(&port->sockets, i)) != NULL)
      sock_abandon(port, container_of(entry, sock_state, map_entry));
  }
  poll_group_set_end_polls(&port->groups);
  waitable_set_cancel_all(&port->waitables);
  while (port->polls_outstanding > 0 || port->waitables.packets_owed > 0) {
    ULONG count = 0;
    DWORD wait_ms = port_wait_ms(PORT_CLOSE_DRAIN_MS, deadline);
    if (!os_get_queued_completion_status_ex(
            port->iocp, entries, PORT_MAX_ENTRIES, &count, wait_ms, FALSE))
      return; /* timed out: leave the stragglers allocated */
    port_process(port, NULL, entries, count);
  }
}

void port_call_left(port_state* port) {
  if (port_is_closing(port))
    os_set_event(port->idle_event);
}

void port_close(port_state* port) {
  /* From here on every call that leaves sets idle_event when it is the
   * last (registry_release -> port_call_left), and every waiter that wakes
   * returns EBADF.  The interlocked write and the releasers' interlocked
   * decrement order each other: either this thread sees the last release,
   * or that release sees `closing`. */
  InterlockedExchange(&port->closing, 1);
  EnterCriticalSection(&port->lock);
  /* Wake the sleepers (a closed completion port wakes none under Wine):
   * each one that leaves passes a wake-up on to the next.  A sleeper left
   * asleep would keep this call waiting for it, for ever if it waits so
   * long. */
  while (port->sleepers > 0 && !port_post_wake_or_pause(port)) {
  }
  LeaveCriticalSection(&port->lock);
  /* Reset, then look: a release that set the event before the reset has
   * already dropped its reference, and one after it sets it again. */
  while (InterlockedCompareExchange(&port->refs, 1, 1) != 1) {
    os_reset_event(port->idle_event);
    if (InterlockedCompareExchange(&port->refs, 1, 1) == 1)
      break;
    os_wait_for_single_object(port->idle_event, INFINITE);
  }

  port_drain_for_close(port);
  poll_group_set_free(&port->groups);
  waitable_set_free(&port->waitables);
  os_close_handle(port->idle_event);
  os_close_handle(port->iocp);
  registry_forget_closing(port);
  map_free(&port->sockets);
  DeleteCriticalSection(&port->lock);
  os_free(port);
}
