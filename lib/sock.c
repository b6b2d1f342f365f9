#include "sock.h"

#include <errno.h>
#include <stdlib.h>

#include "container.h"
#include "error.h"
#include "events.h"
#include "os.h"
#include "port.h"
#include "wepoll.h"

/* A packet's overlapped pointer is the sock_state for its main poll, and
 * the same address plus one for its close watch: a sock_state is malloc'd,
 * so its lowest address bit is free to tell the two apart without spending
 * memory on a back pointer in each poll. */
enum { SOCK_WATCH_TAG = 1 };

static sock_tracked* sock_as_tracked(sock_state* sock) {
  return container_of(sock, sock_tracked, sock);
}

static bool sock_port_tracks_closes(const port_state* port) {
  return port->close_tracking;
}

sock_state* sock_new(port_state* port, SOCKET sock, SOCKET base_socket,
                     bool stream) {
  bool tracked = sock_port_tracks_closes(port);
  sock_state* state = (sock_state*) os_calloc(
      1, tracked ? sizeof(sock_tracked) : sizeof(sock_state));
  if (state == NULL) {
    err_set(ENOMEM);
    return NULL;
  }
  state->group = poll_group_acquire(&port->groups);
  if (state->group == NULL) {
    os_free(state);
    return NULL;
  }
  state->map_entry.key = (uintptr_t) sock;
  list_init(&state->queue_node);
  state->queue = SOCK_QUEUE_NONE;
  state->base_socket = base_socket;
  state->poll_state = SOCK_POLL_IDLE;
  state->tracked = tracked;
  state->stream = stream;
  return state;
}

static bool sock_watch_outstanding(sock_state* sock) {
  return sock->tracked && sock_as_tracked(sock)->watch_outstanding;
}

/* Frees a deleted socket once no poll of it is left for the kernel to
 * complete into its memory. */
static void sock_free_if_done(port_state* port, sock_state* sock) {
  if (!sock->deleted || sock->poll_state != SOCK_POLL_IDLE ||
      sock_watch_outstanding(sock))
    return;
  poll_group_release(&port->groups, sock->group);
  os_free(sock);
}

static bool sock_status_means_closed(NTSTATUS status) {
  /* A closed socket's value is either stale (invalid) or already reused by
   * an object of another kind (type mismatch). */
  return status == NT_STATUS_INVALID_HANDLE ||
         status == NT_STATUS_OBJECT_TYPE_MISMATCH;
}

/* The kernel is short of memory or quota right now: the same poll may
 * succeed later, so the socket is neither broken nor gone. */
static bool sock_status_is_transient(NTSTATUS status) {
  return status == NT_STATUS_INSUFFICIENT_RESOURCES ||
         status == NT_STATUS_NO_MEMORY || status == NT_STATUS_QUOTA_EXCEEDED;
}

typedef enum sock_submit_result {
  SOCK_SUBMIT_PENDING,   /* a packet will come */
  SOCK_SUBMIT_DONE,      /* the result is in the poll's buffer already */
  SOCK_SUBMIT_CLOSED,    /* the socket is gone */
  SOCK_SUBMIT_TRANSIENT, /* no resources now; errors are set */
  SOCK_SUBMIT_REFUSED    /* AFD refused the poll for good */
} sock_submit_result;

static sock_submit_result sock_submit(port_state* port, sock_state* sock,
                                      sock_poll* poll, uint32_t afd_events,
                                      void* context) {
  NTSTATUS status = afd_poll(sock->group->afd, sock->base_socket, afd_events,
                             &poll->info, &poll->iosb, context);
  if (status == NT_STATUS_PENDING ||
      (!NT_SUCCESS(status) && !NT_ERROR(status))) {
    /* Warnings are queued to the port like pending results. */
    port->polls_outstanding++;
    return SOCK_SUBMIT_PENDING;
  }
  if (NT_SUCCESS(status)) {
    /* Satisfied at once: the skip-on-success mode queued no packet, and the
     * result returned synchronously is in the buffer. */
    poll->iosb.Status = status;
    return SOCK_SUBMIT_DONE;
  }
  if (sock_status_means_closed(status))
    return SOCK_SUBMIT_CLOSED;
  if (sock_status_is_transient(status)) {
    err_set_ntstatus(status);
    return SOCK_SUBMIT_TRANSIENT;
  }
  return SOCK_SUBMIT_REFUSED;
}

/* Whether a finished poll's buffer holds its result.  Only STATUS_SUCCESS
 * says so.  A status block that still reads STATUS_PENDING after its
 * packet was dequeued was never written (Wine does that when the thread
 * that submitted the poll exits before the completion reached it: the
 * packet comes with STATUS_ALERTED and the buffer still holds the request,
 * whose mask always has LOCAL_CLOSE).  Such a result, like any status this
 * code does not know, is unknown: the poll is made again, and the socket
 * is never dropped or reported on it. */
static bool sock_result_written(NTSTATUS status) {
  return status == NT_STATUS_SUCCESS;
}

/* ---- The close watch (close-tracking ports only) ---- */

/* Submits the watch.  Returns false when it shows the socket closed: it
 * failed as for a closed handle, or fired at once (it fires only for
 * LOCAL_CLOSE). */
static bool sock_watch_submit(port_state* port, sock_state* sock) {
  sock_tracked* tracked = sock_as_tracked(sock);
  void* context = (char*) sock + SOCK_WATCH_TAG;
  switch (sock_submit(port, sock, &tracked->watch, AFD_POLL_LOCAL_CLOSE,
                      context)) {
    case SOCK_SUBMIT_PENDING:
      tracked->watch_outstanding = true;
      return true;
    case SOCK_SUBMIT_DONE:
    case SOCK_SUBMIT_CLOSED:
      return false;
    case SOCK_SUBMIT_TRANSIENT:
    case SOCK_SUBMIT_REFUSED:
      break;
  }
  /* Without a watch only the main poll notices a close. */
  tracked->watch_unavailable = true;
  return true;
}

bool sock_close_hinted(const sock_state* sock) {
  const sock_tracked* tracked = container_of(sock, sock_tracked, sock);
  return tracked->watch_outstanding &&
         afd_status_hint(&tracked->watch.iosb) != NT_STATUS_PENDING;
}

/* A dequeued watch packet: the socket was closed (LOCAL_CLOSE, or its
 * handle is gone), or the watch ended for another reason and is renewed. */
static void sock_complete_watch(port_state* port, sock_state* sock) {
  sock_tracked* tracked = sock_as_tracked(sock);
  NTSTATUS status = tracked->watch.iosb.Status;
  const afd_poll_info* info = &tracked->watch.info;
  bool fired = sock_result_written(status) && info->number_of_handles >= 1;

  tracked->watch_outstanding = false;
  if (sock->deleted) {
    sock_free_if_done(port, sock);
    return;
  }
  if ((fired && (info->handles[0].events & AFD_POLL_LOCAL_CLOSE)) ||
      sock_status_means_closed(status)) {
    /* Closed without EPOLL_CTL_DEL: drop it, report nothing. */
    sock_delete(port, sock);
    return;
  }
  /* Cancelled, fired for nothing, or an unknown result: watch again. */
  if (!sock_watch_submit(port, sock))
    sock_delete(port, sock);
}

/* ---- The main poll ---- */

/* The poll cannot be made at all: report the socket as broken once per
 * wait, level-triggered, as Linux reports a socket in error. */
static void sock_report_failure(port_state* port, sock_state* sock) {
  if (!sock->armed)
    return; /* a disarmed one-shot socket reports nothing until MOD */
  sock->ready_events = EPOLLERR | EPOLLHUP;
  port_queue_ready(port, sock);
}

/* What the main poll asks AFD for.  A disarmed one-shot registration
 * still asks for LOCAL_CLOSE in the default mode, where that poll is the
 * only thing that sees a close; with a close watch it needs no poll. */
static uint32_t sock_wanted_afd_events(const sock_state* sock) {
  if (sock->armed)
    return events_to_afd(sock->interest, true);
  return sock->tracked ? 0 : AFD_POLL_LOCAL_CLOSE;
}

static void sock_consume_main(port_state* port, sock_state* sock);

static int sock_submit_main(port_state* port, sock_state* sock,
                            uint32_t afd_events) {
  switch (sock_submit(port, sock, &sock->poll, afd_events, sock)) {
    case SOCK_SUBMIT_PENDING:
      sock->poll_state = SOCK_POLL_PENDING;
      sock->polled_afd_events = (uint16_t) afd_events;
      return 0;
    case SOCK_SUBMIT_DONE:
      /* Consuming the result now saves a dequeue. */
      sock_consume_main(port, sock);
      return 0;
    case SOCK_SUBMIT_CLOSED:
      sock_delete(port, sock);
      return 0;
    case SOCK_SUBMIT_TRANSIENT:
      return -1;
    case SOCK_SUBMIT_REFUSED:
      break;
  }
  sock_report_failure(port, sock);
  return 0;
}

static void sock_cancel_main(port_state* port, sock_state* sock) {
  /* If the cancel itself fails the poll still ends, at the latest when the
   * socket closes (LOCAL_CLOSE); its memory lives until then. */
  afd_cancel(sock->group->afd, &sock->poll.iosb);
  sock->poll_state = SOCK_POLL_CANCELLING;
  port->cancels_outstanding++;
}

int sock_update(port_state* port, sock_state* sock) {
  uint32_t wanted = sock_wanted_afd_events(sock);
  switch ((sock_poll_state) sock->poll_state) {
    case SOCK_POLL_IDLE:
      return wanted != 0 ? sock_submit_main(port, sock, wanted) : 0;
    case SOCK_POLL_PENDING:
      /* The outstanding poll already watches for all of it: when it fires
       * for something no longer wanted, it is simply resubmitted. */
      if ((wanted & ~sock->polled_afd_events) != 0)
        sock_cancel_main(port, sock);
      return 0;
    case SOCK_POLL_CANCELLING:
      break;
  }
  /* Cancelling: the cancelled poll's completion re-queues the socket. */
  return 0;
}

/* A main poll result, from a dequeued packet or returned at submission:
 * decides whether the socket is ready, closed, or to be polled again. */
static void sock_consume_main(port_state* port, sock_state* sock) {
  NTSTATUS status = sock->poll.iosb.Status;
  const afd_poll_info* info = &sock->poll.info;
  uint32_t afd_events;
  uint32_t events;

  if (sock->poll_state == SOCK_POLL_CANCELLING)
    port->cancels_outstanding--;
  sock->poll_state = SOCK_POLL_IDLE;
  if (sock->deleted) {
    sock_free_if_done(port, sock);
    return;
  }
  if (sock_status_means_closed(status)) {
    sock_delete(port, sock);
    return;
  }
  if (!sock_result_written(status)) {
    /* Cancelled (a MOD that widened the mask), or a result this code does
     * not know: poll again for what is wanted now, never drop the socket. */
    port_queue_update(port, sock);
    return;
  }
  afd_events = info->number_of_handles >= 1 ? info->handles[0].events : 0;
  if (afd_events & AFD_POLL_LOCAL_CLOSE) {
    sock_delete(port, sock);
    return;
  }
  events = sock->armed ? events_from_afd(afd_events, sock->interest) : 0;
  /* AFD has one SEND bit for every type; Linux's TCP reports OUT|WRNORM
   * only, its UDP WRBAND too (measured by tests/oracle). */
  if (sock->stream)
    events &= ~(uint32_t) EPOLLWRBAND;
  if (events == 0) {
    port_queue_update(port, sock);
    return;
  }
  sock->ready_events = (uint16_t) events;
  port_queue_ready(port, sock);
}

void sock_complete(port_state* port, void* context) {
  uintptr_t address = (uintptr_t) context;
  sock_state* sock = (sock_state*) (address & ~(uintptr_t) SOCK_WATCH_TAG);
  port->polls_outstanding--;
  if (address & SOCK_WATCH_TAG)
    sock_complete_watch(port, sock);
  else
    sock_consume_main(port, sock);
}

int sock_start(port_state* port, sock_state* sock, uint32_t interest,
               uint64_t user_data) {
  /* The watch is the one extra kernel request of a close-tracking ADD. */
  if (sock->tracked && !sock_watch_submit(port, sock))
    return err_set(EBADF);
  sock_set_interest(port, sock, interest, user_data);
  return 0;
}

void sock_set_interest(port_state* port, sock_state* sock, uint32_t interest,
                       uint64_t user_data) {
  sock->interest = (uint16_t) (interest & 0xffffu);
  sock->oneshot = (interest & EVENTS_ONESHOT_BITS) != 0;
  sock->user_data = user_data;
  sock->armed = true;
  /* A result waiting to be reported is re-read against the new interest
   * when it is taken; anything else needs its poll looked at. */
  if (sock->queue != SOCK_QUEUE_READY)
    port_queue_update(port, sock);
}

uint32_t sock_take_events(sock_state* sock) {
  uint32_t events;
  if (!sock->armed)
    return 0;
  events =
      sock->ready_events & ((uint32_t) sock->interest | EPOLLERR | EPOLLHUP);
  sock->ready_events = 0;
  if (events != 0 && sock->oneshot)
    sock->armed = false;
  return events;
}

/* Takes the socket out of the port; its memory goes once its polls end. */
static void sock_detach(port_state* port, sock_state* sock) {
  map_remove(&port->sockets, &sock->map_entry);
  port_unqueue(port, sock);
  sock->deleted = true;
}

void sock_delete(port_state* port, sock_state* sock) {
  if (sock->deleted)
    return;
  sock_detach(port, sock);
  if (sock->poll_state == SOCK_POLL_PENDING)
    sock_cancel_main(port, sock);
  if (sock_watch_outstanding(sock))
    afd_cancel(sock->group->afd, &sock_as_tracked(sock)->watch.iosb);
  sock_free_if_done(port, sock);
}

void sock_abandon(port_state* port, sock_state* sock) {
  if (sock->deleted)
    return;
  sock_detach(port, sock);
  sock_free_if_done(port, sock);
}
