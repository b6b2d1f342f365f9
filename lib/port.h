/* One epoll port: its completion port, its registered sockets, the queues
 * of sockets to update and to report, and the lock that guards them. */
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
#include "waitable.h" /* issue 13 hook */

struct epoll_event;

typedef struct port_state {
  HANDLE iocp;              /* also the handle callers know the port by */
  map_entry registry_entry; /* in the handle registry, key: iocp */
  volatile LONG refs;       /* the registry's one plus one per call inside */
  CRITICAL_SECTION lock;    /* guards everything below */
  bool closing;
  bool dequeue_owed; /* the next wait reads the port before anything else */
  int waits_without_dequeue; /* served from results consumed at submission */
  int waiters;               /* threads inside epoll_wait */
  map sockets;               /* registered sockets by handle value */
  list_node all_sockets; /* registered ones and deleted ones still polled */
  list_node* scan_cursor; /* in all_sockets: where the next scan starts */
  list_node update_queue;
  list_node ready_queue;
  size_t polls_outstanding;   /* polls whose completion packet is owed */
  size_t cancels_outstanding; /* main polls cancelled, packet still owed */
  poll_group_set groups;
  /* issue 13 hook: wepoll_ctl_handle registrations */
  waitable_set waitables;
} port_state;

/* A new port with its completion port.  NULL with errors set on failure. */
port_state* port_new(void);

int port_ctl(port_state* port, int op, SOCKET sock,
             const struct epoll_event* event);
/* issue 13 hook: wepoll_ctl_handle, for a handle waitable_check_handle()
 * accepted and an op and event api.c checked. */
int port_ctl_handle(port_state* port, int op, HANDLE handle,
                    const struct epoll_event* event);
int port_wait(port_state* port, struct epoll_event* events, int maxevents,
              int timeout);

/* Called by epoll_close once the port has left the registry: wakes the
 * waiters, waits for every call inside the port to leave, then frees it. */
void port_close(port_state* port);

/* Queue changes, used by sock.c. */
void port_queue_update(port_state* port, sock_state* sock);
void port_queue_ready(port_state* port, sock_state* sock);
void port_unqueue(port_state* port, sock_state* sock);
/* Takes a socket that is about to be freed out of the list of all. */
void port_unlink(port_state* port, sock_state* sock);

#endif /* WEPOLL_PORT_H_ */
