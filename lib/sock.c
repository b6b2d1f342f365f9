#include "sock.h"

#include <errno.h>
#include <stdlib.h>

#include "error.h"
#include "events.h"
#include "port.h"
#include "wepoll.h"

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

static bool sock_status_means_closed(NTSTATUS status) {
  /* A closed socket's value is either stale (invalid) or already reused by
   * an object of another kind (type mismatch). */
  return status == NT_STATUS_INVALID_HANDLE ||
         status == NT_STATUS_OBJECT_TYPE_MISMATCH;
}

/* The poll cannot be made at all: report the socket as broken once per
 * wait, level-triggered, as Linux reports a socket in error. */
static void sock_report_failure(port_state* port, sock_state* sock) {
  if (!sock->armed)
    return; /* a disarmed one-shot socket reports nothing until MOD */
  sock->ready_events = EPOLLERR | EPOLLHUP;
  port_queue_ready(port, sock);
}

static void sock_submit(port_state* port, sock_state* sock,
                        uint32_t afd_events) {
  NTSTATUS status;
  if (sock->group == NULL) {
    sock->group = poll_group_acquire(&port->groups);
    if (sock->group == NULL) {
      sock_report_failure(port, sock);
      return;
    }
  }
  status = afd_poll(sock->group->afd, sock->base_socket, afd_events,
                    &sock->poll_info, &sock->iosb, sock);
  if (status == NT_STATUS_PENDING || (!NT_SUCCESS(status) && !NT_ERROR(status))) {
    /* A packet will come (warnings are queued like pending results). */
    sock->poll_state = SOCK_POLL_PENDING;
    sock->polled_afd_events = afd_events;
    port->polls_outstanding++;
  } else if (NT_SUCCESS(status)) {
    /* Satisfied at once and, thanks to the skip-on-success mode, no packet
     * follows: consume the result now and save a dequeue. */
    sock->iosb.Status = status;
    sock_complete(port, sock);
  } else if (sock_status_means_closed(status)) {
    sock_delete(port, sock);
  } else {
    sock_report_failure(port, sock);
  }
}

void sock_update(port_state* port, sock_state* sock) {
  uint32_t wanted = events_to_afd(sock->interest, sock->armed);
  switch (sock->poll_state) {
    case SOCK_POLL_IDLE:
      sock_submit(port, sock, wanted);
      return;
    case SOCK_POLL_PENDING:
      /* The outstanding poll already watches for all of it: when it fires
       * for something no longer wanted, it is simply resubmitted. */
      if ((wanted & ~sock->polled_afd_events) == 0)
        return;
      if (afd_cancel(sock->group->afd, &sock->iosb))
        sock->poll_state = SOCK_POLL_CANCELLING;
      return;
    case SOCK_POLL_CANCELLING:
      /* The cancelled poll's completion re-queues the socket. */
      return;
  }
}

void sock_complete(port_state* port, sock_state* sock) {
  NTSTATUS status = sock->iosb.Status;
  const afd_poll_info* info = &sock->poll_info;
  uint32_t afd_events;
  uint32_t events;

  sock->poll_state = SOCK_POLL_IDLE;
  if (sock->deleted) {
    sock_free(port, sock);
    return;
  }
  /* Cancelled (or its device handle closed): poll again as now wanted. */
  if (status == NT_STATUS_CANCELLED || status == NT_STATUS_HANDLES_CLOSED) {
    port_queue_update(port, sock);
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
  if (info->number_of_handles < 1) {
    port_queue_update(port, sock);
    return;
  }
  afd_events = info->handles[0].events;
  /* The caller closed the socket without deleting it: drop it silently. */
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

void sock_delete(port_state* port, sock_state* sock) {
  if (sock->deleted)
    return;
  map_remove(&port->sockets, &sock->map_entry);
  port_unqueue(port, sock);
  sock->deleted = true;
  switch (sock->poll_state) {
    case SOCK_POLL_IDLE:
      sock_free(port, sock);
      return;
    case SOCK_POLL_PENDING:
      /* If the cancel fails the poll still ends, at the latest when the
       * socket closes (LOCAL_CLOSE); its memory must live until then. */
      if (afd_cancel(sock->group->afd, &sock->iosb))
        sock->poll_state = SOCK_POLL_CANCELLING;
      return;
    case SOCK_POLL_CANCELLING:
      return;
  }
}

void sock_free(port_state* port, sock_state* sock) {
  list_remove(&sock->port_node);
  if (sock->group != NULL)
    poll_group_release(&port->groups, sock->group);
  free(sock);
}
