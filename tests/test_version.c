/* wepoll_version() reports the version of the library actually linked,
 * which for this build is the header's WEPOLL_VERSION. */
#include "common.h"

int main(void) {
  unsigned int v;
  test_init();
  v = wepoll_version();
  printf("wepoll_version() = %u, header %u\n", v, (unsigned) WEPOLL_VERSION);
  CHECK(v == WEPOLL_VERSION);
  CHECK(v / 10000 == WEPOLL_VERSION_MAJOR);
  CHECK(v / 100 % 100 == WEPOLL_VERSION_MINOR);
  CHECK(v % 100 == WEPOLL_VERSION_PATCH);
  printf("ok\n");
  return 0;
}
