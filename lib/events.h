/* Translation between epoll interest/events and AFD poll event bits.  Pure
 * C (no Windows calls), so it is also tested and fuzzed on the host. */
#ifndef WEPOLL_EVENTS_H_
#define WEPOLL_EVENTS_H_

#include <stdbool.h>
#include <stdint.h>

/* AFD poll event bits (facts of the AFD driver). */
#define AFD_POLL_RECEIVE 0x0001u
#define AFD_POLL_RECEIVE_EXPEDITED 0x0002u
#define AFD_POLL_SEND 0x0004u
#define AFD_POLL_DISCONNECT 0x0008u
#define AFD_POLL_ABORT 0x0010u
#define AFD_POLL_LOCAL_CLOSE 0x0020u
#define AFD_POLL_ACCEPT 0x0080u
#define AFD_POLL_CONNECT_FAIL 0x0100u

/* Both one-shot bits: the header's (1u << 30) and wepoll 1.5.8's (1u << 31). */
#define EVENTS_ONESHOT_BITS ((1u << 30) | (1u << 31))

/* The AFD bits to poll for so that every condition `interest` asks for is
 * noticed; bits of `interest` the API does not define are ignored.  ABORT, CONNECT_FAIL and LOCAL_CLOSE are always included: errors
 * and hang-ups are reported whatever was asked, and a closed socket must be
 * noticed so it can be dropped.  A disarmed one-shot registration passes
 * `armed` false and gets 0: it needs no poll but its close watch. */
uint32_t events_to_afd(uint32_t interest, bool armed);

/* The epoll events to report for the AFD bits that fired, limited to the
 * bits of `interest` plus EPOLLERR and EPOLLHUP, as Linux reports them. */
uint32_t events_from_afd(uint32_t afd_events, uint32_t interest);

#endif /* WEPOLL_EVENTS_H_ */
