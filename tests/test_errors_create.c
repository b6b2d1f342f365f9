/* epoll_create(size <= 0) and epoll_create1 with a flag it does not know
 * fail with EINVAL / ERROR_INVALID_PARAMETER; valid arguments, including
 * the WEPOLL_CLOSE_TRACKING flag, still give a working port. */
#include "common.h"

#include <limits.h>

int main(void) {
  HANDLE ep;
  test_init();

  CHECK_FAILS_NULL(epoll_create(0), E_INVAL);
  CHECK_FAILS_NULL(epoll_create(-1), E_INVAL);
  CHECK_FAILS_NULL(epoll_create(INT_MIN), E_INVAL);

  CHECK_FAILS_NULL(epoll_create1(2), E_INVAL);
  CHECK_FAILS_NULL(epoll_create1(WEPOLL_CLOSE_TRACKING | 2), E_INVAL);
  CHECK_FAILS_NULL(epoll_create1(-1), E_INVAL);
  CHECK_FAILS_NULL(epoll_create1(0x80000), E_INVAL); /* Linux EPOLL_CLOEXEC */

  /* Valid calls after the failures work. */
  ep = epoll_create(1);
  CHECK(ep != NULL);
  CHECK(epoll_close(ep) == 0);
  ep = epoll_create(INT_MAX);
  CHECK(ep != NULL);
  CHECK(epoll_close(ep) == 0);
  ep = epoll_create1(0);
  CHECK(ep != NULL);
  CHECK(epoll_close(ep) == 0);
  ep = epoll_create1(WEPOLL_CLOSE_TRACKING);
  CHECK(ep != NULL);
  CHECK(epoll_close(ep) == 0);

  printf("ok\n");
  return 0;
}
