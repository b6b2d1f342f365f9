/* Properties of lib/events.c's translation that must hold for every input,
 * checked by the unit test (exhaustively over a grid) and by the fuzz
 * target (on arbitrary 32-bit values).  The epoll values are the public
 * header's, restated so the host build needs no Windows header. */
#ifndef HOST_EVENTS_PROPS_H_
#define HOST_EVENTS_PROPS_H_

#include <stdbool.h>
#include <stdint.h>

#include "check.h"
#include "events.h"

#define P_IN 0x0001u
#define P_PRI 0x0002u
#define P_OUT 0x0004u
#define P_ERR 0x0008u
#define P_HUP 0x0010u
#define P_RDNORM 0x0040u
#define P_RDBAND 0x0080u
#define P_WRNORM 0x0100u
#define P_WRBAND 0x0200u
#define P_MSG 0x0400u
#define P_RDHUP 0x2000u
#define P_ONESHOT (1u << 30)
#define P_ONESHOT_158 (1u << 31)

#define P_DEFINED                                                          \
  (P_IN | P_PRI | P_OUT | P_ERR | P_HUP | P_RDNORM | P_RDBAND | P_WRNORM | \
   P_WRBAND | P_MSG | P_RDHUP | P_ONESHOT | P_ONESHOT_158)

#define AFD_KNOWN                                                  \
  (AFD_POLL_RECEIVE | AFD_POLL_RECEIVE_EXPEDITED | AFD_POLL_SEND | \
   AFD_POLL_DISCONNECT | AFD_POLL_ABORT | AFD_POLL_LOCAL_CLOSE |   \
   AFD_POLL_ACCEPT | AFD_POLL_CONNECT_FAIL)
#define AFD_POLL_CONNECT_BIT 0x0040u /* must never be polled for */

/* Checks every property for one (interest, afd) pair. */
static inline void props_check(uint32_t interest, uint32_t afd) {
  /* RDBAND too is never reported: Linux reports none for TCP or UDP. */
  uint32_t allowed = (interest & P_DEFINED &
                      ~(P_ONESHOT | P_ONESHOT_158 | P_MSG | P_RDBAND)) |
                     P_ERR | P_HUP;
  uint32_t armed = events_to_afd(interest, true);
  uint32_t out = events_from_afd(afd, interest);
  uint32_t bit;

  /* Bits the header does not define are ignored, as on Linux: the
   * translation is that of the defined bits alone. */
  HCHECK(armed == events_to_afd(interest & P_DEFINED, true));
  HCHECK(out == events_from_afd(afd, interest & P_DEFINED));

  /* Disarmed (one-shot already fired): nothing but, at most, the close is
   * watched (lib/ now keeps a separate close watch and asks for 0). */
  HCHECK((events_to_afd(interest, false) & ~AFD_POLL_LOCAL_CLOSE) == 0);

  /* Armed: errors, hang-ups and the close always; never an unknown bit and
   * never CONNECT (it fires at once on every connected socket). */
  HCHECK((armed &
          (AFD_POLL_ABORT | AFD_POLL_CONNECT_FAIL | AFD_POLL_LOCAL_CLOSE)) ==
         (AFD_POLL_ABORT | AFD_POLL_CONNECT_FAIL | AFD_POLL_LOCAL_CLOSE));
  HCHECK((armed & ~AFD_KNOWN) == 0);
  HCHECK((armed & AFD_POLL_CONNECT_BIT) == 0);

  /* Every requested condition has an AFD bit polled for. */
  if (interest & (P_IN | P_RDNORM))
    HCHECK(
        (armed & (AFD_POLL_RECEIVE | AFD_POLL_ACCEPT | AFD_POLL_DISCONNECT)) ==
        (AFD_POLL_RECEIVE | AFD_POLL_ACCEPT | AFD_POLL_DISCONNECT));
  if (interest & P_PRI)
    HCHECK(armed & AFD_POLL_RECEIVE_EXPEDITED);
  if (interest & (P_OUT | P_WRNORM | P_WRBAND))
    HCHECK(armed & AFD_POLL_SEND);
  if (interest & P_RDHUP)
    HCHECK(armed & AFD_POLL_DISCONNECT);
  /* ... and nothing is polled for that cannot be reported. */
  if (!(interest & (P_IN | P_RDNORM)))
    HCHECK((armed & (AFD_POLL_RECEIVE | AFD_POLL_ACCEPT)) == 0);
  if (!(interest & P_PRI))
    HCHECK((armed & AFD_POLL_RECEIVE_EXPEDITED) == 0);
  if (!(interest & (P_OUT | P_WRNORM | P_WRBAND)))
    HCHECK((armed & AFD_POLL_SEND) == 0);

  /* Completeness: each reportable bit asked for is produced by some bit of
   * the armed AFD mask. */
  for (bit = 1; bit != 0; bit <<= 1) {
    uint32_t a, produced = 0;
    if (!(interest & bit) || !(allowed & bit))
      continue;
    for (a = 1; a <= AFD_KNOWN; a <<= 1) {
      if (armed & a)
        produced |= events_from_afd(a, interest);
    }
    HCHECKF(produced & bit, "interest 0x%x: bit 0x%x is never produced",
            interest, bit);
  }

  /* Reports: only interest bits plus ERR and HUP; never MSG or one-shot. */
  HCHECKF((out & ~allowed) == 0, "afd 0x%x interest 0x%x -> 0x%x", afd,
          interest, out);
  HCHECK((out & (P_MSG | P_ONESHOT | P_ONESHOT_158)) == 0);

  /* Bits AFD may set that we never asked for (CONNECT, unknown) and
   * LOCAL_CLOSE on its own report nothing. */
  HCHECK(events_from_afd(afd & ~AFD_KNOWN, interest) == 0);
  HCHECK(events_from_afd(AFD_POLL_LOCAL_CLOSE, interest) == 0);
  HCHECK(events_from_afd(0, interest) == 0);

  /* Bit by bit: the translation of a set is the union of its bits'. */
  {
    uint32_t a, uni = 0;
    for (a = 1; a != 0; a <<= 1) {
      if (afd & a)
        uni |= events_from_afd(a, interest);
    }
    HCHECK(uni == out);
  }

  /* What Linux reports, bit by bit (restricted to the interest), as
   * tests/oracle measures it. */
  if (afd & (AFD_POLL_ABORT | AFD_POLL_CONNECT_FAIL)) {
    uint32_t broken = P_IN | P_RDNORM | P_OUT | P_WRNORM | P_WRBAND | P_RDHUP;
    HCHECK((out & (P_ERR | P_HUP)) == (P_ERR | P_HUP));
    HCHECK((out & broken) == (interest & broken));
  }
  if (afd & (AFD_POLL_RECEIVE | AFD_POLL_ACCEPT | AFD_POLL_DISCONNECT |
             AFD_POLL_ABORT))
    HCHECK((out & (P_IN | P_RDNORM)) == (interest & (P_IN | P_RDNORM)));
  if (afd & AFD_POLL_DISCONNECT)
    HCHECK((out & P_RDHUP) == (interest & P_RDHUP));
  if (afd & AFD_POLL_SEND)
    HCHECK((out & (P_OUT | P_WRNORM | P_WRBAND)) ==
           (interest & (P_OUT | P_WRNORM | P_WRBAND)));
  if (afd & AFD_POLL_RECEIVE_EXPEDITED)
    HCHECK((out & P_PRI) == (interest & P_PRI));
  /* Only a reset or a failed connect makes HUP or ERR. */
  if (!(afd & (AFD_POLL_ABORT | AFD_POLL_CONNECT_FAIL)))
    HCHECK((out & (P_HUP | P_ERR)) == 0);
  /* Read bits come only from read-side AFD bits (or a broken socket),
   * write bits only from SEND (or a broken socket), urgent bits only from
   * RECEIVE_EXPEDITED. */
  if (!(afd & (AFD_POLL_RECEIVE | AFD_POLL_ACCEPT | AFD_POLL_DISCONNECT |
               AFD_POLL_ABORT | AFD_POLL_CONNECT_FAIL)))
    HCHECK((out & (P_IN | P_RDNORM)) == 0);
  if (!(afd & (AFD_POLL_SEND | AFD_POLL_ABORT | AFD_POLL_CONNECT_FAIL)))
    HCHECK((out & (P_OUT | P_WRNORM | P_WRBAND)) == 0);
  if (!(afd & AFD_POLL_RECEIVE_EXPEDITED))
    HCHECK((out & (P_PRI | P_RDBAND)) == 0);
}

#endif /* HOST_EVENTS_PROPS_H_ */
