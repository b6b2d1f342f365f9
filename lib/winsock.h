/* The Winsock calls wepoll needs: start-up, telling a socket from any other
 * value, and finding the base (provider) socket that AFD can poll. */
#ifndef WEPOLL_WINSOCK_H_
#define WEPOLL_WINSOCK_H_

#include <stdbool.h>

#include <winsock2.h>

/* Starts Winsock once per process.  Returns 0, or -1 with errors set. */
int ws_init(void);

/* True for the two values no socket ever has (INVALID_SOCKET and 0): they
 * are refused without asking the system. */
bool ws_is_never_a_socket(SOCKET sock);

/* Returns the socket's type (SOCK_STREAM, SOCK_DGRAM, ...) when `sock` is
 * an open socket, or -1 with ENOTSOCK (or the system's error) set.  Safe
 * for any value: nothing is dereferenced. */
int ws_check_socket(SOCKET sock);

/* The socket under any layered providers, which is what AFD polls.
 * Returns INVALID_SOCKET with errors set on failure. */
SOCKET ws_base_socket(SOCKET sock);

#endif /* WEPOLL_WINSOCK_H_ */
