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
#define E_WRITE (E_OUT | E_WRNORM | E_WRBAND)
/* A reset or a refused connect: Linux reports the socket readable (the read
 * returns the error), writable, read-hung-up, hung up and in error. */
#define E_BROKEN (E_READ | E_WRITE | E_RDHUP | E_HUP | E_ERR)

#define AFD_ALWAYS \
  (AFD_POLL_ABORT | AFD_POLL_CONNECT_FAIL | AFD_POLL_LOCAL_CLOSE)

uint32_t events_to_afd(uint32_t interest, bool armed) {
  uint32_t afd = AFD_ALWAYS;
  if (!armed)
    return 0; /* the socket's close watch covers it meanwhile */
  if (interest & E_READ)
    afd |= AFD_POLL_RECEIVE | AFD_POLL_ACCEPT;
  /* Linux reports urgent TCP data as PRI alone, never RDBAND (nor does any
   * UDP or TCP socket ever report RDBAND): only PRI needs a poll. */
  if (interest & E_PRI)
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
    events |= E_PRI;
  if (afd_events & AFD_POLL_SEND)
    events |= E_WRITE;
  /* Peer FIN: readable (the read returns 0) and read-hang-up. */
  if (afd_events & AFD_POLL_DISCONNECT)
    events |= E_READ | E_RDHUP;
  /* Measured against Linux (tests/oracle): a reset connection and a
   * refused connect report the same. */
  if (afd_events & (AFD_POLL_ABORT | AFD_POLL_CONNECT_FAIL))
    events |= E_BROKEN;
  return events & (interest | E_ERR | E_HUP);
}
