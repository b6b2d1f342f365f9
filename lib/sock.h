/* One socket registered with a port: its interest, the state of its AFD
 * poll and the translation of poll results into epoll events.
 *
 * Who decides what: this file decides what a socket's poll results mean
 * (ready, closed, to be polled again) and which kernel request a socket
 * needs; the port (port.c) decides when: it runs the update queue, reads
 * the completion port, and hands each packet back here.  All functions run
 * with the port's lock held. */
#ifndef WEPOLL_SOCK_H_
#define WEPOLL_SOCK_H_

#include <stdbool.h>
#include <stdint.h>

#include "afd.h"
#include "list.h"
#include "map.h"
#include "poll_group.h"

struct port_state;

typedef enum sock_poll_state {
  SOCK_POLL_IDLE,      /* no poll outstanding */
  SOCK_POLL_PENDING,   /* a poll is outstanding for `polled_afd_events` */
  SOCK_POLL_CANCELLING /* cancel requested; its completion is awaited */
} sock_poll_state;

typedef enum sock_queue {
  SOCK_QUEUE_NONE,
  SOCK_QUEUE_UPDATE, /* interest changed or poll must be (re)submitted */
  SOCK_QUEUE_READY   /* `ready_events` wait to be reported */
} sock_queue;

/* One AFD poll request: its status block and buffer must live until its
 * completion packet has been dequeued. */
typedef struct sock_poll {
  IO_STATUS_BLOCK iosb;
  afd_poll_info info;
} sock_poll;

/* A registration.  In the default mode it has one poll, which always asks
 * for LOCAL_CLOSE too, so a socket closed without EPOLL_CTL_DEL is dropped
 * when that poll reports the close (wepoll 1.x's behaviour).  A port made
 * with WEPOLL_CLOSE_TRACKING allocates a sock_tracked instead, whose close
 * watch stays outstanding for the whole registration. */
typedef struct sock_state {
  map_entry map_entry;  /* key: the socket as the caller knows it */
  list_node queue_node; /* in the port queue `queue` names */
  SOCKET base_socket;   /* what AFD polls */
  uint64_t user_data;
  poll_group* group;
  /* 16 bits hold every event and AFD bit there is (up to EPOLLRDHUP and
   * AFD_POLL_CONNECT_FAIL): memory per socket is one of the costs held. */
  uint16_t interest; /* the caller's documented bits; others are ignored */
  uint16_t ready_events;
  uint16_t polled_afd_events;
  uint16_t queue : 2;      /* sock_queue */
  uint16_t poll_state : 2; /* sock_poll_state of `poll` */
  uint16_t oneshot : 1;    /* EPOLLONESHOT, in either spelling */
  uint16_t armed : 1;      /* false once a one-shot registration reported */
  uint16_t deleted : 1;    /* left the port; freed once no poll is left */
  uint16_t tracked : 1;    /* a sock_tracked: has a close watch */
  uint16_t stream : 1;     /* SOCK_STREAM: never reports EPOLLWRBAND */
  sock_poll poll;
} sock_state;

/* The close watch (LOCAL_CLOSE only) of a close-tracking registration.  It
 * is outstanding from ADD to DEL, also while the main poll is not, so that
 * every close is seen; what it reports is trusted only from its dequeued
 * packet (see port.c on reading the port before reporting). */
typedef struct sock_tracked {
  sock_state sock;
  sock_poll watch;
  bool watch_outstanding;
  bool watch_unavailable; /* AFD refused it: only the main poll sees closes */
} sock_tracked;

/* A new registration for `sock`, polled through `base_socket`, with a
 * device handle of the port's; not yet in any port structure.  `stream`
 * for a SOCK_STREAM socket.  NULL with errors set on failure. */
sock_state* sock_new(struct port_state* port, SOCKET sock, SOCKET base_socket,
                     bool stream);

/* Starts a registration (ADD): in a close-tracking port submits the close
 * watch, then sets the interest; the main poll is submitted by the next
 * flush.  Returns 0, or -1 with errors set when the watch found the socket
 * closed already. */
int sock_start(struct port_state* port, sock_state* sock, uint32_t interest,
               uint64_t user_data);

/* Sets interest and data (MOD) and re-arms a one-shot socket. */
void sock_set_interest(struct port_state* port, sock_state* sock,
                       uint32_t interest, uint64_t user_data);

/* Brings the outstanding poll in line with the interest: submits, keeps a
 * poll that already covers it, or cancels one that does not.  Returns 0,
 * or -1 with errors set when the kernel lacked the resources for the poll
 * right now: the socket must then be updated again later. */
int sock_update(struct port_state* port, sock_state* sock);

/* Consumes a dequeued completion packet whose overlapped pointer is
 * `context` (from one of this file's submissions). */
void sock_complete(struct port_state* port, void* context);

/* The events to report now, or 0 if the ready result no longer matters;
 * disarms a one-shot registration that reports. */
uint32_t sock_take_events(sock_state* sock);

/* A hint that the close watch of a close-tracking port's socket has ended,
 * read from its status block: true means "read the port to find out";
 * false may be stale and decides nothing.  Only for such a socket (the
 * caller checks the port's mode: MOD and DEL of a default port ask
 * nothing). */
bool sock_close_hinted(const sock_state* sock);

/* Removes the socket from the port: freed now, or once its cancelled polls
 * have completed. */
void sock_delete(struct port_state* port, sock_state* sock);

/* Takes the socket out of a port that is closing, without cancelling its
 * polls one by one: closing the port's device handles ends them all.  The
 * memory goes once they have completed. */
void sock_abandon(struct port_state* port, sock_state* sock);

#endif /* WEPOLL_SOCK_H_ */
