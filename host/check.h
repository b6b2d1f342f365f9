/* Tiny check helper for the host-side (native Linux) tests of lib/'s pure
 * parts: prints the failed expression with file and line, then aborts so
 * the sanitizers and libFuzzer both see the failure. */
#ifndef HOST_CHECK_H_
#define HOST_CHECK_H_

#include <stdio.h>
#include <stdlib.h>

#define HCHECK(expr)                                                         \
  do {                                                                       \
    if (!(expr)) {                                                           \
      fprintf(stderr, "FAIL %s:%d: CHECK(%s)\n", __FILE__, __LINE__, #expr); \
      abort();                                                               \
    }                                                                        \
  } while (0)

#define HCHECKF(expr, ...)                                                   \
  do {                                                                       \
    if (!(expr)) {                                                           \
      fprintf(stderr, "FAIL %s:%d: CHECK(%s): ", __FILE__, __LINE__, #expr); \
      fprintf(stderr, __VA_ARGS__);                                          \
      fprintf(stderr, "\n");                                                 \
      abort();                                                               \
    }                                                                        \
  } while (0)

#endif /* HOST_CHECK_H_ */
