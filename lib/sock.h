/* One socket registered with a port: its interest, the state of its AFD
 * poll and the translation of poll results into epoll events.  All
 * functions run with the port's lock held. */
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
  SOCK_POLL_IDLE,       /* no poll outstanding */
  SOCK_POLL_PENDING,    /* a poll is outstanding for `polled_afd_events` */
  SOCK_POLL_CANCELLING, /* cancel requested; its completion is awaited */
} sock_poll_state;

typedef enum sock_queue {
  SOCK_QUEUE_NONE,
  SOCK_QUEUE_UPDATE, /* interest changed or poll must be (re)submitted */
  SOCK_QUEUE_READY,  /* `ready_events` wait to be reported */
} sock_queue;

/* One AFD poll request: its status block and buffer must live until its
 * completion has been consumed.  The packet's overlapped pointer is the
 * sock_poll, which leads back to its owner. */
typedef struct sock_poll {
  IO_STATUS_BLOCK iosb;
  afd_poll_info info;
  struct sock_state* owner;
} sock_poll;

/* Each socket has up to two polls outstanding: the main poll for what the
 * caller is interested in, and a close watch (LOCAL_CLOSE only) submitted
 * at EPOLL_CTL_ADD and kept for the whole registration.  The watch is what
 * makes a socket closed without EPOLL_CTL_DEL behave as on Linux: it is
 * noticed whenever it happens (also while no main poll is outstanding, or
 * before the first wait), nothing is reported for it afterwards, not even a
 * result that fired before the close, and its handle value can be
 * registered again once reused. */
typedef struct sock_state {
  map_entry map_entry;  /* key: the socket as the caller knows it */
  list_node port_node;  /* in the port's list of all its sockets */
  list_node queue_node; /* in the queue `queue` names */
  sock_queue queue;
  SOCKET base_socket;
  uint32_t interest; /* the caller's mask, one-shot bits included */
  uint64_t user_data;
  bool armed;   /* false once a one-shot registration has reported */
  bool deleted; /* removed from the port; freed once no poll is left */
  sock_poll_state poll_state; /* of the main poll */
  uint32_t polled_afd_events;
  bool watch_outstanding;
  bool watch_unavailable; /* AFD refused the watch: rely on the main poll */
  uint32_t ready_events;
  poll_group* group;
  sock_poll main_poll;
  sock_poll watch_poll;
} sock_state;

/* A new registration, not yet known to any port structure.  NULL with
 * ENOMEM set on failure. */
sock_state* sock_new(SOCKET sock, SOCKET base_socket);

/* Starts a new registration (ADD): takes a device handle and submits the
 * close watch, which is also the check that the value is a socket AFD can
 * poll, then sets the interest.  Returns 0, or -1 with errors set
 * (ENOTSOCK for a value that is no socket, or one closed already). */
int sock_register(struct port_state* port, sock_state* sock, uint32_t interest,
                  uint64_t user_data);

/* True (and the socket deleted) when its close watch has fired, even if
 * the watch's packet has not been read yet. */
bool sock_seen_closed(struct port_state* port, sock_state* sock);

/* True when a poll of the socket submitted as pending has ended, so that
 * its packet is in the port or on its way: AFD writes a poll's status block
 * before it queues the packet. */
bool sock_has_finished_poll(const sock_state* sock);

/* Sets interest and data (MOD) and re-arms a one-shot socket. */
void sock_set_interest(struct port_state* port, sock_state* sock,
                       uint32_t interest, uint64_t user_data);

/* Brings the outstanding poll in line with the interest: submits, keeps a
 * poll that already covers it, or cancels one that does not.  A poll that
 * cannot be made is reported as EPOLLERR | EPOLLHUP. */
void sock_update(struct port_state* port, sock_state* sock);

/* Consumes a poll result, from a completion packet or from a poll that
 * completed at once. */
void sock_complete(struct port_state* port, sock_poll* poll);

/* The events to report now, or 0 if the ready result no longer matters;
 * disarms a one-shot registration that reports. */
uint32_t sock_take_events(sock_state* sock);

/* Removes the socket from the port: freed now, or once the cancelled poll
 * has completed. */
void sock_delete(struct port_state* port, sock_state* sock);

/* Takes the socket out of a port that is closing, without cancelling its
 * polls one by one: closing the port's device handles ends them all.  The
 * memory goes once they have completed. */
void sock_abandon(struct port_state* port, sock_state* sock);

#endif /* WEPOLL_SOCK_H_ */
