/* SIO_BASE_HANDLE, played as Windows documents it (play_base_handle.c):
 * refused for a value that is no socket, and for a socket a layered
 * service provider wraps, the base provider's socket, which lib/ must poll
 * instead.  A model of Windows, not Windows: the native Windows workflow
 * remains the proof. */
#include "../common.h"
#include "../../lib/os.h"
#include "model.h"

#ifndef SIO_BASE_HANDLE
#define SIO_BASE_HANDLE 0x48000022
#endif

static int base_of(SOCKET sock, SOCKET* base) {
  DWORD bytes = 0;
  *base = INVALID_SOCKET;
  return os_wsa_ioctl(sock, SIO_BASE_HANDLE, NULL, 0, base, sizeof *base,
                      &bytes);
}

int main(void) {
  SOCKET layered, base, peer, other;
  SOCKET answer;
  HANDLE event, ep;
  test_addr layered_addr;
  struct epoll_event out;
  test_init();
  if (!(model_play() & MODEL_PLAY_BASE_HANDLE))
    skip("SIO_BASE_HANDLE not played (WEPOLL_MODEL_PLAY)");

  /* A value that is no socket: refused with WSAENOTSOCK. */
  event = CreateEventW(NULL, FALSE, FALSE, NULL);
  CHECK(event != NULL);
  CHECK(base_of((SOCKET) event, &answer) == SOCKET_ERROR);
  CHECKF(WSAGetLastError() == WSAENOTSOCK, "WSAGetLastError %d",
         WSAGetLastError());
  /* ... and lib/ refuses it as no socket. */
  ep = epoll_create1(0);
  CHECK(ep != NULL);
  {
    struct epoll_event ev = {EPOLLIN, {0}};
    CHECK_FAILS(epoll_ctl(ep, EPOLL_CTL_ADD, (SOCKET) event, &ev), E_NOTSOCK);
  }

  /* A socket no provider wraps is its own base. */
  udp_pair(AF_INET, &base, &peer);
  CHECK(base_of(base, &answer) == 0);
  CHECK(answer == base);
  /* Too small a buffer: WSAEFAULT. */
  {
    DWORD bytes = 0;
    CHECK(os_wsa_ioctl(base, SIO_BASE_HANDLE, NULL, 0, &answer, 1, &bytes) ==
          SOCKET_ERROR);
    CHECK(WSAGetLastError() == WSAEFAULT);
  }

  /* A layered socket answers its base. */
  layered = udp_bound(AF_INET, &layered_addr);
  model_set_base_handle(layered, base);
  CHECK(base_of(layered, &answer) == 0);
  CHECK(answer == base);

  /* lib/ polls the base: a datagram for the layered socket's own value
   * (which the base provider never sees) reports nothing; one for the base
   * reports the registration of the layered value. */
  ep_add(ep, layered, EPOLLIN, 42);
  other = socket(AF_INET, SOCK_DGRAM, 0);
  CHECK(other != INVALID_SOCKET);
  CHECK(sendto(other, "x", 1, 0, (struct sockaddr*) &layered_addr.ss,
               layered_addr.len) == 1);
  ep_expect_none(ep, 200);
  CHECK(send(peer, "y", 1, 0) == 1);
  ep_wait_one(ep, &out, 5000);
  CHECKF(out.events == EPOLLIN && out.data.u64 == 42, "events 0x%x data %llu",
         out.events, (unsigned long long) out.data.u64);
  /* The registration is the layered value's: DEL it, not the base. */
  CHECK_FAILS(epoll_ctl(ep, EPOLL_CTL_DEL, base, NULL), E_NOENT);
  ep_del(ep, layered);

  model_set_base_handle(layered, INVALID_SOCKET);
  CHECK(base_of(layered, &answer) == 0);
  CHECK(answer == layered);
  CHECK(epoll_close(ep) == 0);
  closesocket(other);
  closesocket(layered);
  closesocket(base);
  closesocket(peer);
  CloseHandle(event);
  printf("PASS model_base_handle\n");
  return 0;
}
