/* lib/events.c on the host: the translation properties of events_props.h
 * over every combination of defined interest bits and AFD bits, plus
 * masks with undefined bits (ignored) and a few exact expectations. */
#include <stdio.h>

#include "events_props.h"

int main(void) {
  /* The 13 defined interest bits, enumerated as a compact index. */
  static const uint32_t defined[] = {
      P_IN,     P_PRI,    P_OUT, P_ERR,   P_HUP,     P_RDNORM,     P_RDBAND,
      P_WRNORM, P_WRBAND, P_MSG, P_RDHUP, P_ONESHOT, P_ONESHOT_158};
  const unsigned ndef = sizeof defined / sizeof defined[0];
  unsigned long combos = 0;
  uint32_t idx, afd, bit;

  for (idx = 0; idx < (1u << ndef); idx++) {
    uint32_t interest = 0;
    unsigned b;
    for (b = 0; b < ndef; b++) {
      if (idx & (1u << b))
        interest |= defined[b];
    }
    for (afd = 0; afd < 0x400; afd++) {
      props_check(interest, afd);
      combos++;
    }
  }
  /* Each undefined bit is ignored, alone or with defined ones. */
  for (bit = 1; bit != 0; bit <<= 1) {
    if (bit & P_DEFINED)
      continue;
    for (afd = 0; afd < 0x400; afd++) {
      props_check(bit, afd);
      props_check(bit | P_IN | P_OUT, afd);
      combos += 2;
    }
  }

  /* Exact expectations for the common cases. */
  HCHECK(events_from_afd(AFD_POLL_RECEIVE, P_IN) == P_IN);
  HCHECK(events_from_afd(AFD_POLL_ACCEPT, P_IN | P_OUT) == P_IN);
  HCHECK(events_from_afd(AFD_POLL_SEND, P_IN | P_OUT) == P_OUT);
  HCHECK(events_from_afd(AFD_POLL_DISCONNECT, P_IN | P_RDHUP) ==
         (P_IN | P_RDHUP));
  HCHECK(events_from_afd(AFD_POLL_ABORT, 0) == (P_ERR | P_HUP));
  HCHECK(events_from_afd(AFD_POLL_ABORT, P_IN | P_RDHUP) ==
         (P_IN | P_RDHUP | P_ERR | P_HUP));
  HCHECK(events_from_afd(AFD_POLL_CONNECT_FAIL, P_OUT) ==
         (P_OUT | P_ERR | P_HUP));
  HCHECK(events_from_afd(AFD_POLL_RECEIVE_EXPEDITED, P_PRI | P_RDBAND) ==
         P_PRI);
  HCHECK(events_from_afd(AFD_POLL_LOCAL_CLOSE | AFD_POLL_RECEIVE, P_IN) ==
         P_IN);
  HCHECK((events_to_afd(P_IN | P_ONESHOT, false) &
          ~(uint32_t) AFD_POLL_LOCAL_CLOSE) == 0);
  HCHECK(events_to_afd(0, true) ==
         (AFD_POLL_ABORT | AFD_POLL_CONNECT_FAIL | AFD_POLL_LOCAL_CLOSE));
  printf("test_events: OK (%lu interest x AFD combinations)\n", combos);
  return 0;
}
