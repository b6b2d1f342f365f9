#include "winsock.h"

#include <errno.h>

#include "error.h"
#include "os.h"

#ifndef SIO_BASE_HANDLE
#define SIO_BASE_HANDLE 0x48000022
#endif
#ifndef SIO_BSP_HANDLE_POLL
#define SIO_BSP_HANDLE_POLL 0x4800001D
#endif
#ifndef SIO_BSP_HANDLE_SELECT
#define SIO_BSP_HANDLE_SELECT 0x4800001C
#endif

static INIT_ONCE ws_init_once = INIT_ONCE_STATIC_INIT;
static int ws_init_error;

/* A start-up that failed is not recorded as done (FALSE), so the next
 * port tries again: its errors (WSASYSNOTREADY, WSAEPROCLIM) may pass. */
static BOOL CALLBACK ws_start(PINIT_ONCE once, PVOID parameter,
                              PVOID* context) {
  WSADATA data;
  (void) once;
  (void) parameter;
  (void) context;
  ws_init_error = os_wsa_startup(MAKEWORD(2, 2), &data);
  return ws_init_error == 0;
}

int ws_init(void) {
  if (!InitOnceExecuteOnce(&ws_init_once, ws_start, NULL, NULL)) {
    /* Read after a failed try; another thread's try may have succeeded
     * since, and an error is still owed. */
    int error = ws_init_error;
    return err_set_win32(error != 0 ? (DWORD) error : WSASYSNOTREADY);
  }
  return 0;
}

bool ws_is_never_a_socket(SOCKET sock) {
  return sock == INVALID_SOCKET || sock == 0;
}

int ws_check_socket(SOCKET sock) {
  int type;
  int length = sizeof type;
  if (ws_is_never_a_socket(sock))
    return err_set(ENOTSOCK);
  /* SO_TYPE answers for every socket and fails with WSAENOTSOCK for any
   * other value, on Windows and Wine alike (SIO_BASE_HANDLE does not). */
  if (os_getsockopt(sock, SOL_SOCKET, SO_TYPE, (char*) &type, &length) != 0) {
    int error = WSAGetLastError();
    /* Any other error (WSAENETDOWN, WSANOTINITIALISED) is the system's,
     * not a verdict on the value: pass it on. */
    return error == WSAENOTSOCK ? err_set(ENOTSOCK)
                                : err_set_win32((DWORD) error);
  }
  return type;
}

static SOCKET ws_ioctl_socket(SOCKET sock, DWORD ioctl) {
  SOCKET result = INVALID_SOCKET;
  DWORD bytes;
  if (os_wsa_ioctl(sock, ioctl, NULL, 0, &result, sizeof result, &bytes) != 0)
    return INVALID_SOCKET;
  return result;
}

SOCKET ws_base_socket(SOCKET sock) {
  /* A layered provider may refuse SIO_BASE_HANDLE; the BSP ioctls then name
   * the socket select() and poll() would use, which is what AFD needs. */
  static const DWORD ioctls[] = {SIO_BASE_HANDLE, SIO_BSP_HANDLE_POLL,
                                 SIO_BSP_HANDLE_SELECT};
  size_t i;
  int error = 0;
  for (i = 0; i < sizeof ioctls / sizeof ioctls[0]; i++) {
    SOCKET base = ws_ioctl_socket(sock, ioctls[i]);
    if (base != INVALID_SOCKET)
      return base;
    /* SIO_BASE_HANDLE's error says why: the others are only tried in case
     * a provider refused it, and may not be known at all. */
    if (i == 0)
      error = WSAGetLastError();
  }
  err_set_win32((DWORD) error);
  return INVALID_SOCKET;
}
