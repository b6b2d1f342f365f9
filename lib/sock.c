#include "sock.h"

#include <errno.h>
#include <stdlib.h>

#include "error.h"
#include "events.h"
#include "port.h"
#include "wepoll.h"
#include "winsock.h"

sock_state* sock_new(SOCKET sock, SOCKET base_socket) {
  sock_state* state = calloc(1, sizeof *state);
  if (state == NULL) {
    err_set(ENOMEM);
    return NULL;
  }
  state->map_entry.key = (uintptr_t) sock;
  list_init(&state->port_node);
  list_init(&state->queue_node);
  state->queue = SOCK_QUEUE_NONE;
  state->base_socket = base_socket;
  state->poll_state = SOCK_POLL_IDLE;
  state->main_poll.owner = state;
  state->watch_poll.owner = state;
  return state;
}

void sock_set_interest(port_state* port, sock_state* sock, uint32_t interest,
                       uint64_t user_data) {
  sock->interest = interest;
  sock->user_data = user_data;
  sock->armed = true;
  /* A result waiting to be reported is re-read against the new interest
   * when it is taken; anything else needs its poll looked at. */
  if (sock->queue != SOCK_QUEUE_READY)
    port_queue_update(port, sock);
}

/* Frees a deleted socket once no poll of it is left for the kernel to
 * complete into its memory. */
static void sock_free_if_done(port_state* port, sock_state* sock) {
  if (!sock->deleted || sock->poll_state != SOCK_POLL_IDLE ||
      sock->watch_outstanding)
    return;
  port_unlink(port, sock);
  if (sock->group != NULL)
    poll_group_release(&port->groups, sock->group);
  free(sock);
}

static bool sock_status_means_closed(NTSTATUS status) {
  /* A closed socket's value is either stale (invalid) or already reused by
   * an object of another kind (type mismatch). */
  return status == NT_STATUS_INVALID_HANDLE ||
         status == NT_STATUS_OBJECT_TYPE_MISMATCH;
}

static bool sock_status_means_cancelled(NTSTATUS status) {
  /* Wine completes polls whose device handle closed with HANDLES_CLOSED. */
  return status == NT_STATUS_CANCELLED || status == NT_STATUS_HANDLES_CLOSED;
}

/* The poll cannot be made at all: report the socket as broken once per
 * wait, level-triggered, as Linux reports a socket in error. */
static void sock_report_failure(port_state* port, sock_state* sock) {
  if (!sock->armed)
    return; /* a disarmed one-shot socket reports nothing until MOD */
  sock->ready_events = EPOLLERR | EPOLLHUP;
  port_queue_ready(port, sock);
}

typedef enum sock_submit_result {
  SOCK_SUBMIT_PENDING, /* a packet will come */
  SOCK_SUBMIT_DONE,    /* the result is in the poll's buffer already */
  SOCK_SUBMIT_CLOSED,  /* the socket is gone */
  SOCK_SUBMIT_FAILED,  /* AFD refused the poll */
} sock_submit_result;

static sock_submit_result sock_submit(port_state* port, sock_state* sock,
                                      sock_poll* poll, uint32_t afd_events) {
  NTSTATUS status = afd_poll(sock->group->afd, sock->base_socket, afd_events,
                             &poll->info, &poll->iosb, poll);
  if (status == NT_STATUS_PENDING ||
      (!NT_SUCCESS(status) && !NT_ERROR(status))) {
    /* Warnings are queued to the port like pending results. */
    port->polls_outstanding++;
    return SOCK_SUBMIT_PENDING;
  }
  if (NT_SUCCESS(status)) {
    /* Satisfied at once; the skip-on-success mode queued no packet. */
    poll->iosb.Status = status;
    return SOCK_SUBMIT_DONE;
  }
  return sock_status_means_closed(status) ? SOCK_SUBMIT_CLOSED
                                          : SOCK_SUBMIT_FAILED;
}

/* Records the outcome of submitting the close watch.  Returns false when
 * the socket turned out to be closed: the watch failed as for a closed
 * handle, or fired at once (it only fires for LOCAL_CLOSE). */
static bool sock_watch_submitted(sock_state* sock, sock_submit_result result) {
  switch (result) {
    case SOCK_SUBMIT_PENDING:
      sock->watch_outstanding = true;
      return true;
    case SOCK_SUBMIT_DONE:
    case SOCK_SUBMIT_CLOSED:
      return false;
    case SOCK_SUBMIT_FAILED:
      /* Without a watch only the main poll notices a close. */
      sock->watch_unavailable = true;
      return true;
  }
  return true;
}

static sock_submit_result sock_submit_watch(port_state* port,
                                            sock_state* sock) {
  return sock_submit(port, sock, &sock->watch_poll, AFD_POLL_LOCAL_CLOSE);
}

int sock_register(port_state* port, sock_state* sock, uint32_t interest,
                  uint64_t user_data) {
  sock_submit_result result;
  sock->group = poll_group_acquire(&port->groups);
  if (sock->group == NULL)
    return -1;
  /* The watch is the only kernel request of an ADD: AFD taking the poll
   * proves the value is a socket it can poll, which is what a getsockopt
   * and a SIO_BASE_HANDLE query would otherwise be asked.  Only a value AFD
   * does not take as it is costs those: it may be no socket at all, or a
   * socket behind a layered provider, whose base socket is polled. */
  result = sock_submit_watch(port, sock);
  if (result != SOCK_SUBMIT_PENDING &&
      ws_check_socket((SOCKET) sock->map_entry.key) < 0)
    return -1;
  if (result == SOCK_SUBMIT_CLOSED) {
    SOCKET base_socket = ws_base_socket((SOCKET) sock->map_entry.key);
    if (base_socket == INVALID_SOCKET)
      return -1;
    if (base_socket != sock->base_socket) {
      sock->base_socket = base_socket;
      result = sock_submit_watch(port, sock);
    }
  }
  if (!sock_watch_submitted(sock, result))
    return err_set(ENOTSOCK);
  sock_set_interest(port, sock, interest, user_data);
  return 0;
}

/* What a finished close watch says about its socket. */
typedef enum sock_watch_outcome {
  SOCK_WATCH_CLOSED,   /* LOCAL_CLOSE, or the handle is gone */
  SOCK_WATCH_REWATCH,  /* ended without a close: submit it again */
  SOCK_WATCH_UNUSABLE, /* AFD failed it for another reason */
} sock_watch_outcome;

static sock_watch_outcome sock_watch_outcome_of(const sock_state* sock) {
  NTSTATUS status = sock->watch_poll.iosb.Status;
  const afd_poll_info* info = &sock->watch_poll.info;
  /* Cancelled (its device handle went away) or fired for nothing. */
  if (sock_status_means_cancelled(status) ||
      (NT_SUCCESS(status) && info->number_of_handles >= 1 &&
       !(info->handles[0].events & AFD_POLL_LOCAL_CLOSE)))
    return SOCK_WATCH_REWATCH;
  if (NT_ERROR(status) && !sock_status_means_closed(status))
    return SOCK_WATCH_UNUSABLE;
  return SOCK_WATCH_CLOSED;
}

/* AFD writes a poll's status block before it queues the completion, so a
 * watch that is no longer pending has ended even when its packet is still
 * in the port, behind packets of the same socket. */
static bool sock_watch_ended(const sock_state* sock) {
  return sock->watch_outstanding &&
         sock->watch_poll.iosb.Status != NT_STATUS_PENDING;
}

bool sock_seen_closed(port_state* port, sock_state* sock) {
  if (!sock_watch_ended(sock) ||
      sock_watch_outcome_of(sock) != SOCK_WATCH_CLOSED)
    return false;
  sock_delete(port, sock);
  return true;
}

bool sock_has_finished_poll(const sock_state* sock) {
  if (sock->poll_state != SOCK_POLL_IDLE &&
      sock->main_poll.iosb.Status != NT_STATUS_PENDING)
    return true;
  return sock_watch_ended(sock);
}

static void sock_submit_main(port_state* port, sock_state* sock,
                             uint32_t afd_events) {
  switch (sock_submit(port, sock, &sock->main_poll, afd_events)) {
    case SOCK_SUBMIT_PENDING:
      sock->poll_state = SOCK_POLL_PENDING;
      sock->polled_afd_events = afd_events;
      return;
    case SOCK_SUBMIT_DONE:
      /* Consuming the result now saves a dequeue. */
      sock->poll_state = SOCK_POLL_PENDING;
      sock_complete(port, &sock->main_poll);
      return;
    case SOCK_SUBMIT_CLOSED:
      sock_delete(port, sock);
      return;
    case SOCK_SUBMIT_FAILED:
      sock_report_failure(port, sock);
      return;
  }
}

static void sock_cancel_main(port_state* port, sock_state* sock) {
  if (afd_cancel(sock->group->afd, &sock->main_poll.iosb)) {
    sock->poll_state = SOCK_POLL_CANCELLING;
    port->cancels_outstanding++;
  }
}

void sock_update(port_state* port, sock_state* sock) {
  uint32_t wanted = events_to_afd(sock->interest, sock->armed);

  /* Never poll a value whose socket is gone: it may name a new socket. */
  if (sock_seen_closed(port, sock))
    return;
  switch (sock->poll_state) {
    case SOCK_POLL_IDLE:
      if (wanted != 0)
        sock_submit_main(port, sock, wanted);
      return;
    case SOCK_POLL_PENDING:
      /* The outstanding poll already watches for all of it: when it fires
       * for something no longer wanted, it is simply resubmitted. */
      if ((wanted & ~sock->polled_afd_events) == 0)
        return;
      sock_cancel_main(port, sock);
      return;
    case SOCK_POLL_CANCELLING:
      /* The cancelled poll's completion re-queues the socket. */
      return;
  }
}

static void sock_complete_watch(port_state* port, sock_state* sock) {
  sock->watch_outstanding = false;
  if (sock->deleted) {
    sock_free_if_done(port, sock);
    return;
  }
  switch (sock_watch_outcome_of(sock)) {
    case SOCK_WATCH_REWATCH:
      if (!sock_watch_submitted(sock, sock_submit_watch(port, sock)))
        sock_delete(port, sock);
      return;
    case SOCK_WATCH_UNUSABLE:
      sock->watch_unavailable = true;
      return;
    case SOCK_WATCH_CLOSED:
      /* Closed without EPOLL_CTL_DEL: drop it, report nothing. */
      sock_delete(port, sock);
      return;
  }
}

static void sock_complete_main(port_state* port, sock_state* sock) {
  NTSTATUS status = sock->main_poll.iosb.Status;
  const afd_poll_info* info = &sock->main_poll.info;
  uint32_t afd_events;
  uint32_t events;

  if (sock->poll_state == SOCK_POLL_CANCELLING)
    port->cancels_outstanding--;
  sock->poll_state = SOCK_POLL_IDLE;
  if (sock->deleted) {
    sock_free_if_done(port, sock);
    return;
  }
  /* A result read after the socket was closed describes a socket that the
   * caller has let go of: it must not be reported. */
  if (sock_seen_closed(port, sock))
    return;
  if (sock_status_means_cancelled(status)) {
    port_queue_update(port, sock); /* poll again for what is wanted now */
    return;
  }
  if (sock_status_means_closed(status)) {
    sock_delete(port, sock);
    return;
  }
  if (NT_ERROR(status)) {
    sock_report_failure(port, sock);
    return;
  }
  afd_events = info->number_of_handles >= 1 ? info->handles[0].events : 0;
  if (afd_events & AFD_POLL_LOCAL_CLOSE) {
    sock_delete(port, sock);
    return;
  }
  events = sock->armed ? events_from_afd(afd_events, sock->interest) : 0;
  if (events == 0) {
    port_queue_update(port, sock);
    return;
  }
  sock->ready_events = events;
  port_queue_ready(port, sock);
}

void sock_complete(port_state* port, sock_poll* poll) {
  sock_state* sock = poll->owner;
  if (poll == &sock->watch_poll)
    sock_complete_watch(port, sock);
  else
    sock_complete_main(port, sock);
}

uint32_t sock_take_events(sock_state* sock) {
  uint32_t events;
  if (!sock->armed)
    return 0;
  events = sock->ready_events & (sock->interest | EPOLLERR | EPOLLHUP);
  sock->ready_events = 0;
  if (events != 0 && (sock->interest & EVENTS_ONESHOT_BITS))
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
  /* If a cancel fails the poll still ends, at the latest when the socket
   * closes (LOCAL_CLOSE); the memory lives until then. */
  if (sock->poll_state == SOCK_POLL_PENDING)
    sock_cancel_main(port, sock);
  if (sock->watch_outstanding)
    afd_cancel(sock->group->afd, &sock->watch_poll.iosb);
  sock_free_if_done(port, sock);
}

void sock_abandon(port_state* port, sock_state* sock) {
  if (sock->deleted)
    return;
  sock_detach(port, sock);
  sock_free_if_done(port, sock);
}
