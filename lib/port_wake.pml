/* A model of the port's wake-up protocol (port.c: port_wait, port_read,
 * port_process, port_flush, port_collect, port_wake_one_if_needed,
 * port_ctl, port_close, and the poll results of sock.c), checked
 * exhaustively by spin.  When that protocol changes, this model changes in
 * the same commit.  Run by hand:
 *
 *   cp lib/port_wake.pml /tmp && cd /tmp && spin -a port_wake.pml &&
 *   gcc -O2 -DSAFETY -o pan pan.c && ./pan -m100000
 *
 * ("errors: 0" is a pass), and with `spin -a -DBUG_... port_wake.pml` to
 * see a known bug rejected; `spin -t -p -DBUG_... port_wake.pml` replays
 * the counterexample pan left in port_wake.pml.trail.  ci/model-check.sh
 * runs them all.
 *
 * What is modelled.  Three waiters, each making one epoll_wait call: A with
 * maxevents 1, B with maxevents 2 (it can dequeue two packets, so read a
 * wake-up and a result in one batch) and C with maxevents 1 and a timeout.
 * Two sockets: 0 is one-shot, 1 level-triggered; each may receive data
 * (once; nobody reads it, so a level-triggered socket stays ready).  The
 * kernel completes a poll that asks for events when its socket has data;
 * its packet holds the result, or (at most once) comes back with a status
 * block never written (the result is unknown).  A poll that is already
 * satisfied may return its result at submission (no packet), or stay
 * pending and complete at once.  The program may re-arm the one-shot
 * socket with EPOLL_CTL_MOD once, may post up to two packets of its own
 * (PostQueuedCompletionStatus: each must wake one epoll_wait; a wait that
 * reads more than one queues the others again, as relays, when it
 * leaves), and may close the port once.  Packets
 * are taken in any order (a completion port is not guaranteed to be FIFO),
 * each by exactly one read.  A critical section is one atomic step; a
 * waiter lets go of the lock before it blocks (sleepers counted first) and
 * takes it again after its read, and other threads run in between.
 *
 * What is checked, when nothing can move any more (spin's `timeout`):
 *   - no waiter is blocked on the port while a socket that the program
 *     armed and did not delete has data: its result would be reported to
 *     the sleeper if it woke (a level-triggered one to every waiter, as on
 *     Linux), so sleeping past it is a lost wake-up;
 *   - once the port was closed, no waiter is left inside epoll_wait;
 *   - every packet the program posted either made one wait return or is
 *     still queued for the next one (none is swallowed).
 *
 * Known bugs, each of which the check must reject (so that it cannot pass
 * by checking nothing):
 *   BUG_UNKNOWN_IS_CLOSE  a result whose status block was never written is
 *                         read as "closed" and the socket dropped (the
 *                         mask still in the buffer has LOCAL_CLOSE): the
 *                         loss that rel_wake_fresh_port found;
 *   BUG_NO_LEVEL_WAKE     no wake-up after a level-triggered report;
 *   BUG_CLOSE_NO_WAKE     epoll_close posts no wake-up for the sleepers;
 *   BUG_LEAVE_NO_WAKE     a waiter that leaves results for others does not
 *                         wake one;
 *   BUG_FOREIGN_IGNORED   a packet the program posted is taken for nothing
 *                         (the wait sleeps on);
 *   BUG_FOREIGN_NO_RELAY  a wait that read two such packets drops the
 *                         second instead of queueing it again. */

#define NS 2 /* sockets: 0 one-shot, 1 level-triggered */

/* poll_state (sock.c) */
#define IDLE 0
#define PENDING 1
/* sock->queue */
#define Q_NONE 0
#define Q_UPDATE 1
#define Q_READY 2
/* A completion packet of socket i's poll, queued in the port. */
#define PK_NONE 0
#define PK_RESULT 1    /* its status block holds the result */
#define PK_UNKNOWN 2   /* its status block was never written */
#define PK_CANCELLED 3 /* a cancelled poll */

/* The program's view of each socket. */
bool data[NS];    /* unread data has arrived */
bool armed[NS];   /* interest set and, if one-shot, not yet reported */
bool oneshot[NS];
bool reported[NS]; /* reported once at least (the MOD re-arms after it) */
/* The library's view. */
bool dropped[NS]; /* deleted by the library itself */
byte poll[NS];
bool polled_events[NS]; /* the pending poll asks for events, not only for
                           LOCAL_CLOSE (a disarmed one-shot socket) */
byte queue[NS];
/* The kernel's. */
bool kpoll[NS]; /* the poll is outstanding in the kernel */
byte pkt[NS];   /* its packet, queued in the completion port */
byte unknown_left = 1;
byte wakes_queued; /* wake-up packets in the completion port */
byte foreign_queued; /* the program's packets (and relays) in the port */
byte foreign_posted; /* by the program */
byte foreign_woke;   /* waits that returned because they read one */

/* port_state */
byte ready_count;
byte sleepers;
byte wakes_in_flight;
bool level_reported;
bool closing;
byte waiters;

inline post_wake() {
  wakes_queued++;
  wakes_in_flight++;
}

inline wake_one_if_needed() {
#ifdef BUG_NO_LEVEL_WAKE
  if
  :: (ready_count > 0 || closing) && sleepers > 0 && wakes_in_flight == 0 ->
     post_wake()
  :: else -> skip
  fi
#else
  if
  :: (ready_count > 0 || level_reported || closing) && sleepers > 0 &&
     wakes_in_flight == 0 -> post_wake()
  :: else -> skip
  fi
#endif
}

inline enqueue_ready(i) {
  if
  :: queue[i] != Q_READY -> queue[i] = Q_READY; ready_count++
  :: else -> skip
  fi
}

inline enqueue_update(i) {
  if
  :: queue[i] == Q_READY -> ready_count--
  :: else -> skip
  fi;
  queue[i] = Q_UPDATE
}

/* sock_consume_main for a result the buffer holds. */
inline consume_result(i) {
  poll[i] = IDLE;
  if
  :: armed[i] && polled_events[i] -> enqueue_ready(i)
  :: else -> enqueue_update(i)
  fi
}

/* sock_consume_main / sock_complete for a dequeued packet of kind k. */
inline consume_packet(i, k) {
  if
  :: k == PK_RESULT -> consume_result(i)
  :: k == PK_CANCELLED -> poll[i] = IDLE; enqueue_update(i)
  :: k == PK_UNKNOWN ->
     poll[i] = IDLE;
#ifdef BUG_UNKNOWN_IS_CLOSE
     dropped[i] = true;
     if
     :: queue[i] == Q_READY -> ready_count--
     :: else -> skip
     fi;
     queue[i] = Q_NONE
#else
     enqueue_update(i)
#endif
  fi
}

/* sock_update of one socket taken off the update queue. */
inline update(i) {
  queue[i] = Q_NONE;
  if
  :: dropped[i] -> skip
  :: poll[i] == IDLE ->
     polled_events[i] = armed[i];
     if
     :: armed[i] && data[i] ->
        /* Satisfied already: the result at submission, or a pending poll
         * whose packet comes at once. */
        if
        :: consume_result(i)
        :: poll[i] = PENDING; kpoll[i] = true
        fi
     :: else -> poll[i] = PENDING; kpoll[i] = true
     fi
  :: poll[i] == PENDING && armed[i] && !polled_events[i] && kpoll[i] ->
     /* The mask widened: cancel, and poll again on the cancel's packet. */
     kpoll[i] = false;
     pkt[i] = PK_CANCELLED
  :: else -> skip
  fi
}

inline flush() {
  level_reported = false;
  if
  :: queue[0] == Q_UPDATE -> update(0)
  :: else -> skip
  fi;
  if
  :: queue[1] == Q_UPDATE -> update(1)
  :: else -> skip
  fi
}

/* port_collect: moves up to `max` reports out of the ready queue. */
inline collect_one(i, max) {
  if
  :: got < max && queue[i] == Q_READY ->
     enqueue_update(i);
     if
     :: armed[i] ->
        got++;
        reported[i] = true;
        if
        :: oneshot[i] -> armed[i] = false
        :: else -> level_reported = true
        fi
     :: else -> skip
     fi
  :: else -> skip
  fi
}

/* Any packet in the port, for a read to take. */
#define PACKETS                                                 \
  (wakes_queued > 0 || foreign_queued > 0 || pkt[0] != PK_NONE || \
   pkt[1] != PK_NONE)

/* Takes one packet of the port (any one) into the locals. */
inline dequeue_one() {
  if
  :: wakes_queued > 0 -> wakes_queued--; took_wakes++
  :: foreign_queued > 0 -> foreign_queued--; took_foreign++
  :: pkt[0] != PK_NONE -> took0 = pkt[0]; pkt[0] = PK_NONE
  :: pkt[1] != PK_NONE -> took1 = pkt[1]; pkt[1] = PK_NONE
  fi
}

/* Reads every queued packet without blocking, under the lock (a wait's
 * read before it reports results it did not read the port for:
 * port_should_read_first). */
inline read_all_locked() {
  wakes_in_flight = wakes_in_flight - wakes_queued;
  wakes_queued = 0;
  took_foreign = foreign_queued;
  foreign_queued = 0;
  process_foreign();
  if
  :: pkt[0] != PK_NONE -> took0 = pkt[0]; pkt[0] = PK_NONE;
     consume_packet(0, took0); took0 = PK_NONE
  :: else -> skip
  fi;
  if
  :: pkt[1] != PK_NONE -> took1 = pkt[1]; pkt[1] = PK_NONE;
     consume_packet(1, took1); took1 = PK_NONE
  :: else -> skip
  fi
}

/* port_foreign: the first packet of the program's that a wait reads wakes
 * it; any other is kept to be queued again when the wait leaves. */
inline process_foreign() {
  do
  :: took_foreign > 0 ->
     took_foreign--;
#ifdef BUG_FOREIGN_IGNORED
     skip
#else
     if
     :: !woken -> woken = true
     :: else -> foreign_extra++
     fi
#endif
  :: else -> break
  od
}

/* port_relay_foreign, as the wait leaves (after its last read). */
inline relay_foreign() {
#ifndef BUG_FOREIGN_NO_RELAY
  foreign_queued = foreign_queued + foreign_extra;
#endif
  foreign_extra = 0
}

#define SLEEP 0
#define LEAVE 1
#define AGAIN 2

proctype waiter(byte max; bool timed) {
  byte got = 0;
  byte took_wakes = 0;
  byte took0 = PK_NONE;
  byte took1 = PK_NONE;
  bool timed_out = false;
  bool read_any = false;
  byte took_foreign = 0;
  byte foreign_extra = 0;
  bool woken = false;
  byte outcome;

  atomic { waiters++ }
  do
  :: atomic {
       /* One pass of port_wait's loop, under the lock. */
       outcome = SLEEP;
       if
       :: closing -> outcome = LEAVE /* EBADF */
       :: else ->
          flush();
          if
          :: ready_count > 0 && !read_any && PACKETS ->
             read_all_locked();
             read_any = true;
             outcome = AGAIN
          :: true -> skip /* the fairness read is a heuristic: either */
          fi;
          if
          :: outcome == SLEEP ->
             collect_one(0, max);
             collect_one(1, max);
             if
             :: got > 0 || timed_out || woken -> outcome = LEAVE
             :: else -> sleepers++
             fi
          :: else -> skip
          fi
       fi;
       if
       :: outcome == LEAVE ->
          if
          :: woken -> foreign_woke++
          :: else -> skip
          fi;
          relay_foreign();
#ifndef BUG_LEAVE_NO_WAKE
          wake_one_if_needed();
#endif
          waiters--
       :: else -> skip
       fi
     }
     if
     :: outcome == LEAVE -> break
     :: outcome == AGAIN -> skip
     :: outcome == SLEEP ->
        /* Lock let go; blocked in GetQueuedCompletionStatusEx. */
end_sleep:
        if
        :: atomic {
             PACKETS -> dequeue_one();
             /* A batch: maxevents 2 may take a second packet too. */
             if
             :: max > 1 && PACKETS -> dequeue_one()
             :: true -> skip
             fi;
             /* A batch that left the port empty, once the time is up: the
              * wait returns after it and reads no more, even if packets
              * come meanwhile (port_wait checks for a short batch; here
              * any batch that emptied the port may do, which allows more
              * than the code does). */
             if
             :: timed && !PACKETS -> timed_out = true
             :: true -> skip
             fi
           }
        :: atomic { timed && !PACKETS -> timed_out = true }
        fi;
        /* Lock taken again: port_process. */
        atomic {
          sleepers--;
          read_any = true;
          wakes_in_flight = wakes_in_flight - took_wakes;
          took_wakes = 0;
          process_foreign();
          if
          :: took0 != PK_NONE -> consume_packet(0, took0); took0 = PK_NONE
          :: else -> skip
          fi;
          if
          :: took1 != PK_NONE -> consume_packet(1, took1); took1 = PK_NONE
          :: else -> skip
          fi
        }
     fi
  od
}

/* The program posts packets of its own to the port: none, one or two. */
active proctype poster() {
  do
  :: foreign_posted < 2 -> atomic { foreign_posted++; foreign_queued++ }
  :: break
  od
}

/* Data arrives on each socket, or not. */
active proctype network() {
  if
  :: data[0] = true
  :: skip
  fi;
  if
  :: data[1] = true
  :: skip
  fi
}

/* Outstanding polls that ask for events complete once there is data. */
active proctype kernel() {
end:
  do
  :: atomic {
       kpoll[0] && polled_events[0] && data[0] -> kpoll[0] = false;
       if
       :: pkt[0] = PK_RESULT
       :: unknown_left > 0 -> unknown_left--; pkt[0] = PK_UNKNOWN
       fi
     }
  :: atomic {
       kpoll[1] && polled_events[1] && data[1] -> kpoll[1] = false;
       if
       :: pkt[1] = PK_RESULT
       :: unknown_left > 0 -> unknown_left--; pkt[1] = PK_UNKNOWN
       fi
     }
  od
}

/* The program: may re-arm the one-shot socket after its report (MOD, with
 * port_ctl's flush and wake-up when threads sleep), and may close the
 * port. */
active proctype program() {
  if
  :: atomic {
       reported[0] && !armed[0] -> armed[0] = true;
       if
       :: queue[0] != Q_READY -> enqueue_update(0)
       :: else -> skip
       fi;
       if
       :: sleepers > 0 -> flush(); wake_one_if_needed()
       :: else -> skip
       fi
     }
  :: skip
  fi;
  if
  :: closing = true; /* interlocked, before port_close takes the lock */
     atomic {
#ifdef BUG_CLOSE_NO_WAKE
       skip
#else
       if
       :: sleepers > 0 -> post_wake()
       :: else -> skip
       fi
#endif
     }
  :: skip
  fi
}

/* A socket whose report a woken waiter would get: armed and not deleted
 * by the program (a drop by the library does not count), with data. */
#define REPORTABLE(i) (armed[i] && data[i])

active proctype quiescence() {
  timeout ->
  assert(!closing || waiters == 0);
  assert(foreign_posted == foreign_woke + foreign_queued);
  assert(sleepers == 0 || !(REPORTABLE(0) || REPORTABLE(1)))
}

init {
  atomic {
    oneshot[0] = true;
    armed[0] = true;
    armed[1] = true;
    /* ADD queues both for the first wait's flush. */
    queue[0] = Q_UPDATE;
    queue[1] = Q_UPDATE;
    run waiter(1, false);
    run waiter(2, false);
    run waiter(1, true)
  }
}
