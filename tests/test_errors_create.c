/* epoll_create(size <= 0) and epoll_create1 with a flag other than
 * WEPOLL_CLOSE_TRACKING and EPOLL_CLOEXEC fail with EINVAL /
 * ERROR_INVALID_PARAMETER; valid arguments, each flag included, still give
 * a working port. */
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
  CHECK_FAILS_NULL(epoll_create1(INT_MIN), E_INVAL);
  CHECK_FAILS_NULL(epoll_create1(EPOLL_CLOEXEC | 2), E_INVAL);
  CHECK_FAILS_NULL(epoll_create1(EPOLL_CLOEXEC << 1), E_INVAL);

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

  /* EPOLL_CLOEXEC is Linux's value and gives a port like any other, whose
   * handle a child process does not inherit. */
  CHECK(EPOLL_CLOEXEC == 0x80000);
  ep = epoll_create1(EPOLL_CLOEXEC);
  CHECK(ep != NULL);
  {
    DWORD flags = 0;
    CHECK(GetHandleInformation(ep, &flags));
    CHECK((flags & HANDLE_FLAG_INHERIT) == 0);
  }
  CHECK(epoll_close(ep) == 0);

  printf("ok\n");
  return 0;
}
