/* One epoll port: its completion port, its registered sockets, the queues
 * of sockets to update and to report, and the lock that guards them.
 *
 * Who decides what: the port decides when kernel work happens (flushing
 * the update queue, reading the completion port, waking waiters) and when
 * results may be reported; what a poll result means for a socket is
 * decided in sock.c, which the port calls for every packet. */
#ifndef WEPOLL_PORT_H_
#define WEPOLL_PORT_H_

#include <stdbool.h>
#include <stdint.h>

#include <winsock2.h>
#include <windows.h>

#include "list.h"
#include "map.h"
#include "poll_group.h"
#include "sock.h"
#include "waitable.h"

struct epoll_event;

typedef struct port_state {
  HANDLE iocp;              /* also the handle callers know the port by */
  map_entry registry_entry; /* in the handle registry, key: iocp */
  bool registry_closing;    /* entry moved to the registry's closing set */
  volatile LONG refs;       /* the registry's one plus one per call inside */
  volatile LONG closing;    /* set once by epoll_close, read by releasers */
  HANDLE idle_event;        /* set when the last call inside has left */
  bool close_tracking;      /* WEPOLL_CLOSE_TRACKING: each socket watched */
  CRITICAL_SECTION lock;    /* guards everything below */
  int waiters;              /* threads inside epoll_wait */
  int sleepers;             /* of those, threads blocked reading the port */
  int wakes_in_flight;      /* wake-up packets posted and not yet read */
  size_t foreign_unrelayed; /* program wake-ups read and not yet passed on */
  bool level_reported; /* a level-triggered socket reported since a flush */
  size_t ready_count;  /* sockets in ready_queue */
  map sockets;         /* registered sockets by handle value */
  list_node update_queue;
  list_node ready_queue;
  size_t polls_outstanding;   /* polls whose completion packet is owed */
  size_t cancels_outstanding; /* main polls cancelled, packet still owed */
  int waits_without_read;     /* in a row, served at submission */
  size_t hint_bucket;         /* where the next status-block hint looks */
  poll_group_set groups;
  waitable_set waitables; /* wepoll_ctl_handle registrations */
} port_state;

/* A new port with its completion port.  NULL with errors set on failure. */
port_state* port_new(bool close_tracking);

int port_ctl(port_state* port, int op, SOCKET sock,
             const struct epoll_event* event);
/* wepoll_ctl_handle, for a handle waitable_check_handle() accepted and an
 * op and event api.c checked. */
int port_ctl_handle(port_state* port, int op, HANDLE handle,
                    const struct epoll_event* event);
int port_wait(port_state* port, struct epoll_event* events, int maxevents,
              int timeout);

/* Called by registry_release() when a call leaves the port. */
void port_call_left(port_state* port);

/* Called by epoll_close once the port has left the registry: wakes the
 * waiters, waits for every call inside the port to leave, then frees it. */
void port_close(port_state* port);

/* Queue changes, used by sock.c. */
void port_queue_update(port_state* port, sock_state* sock);
void port_queue_ready(port_state* port, sock_state* sock);
void port_unqueue(port_state* port, sock_state* sock);

#endif /* WEPOLL_PORT_H_ */
