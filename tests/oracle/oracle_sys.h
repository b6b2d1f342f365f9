/* What the oracle's scenarios need from the system, in two spellings: the
 * Linux kernel's epoll and sockets, or wepoll.h with Winsock.  The
 * scenarios use only the names below and the epoll names (never the
 * numbers: EPOLL_CTL_MOD and _DEL differ between the two). */
#ifndef WEPOLL_ORACLE_SYS_H_
#define WEPOLL_ORACLE_SYS_H_

#ifdef _WIN32

#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>

#include "wepoll.h"

typedef SOCKET sock_t;
typedef HANDLE port_t;
#define SYS_NAME "wepoll"
#define SYS_NO_SOCKET INVALID_SOCKET
#define SYS_NO_PORT NULL
#ifndef SHUT_WR
#define SHUT_RD SD_RECEIVE
#define SHUT_WR SD_SEND
#define SHUT_RDWR SD_BOTH
#endif

static void sys_init(void) {
  WSADATA data;
  SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX);
  if (WSAStartup(MAKEWORD(2, 2), &data) != 0)
    ExitProcess(1);
}
static port_t sys_port_new(void) {
  return epoll_create1(0);
}
static void sys_port_close(port_t port) {
  epoll_close(port);
}
static void sys_close(sock_t s) {
  closesocket(s);
}
static int sys_error(void) {
  return WSAGetLastError();
}
static int sys_would_block(int error) {
  return error == WSAEWOULDBLOCK || error == WSAEINPROGRESS;
}
static void sys_nonblocking(sock_t s) {
  u_long on = 1;
  ioctlsocket(s, FIONBIO, &on);
}
static void sys_sleep_ms(int ms) {
  Sleep((DWORD) ms);
}

#else /* Linux */

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

typedef int sock_t;
typedef int port_t;
#define SYS_NAME "linux"
#define SYS_NO_SOCKET (-1)
#define SYS_NO_PORT (-1)

static void sys_init(void) {}
static port_t sys_port_new(void) {
  return epoll_create1(0);
}
static void sys_port_close(port_t port) {
  close(port);
}
static void sys_close(sock_t s) {
  close(s);
}
static int sys_error(void) {
  return errno;
}
static int sys_would_block(int error) {
  return error == EAGAIN || error == EWOULDBLOCK || error == EINPROGRESS;
}
static void sys_nonblocking(sock_t s) {
  fcntl(s, F_SETFL, fcntl(s, F_GETFL) | O_NONBLOCK);
}
static void sys_sleep_ms(int ms) {
  struct timespec t;
  t.tv_sec = ms / 1000;
  t.tv_nsec = (long) (ms % 1000) * 1000000L;
  nanosleep(&t, NULL);
}

#endif

#endif /* WEPOLL_ORACLE_SYS_H_ */
