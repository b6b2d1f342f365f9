/* The allocator's part of the seam of lib/os.h, on its own so that the
 * parts of lib/ that need no Windows header (the socket map) include only
 * this, and build natively for the host-side tests too.  Shipped builds
 * get the C library's calls; the model build (WEPOLL_OS_MODEL) gets
 * tests/model/'s, which can fail on demand and count what is live. */
#ifndef WEPOLL_OS_ALLOC_H_
#define WEPOLL_OS_ALLOC_H_

#include <stdlib.h>

#ifdef WEPOLL_OS_MODEL

void* os_malloc(size_t size);
void* os_calloc(size_t count, size_t size);
void os_free(void* memory);

#else /* the plain calls */

static inline void* os_malloc(size_t size) {
  return malloc(size);
}
static inline void* os_calloc(size_t count, size_t size) {
  return calloc(count, size);
}
static inline void os_free(void* memory) {
  free(memory);
}

#endif /* WEPOLL_OS_MODEL */

#endif /* WEPOLL_OS_ALLOC_H_ */
