#include "events.h"

/* The epoll bits, restated from the public header so that this file stays
 * free of Windows types and builds on the host as it is. */
#define E_IN 0x0001u
#define E_PRI 0x0002u
#define E_OUT 0x0004u
#define E_ERR 0x0008u
#define E_HUP 0x0010u
#define E_RDNORM 0x0040u
#define E_RDBAND 0x0080u
#define E_WRNORM 0x0100u
#define E_WRBAND 0x0200u
#define E_MSG 0x0400u
#define E_RDHUP 0x2000u

#define E_READ (E_IN | E_RDNORM)
#define E_URGENT (E_PRI | E_RDBAND)
#define E_WRITE (E_OUT | E_WRNORM | E_WRBAND)

#define AFD_ALWAYS \
  (AFD_POLL_ABORT | AFD_POLL_CONNECT_FAIL | AFD_POLL_LOCAL_CLOSE)

uint32_t events_to_afd(uint32_t interest, bool armed) {
  uint32_t afd = AFD_ALWAYS;
  if (!armed)
    return 0; /* the socket's close watch covers it meanwhile */
  if (interest & E_READ)
    afd |= AFD_POLL_RECEIVE | AFD_POLL_ACCEPT;
  if (interest & E_URGENT)
    afd |= AFD_POLL_RECEIVE_EXPEDITED;
  if (interest & E_WRITE)
    afd |= AFD_POLL_SEND;
  if (interest & (E_READ | E_RDHUP))
    afd |= AFD_POLL_DISCONNECT;
  return afd;
}

uint32_t events_from_afd(uint32_t afd_events, uint32_t interest) {
  uint32_t events = 0;
  if (afd_events & (AFD_POLL_RECEIVE | AFD_POLL_ACCEPT))
    events |= E_READ;
  if (afd_events & AFD_POLL_RECEIVE_EXPEDITED)
    events |= E_URGENT;
  if (afd_events & AFD_POLL_SEND)
    events |= E_WRITE;
  /* Peer FIN: readable (the read returns 0) and read-hang-up. */
  if (afd_events & AFD_POLL_DISCONNECT)
    events |= E_READ | E_RDHUP;
  /* Reset: hung up, and readable so that the next read returns the error. */
  if (afd_events & AFD_POLL_ABORT)
    events |= E_HUP | E_READ | E_RDHUP;
  /* A failed connect is both writable and in error on Linux. */
  if (afd_events & AFD_POLL_CONNECT_FAIL)
    events |= E_ERR | E_WRITE;
  return events & (interest | E_ERR | E_HUP);
}
