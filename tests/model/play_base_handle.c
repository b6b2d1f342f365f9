/* SIO_BASE_HANDLE, played as Windows documents it ("Winsock IOCTLs",
 * learn.microsoft.com/windows/win32/winsock/winsock-ioctls): it "retrieves
 * the base service provider handle for a given socket", which differs from
 * the socket when a layered service provider wraps it; and WSAIoctl
 * (learn.microsoft.com/windows/win32/api/winsock2/nf-winsock2-wsaioctl)
 * fails with WSAENOTSOCK when "the descriptor s is not a socket", and with
 * WSAEFAULT when the output buffer is too small.  Wine 8 answers any value
 * with itself, non-sockets included, and has no layered providers.
 *
 * Played: a value that is no socket is refused; a socket that a test
 * declared layered (model_set_base_handle) answers the base it was given;
 * any other socket is its own base (the plain call). */
#include "play.h"

enum { BASE_PAIRS = 64 };

typedef struct base_pair {
  SOCKET layered;
  SOCKET base;
} base_pair;

static SRWLOCK base_lock = SRWLOCK_INIT;
static base_pair base_pairs[BASE_PAIRS];

void model_set_base_handle(SOCKET layered, SOCKET base) {
  int i;
  int free_slot = -1;
  AcquireSRWLockExclusive(&base_lock);
  for (i = 0; i < BASE_PAIRS; i++) {
    if (base_pairs[i].layered == layered && layered != 0)
      break;
    if (base_pairs[i].layered == 0 && free_slot < 0)
      free_slot = i;
  }
  if (i == BASE_PAIRS)
    i = free_slot;
  if (i >= 0) {
    bool forget = base == INVALID_SOCKET || base == layered;
    base_pairs[i].layered = forget ? 0 : layered;
    base_pairs[i].base = forget ? 0 : base;
  }
  ReleaseSRWLockExclusive(&base_lock);
}

static SOCKET base_lookup(SOCKET sock) {
  SOCKET base = INVALID_SOCKET;
  int i;
  AcquireSRWLockShared(&base_lock);
  for (i = 0; i < BASE_PAIRS; i++) {
    if (base_pairs[i].layered == sock && sock != 0)
      base = base_pairs[i].base;
  }
  ReleaseSRWLockShared(&base_lock);
  return base;
}

int play_base_handle(SOCKET sock, void* out, DWORD out_size, DWORD* returned) {
  int type;
  int length = sizeof type;
  SOCKET base;
  /* Whether the value is a socket at all: SO_TYPE answers for every
   * socket and refuses anything else, on Wine too. */
  if (getsockopt(sock, SOL_SOCKET, SO_TYPE, (char*) &type, &length) != 0) {
    int error = WSAGetLastError();
    WSASetLastError(error == WSANOTINITIALISED ? error : WSAENOTSOCK);
    return SOCKET_ERROR;
  }
  if (out == NULL || out_size < sizeof(SOCKET)) {
    WSASetLastError(WSAEFAULT);
    return SOCKET_ERROR;
  }
  base = base_lookup(sock);
  if (base == INVALID_SOCKET)
    return WSAIoctl(sock, SIO_BASE_HANDLE, NULL, 0, out, out_size, returned,
                    NULL, NULL);
  *(SOCKET*) out = base;
  if (returned != NULL)
    *returned = sizeof(SOCKET);
  return 0;
}
