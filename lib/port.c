#include "port.h"

#include <errno.h>
#include <stdlib.h>

#include "container.h"
#include "error.h"
#include "winsock.h"
#include "wepoll.h"

/* Completion keys: AFD polls, the packets that wake waiters, and (issue 13
 * hook) signaled handles' packets. */
enum { PORT_KEY_POLL = 0, PORT_KEY_WAKE = 1, PORT_KEY_HANDLE = 2 };

/* Completion packets dequeued per call; each yields at most one event. */
enum { PORT_MAX_ENTRIES = 256 };

/* How long closing a port waits for cancelled polls to come back before it
 * gives up on them and leaves their memory allocated (never freed under the
 * kernel's feet). */
enum { PORT_CLOSE_DRAIN_MS = 5000 };

/* See port_note_wait_without_dequeue(). */
enum { PORT_SCAN_STEP = 64, PORT_WAITS_PER_DRAIN = 256 };

port_state* port_new(void) {
  port_state* port = calloc(1, sizeof *port);
  if (port == NULL) {
    err_set(ENOMEM);
    return NULL;
  }
  port->iocp = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
  if (port->iocp == NULL) {
    err_set_from_last_error();
    free(port);
    return NULL;
  }
  port->registry_entry.key = (uintptr_t) port->iocp;
  port->refs = 1;
  InitializeCriticalSection(&port->lock);
  map_init(&port->sockets);
  list_init(&port->all_sockets);
  port->scan_cursor = &port->all_sockets;
  list_init(&port->update_queue);
  list_init(&port->ready_queue);
  poll_group_set_init(&port->groups, port->iocp, PORT_KEY_POLL);
  waitable_set_init(&port->waitables, port->iocp, PORT_KEY_HANDLE); /* #13 */
  return port;
}

void port_unqueue(port_state* port, sock_state* sock) {
  (void) port;
  if (sock->queue != SOCK_QUEUE_NONE) {
    list_remove(&sock->queue_node);
    sock->queue = SOCK_QUEUE_NONE;
  }
}

static void port_enqueue(port_state* port, list_node* queue, sock_state* sock,
                         sock_queue which) {
  if (sock->queue == which)
    return;
  port_unqueue(port, sock);
  list_push_back(queue, &sock->queue_node);
  sock->queue = which;
}

void port_unlink(port_state* port, sock_state* sock) {
  if (port->scan_cursor == &sock->port_node)
    port->scan_cursor = sock->port_node.prev;
  list_remove(&sock->port_node);
}

void port_queue_update(port_state* port, sock_state* sock) {
  port_enqueue(port, &port->update_queue, sock, SOCK_QUEUE_UPDATE);
}

void port_queue_ready(port_state* port, sock_state* sock) {
  port_enqueue(port, &port->ready_queue, sock, SOCK_QUEUE_READY);
}

static void port_post_wakes(port_state* port, int count) {
  int i;
  for (i = 0; i < count; i++)
    PostQueuedCompletionStatus(port->iocp, 0, PORT_KEY_WAKE, NULL);
}

/* Submits, keeps or cancels the polls of every socket queued for update.
 * Sockets queued again meanwhile wait for the next flush, so a poll that
 * keeps completing at once cannot keep this loop going. */
static void port_flush(port_state* port) {
  list_node pending;
  if (list_is_empty(&port->update_queue))
    return;
  list_init(&pending);
  list_push_back(&port->update_queue, &pending);
  list_remove(&port->update_queue);
  while (!list_is_empty(&pending)) {
    sock_state* sock = container_of(pending.next, sock_state, queue_node);
    list_remove(&sock->queue_node);
    sock->queue = SOCK_QUEUE_NONE;
    sock_update(port, sock);
  }
}

/* Moves up to `maxevents` reports from the ready queue into `events`.  A
 * reported socket is queued for update: a level-triggered one is polled
 * again at the next flush, a one-shot one then only watches for its close. */
static int port_collect(port_state* port, struct epoll_event* events,
                        int maxevents) {
  int count = 0;
  while (count < maxevents && !list_is_empty(&port->ready_queue)) {
    sock_state* sock =
        container_of(port->ready_queue.next, sock_state, queue_node);
    uint32_t reported;
    if (sock_seen_closed(port, sock))
      continue; /* closed since it became ready: deleted, not reported */
    reported = sock_take_events(sock);
    port_queue_update(port, sock);
    if (reported != 0) {
      events[count].events = reported;
      events[count].data.u64 = sock->user_data;
      count++;
    }
  }
  return count;
}

/* Feeds dequeued packets to their sockets; returns how many were wake-ups. */
static int port_process(port_state* port, const OVERLAPPED_ENTRY* entries,
                        ULONG count) {
  int wakes = 0;
  ULONG i;
  for (i = 0; i < count; i++) {
    if (entries[i].lpCompletionKey == PORT_KEY_HANDLE) { /* issue 13 hook */
      waitable_complete(&port->waitables, entries[i].lpOverlapped);
      continue;
    }
    if (entries[i].lpCompletionKey != PORT_KEY_POLL) {
      wakes++;
      continue;
    }
    port->polls_outstanding--;
    sock_complete(port, (sock_poll*) entries[i].lpOverlapped);
  }
  return wakes;
}

/* Takes whatever packets are queued now, without blocking; wake-ups taken
 * on the way are handed back to the waiters they were meant for. */
static void port_drain_now(port_state* port) {
  OVERLAPPED_ENTRY entries[PORT_MAX_ENTRIES];
  ULONG count = 0;
  if (!GetQueuedCompletionStatusEx(port->iocp, entries, PORT_MAX_ENTRIES,
                                   &count, 0, FALSE))
    return;
  port_post_wakes(port, port_process(port, entries, count));
}

/* Whether a packet may be waiting in the port, from the status blocks of
 * the next PORT_SCAN_STEP sockets' polls (read from memory: no kernel
 * call).  Successive calls go round all the sockets. */
static bool port_scan_for_packets(port_state* port) {
  list_node* head = &port->all_sockets;
  list_node* node = port->scan_cursor;
  list_node* first = NULL;
  int i;
  for (i = 0; i < PORT_SCAN_STEP; i++) {
    node = node->next == head ? head->next : node->next;
    if (node == head || node == first)
      break; /* no sockets, or all of them seen */
    if (first == NULL)
      first = node;
    port->scan_cursor = node;
    if (sock_has_finished_poll(container_of(node, sock_state, port_node)))
      return true;
  }
  return false;
}

/* A wait served only from results consumed at submission did not read the
 * port.  Sockets that keep being ready at once must not keep other sockets'
 * packets unread for ever: a cancelled poll (a MOD that widened the mask
 * waits for it) is read by the next wait, another socket's ended poll once
 * a scan of status blocks finds it (within N / PORT_SCAN_STEP such waits
 * for N sockets), and the port is read at least every
 * PORT_WAITS_PER_DRAIN-th such wait whatever the scans say.  Reading it at
 * every one would cost a dequeue per wait whenever idle sockets have polls
 * outstanding. */
static void port_note_wait_without_dequeue(port_state* port) {
  port->waits_without_dequeue++;
  if (port->cancels_outstanding > 0 ||
      port->waits_without_dequeue >= PORT_WAITS_PER_DRAIN ||
      port_scan_for_packets(port))
    port->dequeue_owed = true;
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
  OVERLAPPED_ENTRY entries[PORT_MAX_ENTRIES];
  ULONG max_entries =
      maxevents < PORT_MAX_ENTRIES ? (ULONG) maxevents : PORT_MAX_ENTRIES;
  ULONGLONG deadline =
      GetTickCount64() + (ULONGLONG) (timeout > 0 ? timeout : 0);
  bool dequeued = false;
  int result;

  EnterCriticalSection(&port->lock);
  if (port->closing) {
    LeaveCriticalSection(&port->lock);
    return err_set(EBADF);
  }
  port->waiters++;
  if (port->dequeue_owed) {
    port_drain_now(port);
    port->dequeue_owed = false;
    port->waits_without_dequeue = 0;
  }
  for (;;) {
    DWORD wait_ms;
    ULONG count = 0;
    BOOL ok;

    port_flush(port);
    /* issue 13 hook: handles go before sockets at every other call, so
     * that neither kind can keep the other unreported. */
    result = waitable_collect_first(&port->waitables, events, maxevents);
    result += port_collect(port, events + result, maxevents - result);
    result += waitable_collect(&port->waitables, events + result,
                               maxevents - result);
    if (result > 0)
      break;
    wait_ms = port_wait_ms(timeout, deadline);
    if (dequeued && wait_ms == 0)
      break;

    LeaveCriticalSection(&port->lock);
    ok = GetQueuedCompletionStatusEx(port->iocp, entries, max_entries, &count,
                                     wait_ms, FALSE);
    EnterCriticalSection(&port->lock);
    dequeued = true;
    if (!ok) {
      DWORD error = GetLastError();
      count = 0; /* not to be trusted when the call failed */
      if (error != WAIT_TIMEOUT) {
        result = err_set_win32(error);
        break;
      }
    }
    port_process(port, entries, count);
    if (port->closing) {
      result = err_set(EBADF);
      break;
    }
  }
  if (dequeued)
    port->waits_without_dequeue = 0;
  else if (result > 0)
    port_note_wait_without_dequeue(port);
  port->waiters--;
  LeaveCriticalSection(&port->lock);
  return result;
}

/* The registration of `sock`, or NULL; one whose socket has been seen
 * closed is deleted on the way and counts as absent. */
static sock_state* port_find(port_state* port, SOCKET sock) {
  map_entry* entry = map_find(&port->sockets, (uintptr_t) sock);
  sock_state* state;
  if (entry == NULL)
    return NULL;
  state = container_of(entry, sock_state, map_entry);
  return sock_seen_closed(port, state) ? NULL : state;
}

static int port_add(port_state* port, SOCKET sock,
                    const struct epoll_event* event) {
  sock_state* state;
  sock_state* existing;
  int result;

  /* No kernel call here: sock_register()'s close watch validates the
   * socket (see there). */
  if (ws_is_never_a_socket(sock))
    return err_set(ENOTSOCK);
  state = sock_new(sock, sock);
  if (state == NULL)
    return -1;

  EnterCriticalSection(&port->lock);
  existing = port_find(port, sock);
  if (existing != NULL) {
    /* A socket closed without DEL whose value was reused is normally seen
     * closed by port_find; a watch packet still queued is the fallback. */
    port_drain_now(port);
    existing = port_find(port, sock);
  }
  if (existing != NULL || !map_insert(&port->sockets, &state->map_entry)) {
    LeaveCriticalSection(&port->lock);
    free(state);
    if (existing == NULL)
      return err_set(ENOMEM);
    /* The header promises ENOTSOCK before EEXIST. */
    return ws_check_socket(sock) < 0 ? -1 : err_set(EEXIST);
  }
  list_push_back(&port->all_sockets, &state->port_node);
  result = sock_register(port, state, event->events, event->data.u64);
  if (result < 0)
    sock_delete(port, state);
  LeaveCriticalSection(&port->lock);
  return result;
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
    state = port_find(port, sock);
    if (state == NULL)
      result = -1;
    else if (op == EPOLL_CTL_MOD)
      sock_set_interest(port, state, event->events, event->data.u64);
    else
      sock_delete(port, state);
  }

  /* A thread blocked in epoll_wait only flushes when it wakes: do its
   * flush now so the change takes effect, and wake it for what is ready. */
  if (result == 0 && port->waiters > 0) {
    port_flush(port);
    if (!list_is_empty(&port->ready_queue))
      port_post_wakes(port, 1);
  }
  LeaveCriticalSection(&port->lock);

  if (op != EPOLL_CTL_ADD && result < 0)
    return port_not_registered(sock);
  return result;
}

/* issue 13 hook: ADD, MOD or DEL of a waitable handle.  A change that makes
 * a handle reportable wakes a waiter, as port_ctl does for sockets. */
int port_ctl_handle(port_state* port, int op, HANDLE handle,
                    const struct epoll_event* event) {
  int result;
  EnterCriticalSection(&port->lock);
  result = waitable_ctl(&port->waitables, op, handle, event);
  if (result == 0 && port->waiters > 0 && waitable_has_ready(&port->waitables))
    port_post_wakes(port, 1);
  LeaveCriticalSection(&port->lock);
  return result;
}

/* Lets go of every socket and ends all polls by closing the device handles
 * (one request per 32 sockets, where cancelling costs one per poll, and
 * under Wine each cancel also walks the process's pending I/O), then waits
 * for their packets so that no memory the kernel may still write to is
 * freed. */
static void port_drain_for_close(port_state* port) {
  OVERLAPPED_ENTRY entries[PORT_MAX_ENTRIES];
  ULONGLONG deadline = GetTickCount64() + PORT_CLOSE_DRAIN_MS;
  list_node* node = port->all_sockets.next;

  while (node != &port->all_sockets) {
    sock_state* sock = container_of(node, sock_state, port_node);
    node = node->next; /* sock may be freed just below */
    sock_abandon(port, sock);
  }
  poll_group_set_close_devices(&port->groups);
  waitable_set_cancel_all(&port->waitables); /* issue 13 hook */
  while (port->polls_outstanding > 0 ||
         port->waitables.packets_owed > 0) { /* issue 13 hook */
    ULONG count = 0;
    DWORD wait_ms = port_wait_ms(PORT_CLOSE_DRAIN_MS, deadline);
    if (!GetQueuedCompletionStatusEx(port->iocp, entries, PORT_MAX_ENTRIES,
                                     &count, wait_ms, FALSE))
      return; /* timed out: leave the stragglers allocated */
    port_process(port, entries, count);
  }
}

void port_close(port_state* port) {
  EnterCriticalSection(&port->lock);
  port->closing = true;
  LeaveCriticalSection(&port->lock);

  /* Wake every waiter (a closed IOCP wakes none under Wine) and wait until
   * no thread is inside the port.  Wake-ups are re-posted because one
   * waiter may swallow several in a single dequeue. */
  for (;;) {
    int waiters;
    EnterCriticalSection(&port->lock);
    waiters = port->waiters;
    LeaveCriticalSection(&port->lock);
    if (InterlockedCompareExchange(&port->refs, 1, 1) == 1)
      break;
    port_post_wakes(port, waiters);
    Sleep(1);
  }

  port_drain_for_close(port);
  poll_group_set_free(&port->groups);
  waitable_set_free(&port->waitables); /* issue 13 hook */
  CloseHandle(port->iocp);
  map_free(&port->sockets);
  DeleteCriticalSection(&port->lock);
  free(port);
}
