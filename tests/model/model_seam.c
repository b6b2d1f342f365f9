/* The seam itself: lib/'s calls reach tests/model/, an armed failure is
 * taken exactly on the use it names and reported as documented, and the
 * accounting sees what a port holds and that closing it gives all back. */
#include "../common.h"
#include "model.h"

int main(void) {
  test_init();
  model_fail_clear();
  /* The first port also makes what lives as long as the process (the
   * registry of ports, Winsock's start-up): count from after it. */
  HANDLE first = epoll_create1(0);
  CHECK(first != NULL);
  CHECK(epoll_close(first) == 0);
  long allocations = model_live_allocations();
  long handles = model_live_handles();

  /* A port is made through the seam: a completion port, memory. */
  unsigned long ports = model_calls(MODEL_CREATE_IO_COMPLETION_PORT);
  HANDLE ep = epoll_create1(0);
  CHECK(ep != NULL);
  CHECK(model_calls(MODEL_CREATE_IO_COMPLETION_PORT) > ports);
  CHECK(model_live_allocations() > allocations);
  CHECK(model_live_handles() > handles);
  CHECK(epoll_close(ep) == 0);
  CHECKF(model_live_allocations() == allocations, "%ld allocations live",
         model_live_allocations() - allocations);
  CHECKF(model_live_handles() == handles, "%ld handles live",
         model_live_handles() - handles);

  /* The next calloc fails: epoll_create1 says ENOMEM, as documented for
   * a port that cannot get memory, and takes nothing. */
  model_fail_nth(MODEL_CALLOC, 1, 0);
  CHECK_FAILS_NULL(epoll_create1(0), ENOMEM, ERROR_NOT_ENOUGH_MEMORY);
  CHECK(model_failed(MODEL_CALLOC));
  CHECK(model_live_allocations() == allocations);
  CHECK(model_live_handles() == handles);

  /* An armed failure further on is not taken early. */
  model_fail_nth(MODEL_CREATE_IO_COMPLETION_PORT, 1000,
                 ERROR_NO_SYSTEM_RESOURCES);
  ep = epoll_create1(0);
  CHECK(ep != NULL);
  CHECK(!model_failed(MODEL_CREATE_IO_COMPLETION_PORT));
  CHECK(epoll_close(ep) == 0);

  /* The completion port refused: the Win32 error comes through. */
  model_fail_nth(MODEL_CREATE_IO_COMPLETION_PORT, 1,
                 ERROR_NO_SYSTEM_RESOURCES);
  SetLastError(0);
  CHECK(epoll_create1(0) == NULL);
  CHECKF(GetLastError() == ERROR_NO_SYSTEM_RESOURCES, "GetLastError %lu",
         GetLastError());
  CHECK(model_live_allocations() == allocations);
  CHECK(model_live_handles() == handles);

  /* Once the failure is spent the port works again. */
  model_fail_clear();
  ep = epoll_create1(0);
  CHECK(ep != NULL);
  CHECK(epoll_close(ep) == 0);
  CHECK(model_live_allocations() == allocations);
  CHECK(model_live_handles() == handles);
  printf("PASS model_seam\n");
  return 0;
}
