/* Waitable HANDLEs registered with a port (wepoll_ctl_handle): events,
 * semaphores, waitable timers, processes and threads.  Each registration
 * keeps one wait outstanding while it is armed; the wait queues a packet
 * with the set's completion key to the port when the object is signaled,
 * through a wait completion packet (wait_packet.h) or, where those are
 * missing, a one-time thread-pool wait whose callback only posts the packet.
 *
 * The port calls everything here with its lock held, except
 * waitable_check_handle (no state) and waitable_set_free (port closed). */
#ifndef WEPOLL_WAITABLE_H_
#define WEPOLL_WAITABLE_H_

#include <stdbool.h>
#include <stddef.h>

#include <windows.h>

#include "list.h"
#include "map.h"

struct epoll_event;

typedef struct waitable_set {
  HANDLE iocp;
  ULONG_PTR key;       /* completion key of this set's packets */
  map handles;         /* registrations by handle value */
  list_node ready;     /* signaled, armed, waiting to be reported */
  list_node rearm;     /* level-triggered, reported: to wait again */
  list_node all;       /* every record, deleted ones owing a packet too */
  size_t packets_owed; /* records whose packet may still be dequeued */
  bool first_next;     /* collected before the sockets at the next wait */
  HANDLE unregistered; /* thread-pool waits: set when one is fully gone */
} waitable_set;

void waitable_set_init(waitable_set* set, HANDLE iocp, ULONG_PTR key);

/* -1 with EBADF set when `handle` is not an open handle (never
 * dereferenced); else 0, with `*accepted` saying whether its object is of a
 * kind wepoll_ctl_handle takes. */
int waitable_check_handle(HANDLE handle, bool* accepted);

/* EPOLL_CTL_ADD, _MOD or _DEL of a checked handle; 0 or -1 with EEXIST,
 * ENOENT, ENOMEM or the system's error set. */
int waitable_ctl(waitable_set* set, int op, HANDLE handle,
                 const struct epoll_event* event);

/* A packet with the set's key was dequeued; `overlapped` is its pointer. */
void waitable_complete(waitable_set* set, OVERLAPPED* overlapped);

bool waitable_has_ready(const waitable_set* set);

/* Moves up to `maxevents` reports into `events` and returns their count.
 * Level-triggered registrations wait again at the next waitable_flush
 * (waitable_rearm_pending says some wait for it); one-shot ones are
 * disarmed until MOD.  waitable_collect_first does the same on every other
 * call and nothing on the others, so that the port can alternate who goes
 * first when sockets and handles together have more than `maxevents`. */
int waitable_collect(waitable_set* set, struct epoll_event* events,
                     int maxevents);
int waitable_collect_first(waitable_set* set, struct epoll_event* events,
                           int maxevents);
bool waitable_rearm_pending(const waitable_set* set);

/* Starts the waits of the level-triggered registrations reported since the
 * last call; the port calls it when a wait runs, so that a report shows
 * the object's state then.  Those whose object is signaled already may be
 * ready at once (waitable_has_ready). */
void waitable_flush(waitable_set* set);

/* Closing: cancels every wait (waiting for running thread-pool callbacks to
 * return).  Packets that can no longer be taken back are counted in
 * packets_owed; the port dequeues them (waitable_complete) before calling
 * waitable_set_free, which frees the set's own memory and event.  Records
 * still owing a packet then (the port's drain gave up on it) are left
 * allocated rather than freed under a late packet. */
void waitable_set_cancel_all(waitable_set* set);
void waitable_set_free(waitable_set* set);

#endif /* WEPOLL_WAITABLE_H_ */
