/* lib/errmap.c on the host: the documented errno / Win32 pairs, round
 * trips, and consistency for every code in the ranges the library meets. */
#include <errno.h>
#include <stdio.h>

#include "check.h"
#include "errmap.h"

typedef struct pair {
  int errno_value;
  uint32_t win32;
} pair;

int main(void) {
  /* The pairs include/wepoll.h documents. */
  static const pair documented[] = {
      {EBADF, 6},        /* ERROR_INVALID_HANDLE */
      {EINVAL, 87},      /* ERROR_INVALID_PARAMETER */
      {EFAULT, 998},     /* ERROR_NOACCESS */
      {ENOTSOCK, 10038}, /* WSAENOTSOCK */
      {EEXIST, 183},     /* ERROR_ALREADY_EXISTS */
      {ENOENT, 1168},    /* ERROR_NOT_FOUND */
      {ENOMEM, 8},       /* ERROR_NOT_ENOUGH_MEMORY */
  };
  unsigned long checked = 0;
  uint32_t w;
  int e;
  size_t i;

  for (i = 0; i < sizeof documented / sizeof documented[0]; i++) {
    HCHECKF(errmap_win32_from_errno(documented[i].errno_value) ==
                documented[i].win32,
            "errno %d", documented[i].errno_value);
    HCHECKF(errmap_errno_from_win32(documented[i].win32) ==
                documented[i].errno_value,
            "win32 %u", documented[i].win32);
    checked += 2;
  }
  /* Unknown codes: EINVAL; unknown errno: ERROR_INVALID_PARAMETER. */
  HCHECK(errmap_errno_from_win32(0xdeadbeefu) == EINVAL);
  HCHECK(errmap_win32_from_errno(-12345) == 87);

  /* Every code maps to an errno whose reported code maps back to the same
   * errno (the pair an error path sets is self-consistent). */
  for (w = 0; w < 20000; w++) {
    int en = errmap_errno_from_win32(w);
    HCHECKF(errmap_errno_from_win32(errmap_win32_from_errno(en)) == en,
            "win32 %u -> errno %d", w, en);
    checked++;
  }
  /* Every errno value: its reported code maps back to it, or it is one the
   * table does not know (then ERROR_INVALID_PARAMETER). */
  for (e = 0; e < 4096; e++) {
    uint32_t code = errmap_win32_from_errno(e);
    HCHECKF(errmap_errno_from_win32(code) == e || code == 87,
            "errno %d -> win32 %u", e, code);
    checked++;
  }
  printf("test_errmap: OK (%lu checks)\n", checked);
  return 0;
}
