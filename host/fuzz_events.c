/* libFuzzer target: arbitrary (interest, AFD events) pairs through the
 * translation properties of events_props.h. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "events_props.h"

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  while (size >= 8) {
    uint32_t interest, afd;
    memcpy(&interest, data, 4);
    memcpy(&afd, data + 4, 4);
    props_check(interest, afd);
    /* The same interest restricted to defined bits, as the API lets in. */
    props_check(interest & P_DEFINED, afd);
    data += 8;
    size -= 8;
  }
  return 0;
}
